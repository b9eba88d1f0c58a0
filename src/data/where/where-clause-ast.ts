/**
 * Syntax tree of the ArcGIS "standardized SQL" where-clause language, produced by
 * `parseWhere` and consumed by the SQL and JavaScript compilers.
 * @module data/where/where-clause-ast
 */
import type { WhereFunctionName } from './where-clause-functions.js';

/** Field types a feature source reports; only 'date' changes how comparisons compile. */
export type WhereFieldType = 'integer' | 'double' | 'string' | 'date' | 'other';

/**
 * A constant. Date and timestamp values are canonical UTC text in the GeoPackage storage formats
 * (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS.sssZ`) so they can be bound as-is.
 */
export type LiteralNode =
  | { kind: 'literal'; type: 'string'; value: string }
  | { kind: 'literal'; type: 'number'; value: number }
  | { kind: 'literal'; type: 'boolean'; value: boolean }
  | { kind: 'literal'; type: 'null'; value: null }
  | { kind: 'literal'; type: 'date' | 'timestamp'; value: string };

/** A column reference, by the name the client wrote (resolution is the compiler's job). */
export interface FieldNode { kind: 'field'; name: string }

/** `NOT x` or `-x`. */
export interface UnaryNode { kind: 'unary'; op: 'NOT' | '-'; operand: WhereNode }

export type BinaryOperator = '+' | '-' | '*' | '/' | '||';
/** Arithmetic and string concatenation. */
export interface BinaryNode { kind: 'binary'; op: BinaryOperator; left: WhereNode; right: WhereNode }

/** `!=` is normalised to `<>` by the parser. */
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export interface ComparisonNode { kind: 'comparison'; op: ComparisonOperator; left: WhereNode; right: WhereNode }

/** n-ary so that long `a OR b OR c …` chains stay flat instead of nesting deeply. */
export interface LogicalNode { kind: 'logical'; op: 'AND' | 'OR'; operands: WhereNode[] }

export interface InNode { kind: 'in'; negated: boolean; value: WhereNode; list: WhereNode[] }
export interface BetweenNode { kind: 'between'; negated: boolean; value: WhereNode; low: WhereNode; high: WhereNode }
/** `escape` is a single character (validated by the parser) or null. */
export interface LikeNode { kind: 'like'; negated: boolean; value: WhereNode; pattern: WhereNode; escape: string | null }
export interface IsNullNode { kind: 'isNull'; negated: boolean; value: WhereNode }

/** A call to one of the allow-listed functions; arity is already checked. */
export interface FunctionNode { kind: 'function'; name: WhereFunctionName; args: WhereNode[] }

export type CastType = 'integer' | 'real' | 'text';
export interface CastNode { kind: 'cast'; value: WhereNode; type: CastType }

export type ExtractPart = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';
export interface ExtractNode { kind: 'extract'; part: ExtractPart; value: WhereNode }

/** `POSITION(needle IN haystack)`: 1-based character index, 0 when absent. */
export interface PositionNode { kind: 'position'; needle: WhereNode; haystack: WhereNode }

/** `SUBSTRING(value FROM start [FOR length])`. */
export interface SubstringNode { kind: 'substring'; value: WhereNode; start: WhereNode; length: WhereNode | null }

export type TrimSide = 'BOTH' | 'LEADING' | 'TRAILING';
/** `TRIM([side] [chars] FROM value)`; `chars` is a set of characters, null meaning a space. */
export interface TrimNode { kind: 'trim'; side: TrimSide; chars: WhereNode | null; value: WhereNode }

/** `CURRENT_DATE` / `CURRENT_TIMESTAMP` (UTC). */
export interface CurrentNode { kind: 'current'; what: 'DATE' | 'TIMESTAMP' }

/** Any where-clause expression. */
export type WhereNode =
  | LiteralNode | FieldNode | UnaryNode | BinaryNode | ComparisonNode | LogicalNode | InNode | BetweenNode
  | LikeNode | IsNullNode | FunctionNode | CastNode | ExtractNode | PositionNode | SubstringNode | TrimNode
  | CurrentNode;

/**
 * True when `node` is a date operand: a field of type 'date', a DATE/TIMESTAMP literal or
 * CURRENT_DATE/CURRENT_TIMESTAMP. A comparison, BETWEEN or IN touching one compares as instants
 * rather than as text, so `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ` values order correctly.
 */
export function isTemporalOperand(node: WhereNode, fieldType: (name: string) => WhereFieldType): boolean {
  switch (node.kind) {
    case 'literal': return node.type === 'date' || node.type === 'timestamp';
    case 'current': return true;
    case 'field': return fieldType(node.name) === 'date';
    default: return false;
  }
}

/**
 * The safe where-clause engine: parse ArcGIS standardized SQL once, then compile it to
 * parameterised SQL or to a JavaScript predicate.
 * @module data/where
 */
export type {
  BetweenNode, BinaryNode, BinaryOperator, CastNode, CastType, ComparisonNode, ComparisonOperator, CurrentNode,
  ExtractNode, ExtractPart, FieldNode, FunctionNode, InNode, IsNullNode, LikeNode, LiteralNode, LogicalNode,
  PositionNode, SubstringNode, TrimNode, TrimSide, UnaryNode, WhereFieldType, WhereNode,
} from './where-clause-ast.js';
export type { WhereFunctionName } from './where-clause-functions.js';
export { WhereClauseError, parseWhere } from './where-clause-parser.js';
export { compileWhereToSql, registerWhereFunctions } from './where-clause-sql.js';
export type { CompiledWhere, ResolvedField, SqlCompileOptions, SqlDialect } from './where-clause-sql.js';
export { compileWhereToPredicate } from './where-clause-predicate.js';
export type { PredicateField } from './where-clause-predicate.js';

/**
 * Label text expressions (mapserver.md §15.5): `labelExpression` with `[FIELD]` tokens and
 * double-quoted literals joined by `&`, and the Arcade subset of `labelExpressionInfo.expression`:
 * `$feature.FIELD`, `$feature["FIELD"]`, string literals and `+`. Anything else is refused, so the
 * caller can make the label class draw nothing rather than draw something wrong.
 * @module carto/label-expression
 */
import { fieldGetter } from './field-access.js';

type Attributes = Record<string, unknown>;
type Term = (attributes: Attributes) => unknown;

/** Compiled label text: the feature's label, or '' for none. */
export type LabelText = (attributes: Attributes) => string;

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));

/**
 * Splits `source` into terms separated by `operator`, reading each term with the first of `readers`
 * that matches at the current position. Returns null on anything unexpected.
 */
function parseTerms(source: string, operator: string, readers: readonly RegExp[], toTerm: (m: RegExpExecArray) => Term): Term[] | null {
  const terms: Term[] = [];
  let pos = 0;
  const skipSpace = () => { while (pos < source.length && /\s/.test(source[pos]!)) pos++; };
  for (;;) {
    skipSpace();
    let match: RegExpExecArray | null = null;
    for (const r of readers) {
      r.lastIndex = pos;
      match = r.exec(source);
      if (match) break;
    }
    if (!match) return null;
    terms.push(toTerm(match));
    pos += match[0].length;
    skipSpace();
    if (pos === source.length) return terms;
    if (source[pos] !== operator) return null;
    pos++;
  }
}

/** VBScript-style labelExpression readers: `[FIELD]` and `"literal"` (a doubled quote is a quote). */
const LEGACY_READERS = [/\[([^\]]+)\]/y, /"((?:[^"]|"")*)"/y];
/** Arcade readers: `$feature.NAME`, `$feature["NAME"]`, and single- or double-quoted strings. */
const ARCADE_READERS = [/\$feature\.([A-Za-z_][A-Za-z0-9_]*)/y, /\$feature\[\s*(?:"([^"]*)"|'([^']*)')\s*\]/y, /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/y];

/** Compiles a labelExpression such as `[NAM] & " (" & [POP] & ")"`; null when unsupported. */
export function compileLabelExpression(expression: string): LabelText | null {
  const terms = parseTerms(expression, '&', LEGACY_READERS, (m) => {
    if (m[0].startsWith('[')) return fieldGetter(m[1]!.trim());
    const literal = m[1]!.replace(/""/g, '"');
    return () => literal;
  });
  return terms && ((a) => terms.map((t) => text(t(a))).join(''));
}

const unescape = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' } as Record<string, string>)[c] ?? c);

/**
 * Compiles an Arcade expression of the supported subset; null when it is anything else.
 * `+` follows Arcade: two numbers add, otherwise the operands are joined as text.
 */
export function compileArcadeExpression(expression: string): LabelText | null {
  const source = expression.trim().replace(/;$/, '');
  const terms = parseTerms(source, '+', ARCADE_READERS, (m) => {
    if (m[0].startsWith('$')) return fieldGetter(m[1] ?? m[2] ?? m[3]!);
    const literal = unescape(m[1] ?? m[2] ?? '');
    return () => literal;
  });
  return terms && ((a) => {
    let acc: unknown = terms[0]!(a);
    for (let i = 1; i < terms.length; i++) {
      const v = terms[i]!(a);
      acc = typeof acc === 'number' && typeof v === 'number' ? acc + v : text(acc) + text(v);
    }
    return text(acc);
  });
}

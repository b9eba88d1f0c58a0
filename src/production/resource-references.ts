/**
 * `[Name]` references in operation parameter values (tps.md §5.3): splitting a value into text
 * and references, substituting resource values, and the built-in resources every job supplies.
 * A value that is exactly `[Name]` takes the resource's value unchanged (a number stays a
 * number, the AOI geometry stays an object); a reference inside longer text is written as text.
 * `[[` writes a literal `[`.
 * @module production/resource-references
 */

/** Resources every job supplies; a product's own `resources` may not reuse these names. */
export const BUILT_IN_RESOURCES = [
  'AOILayer', 'AOIGeometry', 'SheetID', 'SheetIDField', 'ProductName', 'ProductVersion', 'GridType', 'Scale',
  'Layout', 'Raster', 'ExtractionDatabase', 'OutputType', 'ExportName', 'JobDate',
] as const;
export type BuiltInResource = (typeof BUILT_IN_RESOURCES)[number];

/** Whether a reference names a built-in resource (references match names exactly). */
export function isBuiltInResource(name: string): name is BuiltInResource {
  return (BUILT_IN_RESOURCES as readonly string[]).includes(name);
}

/** Whether a resource name would shadow a built-in one; compared case-insensitively so look-alikes are refused too. */
export function isBuiltInResourceName(name: string): boolean {
  const key = name.toLowerCase();
  return BUILT_IN_RESOURCES.some((b) => b.toLowerCase() === key);
}

/** A value split into literal text and references, in order. */
export type ValuePart = { text: string } | { ref: string };

/** A value whose brackets do not form references: an unclosed `[` or an empty `[]`. */
export class ReferenceSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceSyntaxError';
  }
}

/**
 * Splits a parameter value into text and `[Name]` references. `[[` is a literal `[`; a `]`
 * outside a reference is literal. Throws ReferenceSyntaxError for `[` without its `]`, an empty
 * `[]`, or a `[` inside a name.
 */
export function splitReferences(value: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c !== '[') { text += c; continue; }
    if (value[i + 1] === '[') { text += '['; i++; continue; }
    const close = value.indexOf(']', i + 1);
    if (close < 0) throw new ReferenceSyntaxError(`'[' at position ${i + 1} has no closing ']' (write '[[' for a literal '[')`);
    const name = value.slice(i + 1, close);
    if (name === '') throw new ReferenceSyntaxError(`empty reference '[]' at position ${i + 1}`);
    if (name.includes('[')) throw new ReferenceSyntaxError(`reference at position ${i + 1} holds a '[' (write '[[' for a literal '[')`);
    if (text) { parts.push({ text }); text = ''; }
    parts.push({ ref: name });
    i = close;
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** A resource's value at run time: text, a number, an object (AOIGeometry) or null (SheetID of a custom AOI). */
export type ResourceValue = string | number | boolean | Record<string, unknown> | null;

/** A reference to a name no resource has. */
export class UnknownReferenceError extends Error {
  constructor(readonly reference: string) {
    super(`unknown resource '[${reference}]'`);
    this.name = 'UnknownReferenceError';
  }
}

/**
 * Replaces the references of `value` by the resources' values: exactly `[Name]` gives the value
 * unchanged, references in longer text are written as text (null as '', objects as JSON).
 * Throws UnknownReferenceError or ReferenceSyntaxError.
 */
export function substituteReferences(value: string, lookup: (name: string) => ResourceValue | undefined): ResourceValue {
  const parts = splitReferences(value);
  const resolve = (name: string): ResourceValue => {
    const v = lookup(name);
    if (v === undefined) throw new UnknownReferenceError(name);
    return v;
  };
  if (parts.length === 1 && 'ref' in parts[0]!) return resolve(parts[0].ref);
  return parts.map((part) => {
    if ('text' in part) return part.text;
    const v = resolve(part.ref);
    return v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }).join('');
}

/**
 * Attribute look-up by field name. ArcGIS field names are case-insensitive, and renderers and
 * label expressions often spell them differently from the data, so a getter finds the key once
 * and remembers it.
 * @module carto/field-access
 */

/** Reads one attribute from a feature's attributes; undefined when the feature lacks the field. */
export type FieldGetter = (attributes: Record<string, unknown>) => unknown;

/** A getter for `name`, matching attribute keys exactly first and case-insensitively otherwise. */
export function fieldGetter(name: string): FieldGetter {
  const lower = name.toLowerCase();
  let key = name;
  return (attributes) => {
    if (key in attributes) return attributes[key];
    const found = Object.keys(attributes).find((k) => k.toLowerCase() === lower);
    if (found === undefined) return undefined;
    key = found;
    return attributes[key];
  };
}

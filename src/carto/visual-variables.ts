/**
 * Per-feature symbol size and rotation: the renderer's `rotationType`/`rotationExpression` and
 * the `sizeInfo` and `rotationInfo` visual variables. mapserver.md §15.4 leaves visual
 * variables out; these two are drawn because maps of wind, bearings and magnitudes need them.
 * Other visual variables (colour, opacity) and Arcade `valueExpression`s are ignored with a warning.
 * @module carto/visual-variables
 */
import { fieldGetter, type FieldGetter } from './field-access.js';
import type { Warn } from './warn-once.js';

type Json = Record<string, unknown>;
type Attributes = Record<string, unknown>;

/** Reads a per-feature number from attributes, or null when the feature has none. */
export type FeatureNumber = (attributes: Attributes) => number | null;

const finite = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** `[FIELD]`, the only rotationExpression form ArcGIS writes. */
const FIELD_TOKEN = /^\s*\[([^\]]+)\]\s*$/;

/** Degrees counter-clockwise from east for a value of a rotation field. */
const ROTATION_TYPES: Record<string, (v: number) => number> = {
  arithmetic: (v) => v,
  /** Compass bearing: clockwise from north. */
  geographic: (v) => 90 - v,
};

function rotationOf(field: FieldGetter, type: unknown): FeatureNumber {
  const toArithmetic = ROTATION_TYPES[String(type)] ?? ROTATION_TYPES.geographic!;
  return (a) => {
    const v = finite(field(a));
    return v === null ? null : toArithmetic(v);
  };
}

function visualVariables(renderer: Json): Json[] {
  return Array.isArray(renderer.visualVariables) ? renderer.visualVariables.filter((v): v is Json => !!v && typeof v === 'object') : [];
}

/**
 * The feature's rotation in degrees counter-clockwise from east, from a `rotationInfo` visual
 * variable or else the renderer's `rotationExpression`; null when the renderer sets none.
 */
export function compileRotation(renderer: Json, warn: Warn): FeatureNumber | null {
  const info = visualVariables(renderer).find((v) => v.type === 'rotationInfo');
  if (info && typeof info.field === 'string') return rotationOf(fieldGetter(info.field), info.rotationType);
  if (info) warn('rotationInfo without a field (valueExpression) is not supported; symbols are not rotated');
  if (typeof renderer.rotationExpression !== 'string' || renderer.rotationExpression.trim() === '') return null;
  const m = FIELD_TOKEN.exec(renderer.rotationExpression);
  if (!m) {
    warn(`rotationExpression ${JSON.stringify(renderer.rotationExpression)} is not supported (only [FIELD]); symbols are not rotated`);
    return null;
  }
  return rotationOf(fieldGetter(m[1]!), renderer.rotationType);
}

/** Piecewise-linear interpolation through (value, size) stops, clamped at both ends. */
function interpolate(stops: readonly [number, number][], v: number): number {
  if (v <= stops[0]![0]) return stops[0]![1];
  for (let i = 1; i < stops.length; i++) {
    const [x1, y1] = stops[i]!;
    if (v <= x1) {
      const [x0, y0] = stops[i - 1]!;
      return x1 === x0 ? y1 : y0 + ((v - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return stops[stops.length - 1]![1];
}

/** The (value, size in pt) stops of a sizeInfo: explicit `stops`, or the min/max data range. */
function sizeStops(info: Json): [number, number][] | null {
  if (Array.isArray(info.stops) && info.stops.length) {
    const stops = (info.stops as Json[]).map((s) => [finite(s.value), finite(s.size)] as const)
      .filter((s): s is readonly [number, number] => s[0] !== null && s[1] !== null).map(([v, s]) => [v, s] as [number, number]);
    return stops.length ? stops.sort((a, b) => a[0] - b[0]) : null;
  }
  const [d0, d1, s0, s1] = [finite(info.minDataValue), finite(info.maxDataValue), finite(info.minSize), finite(info.maxSize)];
  return d0 !== null && d1 !== null && s0 !== null && s1 !== null ? [[d0, s0], [d1, s1]] : null;
}

/**
 * The feature's symbol size in px from a `sizeInfo` visual variable (marker size, line width),
 * or null when the renderer has none it can use. Sizes in the JSON are points.
 * @param k px per pt.
 */
export function compileSize(renderer: Json, k: number, warn: Warn): FeatureNumber | null {
  const info = visualVariables(renderer).find((v) => v.type === 'sizeInfo' && v.target !== 'outline');
  for (const v of visualVariables(renderer)) {
    if (v.type !== 'sizeInfo' && v.type !== 'rotationInfo') warn(`visual variable ${String(v.type)} is not supported and is ignored`);
  }
  if (!info) return null;
  const stops = typeof info.field === 'string' ? sizeStops(info) : null;
  if (!stops) {
    warn('sizeInfo needs a field and numeric stops or min/max data values and sizes; symbol sizes are not varied');
    return null;
  }
  const field = fieldGetter(info.field as string);
  const norm = typeof info.normalizationField === 'string' ? fieldGetter(info.normalizationField) : null;
  return (a) => {
    let v = finite(field(a));
    if (v === null) return null;
    if (norm) {
      const d = finite(norm(a));
      if (!d) return null;
      v /= d;
    }
    return interpolate(stops, v) * k;
  };
}

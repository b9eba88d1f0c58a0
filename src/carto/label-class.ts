/**
 * Esri label classes (`drawingInfo.labelingInfo`, mapserver.md §15.5) compiled for one map:
 * scale range, `where` filter, text expression, placement and text symbol. A class whose
 * expression or where clause cannot be honoured draws nothing, with one warning.
 * @module carto/label-class
 */
import { compileWhereToPredicate, parseWhere, type WhereFieldType, type WhereNode } from '../data/where/index.js';
import type { RenderGeometryType } from './map-request.js';
import { compileArcadeExpression, compileLabelExpression, type LabelText } from './label-expression.js';
import { LINE_PLACEMENTS } from './line-label-placement.js';
import { POINT_PLACEMENTS } from './point-label-placement.js';
import { decodeTextSymbol, type TextStyle } from './text-symbol.js';
import type { Warn } from './warn-once.js';

type Json = Record<string, unknown>;
type Attributes = Record<string, unknown>;

/** How a label relates to its feature. */
export type PlacementFamily = 'point' | 'line' | 'polygon';

/** A compiled label class. */
export interface LabelClass {
  family: PlacementFamily;
  /** An esriServer*Placement* name valid for the family. */
  placement: string;
  /** Lower places first; classes without a priority come after all that have one. */
  priority: number;
  style: TextStyle;
  /** The feature's label text, or null when this class does not label it. */
  labelOf(attributes: Attributes): string | null;
}

const FAMILY: Record<RenderGeometryType, PlacementFamily> = {
  esriGeometryPoint: 'point', esriGeometryMultipoint: 'point', esriGeometryPolyline: 'line', esriGeometryPolygon: 'polygon',
};

/** Valid placements per family, and the one used when a class names none valid (ArcGIS's defaults). */
const PLACEMENTS: Record<PlacementFamily, { valid: (p: string) => boolean; fallback: string }> = {
  point: { valid: (p) => p in POINT_PLACEMENTS, fallback: 'esriServerPointLabelPlacementAboveRight' },
  line: { valid: (p) => p in LINE_PLACEMENTS, fallback: 'esriServerLinePlacementAboveAlong' },
  polygon: { valid: (p) => p === 'esriServerPolygonPlacementAlwaysHorizontal', fallback: 'esriServerPolygonPlacementAlwaysHorizontal' },
};

/** Field types for the where clause, judged from the first feature's values (features carry no schema here). */
const typeOf = (v: unknown): WhereFieldType =>
  typeof v === 'number' ? 'double' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'integer' : v instanceof Date ? 'date' : 'other';

/**
 * A predicate for the class's where clause. Fields are resolved, case-insensitively, against the
 * first feature seen; a clause naming an unknown field rejects every feature (with a warning).
 */
function wherePredicate(node: WhereNode, where: string, warn: Warn): (a: Attributes) => boolean {
  let compiled: ((a: Attributes) => boolean) | null = null;
  return (a) => {
    if (!compiled) {
      try {
        compiled = compileWhereToPredicate(node, (name) => {
          const key = name in a ? name : Object.keys(a).find((k) => k.toLowerCase() === name.toLowerCase());
          return key === undefined ? null : { key, type: typeOf(a[key]) };
        });
      } catch (e) {
        warn(`label class where ${JSON.stringify(where)} cannot be used (${(e as Error).message}); the class draws nothing`);
        compiled = () => false;
      }
    }
    return compiled(a);
  };
}

/** The class's text expression: Arcade when `labelExpressionInfo` has one, else `labelExpression`. */
function textExpression(cls: Json, warn: Warn): LabelText | null {
  const info = cls.labelExpressionInfo as Json | undefined;
  if (info && typeof info.expression === 'string') {
    const compiled = compileArcadeExpression(info.expression);
    if (!compiled) warn(`Arcade label expression ${JSON.stringify(info.expression)} is not supported; the class draws nothing`);
    return compiled;
  }
  if (typeof cls.labelExpression !== 'string') return null;
  const compiled = compileLabelExpression(cls.labelExpression);
  if (!compiled) warn(`label expression ${JSON.stringify(cls.labelExpression)} is not supported; the class draws nothing`);
  return compiled;
}

/** Whether `scale` lies in the class's range: minScale is the smallest scale (largest denominator), 0 for none. */
function inScale(cls: Json, scale: number): boolean {
  const min = Number(cls.minScale) || 0, max = Number(cls.maxScale) || 0;
  return (min <= 0 || scale <= min) && (max <= 0 || scale >= max);
}

function compileClass(cls: Json, family: PlacementFamily, k: number, warn: Warn): LabelClass | null {
  const text = textExpression(cls, warn);
  const style = decodeTextSymbol(cls.symbol as Json | undefined, k);
  if (!text || !style) return null;
  let filter: ((a: Attributes) => boolean) | null = null;
  if (typeof cls.where === 'string' && cls.where.trim() !== '') {
    try {
      filter = wherePredicate(parseWhere(cls.where), cls.where, warn);
    } catch (e) {
      warn(`label class where ${JSON.stringify(cls.where)} cannot be used (${(e as Error).message}); the class draws nothing`);
      return null;
    }
  }
  const placement = String(cls.labelPlacement ?? '');
  const priority = typeof cls.priority === 'number' && cls.priority >= 0 ? cls.priority : Number.MAX_SAFE_INTEGER;
  return {
    family,
    placement: PLACEMENTS[family].valid(placement) ? placement : PLACEMENTS[family].fallback,
    priority,
    style,
    labelOf: (a) => {
      if (filter && !filter(a)) return null;
      const label = text(a);
      return label.trim() === '' ? null : label;
    },
  };
}

/**
 * Compiles the label classes of a layer that apply at `scale`.
 * @param k px per pt (dpi / 72).
 */
export function compileLabelClasses(labelingInfo: readonly Json[], geometryType: RenderGeometryType, scale: number, k: number, warn: Warn): LabelClass[] {
  const family = FAMILY[geometryType];
  return labelingInfo.filter((cls) => cls && typeof cls === 'object' && inScale(cls, scale))
    .map((cls) => compileClass(cls, family, k, warn)).filter((c): c is LabelClass => c !== null);
}

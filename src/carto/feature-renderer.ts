/**
 * Esri renderers (mapserver.md §15.4) compiled once per layer into a classifier that picks each
 * feature's symbol: a table of compilers keyed by renderer `type`. Symbols are decoded once, and
 * features refer to them by index, so consecutive features with one symbol batch cheaply.
 * @module carto/feature-renderer
 */
import { fieldGetter } from './field-access.js';
import { decodeSymbol, type SymbolStyle } from './symbol-codec.js';
import { compileRotation, compileSize, type FeatureNumber } from './visual-variables.js';
import type { Warn } from './warn-once.js';

type Json = Record<string, unknown>;
type Attributes = Record<string, unknown>;

/** A compiled renderer. */
export interface FeatureStyler {
  /** Decoded symbols; null entries draw nothing. */
  symbols: (SymbolStyle | null)[];
  /** Index into `symbols` of the feature's symbol, or -1 when the feature is not drawn. */
  classify(attributes: Attributes): number;
  /** Symbol size in px (sizeInfo), or null when the renderer does not vary sizes. */
  size: FeatureNumber | null;
  /** Rotation in degrees counter-clockwise from east (map frame), or null when not rotated. */
  angle: FeatureNumber | null;
}

interface Classifier { symbols: (SymbolStyle | null)[]; classify(attributes: Attributes): number }
type RendererCompiler = (renderer: Json, k: number, warn: Warn) => Classifier;

const finite = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** ArcGIS writes and matches a null attribute as the value `<Null>` in unique value classes. */
const NULL_VALUE = '<Null>';

function valueText(v: unknown): string {
  if (v === null || v === undefined) return NULL_VALUE;
  return typeof v === 'string' ? v : String(v);
}

/** Percent-of-total normalisation scales by the total over all features, as a percentage. */
const NORMALIZERS: Record<string, (renderer: Json) => (v: number, a: Attributes) => number | null> = {
  esriNormalizeByField: (r) => {
    const by = typeof r.normalizationField === 'string' ? fieldGetter(r.normalizationField) : null;
    return (v, a) => {
      const d = by ? finite(by(a)) : null;
      return d ? v / d : null;
    };
  },
  /** Values at or below zero have no logarithm and fall to the default symbol. */
  esriNormalizeByLog: () => (v) => (v > 0 ? Math.log10(v) : null),
  esriNormalizeByPercentOfTotal: (r) => {
    const total = finite(r.normalizationTotal);
    return (v) => (total ? (v / total) * 100 : null);
  },
};

const RENDERERS: Record<string, RendererCompiler> = {
  simple: (r, k) => ({ symbols: [decodeSymbol(r.symbol, k)], classify: () => 0 }),

  uniqueValue: (r, k) => {
    const fields = [r.field1, r.field2, r.field3].filter((f): f is string => typeof f === 'string' && f !== '').map(fieldGetter);
    const delimiter = typeof r.fieldDelimiter === 'string' ? r.fieldDelimiter : ',';
    const infos = Array.isArray(r.uniqueValueInfos) ? (r.uniqueValueInfos as Json[]) : [];
    const symbols = infos.map((i) => decodeSymbol(i.symbol, k));
    const index = new Map<string, number>();
    infos.forEach((info, i) => {
      const value = valueText(info.value);
      if (!index.has(value)) index.set(value, i);
      // Numeric classes written as "1.50" still match the attribute 1.5.
      const n = fields.length === 1 ? finite(info.value) : null;
      if (n !== null && !index.has(String(n))) index.set(String(n), i);
    });
    const fallback = r.defaultSymbol ? symbols.push(decodeSymbol(r.defaultSymbol, k)) - 1 : -1;
    const key = fields.length === 1 ? (a: Attributes) => valueText(fields[0]!(a)) : (a: Attributes) => fields.map((f) => valueText(f(a))).join(delimiter);
    return { symbols, classify: (a) => index.get(key(a)) ?? fallback };
  },

  classBreaks: (r, k) => {
    const field = typeof r.field === 'string' ? fieldGetter(r.field) : () => null;
    const infos = (Array.isArray(r.classBreakInfos) ? (r.classBreakInfos as Json[]) : [])
      .map((i) => ({ max: finite(i.classMaxValue) ?? Infinity, symbol: decodeSymbol(i.symbol, k) }))
      .sort((a, b) => a.max - b.max);
    const maxima = infos.map((i) => i.max);
    const symbols = infos.map((i) => i.symbol);
    const fallback = r.defaultSymbol ? symbols.push(decodeSymbol(r.defaultSymbol, k)) - 1 : -1;
    const minValue = finite(r.minValue) ?? -Infinity;
    const normalize = NORMALIZERS[String(r.normalizationType)]?.(r) ?? null;
    return {
      symbols,
      classify: (a) => {
        let v = finite(field(a));
        if (v !== null && normalize) v = normalize(v, a);
        // Class i covers (max[i-1], max[i]]; the first class starts at minValue, included.
        if (v === null || v < minValue) return fallback;
        for (let i = 0; i < maxima.length; i++) if (v <= maxima[i]!) return i;
        return fallback;
      },
    };
  },
};

/**
 * The field whose total over all features a classBreaks renderer needs (percent-of-total
 * normalisation without `normalizationTotal`), or null. The caller sums it and passes the total
 * in the renderer's `normalizationTotal`.
 */
export function percentOfTotalField(renderer: Json | null | undefined): string | null {
  if (!renderer || renderer.type !== 'classBreaks' || renderer.normalizationType !== 'esriNormalizeByPercentOfTotal') return null;
  if (finite(renderer.normalizationTotal) !== null || typeof renderer.field !== 'string') return null;
  return renderer.field;
}

/**
 * Compiles a renderer. An unknown or missing renderer draws nothing (with a warning for an unknown one).
 * @param k px per pt (dpi / 72).
 */
export function compileRenderer(renderer: Json | null | undefined, k: number, warn: Warn): FeatureStyler {
  const compile = renderer ? RENDERERS[String(renderer.type)] : undefined;
  if (!renderer || !compile) {
    if (renderer) warn(`renderer type ${JSON.stringify(renderer.type)} is not supported; the layer draws nothing`);
    return { symbols: [], classify: () => -1, size: null, angle: null };
  }
  return { ...compile(renderer, k, warn), size: compileSize(renderer, k, warn), angle: compileRotation(renderer, warn) };
}

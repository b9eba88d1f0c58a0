/**
 * Esri JSON features — a client's feature collection, a feature service's query answer, the rows
 * of a CSV file — made drawable for a print (printing.md §12.4): geometries are read and
 * projected into the frame's SR, and the features are cut into consecutive runs, each a layer
 * for the map engine, so that draw order survives features that bring their own symbol:
 * - features drawn by the renderer form a run with the layer's renderer and label classes;
 * - features with their own symbol form a run drawn by a `uniqueValue` renderer on a synthetic
 *   attribute holding the index of the feature's symbol;
 * - text graphics (points with an esriTS carrying `text`) form a run drawn by label classes, one
 *   per text symbol, selected by the same synthetic attribute: the map engine draws esriTS only
 *   as labels, which also keeps their fonts, halos, offsets and angles exactly as labels draw them.
 * A temporal renderer is drawn as its parts: tracks, older observations, the latest per track.
 * @module printing/layers/esri-feature-layer
 */
import type { MapRequestLayer, RenderFeature, RenderGeometryType, RenderLayer } from '../../carto/map-request.js';
import { fieldGetter } from '../../carto/field-access.js';
import { esriTypeOf, EsriGeometryError, fromEsriGeometry } from '../../geo/esri-json.js';
import { eachPosition, type Geometry, type Position } from '../../geo/geometry.js';
import { getTransform, transformGeometry } from '../../geo/projection.js';
import { parseSpatialReference, SpatialReferenceError, type SpatialReference } from '../../geo/spatial-reference.js';
import { DRAWABLE_RENDERER_TYPES, hasCimSymbol } from '../../mapping/dynamic-layer-definition.js';
import { legendEntriesFromRenderer, type LegendEntry } from '../../sheet/surrounds/legend.js';
import { withOpacity, type PrintContext } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';

type Json = Record<string, unknown>;

/** An Esri JSON feature as clients and feature services send it. */
export interface EsriFeatureJson {
  geometry?: unknown;
  attributes?: Json | null;
  /** Overrides the renderer; an esriTS with `text` makes the feature a text graphic. */
  symbol?: Json | null;
}

/** A named set of Esri features. */
export interface EsriFeatureSet {
  /** Named in messages: `feature 3 of '<name>'`. */
  name: string;
  features: readonly EsriFeatureJson[];
  /** SR of geometries that carry none of their own; null: the frame's. */
  spatialReference: SpatialReference | null;
}

/** How a set of features is drawn. */
export interface EsriFeatureDrawing {
  /** `simple`, `uniqueValue`, `classBreaks` or `temporal`; null draws only features with their own symbols. */
  renderer: Json | null;
  /** Label classes, drawn only with `showLabels`. */
  labelingInfo: Json[] | null;
  showLabels: boolean;
  /** The layer's own transparency, percent; the web map layer's opacity is applied on top. */
  transparency: number;
  /** The layer's `timeInfo` (`trackIdField`, `startTimeField`), read by a temporal renderer. */
  timeInfo?: Json | null;
}

/** A feature read and projected into the frame's SR. */
interface ReadFeature { attributes: Json; geometry: Geometry; symbol: Json | null }

/** Synthetic attributes of runs: the index of a feature's own symbol, and a text graphic's text. */
const SYMBOL_FIELD = '__printSymbol';
const TEXT_FIELD = '__printText';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a symbol is a text graphic's. */
const isText = (symbol: Json | null): symbol is Json => symbol?.type === 'esriTS';

function allFinite(g: Geometry): boolean {
  let ok = true;
  eachPosition(g, (p) => { ok &&= Number.isFinite(p[0]) && Number.isFinite(p[1]); });
  return ok;
}

/** Reads and projects the features that have a geometry; one that cannot be read fails the print. */
function readFeatures(layer: WebMapLayer, set: EsriFeatureSet, frameSr: SpatialReference): ReadFeature[] {
  const fallback = set.spatialReference ?? frameSr;
  const out: ReadFeature[] = [];
  set.features.forEach((f, i) => {
    const fail = (why: string) => new PrintRequestError([`Layer '${layer.title}': feature ${i} of '${set.name}' ${why}`]);
    if (!isObject(f)) throw fail('is not an object');
    if (f.geometry === undefined || f.geometry === null) return;
    let geometry: Geometry | null;
    try {
      geometry = fromEsriGeometry(f.geometry);
      const own = isObject(f.geometry) ? parseSpatialReference(f.geometry.spatialReference) : null;
      geometry = geometry && transformGeometry(geometry, getTransform(own ?? fallback, frameSr));
    } catch (e) {
      if (e instanceof EsriGeometryError || e instanceof SpatialReferenceError) throw fail(`has a geometry that cannot be read: ${e.message}`);
      throw e;
    }
    // Positions the frame's SR cannot hold (a pole in Web Mercator) leave the feature out.
    if (!geometry || !allFinite(geometry)) return;
    out.push({ attributes: isObject(f.attributes) ? f.attributes : {}, geometry, symbol: isObject(f.symbol) ? f.symbol : null });
  });
  return out;
}

/** The SR an Esri object (`featureSet`, `layerDefinition`, a query answer) states, or null. */
export function statedSpatialReference(layer: WebMapLayer, ...candidates: unknown[]): SpatialReference | null {
  for (const sr of candidates) {
    if (sr === undefined || sr === null) continue;
    try { return parseSpatialReference(sr); } catch (e) {
      if (e instanceof SpatialReferenceError) throw new PrintRequestError([`Layer '${layer.title}': spatial reference cannot be used: ${e.message}`]);
      throw e;
    }
  }
  return null;
}

/** A group of features drawn with one renderer. */
interface Group { renderer: Json | null; features: ReadFeature[]; labels: boolean }

/** A time as epoch ms, from a number or a date string; null when absent. */
function timeOf(v: unknown): number | null {
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
}

/**
 * A temporal renderer's parts, bottom first: lines joining each track's points in time order
 * (`trackRenderer`), the observations (`observationRenderer`) and the latest observation of each
 * track (`latestObservationRenderer`, drawn instead of the observation symbol). Without
 * `timeInfo.trackIdField` all features are one track; without a time field, feature order is time order.
 */
function temporalGroups(renderer: Json, features: ReadFeature[], timeInfo: Json | null | undefined, warn: (m: string) => void): Group[] {
  const part = (key: string): Json | null => (isObject(renderer[key]) ? renderer[key] as Json : null);
  const observation = part('observationRenderer'), latest = part('latestObservationRenderer'), track = part('trackRenderer');
  if (Object.keys(renderer).some((k) => /ager$/i.test(k))) warn('symbol ageing of the temporal renderer is not drawn');
  const trackOf = typeof timeInfo?.trackIdField === 'string' ? fieldGetter(timeInfo.trackIdField) : () => null;
  const timeField = typeof timeInfo?.startTimeField === 'string' ? fieldGetter(timeInfo.startTimeField) : null;
  const tracks = new Map<unknown, number[]>();
  features.forEach((f, i) => {
    const key = trackOf(f.attributes) ?? null;
    const members = tracks.get(key);
    if (members) members.push(i); else tracks.set(key, [i]);
  });
  const time = (i: number) => (timeField ? timeOf(timeField(features[i]!.attributes)) ?? -Infinity : i);
  const latestOf = new Set<number>();
  const lines: ReadFeature[] = [];
  for (const [key, members] of tracks) {
    const ordered = [...members].sort((a, b) => time(a) - time(b) || a - b);
    latestOf.add(ordered[ordered.length - 1]!);
    const points = ordered.flatMap((i) => (features[i]!.geometry.type === 'Point' ? [features[i]!.geometry.coordinates as Position] : []));
    const attributes = typeof timeInfo?.trackIdField === 'string' ? { [timeInfo.trackIdField]: key } : {};
    if (points.length >= 2) lines.push({ attributes, geometry: { type: 'LineString', coordinates: points }, symbol: null });
  }
  const groups: Group[] = [];
  if (track) groups.push({ renderer: track, features: lines, labels: false });
  groups.push({ renderer: observation, features: latest ? features.filter((_, i) => !latestOf.has(i)) : features, labels: true });
  if (latest) groups.push({ renderer: latest, features: features.filter((_, i) => latestOf.has(i)), labels: true });
  return groups;
}

/** The esriServerPointLabelPlacement* that puts a text where its esriTS alignment says (baseline and centre by default). */
function textPlacement(symbol: Json): string {
  const vertical = ({ top: 'Below', middle: 'Center' } as Record<string, string>)[String(symbol.verticalAlignment)] ?? 'Above';
  const horizontal = ({ left: 'Right', right: 'Left' } as Record<string, string>)[String(symbol.horizontalAlignment)] ?? 'Center';
  return `esriServerPointLabelPlacement${vertical}${horizontal}`;
}

type RunKind = 'renderer' | 'symbol' | 'text';

/** Index of each distinct symbol of a run, by its JSON. */
class SymbolTable {
  readonly symbols: Json[] = [];
  private readonly index = new Map<string, number>();
  indexOf(symbol: Json): number {
    const key = JSON.stringify(symbol);
    let i = this.index.get(key);
    if (i === undefined) { i = this.symbols.push(symbol) - 1; this.index.set(key, i); }
    return i;
  }
}

/** One run of consecutive features of one kind and geometry type, as a layer for the map engine. */
function runLayer(kind: RunKind, geometryType: RenderGeometryType, features: ReadFeature[], group: Group, drawing: EsriFeatureDrawing, transparency: number): RenderLayer {
  const labelingInfo = group.labels && drawing.showLabels ? drawing.labelingInfo : null;
  const table = new SymbolTable();
  const drawn: RenderFeature[] = features.map(({ attributes, geometry, symbol }) => {
    if (kind === 'renderer') return { attributes, geometry };
    if (kind === 'symbol') return { attributes: { ...attributes, [SYMBOL_FIELD]: table.indexOf(symbol!) }, geometry };
    // Text graphics with one style share a label class; the text itself becomes an attribute.
    const { text, ...style } = symbol!;
    return { attributes: { [TEXT_FIELD]: typeof text === 'string' ? text : '', [SYMBOL_FIELD]: table.indexOf(style) }, geometry };
  });
  const drawingInfo = kind === 'renderer' ? { renderer: group.renderer, labelingInfo, transparency }
    : kind === 'symbol' ? {
      renderer: { type: 'uniqueValue', field1: SYMBOL_FIELD, uniqueValueInfos: table.symbols.map((symbol, i) => ({ value: String(i), symbol })) },
      labelingInfo, transparency,
    } : {
      renderer: null, transparency,
      // Text graphics place before every map label (priority 0), so labels give way to them.
      labelingInfo: table.symbols.map((symbol, i) => ({
        labelExpression: `[${TEXT_FIELD}]`, where: `${SYMBOL_FIELD} = ${i}`, labelPlacement: textPlacement(symbol), priority: 0, symbol,
      })),
    };
  return { id: 0, geometryType, drawingInfo, features: drawn };
}

/** The runs of one group, bottom first. */
function groupLayers(group: Group, drawing: EsriFeatureDrawing, transparency: number): RenderLayer[] {
  const out: RenderLayer[] = [];
  let run: ReadFeature[] = [];
  let key = '';
  const close = () => {
    if (!run.length) return;
    const [kind, geometryType] = key.split('|') as [RunKind, RenderGeometryType];
    out.push(runLayer(kind, geometryType, run, group, drawing, transparency));
    run = [];
  };
  for (const f of group.features) {
    const kind: RunKind = isText(f.symbol) ? 'text' : f.symbol ? 'symbol' : 'renderer';
    const k = `${kind}|${esriTypeOf(f.geometry.type)}`;
    if (k !== key) { close(); key = k; }
    run.push(f);
  }
  close();
  return out;
}

/**
 * The layers that draw `set`, bottom first, in the frame's SR and with the web map layer's
 * opacity applied; their `id`s are 0 (the caller numbers them). Renderers the map engine cannot
 * draw, CIM symbols and symbol ageing are reported through `context.warn`.
 */
export function esriFeatureLayers(layer: WebMapLayer, set: EsriFeatureSet, drawing: EsriFeatureDrawing, context: PrintContext): RenderLayer[] {
  const warned = new Set<string>();
  const warn = (m: string) => { if (!warned.has(m)) { warned.add(m); context.warn(`Layer '${layer.title}': ${m}`); } };
  const features = readFeatures(layer, set, context.frame.spatialReference);
  const transparency = withOpacity(drawing.transparency, layer.opacity);
  let renderer = drawing.renderer;
  if (renderer && renderer.type !== 'temporal' && !DRAWABLE_RENDERER_TYPES.has(String(renderer.type))) {
    warn(`renderer type '${String(renderer.type)}' of '${set.name}' is not supported; only features with their own symbols are drawn`);
    renderer = null;
  }
  if (hasCimSymbol(renderer) || features.some((f) => hasCimSymbol(f.symbol))) warn(`CIM symbols of '${set.name}' are not drawn`);
  const groups = renderer?.type === 'temporal'
    ? temporalGroups(renderer, features, drawing.timeInfo, warn)
    : [{ renderer, features, labels: true }];
  return groups.flatMap((g) => groupLayers(g, drawing, transparency));
}

/** Legend entries of a renderer: a temporal renderer shows its observation symbols. */
export function rendererLegend(title: string, renderer: Json | null | undefined): LegendEntry[] {
  const shown = renderer?.type === 'temporal' && isObject(renderer.observationRenderer) ? renderer.observationRenderer : renderer;
  return legendEntriesFromRenderer(title, shown);
}

/** A map engine layer with a web map layer's opacity laid over its own transparency. */
export function withLayerOpacity(l: MapRequestLayer, opacity: number): MapRequestLayer {
  if (l.kind === 'raster') return { ...l, transparency: withOpacity(l.transparency, opacity) };
  return { ...l, drawingInfo: { ...l.drawingInfo, transparency: withOpacity(l.drawingInfo.transparency, opacity) } };
}

/** Layers numbered from 0 in order, as one resolved print layer needs them. */
export function numbered<T extends MapRequestLayer>(layers: readonly T[]): T[] {
  return layers.map((l, i) => ({ ...l, id: i }));
}

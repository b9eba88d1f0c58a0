/**
 * A dynamic layer (mapserver.md §6 `dynamicLayers`, and the `layers` of a printed map service,
 * printing.md §12.4): a layer a client defines over one of the service's map layers, with its
 * own ID, drawingInfo, definition expression and scale range. Only `mapLayer` sources are
 * supported.
 *
 * A dynamic layer becomes a `MapLayer` whose definition is what the client sent, laid over the
 * map layer's. The map layer's own definition expression is kept apart as a where clause
 * (`ownWhere`), for the caller to pass as a request where clause keyed by the dynamic ID, so a
 * dynamic layer never shows rows the service hides; both are parsed separately and ANDed as trees.
 * @module mapping/dynamic-layer-definition
 */
import type { MapLayer, MapService } from '../catalog/map-service.js';
import type { LayerDefinition } from '../catalog/service-definition.js';
import { parseWhere, WhereClauseError, type WhereNode } from '../data/where/index.js';

type Json = Record<string, unknown>;

/** A dynamic layer the service cannot draw; the message says why, without naming the parameter. */
export class DynamicLayerError extends Error {}

/** A dynamic layer made drawable. */
export interface DynamicMapLayer {
  layer: MapLayer;
  /** The map layer's own definition expression, to AND with every request on the layer. */
  ownWhere?: WhereNode;
}

/** Renderer types the map engine draws (§15.4). */
export const DRAWABLE_RENDERER_TYPES: ReadonlySet<string> = new Set(['simple', 'uniqueValue', 'classBreaks']);
/** Map layer types a dynamic layer can draw: group layers and tables have nothing to draw. */
const DRAWABLE_TYPES = new Set(['Feature Layer', 'Raster Layer']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScale = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
/** Echoed user text stays short. */
const short = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Checks of a `drawingInfo` object: each key with its test and the reason given when it fails. */
const DRAWING_INFO_CHECKS: [key: string, ok: (v: unknown) => boolean, why: string][] = [
  ['renderer', (v) => v === undefined || (isObject(v) && DRAWABLE_RENDERER_TYPES.has(String(v.type))), `renderer type must be one of ${[...DRAWABLE_RENDERER_TYPES].join(', ')}`],
  ['transparency', (v) => v === undefined || (typeof v === 'number' && v >= 0 && v <= 100), 'transparency must be a number from 0 to 100'],
  ['labelingInfo', (v) => v === undefined || v === null || (Array.isArray(v) && v.every(isObject)), 'labelingInfo must be an array of label classes'],
  ['showLabels', (v) => v === undefined || typeof v === 'boolean', 'showLabels must be true or false'],
  ['scaleSymbols', (v) => v === undefined || typeof v === 'boolean', 'scaleSymbols must be true or false'],
];

/** Whether any object inside `v` is a CIM symbol, which the map engine cannot draw. */
export function hasCimSymbol(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasCimSymbol);
  if (!isObject(v)) return false;
  return v.type === 'CIMSymbolReference' || Object.values(v).some(hasCimSymbol);
}

/**
 * Reads one dynamic layer, `{id, source: {type: 'mapLayer', mapLayerId}, definitionExpression?,
 * drawingInfo?: {renderer, transparency, labelingInfo, showLabels}, minScale?, maxScale?}`, into
 * its layer. Keys of drawingInfo left out keep the map layer's; `showLabels: false` turns labels
 * off. Throws `DynamicLayerError` for anything the service cannot draw.
 */
export function dynamicMapLayer(o: unknown, service: MapService): DynamicMapLayer {
  const fail = (why: string) => new DynamicLayerError(why);
  if (!isObject(o)) throw fail('must be an object');
  if (!Number.isSafeInteger(o.id) || (o.id as number) < 0) throw fail('id must be a non-negative integer');
  const source = o.source;
  if (!isObject(source)) throw fail('source is required');
  if (source.type === 'dataLayer') throw fail('dataLayer sources are not supported; use a mapLayer source');
  if (source.type !== 'mapLayer') throw fail("source.type must be 'mapLayer'");
  const base = Number.isSafeInteger(source.mapLayerId) ? service.layerDefinition(source.mapLayerId as number) : undefined;
  if (!base) throw fail(`source.mapLayerId ${short(String(source.mapLayerId), 20)} is not a layer of this service`);
  if (!DRAWABLE_TYPES.has(base.type)) throw fail(`source.mapLayerId ${base.id} is a ${base.type.toLowerCase()}; only feature and raster layers can be drawn`);
  if (o.definitionExpression !== undefined && o.definitionExpression !== null && typeof o.definitionExpression !== 'string') throw fail('definitionExpression must be a string');
  const expression = (o.definitionExpression as string | null | undefined)?.trim() || undefined;
  if (expression) {
    try { parseWhere(expression); } catch (e) {
      if (e instanceof WhereClauseError) throw fail(`definitionExpression is invalid: ${e.message}`);
      throw e;
    }
  }
  if (!isScale(o.minScale) || !isScale(o.maxScale)) throw fail('minScale and maxScale must be numbers ≥ 0');
  const drawingInfo = o.drawingInfo ?? {};
  if (!isObject(drawingInfo)) throw fail('drawingInfo must be an object');
  for (const [key, ok, why] of DRAWING_INFO_CHECKS) if (!ok(drawingInfo[key])) throw fail(why);

  const own = base.drawingInfo ?? {};
  const definition: LayerDefinition = {
    ...base, id: o.id as number, parentLayerId: undefined, defaultVisibility: true, definitionExpression: expression,
    minScale: (o.minScale as number | undefined) ?? base.minScale, maxScale: (o.maxScale as number | undefined) ?? base.maxScale,
    drawingInfo: {
      renderer: (drawingInfo.renderer as Json | undefined) ?? own.renderer,
      transparency: (drawingInfo.transparency as number | undefined) ?? own.transparency,
      labelingInfo: drawingInfo.showLabels === false ? null : (drawingInfo.labelingInfo as Json[] | null | undefined) ?? own.labelingInfo ?? null,
    },
  };
  const layer: MapLayer = { ...service.layer(base.id)!, definition };
  return { layer, ownWhere: base.definitionExpression ? parseWhere(base.definitionExpression) : undefined };
}

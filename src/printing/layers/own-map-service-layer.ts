/**
 * Web map layers on this server's own map services (printing.md §12.4, §13 rule 1), drawn
 * in-process the way `export` draws them (mapping/service-map-layers), with no HTTP request:
 * - `mapService`: the sublayers `visibleLayers` names (absent: the service's default
 *   visibility; a group brings its children), or, when `layers` is given, those layers as
 *   dynamic layers (mapping/dynamic-layer-definition), which then take precedence: each drawn
 *   from its map layer (`layerDefinition.source.mapLayerId`, else its `id`) with its drawingInfo
 *   over the map layer's and its definition expression ANDed with the map layer's own;
 * - `tiledMapService`: the service as a dynamic map with its default visibility, since no tiles
 *   are needed in-process;
 * - `featureLayer` on `…/MapServer/<n>`: that layer with the `layerDefinition` given
 *   (drawingInfo, definitionExpression, objectIds), the `selectionObjectIds` drawn on top with
 *   `selectionSymbol`, labels only with `showLabels`.
 * Raster (terrain) layers draw too; scale ranges are honoured. No layer of the catalog is time
 * aware, so the frame's time filters nothing.
 * @module printing/layers/own-map-service-layer
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { WhereNode } from '../../data/where/index.js';
import { inScaleRange } from '../../geo/map-scale.js';
import { DRAWABLE_RENDERER_TYPES, DynamicLayerError, dynamicMapLayer, hasCimSymbol, type DynamicMapLayer } from '../../mapping/dynamic-layer-definition.js';
import { exportLayers, loadRasterLayers, renderMapLayers, type LayersOption } from '../../mapping/service-map-layers.js';
import { legendEntriesFromRenderer } from '../../sheet/surrounds/legend.js';
import type { OwnServiceTarget, PrintContext, PrintLegendGroup, ResolvedPrintLayer } from '../print-layer.js';
import { PrintRequestError, type WebMapLayer } from '../web-map.js';
import { withLayerOpacity } from './esri-feature-layer.js';

type Json = Record<string, unknown>;

/** What to draw of a service: its layers top first, their request where clauses, and which of them the legend shows. */
interface ServiceDrawing {
  layers: MapLayer[];
  layerDefs: Map<number, WhereNode>;
  /** IDs of the layers with a legend group (a selection is drawn but not listed). */
  legendIds: Set<number>;
}

/** Map layer types drawn by a dynamic layer; `layers` entries over groups and tables are passed over. */
const DRAWABLE_LAYER_TYPES = new Set(['Feature Layer', 'Raster Layer']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const object = (v: unknown): Json => (isObject(v) ? v : {});
const isIdList = (v: unknown): v is number[] => Array.isArray(v) && v.every((id) => Number.isSafeInteger(id));

const and = (...nodes: (WhereNode | undefined)[]): WhereNode | undefined => {
  const operands = nodes.filter((n): n is WhereNode => n !== undefined);
  return operands.length > 1 ? { kind: 'logical', op: 'AND', operands } : operands[0];
};

/** `<field> IN (ids)`. */
const idsWhere = (field: string, ids: number[]): WhereNode => ({
  kind: 'in', negated: false, value: { kind: 'field', name: field }, list: ids.map((value) => ({ kind: 'literal', type: 'number', value })),
});

/**
 * Draws a web map layer on one of this server's map services: `target` is what
 * `context.ownServices.resolve` found for its URL. Legend groups, top first: one per drawn
 * sublayer with symbols (`subLayerId` its ID, `title` its name).
 */
export async function resolveOwnServiceLayer(layer: WebMapLayer, target: OwnServiceTarget, context: PrintContext): Promise<ResolvedPrintLayer> {
  const { service } = target;
  const drawing = layer.kind === 'featureLayer' ? featureLayerDrawing(layer, target, context) : serviceDrawing(layer, target, context);
  const { frame } = context;
  const dems = await loadRasterLayers(service, drawing.layers, frame.scale);
  const layers = renderMapLayers(drawing.layers, {
    layerDefs: drawing.layerDefs, view: frame.view, imageSr: frame.spatialReference, scale: frame.scale, dems, drawCache: service.drawCache,
  });
  const legend: PrintLegendGroup[] = drawing.layers
    .filter((l) => drawing.legendIds.has(l.definition.id) && inScaleRange(frame.scale, l.definition.minScale, l.definition.maxScale))
    .map((l) => ({ subLayerId: l.definition.id, title: l.definition.name, entries: legendEntriesFromRenderer(l.definition.name, l.definition.drawingInfo?.renderer) }))
    .filter((g) => g.entries.length > 0);
  const credits = typeof layer.json.credits === 'string' && layer.json.credits ? layer.json.credits : service.definition.copyrightText;
  return { layers: layers.map((l) => withLayerOpacity(l, layer.opacity)), legend, ...(credits ? { credits } : {}) };
}

/** Reads a dynamic layer for the print, a problem failing it with `what` (the key it came from) named. */
function readDynamic(o: Json, service: MapService, layer: WebMapLayer, what: string): DynamicMapLayer {
  try {
    return dynamicMapLayer(o, service);
  } catch (e) {
    if (e instanceof DynamicLayerError) throw new PrintRequestError([`Layer '${layer.title}': ${what} ${e.message}`]);
    throw e;
  }
}

/**
 * A client drawingInfo the map engine can draw: a renderer of another type (heatmap, dot
 * density) is dropped with a warning, so the map layer's own renderer draws instead.
 */
function drawableInfo(drawingInfo: Json, layer: WebMapLayer, what: string, context: PrintContext): Json {
  if (hasCimSymbol(drawingInfo)) context.warn(`Layer '${layer.title}': ${what} uses CIM symbols, which are not drawn`);
  const { renderer, ...rest } = drawingInfo;
  if (renderer === undefined || renderer === null) return rest;
  if (isObject(renderer) && DRAWABLE_RENDERER_TYPES.has(String(renderer.type))) return drawingInfo;
  context.warn(`Layer '${layer.title}': ${what} renderer type '${String(object(renderer).type)}' is not supported; the service's renderer is drawn`);
  return rest;
}

/** A `mapService` or `tiledMapService`: `layers` when given, else the `visibleLayers` (a layer in the URL: that layer). */
function serviceDrawing(layer: WebMapLayer, target: OwnServiceTarget, context: PrintContext): ServiceDrawing {
  const { service } = target;
  const entries = layer.json.layers;
  if (layer.kind === 'mapService' && Array.isArray(entries) && entries.length > 0) return dynamicDrawing(entries, layer, service, context);
  const layers = exportLayers(service, layersOption(layer, target));
  return { layers, layerDefs: new Map(), legendIds: new Set(layers.map((l) => l.definition.id)) };
}

function layersOption(layer: WebMapLayer, target: OwnServiceTarget): LayersOption {
  if (target.layerId !== null) return { mode: 'show', ids: [target.layerId] };
  const visible = layer.json.visibleLayers;
  if (layer.kind !== 'mapService' || visible === undefined || visible === null) return { mode: 'default' };
  if (!isIdList(visible)) throw new PrintRequestError([`Layer '${layer.title}': visibleLayers must be an array of layer IDs`]);
  return { mode: 'show', ids: visible };
}

/** `layers`, top first: `[{id, name?, layerDefinition: {source?, definitionExpression, drawingInfo, minScale, maxScale}}]`. */
function dynamicDrawing(entries: unknown[], layer: WebMapLayer, service: MapService, context: PrintContext): ServiceDrawing {
  const drawing: ServiceDrawing = { layers: [], layerDefs: new Map(), legendIds: new Set() };
  entries.forEach((entry, i) => {
    const what = `layers[${i}]`;
    if (!isObject(entry)) throw new PrintRequestError([`Layer '${layer.title}': ${what} must be an object`]);
    const definition = object(entry.layerDefinition);
    const source = definition.source ?? { type: 'mapLayer', mapLayerId: entry.id };
    // Group layers and tables have nothing to draw of their own; their sublayers come as entries of their own.
    const base = isObject(source) && Number.isSafeInteger(source.mapLayerId) ? service.layerDefinition(source.mapLayerId as number) : undefined;
    if (base && !DRAWABLE_LAYER_TYPES.has(base.type)) return;
    const { layer: drawn, ownWhere } = readDynamic({
      id: entry.id, source, definitionExpression: definition.definitionExpression, minScale: definition.minScale, maxScale: definition.maxScale,
      drawingInfo: drawableInfo(object(definition.drawingInfo), layer, what, context),
    }, service, layer, what);
    const id = drawn.definition.id;
    if (drawing.legendIds.has(id)) throw new PrintRequestError([`Layer '${layer.title}': ${what} repeats id ${id}`]);
    const name = typeof entry.name === 'string' && entry.name ? entry.name : drawn.definition.name;
    drawing.layers.push({ ...drawn, definition: { ...drawn.definition, name } });
    drawing.legendIds.add(id);
    if (ownWhere) drawing.layerDefs.set(id, ownWhere);
  });
  return drawing;
}

/** A `featureLayer` on `…/MapServer/<n>`, with its selection on top. */
function featureLayerDrawing(layer: WebMapLayer, target: OwnServiceTarget, context: PrintContext): ServiceDrawing {
  const { service, layerId: id } = target;
  const fail = (why: string) => new PrintRequestError([`Layer '${layer.title}': ${why}`]);
  if (id === null) throw fail('a feature layer URL must end in a layer ID (…/MapServer/<n>)');
  const definition = object(layer.json.layerDefinition);
  const drawingInfo = drawableInfo(object(definition.drawingInfo), layer, 'layerDefinition', context);
  // printing.md §12.4: labels are drawn when `showLabels` says so.
  const showLabels = [layer.json.showLabels, drawingInfo.showLabels].includes(true);
  const common = { source: { type: 'mapLayer', mapLayerId: id }, definitionExpression: definition.definitionExpression, minScale: definition.minScale, maxScale: definition.maxScale };
  const main = readDynamic({ ...common, id, drawingInfo: { ...drawingInfo, showLabels } }, service, layer, 'layerDefinition');
  const objectIdField = main.layer.source?.schema.objectIdField;
  const objectIds = definition.objectIds;
  if (objectIds !== undefined && objectIds !== null && !isIdList(objectIds)) throw fail('layerDefinition.objectIds must be an array of integers');
  const drawing: ServiceDrawing = { layers: [main.layer], layerDefs: new Map(), legendIds: new Set([id]) };
  const where = and(main.ownWhere, objectIds?.length && objectIdField ? idsWhere(objectIdField, objectIds) : undefined);
  if (where) drawing.layerDefs.set(id, where);

  const selected = layer.json.selectionObjectIds;
  const symbol = layer.json.selectionSymbol;
  if (isIdList(selected) && selected.length > 0 && isObject(symbol) && objectIdField) {
    // Any ID other than the layer's will do: IDs need only be unique within this layer.
    const selection = readDynamic({ ...common, id: id + 1, drawingInfo: { renderer: { type: 'simple', symbol }, showLabels: false } }, service, layer, 'selectionSymbol');
    drawing.layers.unshift(selection.layer);
    drawing.layerDefs.set(id + 1, and(where, idsWhere(objectIdField, selected))!);
  }
  return drawing;
}

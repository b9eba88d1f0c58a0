/**
 * A service's layers made ready for the map engine: which layers are visible for a layer
 * selection (`layers=show|hide|include|exclude:ids`, group visibility), with their features
 * fetched inside the view (and a spatialFilter) and projected into the image's SR, and raster
 * layers painted from their DEMs on the image's own pixel grid. Export, tiles and the
 * topographic sheet all draw a service through here.
 * @module mapping/service-map-layers
 */
import type { MapLayer, MapService } from '../catalog/map-service.js';
import type { LayerDefinition } from '../catalog/service-definition.js';
import type { MapRequestLayer, RasterRenderLayer, RenderFeature, RenderGeometryType } from '../carto/map-request.js';
import type { DrawCache } from '../data/draw-cache.js';
import { parseWhere, type WhereNode } from '../data/where/index.js';
import type { Envelope, Geometry } from '../geo/geometry.js';
import { inScaleRange } from '../geo/map-scale.js';
import { getTransform, transformEnvelope, transformGeometry } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { prepareFilter, type PreparedFilter, type SpatialRelation } from '../geo/spatial-relation.js';
import type { DemSource } from '../terrain/dem-source.js';
import { renderTerrain } from '../terrain/terrain-renderer.js';

/** Which layers to draw: the service defaults, or ArcGIS's `show|hide|include|exclude` with layer IDs. */
export type LayersOption = { mode: 'default' } | { mode: 'show' | 'hide' | 'include' | 'exclude'; ids: number[] };

/** The layer and all layers below it in the group tree. */
export function withSublayers(service: MapService, id: number): number[] {
  const out = [id];
  for (const l of service.definition.layers) if (l.parentLayerId === id) out.push(...withSublayers(service, l.id));
  return out;
}

const defaultVisible = (service: MapService, l: LayerDefinition): boolean => {
  for (let cur: LayerDefinition | undefined = l; cur; cur = cur.parentLayerId !== undefined && cur.parentLayerId >= 0 ? service.layerDefinition(cur.parentLayerId) : undefined) {
    if (cur.defaultVisibility === false) return false;
  }
  return true;
};

/** IDs of the layers an export draws, before scale ranges. */
export function visibleLayerIds(service: MapService, option: LayersOption): Set<number> {
  const expand = (ids: number[]) => new Set(ids.flatMap((id) => withSublayers(service, id)));
  const defaults = new Set(service.definition.layers.filter((l) => defaultVisible(service, l)).map((l) => l.id));
  switch (option.mode) {
    case 'default': return defaults;
    case 'show': return expand(option.ids);
    case 'hide': { const hidden = expand(option.ids); return new Set(service.definition.layers.map((l) => l.id).filter((id) => !hidden.has(id))); }
    case 'include': return new Set([...defaults, ...expand(option.ids)]);
    case 'exclude': { const out = expand(option.ids); return new Set([...defaults].filter((id) => !out.has(id))); }
  }
}

/** A spatialFilter (mapserver.md §6): only features meeting it are drawn. */
export interface MapSpatialFilter { geometry: Geometry; spatialReference: SpatialReference; relation: SpatialRelation }

/** The service layers an export draws for `layers=…`, top first, before scale ranges. */
export function exportLayers(service: MapService, option: LayersOption): MapLayer[] {
  const visible = visibleLayerIds(service, option);
  return service.definition.layers
    .filter((d) => visible.has(d.id) && (d.type === 'Feature Layer' || d.type === 'Raster Layer'))
    .map((d) => service.layer(d.id)!);
}

/** Features of a layer inside `view` (image SR) that meet `filter`, projected into the image SR, lazily. */
function* layerFeatures(layer: MapLayer, view: Envelope, imageSr: SpatialReference, where: WhereNode | undefined, filter: PreparedFilter | null, cache: DrawCache | null): Iterable<RenderFeature> {
  const toLayer = getTransform(imageSr, layer.spatialReference);
  const toImage = getTransform(layer.spatialReference, imageSr);
  const bbox = transformEnvelope(view, toLayer);
  const request = { where, bbox, fields: layer.fields.map((f) => f.name), geometry: true };
  for (const row of cache ? cache.scan(layer.source!, request) : layer.source!.scan(request)) {
    if (!row.geometry || (filter && !filter.test(row.geometry))) continue;
    // A row already is a feature to draw when no projection is needed.
    yield toImage ? { attributes: row.attributes, geometry: transformGeometry(row.geometry, toImage) } : row as RenderFeature;
  }
}

/**
 * Reads the DEMs of the raster layers among `layers` drawn at `scale` (async, once per
 * process), for `renderLayers`, which is synchronous. Keyed by layer ID.
 */
export async function loadRasterLayers(service: MapService, layers: MapLayer[], scale: number): Promise<Map<number, DemSource>> {
  const rasters = layers.filter((l) => l.raster && inScaleRange(scale, l.definition.minScale, l.definition.maxScale));
  return new Map(await Promise.all(rasters.map(async (l) => [l.definition.id, await service.dem(l)] as const)));
}

/** A raster layer painted by its terrain rendering, in the image SR. */
function rasterLayer(layer: MapLayer, dem: DemSource, imageSr: SpatialReference): RasterRenderLayer {
  return {
    kind: 'raster', id: layer.definition.id, transparency: layer.definition.drawingInfo?.transparency ?? 0,
    paint: ({ width, height, view }) => renderTerrain(dem, layer.raster!.config, { width, height, spatialReference: imageSr, toMap: (px, py) => view.toMap(px, py) }),
  };
}

/** What `renderLayers` draws with besides the layers themselves. */
export interface RenderLayersOptions {
  /** Request where clauses by layer ID, ANDed with each layer's definition expression. */
  layerDefs: Map<number, WhereNode>;
  /** Map units of the image SR covered by the image (rotation included). */
  view: Envelope;
  imageSr: SpatialReference;
  scale: number;
  /** DEMs of the raster layers (see `loadRasterLayers`); a raster layer without one is not drawn. */
  dems?: Map<number, DemSource>;
  spatialFilter?: MapSpatialFilter | null;
  /** The drawing thread's memory of features (`MapService.drawCache`); without one every draw reads the sources. */
  drawCache?: DrawCache | null;
}

/**
 * The layers to draw, bottom first, from `layers` listed top first as ArcGIS lists them. Scale
 * ranges are checked against `scale`.
 */
export function renderMapLayers(layers: MapLayer[], options: RenderLayersOptions): MapRequestLayer[] {
  const { layerDefs, view, imageSr, scale, dems = new Map<number, DemSource>(), spatialFilter, drawCache = null } = options;
  const out: MapRequestLayer[] = [];
  for (const layer of layers) {
    const def = layer.definition;
    if (!inScaleRange(scale, def.minScale, def.maxScale)) continue;
    const dem = dems.get(def.id);
    if (layer.raster && dem) out.push(rasterLayer(layer, dem, imageSr));
    const geometryType = layer.source?.schema.geometryType;
    if (def.type !== 'Feature Layer' || !geometryType || geometryType === 'esriGeometryEnvelope') continue;
    const own = def.definitionExpression ? parseWhere(def.definitionExpression) : undefined;
    const request = layerDefs.get(def.id);
    const where: WhereNode | undefined = own && request ? { kind: 'logical', op: 'AND', operands: [own, request] } : own ?? request;
    // Prepared once per layer, in the layer's own SR, where the features are tested.
    const filter = spatialFilter
      ? prepareFilter(transformGeometry(spatialFilter.geometry, getTransform(spatialFilter.spatialReference, layer.spatialReference)), spatialFilter.relation)
      : null;
    out.push({
      id: def.id, geometryType: geometryType as RenderGeometryType,
      drawingInfo: { renderer: def.drawingInfo?.renderer ?? null, transparency: def.drawingInfo?.transparency ?? 0, labelingInfo: def.drawingInfo?.labelingInfo ?? null },
      // Re-iterable: a classBreaks renderer normalised by percent of total reads the features twice.
      features: { [Symbol.iterator]: () => layerFeatures(layer, view, imageSr, where, filter, drawCache)[Symbol.iterator]() },
      fieldAliases: def.fieldAliases,
    });
  }
  return out.reverse();
}


/**
 * `identify` on a raster layer (mapserver.md §7): the cell value under the point, as ArcGIS
 * answers for raster layers — one result whose display field is `Pixel Value`, reading `NoData`
 * off the DEM. Only layers drawing the DEM itself (`render: 'dem'`) are identified: hillshade and
 * tint pixels are a rendering of those values, not data.
 * @module faces/mapserver/raster-identify
 */
import type { MapLayer } from '../../catalog/map-service.js';
import { geometryEnvelope, type Geometry } from '../../geo/geometry.js';
import { getTransform } from '../../geo/projection.js';
import { srJson, type SpatialReference } from '../../geo/spatial-reference.js';
import type { DemSource } from '../../terrain/dem-source.js';

/** The display field ArcGIS gives raster identify results. */
export const PIXEL_VALUE = 'Pixel Value';

/** Whether identify searches this raster layer. */
export const isIdentifiableRaster = (layer: MapLayer): boolean => layer.raster?.config.render === 'dem';

/**
 * The result at `geometry` (in the DEM's SR): its point, or the centre of its bounding box for
 * lines, areas and envelopes. The value is the nearest cell's (no interpolation), in metres to
 * two decimals, as a string unless `unformatted`.
 */
export function rasterIdentifyResult(layer: MapLayer, dem: DemSource, geometry: Geometry, options: { sr: SpatialReference; returnGeometry: boolean; unformatted: boolean }): Record<string, unknown> {
  const e = geometryEnvelope(geometry);
  const x = (e.xmin + e.xmax) / 2, y = (e.ymin + e.ymax) / 2;
  const z = dem.sample(x, y, 'nearest');
  const rounded = Math.round(z * 100) / 100;
  const text = Number.isNaN(z) ? 'NoData' : String(rounded);
  const t = getTransform(layer.spatialReference, options.sr);
  const [ox, oy] = t ? t([x, y]) : [x, y];
  return {
    layerId: layer.definition.id, layerName: layer.definition.name, value: text, displayFieldName: PIXEL_VALUE,
    attributes: { [PIXEL_VALUE]: options.unformatted && !Number.isNaN(z) ? rounded : text },
    geometryType: 'esriGeometryPoint', hasZ: false, hasM: false,
    ...(options.returnGeometry ? { geometry: { x: ox, y: oy, spatialReference: srJson(options.sr) } } : {}),
  };
}

/**
 * `identify` (mapserver.md §7): features under a point, envelope or polygon, with a tolerance
 * in screen pixels turned into map units by the client's view.
 * @module faces/mapserver/identify-operation
 */
import { queryFeatures } from '../../data/layer-query.js';
import { ESRI_GEOMETRY_TYPES, parseGeometryParam, toEsriGeometry, type EsriGeometryType } from '../../geo/esri-json.js';
import { mapScale, metresPerUnit } from '../../geo/map-scale.js';
import { getTransform, transformGeometry } from '../../geo/projection.js';
import { prepareDistanceFilter, prepareFilter } from '../../geo/spatial-relation.js';
import { parseSpatialReference, srJson } from '../../geo/spatial-reference.js';
import { invalidParameter, missingParameter } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import { formatAttributes, formatValue } from './format-values.js';
import { parseLayersOption, selectLayers } from './layer-selection.js';
import type { Operation } from './operation.js';
import { envelopeParam, layerWhere, readResultOptions, srParam } from './query-params.js';
import { rasterIdentifyResult } from './raster-identify.js';

/** `imageDisplay`: width,height[,dpi] of the client's view. */
export function imageDisplayParam(params: RequestParams): { width: number; height: number; dpi: number } {
  const parts = (params.list('imageDisplay') ?? []).map(Number);
  if (parts.length === 0) throw missingParameter('imageDisplay');
  const [width, height, dpi = 96] = parts;
  if ((parts.length !== 2 && parts.length !== 3) || ![width, height, dpi].every((v) => Number.isInteger(v) && v! > 0 && v! <= 100000)) {
    throw invalidParameter('imageDisplay', 'expected width,height,dpi as positive integers');
  }
  return { width: width!, height: height!, dpi };
}

export const identifyOperation: Operation = async ({ service, params }) => {
  const geometryType = params.oneOf('geometryType', ESRI_GEOMETRY_TYPES, 'esriGeometryPoint') as EsriGeometryType;
  const parsed = parseGeometryParam(params.required('geometry'), geometryType);
  if (!parsed.geometry) throw invalidParameter('geometry', 'the geometry is empty');
  const tolerance = params.int('tolerance', undefined, 0, 10000);
  if (tolerance === undefined) throw missingParameter('tolerance');
  const mapExtent = envelopeParam(params, 'mapExtent');
  const display = imageDisplayParam(params);
  // `sr` is the SR of mapExtent and of the results; a geometry that carries its own SR keeps it.
  const sr = srParam(params, 'sr') ?? service.spatialReference;
  let geometrySr = sr;
  if (parsed.spatialReference) {
    try { geometrySr = parseSpatialReference(parsed.spatialReference) ?? sr; } catch { throw invalidParameter('geometry', 'its spatialReference is invalid'); }
  }
  const { mode, ids } = parseLayersOption(params.get('layers'));
  const { dynamicLayers, layerDefs, returnGeometry, unformatted, fieldNames, maxAllowableOffset, geometryPrecision } = readResultOptions(params, service);

  const scale = mapScale(mapExtent, display.width, display.dpi, sr);
  // Tolerance in metres on the ground, so it converts to any layer's units.
  const toleranceMetres = tolerance * ((mapExtent.xmax - mapExtent.xmin) / display.width) * metresPerUnit(sr);
  const limit = service.maxRecordCount;
  const results: Record<string, unknown>[] = [];
  let exceeded = false;
  for (const layer of selectLayers(service, mode, ids, scale, dynamicLayers)) {
    const geometry = transformGeometry(parsed.geometry, getTransform(geometrySr, layer.spatialReference));
    if (layer.raster) {
      results.push(rasterIdentifyResult(layer, await service.dem(layer), geometry, { sr, returnGeometry, unformatted }));
      if (mode === 'top' || results.length >= limit) break;
      continue;
    }
    const source = layer.source!;
    const distance = toleranceMetres / metresPerUnit(layer.spatialReference);
    const spatial = distance > 0 ? prepareDistanceFilter(geometry, 'esriSpatialRelIntersects', distance)! : prepareFilter(geometry, 'esriSpatialRelIntersects');
    const found = queryFeatures(source, {
      where: layerWhere(layer, layerDefs), spatial,
      outFields: layer.fields.map((f) => f.name), returnGeometry, offset: 0, limit: limit - results.length,
      shape: { transform: getTransform(layer.spatialReference, sr), maxAllowableOffset, geometryPrecision },
    });
    const display = layer.fields.find((f) => f.name === layer.displayField);
    for (const row of found.features) {
      results.push({
        layerId: layer.definition.id, layerName: layer.definition.name,
        value: formatValue(row.attributes[layer.displayField], display), displayFieldName: layer.displayField,
        attributes: formatAttributes(row.attributes, layer.fields, { unformatted, fieldNames }),
        geometryType: source.schema.geometryType, hasZ: false, hasM: false,
        ...(returnGeometry && row.geometry ? { geometry: { ...toEsriGeometry(row.geometry), spatialReference: srJson(sr) } } : {}),
      });
    }
    if (found.exceededTransferLimit) { exceeded = true; break; }
    if (results.length >= limit) break;
    if (mode === 'top' && found.features.length > 0) break;
  }
  return { json: { results, ...(exceeded ? { exceededTransferLimit: true } : {}) } };
};

/**
 * The JSON descriptions of a map service's layers (mapserver.md §5, §12), shared by the root,
 * `layers` and the layer resource.
 * @module faces/mapserver/layer-json
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { LayerDefinition } from '../../catalog/service-definition.js';
import type { Envelope } from '../../geo/geometry.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { srJson } from '../../geo/spatial-reference.js';

export const isTable = (l: LayerDefinition) => l.type === 'Table';

export function envelopeJson(e: Envelope | null, sr: SpatialReference): Record<string, unknown> {
  return e ? { xmin: e.xmin, ymin: e.ymin, xmax: e.xmax, ymax: e.ymax, spatialReference: srJson(sr) } : { xmin: null, ymin: null, xmax: null, ymax: null, spatialReference: srJson(sr) };
}

export function subLayersOf(service: MapService, id: number): LayerDefinition[] {
  return service.definition.layers.filter((l) => l.parentLayerId === id);
}

/** The short entry of the root's `layers` array. */
export function layerSummary(service: MapService, l: LayerDefinition): Record<string, unknown> {
  const subs = subLayersOf(service, l.id);
  const layer = l.type === 'Group Layer' ? null : service.tryLayer(l.id);
  return {
    id: l.id, name: l.name, parentLayerId: l.parentLayerId ?? -1, defaultVisibility: l.defaultVisibility ?? true,
    subLayerIds: l.type === 'Group Layer' ? subs.map((s) => s.id) : null,
    minScale: l.minScale ?? 0, maxScale: l.maxScale ?? 0, type: l.type,
    ...(layer?.source?.schema.geometryType ? { geometryType: layer.source.schema.geometryType } : {}),
  };
}

/**
 * A Raster Layer: no fields or geometry type; its extent and SR are the DEM's. Only `Map`: it is
 * drawn and (the DEM rendering) identified, but has no `query`.
 */
function rasterLayerJson(service: MapService, layer: MapLayer, currentVersion: number): Record<string, unknown> {
  const l = layer.definition;
  const parent = l.parentLayerId !== undefined && l.parentLayerId >= 0 ? service.layerDefinition(l.parentLayerId) : undefined;
  const sameSr = JSON.stringify(srJson(layer.spatialReference)) === JSON.stringify(srJson(service.spatialReference));
  return {
    currentVersion, id: l.id, name: l.name, type: l.type,
    description: l.description ?? '', copyrightText: l.copyrightText ?? service.definition.copyrightText ?? '',
    parentLayer: parent ? { id: parent.id, name: parent.name } : null,
    subLayers: [], minScale: l.minScale ?? 0, maxScale: l.maxScale ?? 0, defaultVisibility: l.defaultVisibility ?? true,
    extent: envelopeJson(service.layerExtentInServiceSr(layer), service.spatialReference),
    ...(sameSr ? {} : { sourceSpatialReference: srJson(layer.spatialReference) }),
    drawingInfo: { renderer: null, transparency: l.drawingInfo?.transparency ?? 0, labelingInfo: null, scaleSymbols: false, showLabels: false },
    hasAttachments: false, htmlPopupType: 'esriServerHTMLPopupTypeNone', displayField: '', relationships: [],
    canScaleSymbols: false, hasLabels: false,
    capabilities: service.definition.capabilities.filter((c) => c === 'Map').join(','),
  };
}

/** The full layer or table resource. */
export function layerJson(service: MapService, layer: MapLayer, currentVersion: number): Record<string, unknown> {
  if (layer.raster) return rasterLayerJson(service, layer, currentVersion);
  const l = layer.definition;
  const parent = l.parentLayerId !== undefined && l.parentLayerId >= 0 ? service.layerDefinition(l.parentLayerId) : undefined;
  const schema = layer.source?.schema;
  const table = isTable(l);
  const json: Record<string, unknown> = {
    currentVersion, id: l.id, name: l.name, type: l.type,
    description: l.description ?? '', copyrightText: l.copyrightText ?? service.definition.copyrightText ?? '',
    definitionExpression: l.definitionExpression ?? '',
  };
  if (!table) {
    Object.assign(json, {
      geometryType: schema?.geometryType ?? null, hasZ: schema?.hasZ ?? false, hasM: false,
      parentLayer: parent ? { id: parent.id, name: parent.name } : null,
      // Only groups have sublayers; asking by ID for others could match a group that shares a dynamic layer's ID.
      subLayers: l.type === 'Group Layer' ? subLayersOf(service, l.id).map((s) => ({ id: s.id, name: s.name })) : [],
      minScale: l.minScale ?? 0, maxScale: l.maxScale ?? 0, defaultVisibility: l.defaultVisibility ?? true,
      extent: envelopeJson(service.layerExtentInServiceSr(layer), service.spatialReference),
      drawingInfo: {
        renderer: l.drawingInfo?.renderer ?? null,
        transparency: l.drawingInfo?.transparency ?? 0,
        labelingInfo: l.drawingInfo?.labelingInfo ?? null,
        scaleSymbols: true, showLabels: !!l.drawingInfo?.labelingInfo,
      },
    });
    if (schema?.spatialReference && JSON.stringify(srJson(schema.spatialReference)) !== JSON.stringify(srJson(service.spatialReference))) {
      json.sourceSpatialReference = srJson(schema.spatialReference);
    }
  }
  if (l.type === 'Group Layer') return { ...json, capabilities: 'Map' };
  Object.assign(json, {
    displayField: layer.displayField,
    objectIdField: schema?.objectIdField ?? null,
    fields: layer.fields,
    typeIdField: null, types: [], relationships: [],
    hasAttachments: false, htmlPopupType: 'esriServerHTMLPopupTypeNone',
    capabilities: service.definition.capabilities.filter((c) => c !== 'Map' || !table).join(','),
    maxRecordCount: service.maxRecordCount,
    supportedQueryFormats: 'JSON, geoJSON',
    useStandardizedQueries: true, supportsStatistics: true, supportsAdvancedQueries: true,
    supportsDatumTransformation: false,
    advancedQueryCapabilities: {
      supportsPagination: true, supportsOrderBy: true, supportsDistinct: true, supportsReturningQueryExtent: true,
      supportsQueryWithDistance: true, supportsStatistics: true, supportsPaginationOnAggregatedQueries: true,
      supportsQueryWithResultType: false, supportsSqlExpression: true, supportsReturningGeometryCentroid: false,
    },
  });
  return json;
}

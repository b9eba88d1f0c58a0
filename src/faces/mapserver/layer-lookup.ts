/**
 * Finding the layer a URL names; an unknown one answers 400 Invalid URL (mapserver.md §12).
 * @module faces/mapserver/layer-lookup
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import { clip, invalidUrl } from '../../http/arcgis-error.js';

export function findLayer(service: MapService, rawId: string | undefined): MapLayer {
  const id = /^\d{1,9}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  const layer = Number.isNaN(id) ? undefined : service.layer(id);
  if (!layer) throw invalidUrl(`The requested layer (layerId: ${clip(rawId ?? '', 20)}) was not found.`);
  return layer;
}

/**
 * Which layers an identify or find call searches: `top|visible|all[:ids]` (mapserver.md §7),
 * group layers standing for their sublayers, scale ranges and default visibility honoured.
 * @module faces/mapserver/layer-selection
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { LayerDefinition } from '../../catalog/service-definition.js';
import { inScaleRange } from '../../geo/map-scale.js';
import { invalidParameter } from '../../http/arcgis-error.js';
import { withSublayers } from '../../mapping/service-map-layers.js';
import { isIdentifiableRaster } from './raster-identify.js';

export type IdentifyMode = 'top' | 'visible' | 'all';

/** Parses `top`, `visible`, `all`, optionally followed by `:id,id`. */
export function parseLayersOption(text: string | undefined): { mode: IdentifyMode; ids: number[] | null } {
  if (text === undefined) return { mode: 'top', ids: null };
  const m = /^\s*(top|visible|all)\s*(?::\s*([\d\s,]*))?$/i.exec(text);
  if (!m) throw invalidParameter('layers', "expected top, visible or all, optionally followed by ':' and layer IDs");
  const ids = m[2] !== undefined ? m[2].split(',').map((s) => s.trim()).filter(Boolean).map(Number) : null;
  return { mode: m[1]!.toLowerCase() as IdentifyMode, ids };
}


function visibleWithAncestors(service: MapService, l: LayerDefinition): boolean {
  for (let cur: LayerDefinition | undefined = l; cur; cur = cur.parentLayerId !== undefined && cur.parentLayerId >= 0 ? service.layerDefinition(cur.parentLayerId) : undefined) {
    if (cur.defaultVisibility === false) return false;
  }
  return true;
}

/**
 * Feature layers and DEM raster layers to search, topmost first. `ids` restricts the set (a
 * group ID brings its sublayers); `visible` and `top` also require default visibility and the
 * scale range. With `dynamicLayers` only those are searched, `ids` naming their dynamic IDs;
 * they are all visible, since the request lists them to be drawn.
 */
export function selectLayers(service: MapService, mode: IdentifyMode, ids: number[] | null, scale: number, dynamicLayers: MapLayer[] | null = null): MapLayer[] {
  const candidates = dynamicLayers
    ? dynamicLayers.filter((l) => !ids || ids.includes(l.definition.id))
    : serviceCandidates(service, ids).filter((l) => mode === 'all' || visibleWithAncestors(service, l.definition));
  return candidates
    .filter((l) => mode === 'all' || inScaleRange(scale, l.definition.minScale, l.definition.maxScale))
    .filter((l) => l.source?.schema.geometryType || isIdentifiableRaster(l));
}

/** The service's feature and raster layers, restricted to `ids` and their sublayers. */
function serviceCandidates(service: MapService, ids: number[] | null): MapLayer[] {
  const allowed = ids ? new Set(ids.flatMap((id) => withSublayers(service, id))) : null;
  return service.definition.layers
    .filter((l) => (l.type === 'Feature Layer' || l.type === 'Raster Layer') && (!allowed || allowed.has(l.id)))
    .map((l) => service.layer(l.id)!);
}

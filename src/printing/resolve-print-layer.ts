/**
 * One web map layer made drawable, by kind: a map, tiled or feature layer under this server's
 * own URLs is read in-process; anything else goes to the resolver of its kind, which fetches
 * through the context's safe fetcher.
 * @module printing/resolve-print-layer
 */
import { resolveClientImageLayer } from './layers/client-image-layer.js';
import { resolveCsvLayer } from './layers/csv-layer.js';
import { resolveFeatureCollectionLayer } from './layers/feature-collection-layer.js';
import { resolveImageServiceLayer, resolveRemoteMapServiceLayer } from './layers/image-service-layer.js';
import { resolveOwnServiceLayer } from './layers/own-map-service-layer.js';
import { resolveRemoteFeatureLayer } from './layers/remote-feature-layer.js';
import { resolveTiledMapServiceLayer, resolveWebTiledLayer, resolveWmtsLayer } from './layers/web-tiled-layer.js';
import { resolveWmsLayer } from './layers/wms-layer.js';
import type { PrintLayerResolver } from './print-layer.js';
import { PrintRequestError, type WebMapLayerKind } from './web-map.js';

/** Resolvers of layers on other hosts (or with no URL at all), by kind. */
const REMOTE: Record<Exclude<WebMapLayerKind, 'unsupported'>, PrintLayerResolver> = {
  mapService: resolveRemoteMapServiceLayer,
  tiledMapService: resolveTiledMapServiceLayer,
  featureLayer: resolveRemoteFeatureLayer,
  imageService: resolveImageServiceLayer,
  tiledImageService: resolveImageServiceLayer,
  webTiled: resolveWebTiledLayer,
  openStreetMap: resolveWebTiledLayer,
  wms: resolveWmsLayer,
  wmts: resolveWmtsLayer,
  image: resolveClientImageLayer,
  featureCollection: resolveFeatureCollectionLayer,
  csv: resolveCsvLayer,
};

/** Kinds a map service of this server can stand for. */
const OWN_KINDS: ReadonlySet<WebMapLayerKind> = new Set(['mapService', 'tiledMapService', 'featureLayer']);

export const resolvePrintLayer: PrintLayerResolver = async (layer, context) => {
  if (layer.kind === 'unsupported') throw new PrintRequestError([`Layer '${layer.title}': ${layer.typeName ?? 'this'} layers are not printed`]);
  if (layer.url && OWN_KINDS.has(layer.kind)) {
    const target = await context.ownServices.resolve(layer.url, layer);
    if (target) return resolveOwnServiceLayer(layer, target, context);
  }
  return REMOTE[layer.kind](layer, context);
};

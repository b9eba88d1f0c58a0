/**
 * The `aoiLayer` of generateProduct and calculateExtent (tps.md §9, §10): the URL of a polygon
 * layer of a map service on this server. The URL is only parsed, never fetched: a host other
 * than the one the request reached is refused, so a request cannot make the server call out.
 * The layer must exist, be a polygon feature layer and carry the product's sheet-ID field.
 * @module faces/tps/aoi-layer
 */
import type { FastifyRequest } from 'fastify';
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import { NAME_PATTERN } from '../../catalog/service-definition.js';
import { clip, type ArcGisError } from '../../http/arcgis-error.js';
import { forbidden, SecurityError } from '../../http/authentication.js';
import type { ServerContext } from '../../http/server.js';
import { ProductParameterError } from '../../production/production-errors.js';
import { accessibleService } from '../route-helpers.js';

/** A resolved AOI layer. */
export interface AoiLayerRef {
  /** The URL as sent. */
  url: string;
  folder: string;
  name: string;
  layerId: number;
  service: MapService;
  layer: MapLayer;
}

const fail = (why: string) => new ProductParameterError(`aoiLayer: ${why}`);

/** host[:port] as a URL writes it (lower case, default port dropped). */
function normalHost(protocol: string, host: string): string | null {
  try { return new URL(`${protocol}//${host}`).host; } catch { return null; }
}

/** Splits `/<instance>/rest/services/[folder/]<name>/MapServer/<id>` into its parts, or null. */
export function parseLayerPath(pathname: string, instance: string): { folder: string; name: string; layerId: number } | null {
  let parts: string[];
  try { parts = pathname.split('/').filter(Boolean).map(decodeURIComponent); } catch { return null; }
  if (parts[0] !== instance || parts[1]?.toLowerCase() !== 'rest' || parts[2]?.toLowerCase() !== 'services') return null;
  const rest = parts.slice(3);
  if (rest.length !== 3 && rest.length !== 4) return null;
  const [layerId, type] = [rest[rest.length - 1]!, rest[rest.length - 2]!];
  const names = rest.slice(0, -2);
  if (type !== 'MapServer' || !/^\d{1,9}$/.test(layerId) || !names.every((n) => NAME_PATTERN.test(n))) return null;
  return { folder: names.length === 2 ? names[0]! : '', name: names[names.length - 1]!, layerId: Number(layerId) };
}

/**
 * Resolves `value` to a polygon layer of a service on this server that has `sheetIDField`.
 * Throws ProductParameterError naming `aoiLayer`.
 */
export async function resolveAoiLayer(ctx: ServerContext, request: FastifyRequest, value: string, sheetIDField: string): Promise<AoiLayerRef> {
  const text = value.trim();
  const ours = request.headers.host ?? '';
  let url: URL;
  try { url = new URL(text, `http://${ours || 'localhost'}`); } catch { throw fail('must be the URL of a layer of a map service on this server'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('must be an http or https URL of a layer of a map service on this server');
  // A path resolves against this server; anything else (`//host/…` included) must name this host.
  if (!ours || normalHost(url.protocol, url.host) !== normalHost(url.protocol, ours)) {
    throw fail(`host '${clip(url.host, 60)}' is not this server; the AOI layer must be a layer of a map service on this server`);
  }
  const path = parseLayerPath(url.pathname, ctx.config.instance);
  if (!path) throw fail(`'${clip(url.pathname, 100)}' is not a map service layer URL (/${ctx.config.instance}/rest/services/[folder/]<service>/MapServer/<layerId>)`);
  const label = `${path.folder ? `${path.folder}/` : ''}${path.name}/MapServer`;
  let service: MapService;
  try {
    service = await accessibleService(ctx, request.caller, path.folder, path.name);
  } catch (e) {
    // The caller may not read the layer (tps.md §10: 403), whether or not they sent a token.
    if (e instanceof SecurityError) throw forbidden(request.caller);
    const code = (e as ArcGisError).code;
    throw fail(code === 500 ? `service ${label} is not started` : `service ${label} not found`);
  }
  const layer = service.tryLayer(path.layerId);
  if (!layer) throw fail(`layer ${path.layerId} of ${label} not found`);
  if (!layer.source || layer.source.schema.geometryType !== 'esriGeometryPolygon') throw fail(`layer ${path.layerId} of ${label} is not a polygon feature layer`);
  if (!layer.fields.some((f) => f.name === sheetIDField)) throw fail(`layer ${path.layerId} of ${label} has no field '${sheetIDField}' (the product's sheetIDField)`);
  return { url: text, ...path, service, layer };
}

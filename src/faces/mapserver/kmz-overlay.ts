/**
 * KMZ answers over HTTP (mapserver.md §9, §6 `f=kmz`): a map drawn by the export operation in
 * WGS 84 and wrapped as a ground overlay, and the error convention every KMZ answer follows.
 * Shared by `kml/mapImage.kmz` and `export?f=kmz`.
 * @module faces/mapserver/kmz-overlay
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MapService } from '../../catalog/map-service.js';
import type { Envelope } from '../../geo/geometry.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { toArcGisError } from '../../http/error-mapping.js';
import type { ServerContext } from '../../http/server.js';
import { pathParams } from '../route-helpers.js';
import type { ExportMeta } from './export-operation.js';
import { groundOverlayKml, KMZ_TYPE, kmz } from './kml-document.js';

/** Image formats a KML client can drape, and the extension each is stored under. */
export const OVERLAY_FORMATS: Record<string, string> = { png: 'png', png8: 'png', png24: 'png', png32: 'png', jpg: 'jpg', gif: 'gif' };

/**
 * KMZ answers carry errors as the JSON envelope with the code as HTTP status (mapserver.md §2),
 * whatever `f` says, because a KML client cannot read an HTML page or a 200 with an error.
 */
export async function sendKmz(request: FastifyRequest, reply: FastifyReply, fileName: string, produce: () => Promise<Uint8Array>): Promise<FastifyReply> {
  try {
    const data = await produce();
    return reply.type(KMZ_TYPE).header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]+/g, '_')}.kmz"`)
      .header('cache-control', 'no-store').send(Buffer.from(data));
  } catch (e) {
    const err = toArcGisError(e);
    if (err.code >= 500) request.log.error({ err: e }, 'KML request failed');
    return reply.code(err.code).type('application/json; charset=utf-8').send(JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } }));
  }
}

/**
 * Draws the map with the export operation and wraps it as a KMZ ground overlay. `exportParams`
 * must ask for `imageSR=4326` and a format of `OVERLAY_FORMATS`: a ground overlay is a north-up
 * image between lines of latitude and longitude.
 */
export async function overlayKmz(request: FastifyRequest, ctx: ServerContext, service: MapService, exportParams: [string, string][]): Promise<Uint8Array> {
  const { folder = '', service: name } = pathParams(request);
  const outcome = await ctx.runOperation({ operation: 'export', folder, service: name!, params: exportParams, format: 'image' });
  if (!outcome.ok) throw new ArcGisError(outcome.code, outcome.message, outcome.details);
  if (!('data' in outcome)) throw new ArcGisError(500, 'Unable to complete operation.', []);
  const meta = outcome.meta as ExportMeta;
  // The drawn extent, not the asked one: export widens it to keep pixels square.
  const drawn = meta.extent as unknown as Envelope;
  const image = `files/map.${OVERLAY_FORMATS[meta.format]!}`;
  return kmz(groundOverlayKml(service.definition.serviceName, image, drawn), { [image]: outcome.data });
}

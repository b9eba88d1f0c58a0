/**
 * Serves files from the output store at `/rest/directories/arcgisoutput/…`, where `export`
 * and jobs point their `href`s.
 * @module faces/catalog/output-files.route
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../http/server.js';

const TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', svg: 'image/svg+xml', svgz: 'image/svg+xml', tif: 'image/tiff',
  kmz: 'application/vnd.google-earth.kmz', zip: 'application/zip', json: 'application/json',
};

export function registerOutputFiles(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/directories/arcgisoutput/*', async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const path = ctx.outputs.resolve(rel);
    const ext = rel.slice(rel.lastIndexOf('.') + 1);
    if (!path || !TYPES[ext]) return reply.code(404).type('text/plain').send('Not found');
    try { await stat(path); } catch { return reply.code(404).type('text/plain').send('Not found'); }
    if (ext === 'svgz') reply.header('content-encoding', 'gzip');
    return reply.type(TYPES[ext]!).header('cache-control', 'private, max-age=600').send(createReadStream(path));
  });
}

/**
 * Serves the map viewer's static files under `…/rest/static/`: the bundled script and
 * OpenLayers' stylesheet. Pages link them with `?v=<content hash>`, so a matching request may
 * be cached for good and a new build is fetched at once.
 * @module faces/viewer/viewer.route
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../../http/server.js';
import { viewerAssets, type ViewerAssets } from './viewer-bundle.js';

const FILES: (keyof ViewerAssets)[] = ['viewer.js', 'ol.css'];

/** The URL of a viewer file, versioned by its content. */
export function staticUrl(ctx: ServerContext, assets: ViewerAssets, name: keyof ViewerAssets): string {
  return `/${ctx.config.instance}/rest/static/${name}?v=${assets[name].version}`;
}

/** The static files, mounted at `/<instance>/rest/static`. */
export const viewerStaticFace: FastifyPluginAsync = async (app) => {
  for (const name of FILES) {
    app.get(`/${name}`, async (request, reply) => {
      let assets: ViewerAssets;
      try {
        assets = await viewerAssets();
      } catch (e) {
        // A script request has no page to show an envelope on: plain text reads best in devtools.
        return reply.code(500).type('text/plain; charset=utf-8').send(`The map viewer could not be built: ${e instanceof Error ? e.message : String(e)}`);
      }
      const file = assets[name];
      const current = (request.query as { v?: unknown }).v === file.version;
      return reply.type(file.contentType).header('cache-control', current ? 'public, max-age=31536000, immutable' : 'no-cache').send(file.body);
    });
  }
};

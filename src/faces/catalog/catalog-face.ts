/**
 * The catalog face: `/rest/info`, `/rest/services` and folder listings (mapserver.md §3–4).
 * @module faces/catalog/catalog-face
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../../http/server.js';
import { serviceAccess } from '../../security/access-policy.js';
import { PRINT_SERVICE } from '../../printing/print-service-settings.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { hasPrivilege, type Caller } from '../../security/privileges.js';
import { DEFAULT_TOKEN_MINUTES } from '../../security/token-service.js';
import { callerAccess, getAndPost, pathParams, requestOrigin } from '../route-helpers.js';
import { registerOutputFiles } from './output-files.route.js';

export const catalogFace: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const base = `/${ctx.config.instance}/rest`;
  registerOutputFiles(app, ctx);

  getAndPost(app, '/info', async (request, reply, params) => {
    const secured = await ctx.security.enabled();
    const authInfo = secured
      ? { isTokenBasedSecurity: true, tokenServicesUrl: `${requestOrigin(request, ctx.config.port)}/${ctx.config.instance}/tokens/`, shortLivedTokenValidity: DEFAULT_TOKEN_MINUTES }
      : { isTokenBasedSecurity: false };
    return sendResource(reply, params, () => ({ currentVersion: ctx.config.currentVersion, fullVersion: `${ctx.config.currentVersion.toFixed(1)}.0`, authInfo }),
    (json) => renderPage({
      title: 'Server information', breadcrumbs: [{ label: 'Home', href: `${base}/services` }], jsonHref: `${base}/info?f=pjson`,
      body: [renderProperties(json as Record<string, unknown>)],
    }));
  });

  // ArcGIS Server's health check, for load balancers: 200 `{"success": true}` while this node can
  // read its catalog and security stores (the database, in a cluster), else 503. JSON by default.
  getAndPost(app, '/info/healthCheck', async (request, reply, params) => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the stores did not answer within 5 s')), 5000).unref());
    try {
      await Promise.race([Promise.all([ctx.store.listFolders(), ctx.security.enabled()]), timeout]);
    } catch (e) {
      request.log.error({ err: e }, 'health check failed');
      return reply.code(503).type('application/json; charset=utf-8').send(JSON.stringify({ success: false, error: { code: 503, message: 'Service Unavailable', details: [(e as Error).message.slice(0, 200)] } }));
    }
    const pretty = params.get('f')?.toLowerCase() === 'pjson';
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ success: true }, null, pretty ? 2 : undefined));
  });

  /** The store's folders and the system services' folder. */
  const withSystemFolder = (folders: string[]) => (folders.includes(PRINT_SERVICE.folder) ? folders : [...folders, PRINT_SERVICE.folder].sort((a, b) => a.localeCompare(b, 'en')));

  /** Lists a folder ('' = root) as the catalog resource does: only the services the caller may use. */
  async function listing(folder: string, caller: Caller | null) {
    const folders = folder ? [] : withSystemFolder(await ctx.store.listFolders());
    const administers = !!caller && hasPrivilege(caller.privilege, 'ADMINISTER');
    const services = [];
    for (const { definition: d } of await ctx.store.listServices(folder)) {
      if (d.private && !administers) continue;
      if ((await callerAccess(ctx, caller, folder, d.serviceName)) !== 'allowed') continue;
      services.push({ name: folder ? `${folder}/${d.serviceName}` : d.serviceName, type: d.type as string });
    }
    if (folder === PRINT_SERVICE.folder && (!(await ctx.security.enabled()) || (await serviceAccess(ctx.security.store, caller, folder, PRINT_SERVICE.name, 'GPServer')) === 'allowed')) {
      services.push({ name: `${folder}/${PRINT_SERVICE.name}`, type: 'GPServer' });
      services.sort((a, b) => a.name.localeCompare(b.name, 'en'));
    }
    return { currentVersion: ctx.config.currentVersion, folders, services };
  }

  const page = (folder: string) => (json: unknown) => {
    const body = json as Awaited<ReturnType<typeof listing>>;
    return renderPage({
      title: folder ? `Folder: ${folder}` : 'Folder: /',
      breadcrumbs: [{ label: 'Home', href: `${base}/services` }, ...(folder ? [{ label: folder, href: `${base}/services/${folder}` }] : [])],
      jsonHref: `${base}/services${folder ? `/${folder}` : ''}?f=pjson`,
      body: [
        `<p>Current version: ${ctx.config.currentVersion}</p>`,
        renderLinks('Folders', body.folders.map((f) => ({ label: f, href: `${base}/services/${f}` }))),
        renderLinks('Services', body.services.map((s) => ({ label: `${s.name} (${s.type})`, href: `${base}/services/${s.name}/${s.type}` }))),
      ],
    });
  };

  getAndPost(app, '/services', async (request, reply, params) => {
    const json = await listing('', request.caller);
    return sendResource(reply, params, () => json, page(''));
  });

  getAndPost(app, '/services/:folder', async (request, reply, params) => {
    const { folder } = pathParams(request);
    const folders = withSystemFolder(await ctx.store.listFolders());
    if (!folders.includes(folder!)) throw new ArcGisError(404, 'Folder not found', []);
    const json = await listing(folder!, request.caller);
    return sendResource(reply, params, () => json, page(folder!));
  });
};

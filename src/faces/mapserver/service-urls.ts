/**
 * URLs of a map service's resources, for links in pages and answers.
 * @module faces/mapserver/service-urls
 */
import type { MapService } from '../../catalog/map-service.js';
import type { Crumb } from '../../http/html/page.js';
import type { ServerContext } from '../../http/server.js';

export function serviceUrl(ctx: ServerContext, service: MapService): string {
  return `/${ctx.config.instance}/rest/services/${service.path}/MapServer`;
}

/** Home › folder › service breadcrumbs, plus `extra` below the service. */
export function serviceCrumbs(ctx: ServerContext, service: MapService, extra: Crumb[] = []): Crumb[] {
  const base = `/${ctx.config.instance}/rest/services`;
  const folder = service.definition.folder;
  return [
    { label: 'Home', href: base },
    ...(folder ? [{ label: folder, href: `${base}/${folder}` }] : []),
    { label: `${service.definition.serviceName} (MapServer)`, href: serviceUrl(ctx, service) },
    ...extra,
  ];
}

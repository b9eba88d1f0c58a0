/**
 * What the routes of the Topographic Production Service share: the service a request is for,
 * its products and `<tps>` in the form the client used (canonical or alias; answers such as
 * `statusUrl` keep that form, tps.md §9), and whether the extension is enabled on a service.
 * Kept apart from the face's plugin so the MapServer root can ask about the extension without
 * loading the face.
 * @module faces/tps/tps-target
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { MapService } from '../../catalog/map-service.js';
import { enabledExtension, TPS_EXTENSION, type ServiceExtension } from '../../catalog/service-framework.js';
import type { ServerContext } from '../../http/server.js';
import type { ProductsStore } from '../../production/products-store.js';

/** The extension's type name, as service JSON and `supportedExtensions` spell it. */
export const TPS_TYPE_NAME = TPS_EXTENSION;

/** What every route of the face works on. */
export interface TpsTarget {
  service: MapService;
  /** `folder/name` of the service: the products' and jobs' key. */
  serviceKey: string;
  products: ProductsStore;
  /** Path of `<tps>` in the form the request used (canonical or alias), URL-encoded. */
  base: string;
  /** The job owner name of this caller: the token's user, `anonymous` without one (tps.md §1). */
  user: string;
  /** PUBLISH and ADMINISTER callers, and everyone while token security is off, see every job; others their own. */
  seesAllJobs: boolean;
}

declare module 'fastify' {
  interface FastifyRequest { tpsTarget: TpsTarget | null }
}

export interface TpsRouteContext {
  app: Parameters<FastifyPluginAsync>[0];
  ctx: ServerContext;
}

/** The service and base URL the request is for; set by the face's hook. */
export function tpsOf(request: FastifyRequest): TpsTarget {
  return request.tpsTarget!;
}

/** The production extension of a service when it is enabled (admin.md §7), else null. */
export function tpsExtension(service: MapService): ServiceExtension | null {
  return enabledExtension(service.definition.extensions, TPS_TYPE_NAME);
}

/** Whether `operation` (addProduct, calculateExtent, …) is among the extension's enabled capabilities. */
export function tpsOperationEnabled(extension: ServiceExtension, operation: string): boolean {
  return extension.capabilities.split(',').map((c) => c.trim()).includes(operation);
}

/** `<tps>` of a service, canonical or alias form. */
export function tpsBasePath(ctx: ServerContext, service: MapService, alias: boolean): string {
  const { folder, serviceName } = service.definition;
  const path = `${folder ? `${encodeURIComponent(folder)}/` : ''}${encodeURIComponent(serviceName)}`;
  return `/${ctx.config.instance}/rest/services/${path}/${alias ? 'MapServer/exts/' : ''}${TPS_TYPE_NAME}`;
}

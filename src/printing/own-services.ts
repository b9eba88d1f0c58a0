/**
 * Which layer URLs of a web map name this server's own services (printing.md §13 rule 1), and
 * their resolution in-process: a URL under one of the server's base URLs
 * (`<base>/rest/services/[folder/]name/MapServer[/n]`) is read from the catalog, never fetched.
 * The HTTP face checks the caller's access to each such service before the print runs and hands
 * the print the keys it may use.
 * @module printing/own-services
 */
import type { ServiceManager } from '../catalog/service-manager.js';
import type { OwnServices } from './print-layer.js';
import { PrintRequestError, type WebMapLayer } from './web-map.js';

/** A service of this server named by a URL. */
export interface OwnServiceRef {
  folder: string;
  name: string;
  /** `MapServer`, or another type this server does not serve (FeatureServer, ImageServer, …). */
  type: string;
  /** The sublayer in the URL (`…/MapServer/3`), or null. */
  layerId: number | null;
  /** The job of a job result map service URL (`…/MapServer/jobs/<jobId>`), or null. */
  jobId: string | null;
}

/** `folder/name` or `name`, as the catalog keys services. */
export const ownServiceKey = (ref: Pick<OwnServiceRef, 'folder' | 'name'>): string => (ref.folder ? `${ref.folder}/${ref.name}` : ref.name);

/** Service type segments of ArcGIS REST URLs. */
const SERVICE_TYPE = /^[A-Za-z]+Server$/;

/**
 * The service `url` names when it lies under one of `bases` (server roots such as
 * `https://maps.example.org/arcgis`: scheme, host and port must match; names are case-sensitive
 * as the catalog's are), else null.
 */
export function ownServiceRef(url: string, bases: readonly string[]): OwnServiceRef | null {
  let u: URL;
  try { u = new URL(url); } catch { return null; }
  for (const base of bases) {
    let b: URL;
    try { b = new URL(base); } catch { continue; }
    if (u.protocol !== b.protocol || u.host.toLowerCase() !== b.host.toLowerCase()) continue;
    const prefix = `${b.pathname.replace(/\/+$/, '')}/rest/services/`;
    if (!u.pathname.startsWith(prefix)) continue;
    const segments = u.pathname.slice(prefix.length).split('/').filter(Boolean).map((s) => { try { return decodeURIComponent(s); } catch { return s; } });
    const at = segments.findIndex((s) => SERVICE_TYPE.test(s));
    if (at < 1 || at > 2) return null;
    const after = segments.slice(at + 1);
    const layerId = after.length >= 1 && /^\d+$/.test(after[0]!) ? Number(after[0]) : null;
    const jobId = after[0] === 'jobs' && after[1] ? after[1] : null;
    return { folder: at === 2 ? segments[0]! : '', name: segments[at - 1]!, type: segments[at]!, layerId, jobId };
  }
  return null;
}

/**
 * Own services for a print run in this thread: `permitted` holds the keys the face checked the
 * caller (or the layer's token) may use; null when no service is secured.
 */
export function createOwnServices(services: ServiceManager, bases: readonly string[], permitted: ReadonlySet<string> | null): OwnServices {
  return {
    async resolve(url: string, layer: WebMapLayer) {
      const ref = ownServiceRef(url, bases);
      if (!ref) return null;
      const label = `${ownServiceKey(ref)}/${ref.type}`;
      if (ref.type !== 'MapServer') throw new PrintRequestError([`Layer '${layer.title}': ${label} is not a map service of this server`]);
      // Drawing a job's own results (its extracted data) is not offered yet; never draw the whole service instead.
      if (ref.jobId) throw new PrintRequestError([`Layer '${layer.title}': job result map services (${label}/jobs/<jobId>) cannot be printed yet`]);
      if (permitted && !permitted.has(ownServiceKey(ref))) throw new PrintRequestError([`Layer '${layer.title}': not permitted to use ${label}`]);
      const service = await services.get(ref.folder, ref.name);
      if (!service) throw new PrintRequestError([`Layer '${layer.title}': service ${label} does not exist`]);
      if (service.definition.configuredState === 'STOPPED') throw new PrintRequestError([`Layer '${layer.title}': service ${label} is stopped`]);
      if (ref.layerId !== null && !service.layer(ref.layerId)) throw new PrintRequestError([`Layer '${layer.title}': ${label} has no layer ${ref.layerId}`]);
      return { service, layerId: ref.layerId };
    },
  };
}

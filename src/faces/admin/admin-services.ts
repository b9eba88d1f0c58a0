/**
 * `/admin/services…` (admin.md §6–14): the folder tree, createFolder, createService, and per
 * service its JSON, edit, start, stop, delete, status, statistics, iteminfo, lifecycleinfos and
 * permissions. Paths resolve to table entries; the work is done by the ServiceAdmin engine.
 * @module faces/admin/admin-services
 */
import { hostname } from 'node:os';
import type { Envelope } from '../../geo/geometry.js';
import { AdminError } from '../../admin/admin-error.js';
import { LIFECYCLE_ACTIONS } from '../../admin/service-admin.js';
import { toAdminServiceJson } from '../../catalog/admin-service-json.js';
import { NAME_PATTERN, type ServiceDefinition } from '../../catalog/service-definition.js';
import { validateItemInfo, type ServiceItemInfo } from '../../catalog/service-framework.js';
import { effectivePermissions, serviceResourceKey } from '../../security/access-policy.js';
import type { AdminCall, AdminRoute } from './admin-face.js';
import { SUCCESS } from './admin-respond.js';
import { PRINT_SERVICE } from '../../printing/print-service-settings.js';
import { printServiceRoute, printServiceSummary } from './admin-print-service.js';

const SERVICE_SEGMENT = /^([A-Za-z0-9_]{1,120})\.(MapServer|GPServer)$/;

/** A JSON parameter, 400 naming it when absent or not JSON. */
function jsonParam(call: AdminCall, name: string): unknown {
  const text = call.params.get(name);
  if (text === undefined) throw new AdminError(400, `'${name}' parameter is required.`);
  try { return JSON.parse(text); } catch { throw new AdminError(400, `'${name}' parameter is not valid JSON.`); }
}

const label = (folder: string, name: string) => `${folder ? `${folder}/` : ''}${name}.MapServer`;

function serviceSummary(folder: string, def: ServiceDefinition) {
  return { folderName: folder || '/', serviceName: def.serviceName, type: def.type, description: def.description ?? '' };
}

async function folderListing(call: AdminCall, folder: string) {
  const { store } = call.ctx;
  const detail = call.params.bool('detail', false);
  const services: Record<string, unknown>[] = (await store.listServices(folder)).map((s) => (detail ? { folderName: folder || '/', ...toAdminServiceJson(s.definition) } : serviceSummary(folder, s.definition)));
  if (folder === PRINT_SERVICE.folder) services.push(await printServiceSummary(call, detail));
  if (folder) {
    const record = (await store.listFolderDetails()).find((f) => f.name === folder);
    return { folderName: folder, description: record?.description ?? 'System services', webEncrypted: false, isDefault: !record, services };
  }
  const stored = await store.listFolderDetails();
  const folders = stored.some((f) => f.name === PRINT_SERVICE.folder) ? stored : [...stored, { name: PRINT_SERVICE.folder, description: 'System services' }].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return {
    folderName: '/', description: 'Root folder', webEncrypted: false, isDefault: false,
    folders: folders.map((f) => f.name),
    foldersDetail: folders.map((f) => ({ folderName: f.name, description: f.description, webEncrypted: false, isDefault: false })),
    services,
  };
}

/** Routes under a folder ('' = root): the listing, createFolder (root only), createService, permissions. */
function folderRoute(folder: string, rest: string[]): AdminRoute | null {
  const path = `services${folder ? `/${folder}` : ''}`;
  const op = rest.join('/');
  const requireFolder = async (call: AdminCall) => {
    if (folder && folder !== PRINT_SERVICE.folder && !(await call.ctx.store.listFolders()).includes(folder)) throw new AdminError(404, `Folder '${folder}' does not exist.`);
  };
  if (op === '') {
    return {
      privilege: 'PUBLISH', page: { title: folder ? `Folder ${folder}` : 'Services', path, children: folder ? ['permissions'] : [] },
      handle: async (call) => { await requireFolder(call); return folderListing(call, folder); },
    };
  }
  if (op === 'createFolder' && !folder) {
    return {
      privilege: 'PUBLISH', operation: true, page: { title: 'Create folder', path: `${path}/createFolder` },
      handle: async (call) => {
        const name = call.params.get('folderName');
        if (!name) throw new AdminError(400, "'folderName' parameter is required.");
        await call.ctx.admin.createFolder(name.trim(), call.params.get('description') ?? '', call.caller.username);
        return SUCCESS;
      },
    };
  }
  if (op === 'createService') {
    return {
      privilege: 'PUBLISH', operation: true, page: { title: 'Create service', path: `${path}/createService` },
      handle: async (call) => {
        await call.ctx.admin.create(folder, jsonParam(call, 'service'), call.caller.username);
        return SUCCESS;
      },
    };
  }
  if (folder && (op === 'permissions' || op === 'permissions/add')) return permissionsRoute(folder, folder, `${path}/${op}`, op === 'permissions/add');
  return null;
}

export function permissionsRoute(resource: string, target: string, path: string, add: boolean): AdminRoute {
  if (!add) {
    return {
      privilege: 'ADMINISTER', page: { title: `Permissions of ${target}`, path },
      handle: async (call) => {
        const [folder, name] = splitTarget(target);
        const list = name ? await effectivePermissions(call.ctx.security.store, folder, name) : await call.ctx.security.store.getPermissions(resource);
        return { permissions: list.map((p) => ({ principal: p.principal, permission: { isAllowed: p.isAllowed } })) };
      },
    };
  }
  return {
    privilege: 'ADMINISTER', operation: true, page: { title: `Add permission to ${target}`, path },
    handle: async (call) => {
      const principal = call.params.required('principal').trim();
      const isAllowed = call.params.bool('isAllowed', true);
      if (!call.params.has('isAllowed')) throw new AdminError(400, "'isAllowed' parameter is required.");
      await call.ctx.security.store.setPermission(resource, principal, isAllowed);
      await call.ctx.admin.audit(call.caller.username, 'permissionChanged', target, `${principal}: ${isAllowed ? 'allowed' : 'denied'}`);
      return SUCCESS;
    },
  };
}

/** `Folder/Name.MapServer` → [folder, name]; a folder alone → [folder, '']. */
function splitTarget(target: string): [string, string] {
  const m = /^(?:([^/]+)\/)?([A-Za-z0-9_]+)\.MapServer$/.exec(target);
  return m ? [m[1] ?? '', m[2]!] : [target, ''];
}

function statisticsOf(call: AdminCall, folder: string, def: ServiceDefinition) {
  const stats = call.ctx.pools.statistics(folder, def.serviceName);
  const base = { folderName: folder || '/', serviceName: def.serviceName, type: def.type };
  const slots = stats
    ? { startTime: stats.startTime, ...stats.counts, transactions: stats.snapshot.transactions, totalBusyTime: stats.snapshot.totalBusyTime }
    : { startTime: 0, max: 0, busy: 0, free: 0, initializing: 0, notCreated: 0, transactions: 0, totalBusyTime: 0 };
  const { transactions: _t, totalBusyTime: _b, ...quadrangle } = stats?.snapshot ?? emptySnapshot();
  return {
    summary: { ...base, ...slots, isStatisticsAvailable: true },
    perMachine: [{ machineName: hostname(), ...base, ...slots, isStatisticsAvailable: true }],
    quadrangle,
  };
}

function emptySnapshot() {
  return {
    since: 0, windowSeconds: 900, transactions: 0, totalBusyTime: 0,
    requests: { total: 0, succeeded: 0, failed: 0, timedOut: 0, rejected: 0, inFlight: 0, byOperation: { export: 0, identify: 0, query: 0, find: 0, legend: 0, tile: 0, generateKml: 0, other: 0 } },
    latencyMs: { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 },
  };
}

function itemInfoOf(def: ServiceDefinition): ServiceItemInfo & { name: string; type: string } {
  return { name: def.serviceName, type: 'Map Service', title: def.serviceName, summary: '', description: def.description ?? '', tags: [], thumbnail: '', ...def.itemInfo };
}

const SERVICE_CHILDREN = ['status', 'statistics', 'iteminfo', 'lifecycleinfos', 'permissions', 'addSheetIndex'];

/** `extent`: `xmin,ymin,xmax,ymax` or an Esri envelope object; absent: the service's own. */
function extentParam(call: AdminCall): Envelope | undefined {
  const text = call.params.get('extent')?.trim();
  if (!text) return undefined;
  let v: unknown = text;
  if (text.startsWith('{')) {
    try { v = JSON.parse(text); } catch { throw new AdminError(400, "'extent' parameter is not valid JSON."); }
    const o = v as Record<string, unknown>;
    v = [o.xmin, o.ymin, o.xmax, o.ymax];
  } else v = text.split(',');
  const n = (v as unknown[]).map((x) => (x === '' || x === null ? NaN : Number(x)));
  if (n.length !== 4 || !n.every(Number.isFinite)) throw new AdminError(400, "'extent' must be xmin,ymin,xmax,ymax or an envelope object.");
  return { xmin: n[0]!, ymin: n[1]!, xmax: n[2]!, ymax: n[3]! };
}

/** Routes of one service. */
function serviceRoute(folder: string, name: string, type: string, rest: string[]): AdminRoute | null {
  const target = label(folder, name);
  const path = `services/${folder ? `${folder}/` : ''}${name}.${type}`;
  const op = rest.join('/');
  const def = (call: AdminCall) => {
    if (type !== 'MapServer') throw new AdminError(404, `Service '${folder ? `${folder}/` : ''}${name}.${type}' does not exist.`);
    return call.ctx.admin.get(folder, name);
  };
  const operation = (title: string, run: (call: AdminCall) => Promise<void>): AdminRoute => ({
    privilege: 'PUBLISH', operation: true, page: { title: `${title} ${target}`, path: `${path}/${op}` },
    handle: async (call) => { await def(call); await run(call); return SUCCESS; },
  });
  const resource = (title: string, answer: (call: AdminCall, d: ServiceDefinition) => unknown, children: string[] = []): AdminRoute => ({
    privilege: 'PUBLISH', page: { title: `${title}${target}`, path: op ? `${path}/${op}` : path, children },
    handle: async (call) => answer(call, await def(call)),
  });
  const user = (call: AdminCall) => call.caller.username;
  switch (op) {
    case '': return resource('', (_c, d) => toAdminServiceJson(d), SERVICE_CHILDREN);
    case 'edit': return operation('Edit', (c) => c.ctx.admin.edit(folder, name, jsonParam(c, 'service'), user(c)));
    case 'start': return operation('Start', (c) => c.ctx.admin.start(folder, name, user(c)));
    case 'stop': return operation('Stop', (c) => c.ctx.admin.stop(folder, name, user(c)));
    case 'delete': return operation('Delete', (c) => c.ctx.admin.delete(folder, name, user(c)));
    case 'status': return resource('Status of ', (c) => c.ctx.admin.status(folder, name));
    case 'addSheetIndex': return {
      privilege: 'PUBLISH', operation: true, page: { title: `Add a sheet index to ${target}`, path: `${path}/${op}` },
      handle: async (call) => {
        await def(call);
        const grid = call.params.get('grid')?.trim();
        if (!grid) throw new AdminError(400, "'grid' parameter is required.");
        const r = await call.ctx.admin.addSheetIndex(folder, name, { grid, extent: extentParam(call), products: call.params.bool('products', false) }, user(call));
        return { status: 'success', layerId: r.layerId, layerName: r.layerName, sheets: r.sheetNumbers.length, replaced: r.replaced, product: r.product };
      },
    };
    case 'statistics': return resource('Statistics of ', (c, d) => statisticsOf(c, folder, d));
    case 'iteminfo': return resource('Item information of ', (_c, d) => itemInfoOf(d));
    case 'iteminfo/edit': return operation('Edit item information of', async (c) => {
      const info = jsonParam(c, 'serviceItemInfo');
      const problems: string[] = [];
      validateItemInfo(info, (p, m) => problems.push(`${p}: ${m}`));
      if (problems.length) throw new AdminError(400, problems[0]!, problems.slice(1));
      const { title, summary, description, tags, thumbnail } = info as Partial<ServiceItemInfo>;
      const current = itemInfoOf(await def(c));
      await c.ctx.admin.editItemInfo(folder, name, {
        title: title ?? current.title, summary: summary ?? current.summary, description: description ?? current.description, tags: tags ?? current.tags, thumbnail: thumbnail ?? current.thumbnail,
      }, user(c));
    });
    case 'lifecycleinfos': return resource('Lifecycle of ', async (c, d) => {
      const entries = (await c.ctx.security.store.listAudit({ target, limit: 1000 }))
        .filter((e) => (LIFECYCLE_ACTIONS as readonly string[]).includes(e.action)).reverse();
      return {
        lifecycleState: d.configuredState ?? 'STARTED',
        lifecycleinfos: entries.map((e) => ({ user: e.user, timestamp: e.time, type: e.action })),
        lastmodified: entries.length ? entries[entries.length - 1]!.time : 0,
      };
    });
    case 'permissions':
    case 'permissions/add': {
      const route = permissionsRoute(serviceResourceKey(folder, name), target, `${path}/${op}`, op === 'permissions/add');
      return { ...route, handle: async (call) => { await def(call); return route.handle(call); } };
    }
    default: return null;
  }
}

/** Resolves a path below `/admin/services`. */
export function resolveServicesRoute(path: string[]): AdminRoute | null {
  const at = path.findIndex((p) => SERVICE_SEGMENT.test(p));
  if (at === -1) {
    const [first, ...rest] = path;
    if (first === undefined) return folderRoute('', []);
    if (first === 'createFolder' || first === 'createService') return folderRoute('', path);
    if (!NAME_PATTERN.test(first)) return null;
    return folderRoute(first, rest);
  }
  if (at > 1 || (at === 1 && !NAME_PATTERN.test(path[0]!))) return null;
  const [, name, type] = SERVICE_SEGMENT.exec(path[at]!)!;
  if (type === PRINT_SERVICE.type) return at === 1 && path[0] === PRINT_SERVICE.folder && name === PRINT_SERVICE.name ? printServiceRoute(path.slice(at + 1)) : null;
  return serviceRoute(at === 1 ? path[0]! : '', name!, type!, path.slice(at + 1));
}

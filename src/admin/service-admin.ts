/**
 * The service lifecycle of the Administrator API (admin.md §8–12): create, edit, start, stop and
 * delete a map service, each checked in full before anything is written, so a refused change
 * leaves the old service as it was. Every change is written to the audit log, which also gives a
 * service's lifecycle history.
 * @module admin/service-admin
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fromAdminServiceJson, toAdminServiceJson } from '../catalog/admin-service-json.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { MapService } from '../catalog/map-service.js';
import { NAME_PATTERN, servicePath, type ServiceDefinition } from '../catalog/service-definition.js';
import type { ServiceManager } from '../catalog/service-manager.js';
import { resolvedFramework } from '../catalog/service-framework.js';
import { resolveDataPath } from '../data/source-registry.js';
import type { JobEngine } from '../jobs/job-engine.js';
import { serviceResourceKey } from '../security/access-policy.js';
import type { SecurityStore } from '../security/security-store.js';
import type { ServicePools } from '../workers/service-pools.js';
import type { Envelope } from '../geo/geometry.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import { addSheetIndex, SHEET_INDEX_DIR, SheetIndexError, type SheetIndexResult } from '../production/user-products.js';
import { publishFiles } from '../publish/publish-service.js';
import { PublishError } from '../publish/publish-error.js';
import { AdminError } from './admin-error.js';
import type { UploadStore } from './upload-store.js';

export type RealTimeState = 'STARTED' | 'STOPPED' | 'STARTING' | 'STOPPING';

/** The lifecycle events `lifecycleinfos` lists (the audit log holds more). */
export const LIFECYCLE_ACTIONS = ['created', 'edited', 'started', 'stopped'] as const;

export interface ServiceAdminOptions {
  store: CatalogStore;
  services: ServiceManager;
  pools: ServicePools;
  security: SecurityStore;
  jobs: JobEngine;
  dataDir: string;
  /** Uploaded items, which createService can publish from. */
  uploads?: UploadStore;
  /** Grid definitions and layouts, for sheet indexes and their products. */
  library?: TemplateLibrary;
}

/** Files of an uploaded item that can be published as layers, and as a DEM. */
const VECTOR_FILE = /\.(shp|geojson|json|fgb|gpkg)$/i;
const DEM_FILE = /\.tiff?$/i;

export class ServiceAdmin {
  /** Services in the middle of a start or stop on this node. */
  private readonly transitions = new Map<string, RealTimeState>();

  constructor(private readonly o: ServiceAdminOptions) {}

  /** The stored definition, or 404 worded as admin.md §7. */
  async get(folder: string, name: string): Promise<ServiceDefinition> {
    const stored = NAME_PATTERN.test(name) && (folder === '' || NAME_PATTERN.test(folder)) ? await this.o.store.getService(folder, name) : null;
    if (!stored) throw new AdminError(404, `Service '${label(folder, name)}' does not exist.`);
    return stored.definition;
  }

  async createFolder(name: string, description: string, user: string): Promise<void> {
    if (!NAME_PATTERN.test(name)) throw new AdminError(400, `Invalid folder name '${name.slice(0, 60)}'.`, ['folderName: letters, digits and _, at most 120 characters']);
    if ((await this.o.store.listFolders()).includes(name)) throw new AdminError(400, `Folder '${name}' already exists.`);
    await this.o.store.createFolder(name, description);
    await this.audit(user, 'createFolder', `folder:${name}`, '');
  }

  async create(folder: string, serviceJson: unknown, user: string): Promise<ServiceDefinition> {
    await this.requireFolder(folder);
    const properties = (serviceJson as { properties?: Record<string, unknown> } | null)?.properties;
    if (properties && typeof properties === 'object' && properties.uploadItems !== undefined) return this.createFromUploads(folder, serviceJson as Record<string, unknown>, user);
    const definition = this.convert(folder, serviceJson);
    if (await this.o.store.getService(folder, definition.serviceName)) throw new AdminError(400, `Service '${label(folder, definition.serviceName)}' already exists.`);
    await this.checkSources(definition);
    await this.o.store.putService(definition);
    this.o.services.invalidate(folder, definition.serviceName);
    if (definition.configuredState !== 'STOPPED') await this.o.pools.start(folder, definition.serviceName);
    await this.audit(user, 'created', label(folder, definition.serviceName), definition.configuredState === 'STOPPED' ? 'stopped' : 'started');
    return definition;
  }

  /**
   * createService from uploaded items: `properties.uploadItems` (IDs, an array or comma-separated)
   * and optionally `properties.demItem` are published as `quadrangle publish` publishes files; the
   * JSON's other settings (description, pool, capabilities…) then apply to the published service.
   * Refused settings remove the published service again, so nothing half-made remains.
   */
  private async createFromUploads(folder: string, json: Record<string, unknown>, user: string): Promise<ServiceDefinition> {
    const { uploadItems, demItem, ...otherProperties } = json.properties as Record<string, unknown>;
    const name = json.serviceName;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) throw new AdminError(400, 'serviceName: letters, digits and _, at most 120 characters');
    if (!this.o.uploads) throw new AdminError(400, 'properties.uploadItems: this server takes no uploads.');
    const ids = (Array.isArray(uploadItems) ? uploadItems : String(uploadItems).split(',')).map((s) => String(s).trim()).filter(Boolean);
    if (ids.length === 0) throw new AdminError(400, 'properties.uploadItems: name at least one uploaded item.');
    const itemFiles = (id: string, pattern: RegExp, field: string): string[] => {
      const item = this.o.uploads!.get(id);
      if (!item) throw new AdminError(400, `${field}: item '${id.slice(0, 80)}' does not exist.`);
      const files = this.o.uploads!.filePaths(item).filter((f) => pattern.test(f));
      if (files.length === 0) throw new AdminError(400, `${field}: item '${id}' (${item.itemName}) holds no ${pattern === DEM_FILE ? 'GeoTIFF' : 'shapefile, GeoJSON, FlatGeobuf or GeoPackage'}.`);
      return files;
    };
    const files = ids.flatMap((id) => itemFiles(id, VECTOR_FILE, 'properties.uploadItems'));
    const dems = demItem === undefined || demItem === '' ? [] : itemFiles(String(demItem), DEM_FILE, 'properties.demItem');
    if (dems.length > 1) throw new AdminError(400, `properties.demItem: item '${String(demItem)}' holds ${dems.length} GeoTIFFs; upload one.`);
    let published: Awaited<ReturnType<typeof publishFiles>>;
    try {
      published = await publishFiles({ dataDir: this.o.dataDir, files, name, folder, ...(dems[0] ? { dem: dems[0] } : {}), user }, { store: this.o.store });
    } catch (e) {
      // Names the user's file by its upload name, not the server's path.
      if (e instanceof PublishError) throw new AdminError(400, e.message.split(this.o.dataDir).join('<data>'));
      throw e;
    }
    const asPublished = toAdminServiceJson(published.definition);
    let definition: ServiceDefinition;
    try {
      definition = this.convert(folder, { ...asPublished, ...json, serviceName: name, properties: { ...otherProperties, mapDefinition: asPublished.properties.mapDefinition } });
    } catch (e) {
      await this.o.store.deleteService(folder, name);
      await rm(this.publishedDir(folder, name), { recursive: true, force: true });
      throw e;
    }
    await this.o.store.putService(definition);
    this.o.services.invalidate(folder, name);
    if (definition.configuredState !== 'STOPPED') await this.o.pools.start(folder, name);
    await this.audit(user, 'created', label(folder, name), `published from ${ids.concat(dems.length ? [String(demItem)] : []).join(', ')}`);
    return definition;
  }

  /**
   * Builds the sheet index of a grid over the service (its full extent unless `extent` is given)
   * as a layer, and with `products` registers the grid's product with the service's DEM.
   */
  async addSheetIndex(folder: string, name: string, options: { grid: string; extent?: Envelope; products: boolean }, user: string): Promise<SheetIndexResult> {
    await this.get(folder, name);
    if (!this.o.library) throw new AdminError(400, 'grid: this server has no grid definitions.');
    let result: SheetIndexResult;
    try {
      result = await addSheetIndex({ dataDir: this.o.dataDir, folder, service: name, ...options }, { store: this.o.store, library: this.o.library, services: this.o.services });
    } catch (e) {
      if (e instanceof SheetIndexError) throw new AdminError(400, e.message);
      throw e;
    }
    this.o.services.invalidate(folder, name);
    await this.audit(user, 'edited', label(folder, name), `sheet index ${result.grid}: ${result.sheetNumbers.length} sheets${result.product ? `, product ${result.product}` : ''}`);
    return result;
  }

  /** Where `quadrangle publish` and uploads put a service's files. */
  private publishedDir(folder: string, name: string): string {
    return join(this.o.dataDir, 'published', ...(folder ? [folder] : []), name);
  }

  /** Replaces the definition; a started service takes the new settings for its next requests. */
  async edit(folder: string, name: string, serviceJson: unknown, user: string): Promise<void> {
    const previous = await this.get(folder, name);
    const json = serviceJson as { serviceName?: unknown; type?: unknown } | null;
    if (json && typeof json === 'object' && json.serviceName !== undefined && json.serviceName !== name) {
      throw new AdminError(400, 'serviceName: the name of a service cannot be changed by edit.');
    }
    const definition = this.convert(folder, serviceJson, previous);
    await this.checkSources(definition);
    await this.o.store.putService(definition);
    this.o.services.invalidate(folder, name);
    if (definition.configuredState === 'STOPPED' && previous.configuredState !== 'STOPPED') await this.o.pools.stop(folder, name);
    await this.audit(user, 'edited', label(folder, name), '');
  }

  /** Opens the service's data and marks it STARTED; a source that fails leaves it stopped (500). */
  async start(folder: string, name: string, user: string): Promise<void> {
    const def = await this.get(folder, name);
    if ((def.configuredState ?? 'STARTED') === 'STARTED') return;
    const key = label(folder, name);
    this.transitions.set(key, 'STARTING');
    try {
      await this.checkSources(def);
      await this.o.store.putService({ ...def, configuredState: 'STARTED' });
      this.o.services.invalidate(folder, name);
      await this.o.pools.start(folder, name);
    } finally { this.transitions.delete(key); }
    await this.audit(user, 'started', key, '');
  }

  /** Marks the service STOPPED, lets requests in flight finish and closes its workers. Its jobs stay. */
  async stop(folder: string, name: string, user: string): Promise<void> {
    const def = await this.get(folder, name);
    if (def.configuredState === 'STOPPED') return;
    const key = label(folder, name);
    this.transitions.set(key, 'STOPPING');
    try {
      await this.o.store.putService({ ...def, configuredState: 'STOPPED' });
      this.o.services.invalidate(folder, name);
      await this.o.pools.stop(folder, name);
    } finally { this.transitions.delete(key); }
    await this.audit(user, 'stopped', key, '');
  }

  /** Stops and removes the service with its products, permissions, jobs, outputs and tile cache. */
  async delete(folder: string, name: string, user: string): Promise<void> {
    const def = await this.get(folder, name);
    const key = label(folder, name);
    if (resolvedFramework(def.framework).isDefault) throw new AdminError(400, `System service '${key}' cannot be deleted.`);
    await this.o.store.putService({ ...def, configuredState: 'STOPPED' });
    this.o.services.invalidate(folder, name);
    await this.o.pools.stop(folder, name);
    const serviceKey = servicePath(folder, name);
    // Deleting with force cancels running jobs first and removes every job's folder.
    const { jobs } = await this.o.jobs.query({ serviceKey }, { limit: 100_000 });
    for (const job of jobs) await this.o.jobs.delete(job.jobId, { force: true });
    await this.o.store.deleteService(folder, name);
    this.o.services.invalidate(folder, name);
    await this.o.security.removePermissions(serviceResourceKey(folder, name));
    await rm(join(this.o.dataDir, 'cache', folder ? `${folder}_${name}` : name), { recursive: true, force: true });
    // Files made for this service alone (`quadrangle publish`, uploads, `quadrangle sheets`) go with it.
    await rm(this.publishedDir(folder, name), { recursive: true, force: true });
    await rm(join(this.o.dataDir, SHEET_INDEX_DIR, ...(folder ? [folder] : []), name), { recursive: true, force: true });
    await this.audit(user, 'deleted', key, '');
  }

  /** admin.md §12: the stored intent and what this node is doing. */
  async status(folder: string, name: string): Promise<{ configuredState: 'STARTED' | 'STOPPED'; realTimeState: RealTimeState }> {
    const def = await this.get(folder, name);
    const configuredState = def.configuredState ?? 'STARTED';
    return { configuredState, realTimeState: this.transitions.get(label(folder, name)) ?? configuredState };
  }

  /** Replaces the item information (title, summary, description, tags, thumbnail). */
  async editItemInfo(folder: string, name: string, itemInfo: NonNullable<ServiceDefinition['itemInfo']>, user: string): Promise<void> {
    const def = await this.get(folder, name);
    await this.o.store.putService({ ...def, itemInfo });
    this.o.services.invalidate(folder, name);
    await this.audit(user, 'itemInfoEdited', label(folder, name), '');
  }

  async audit(user: string, action: string, target: string, details: string): Promise<void> {
    await this.o.security.appendAudit({ time: Date.now(), user, action, target, details });
  }

  private async requireFolder(folder: string): Promise<void> {
    if (folder && !(await this.o.store.listFolders()).includes(folder)) throw new AdminError(404, `Folder '${folder.slice(0, 120)}' does not exist.`);
  }

  private convert(folder: string, serviceJson: unknown, previous?: ServiceDefinition): ServiceDefinition {
    const result = fromAdminServiceJson(serviceJson, { folder, previous, loadMapDefinition: (n) => this.loadMapDefinition(n) });
    if ('issues' in result) {
      const [first, ...rest] = result.issues;
      const text = (i: { path: string; message: string }) => (i.path === 'serviceName' || i.path === 'type' ? i.message : `${i.path}: ${i.message}`);
      throw new AdminError(400, text(first!), rest.slice(0, 20).map(text));
    }
    return result.definition;
  }

  /** A stored map document: `<data>/maps/<name>.json`. */
  private loadMapDefinition(name: string): unknown | null {
    const path = join(this.o.dataDir, 'maps', `${name}.json`);
    if (!existsSync(path)) return null;
    try { return JSON.parse(readFileSync(path, 'utf8')); } catch { return null; }
  }

  /** Opens every layer's data once (files confined to the data directory); 500 naming the first that fails. */
  private async checkSources(def: ServiceDefinition): Promise<void> {
    const service = new MapService(def, 0, this.o.dataDir);
    try {
      await service.prepare();
      for (const layer of def.layers) {
        if (layer.type === 'Group Layer') continue;
        try {
          if (layer.type === 'Raster Layer' && layer.raster) resolveDataPath(this.o.dataDir, layer.raster.path);
          service.layer(layer.id);
        } catch (e) {
          throw new AdminError(500, `The data of layer ${layer.id} ('${layer.name.slice(0, 60)}') cannot be opened.`, [(e as Error).message.slice(0, 200)]);
        }
      }
    } finally { service.close(); }
  }
}

function label(folder: string, name: string): string {
  return `${folder ? `${folder}/` : ''}${name}.MapServer`;
}

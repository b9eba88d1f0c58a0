/**
 * `publishFiles`: a user's files become a map service. Vector files are imported into one
 * GeoPackage, GeoPackages and the DEM are copied beside it, all under
 * `<data>/published/[<folder>/]<name>/`; the definition (one layer per table, default or
 * topographic styles, terrain layers over the DEM) is validated and opened as the server would
 * open it, and only then written to the catalog. On any failure the folder written so far is
 * removed and the catalog is untouched. A running server sees the new service on its next look
 * at the catalog (its ServiceManager asks again at most every two seconds).
 * @module publish/publish-service
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { NAME_PATTERN, servicePath, type ServiceDefinition } from '../catalog/service-definition.js';
import type { Envelope } from '../geo/geometry.js';
import { isGeographic, type SpatialReference } from '../geo/spatial-reference.js';
import { importVectorFiles } from '../ingest/import-to-geopackage.js';
import type { SecurityStore } from '../security/security-store.js';
import { publishCrsResolver } from './publish-crs.js';
import { PublishError } from './publish-error.js';
import { asPublishError, readPublishInputs, type PublishInputs } from './publish-inputs.js';
import { describeTable, type PublishedTable } from './published-tables.js';
import { buildServiceDefinition, type PublishedDem, type PublishedLayer } from './service-builder.js';
import { checkServiceDefinition, ServiceCheckError } from './service-checks.js';

export interface PublishOptions {
  /** The server's data directory. */
  dataDir: string;
  /** Shapefiles (.shp), GeoJSON, FlatGeobuf and GeoPackage files. */
  files: string[];
  /** Service name: letters, digits and underscores. */
  name: string;
  /** Catalog folder (created when missing); default the root folder. */
  folder?: string;
  /** A GeoTIFF elevation model drawn as hillshade, tint and identifiable elevations. */
  dem?: string;
  /** Who publishes (audit log, document author); default `system`. */
  user?: string;
}

export interface PublishDeps {
  /** The data directory's catalog. */
  store: CatalogStore;
  /** Where the creation is audited, as the Administrator API audits it; none: not audited. */
  security?: SecurityStore;
  /** Progress messages. */
  log?: (message: string) => void;
}

export interface PublishResult {
  folder: string;
  name: string;
  /** `Folder/Name` (or `Name`), as service paths are written. */
  path: string;
  /** The service's URL path below the instance's REST root: `services/Folder/Name/MapServer`. */
  restPath: string;
  /** Where the service's files are, relative to the data directory. */
  directory: string;
  layers: PublishedLayer[];
  definition: ServiceDefinition;
}

/** A path relative to the data directory, with forward slashes, as definitions store them. */
const dataRelative = (dataDir: string, path: string) => relative(dataDir, path).split(sep).join('/');

/** `base.ext`, or `base_2.ext`… when taken (compared without case). */
function freeName(wanted: string, taken: Set<string>): string {
  const ext = extname(wanted), base = basename(wanted, ext);
  let name = wanted;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}_${k}${ext}`;
  taken.add(name.toLowerCase());
  return name;
}

/** An extent with some room around a single point or a straight row of points, which have no area. */
function padded(e: Envelope, sr: SpatialReference): Envelope {
  const pad = (e.xmax - e.xmin === 0 || e.ymax - e.ymin === 0) ? Math.max(e.xmax - e.xmin, e.ymax - e.ymin) * 0.05 || (isGeographic(sr) ? 0.01 : 1000) : 0;
  return { xmin: e.xmin - pad, ymin: e.ymin - pad, xmax: e.xmax + pad, ymax: e.ymax + pad };
}

/** The folder as the catalog spells it, and a clear error when the service exists already. */
async function checkName(store: CatalogStore, name: string, folder: string): Promise<string> {
  if (!NAME_PATTERN.test(name)) throw new PublishError('--name', `--name '${name.slice(0, 120)}' is not a valid service name: use 1–120 letters, digits or underscores`);
  if (folder && !NAME_PATTERN.test(folder)) throw new PublishError('--folder', `--folder '${folder.slice(0, 120)}' is not a valid folder name: use 1–120 letters, digits or underscores`);
  // Names are compared without case, as ArcGIS Server compares them.
  const existingFolder = folder ? (await store.listFolders()).find((f) => f.toLowerCase() === folder.toLowerCase()) : undefined;
  const spelled = existingFolder ?? folder;
  const clash = (await store.listServices(spelled)).find((s) => s.definition.serviceName.toLowerCase() === name.toLowerCase());
  if (clash) throw new PublishError('--name', `a service named '${servicePath(spelled, clash.definition.serviceName)}' already exists: choose another --name or delete that service first`);
  return spelled;
}

/** Writes the GeoPackage(s) and the DEM into `dir` and describes every table. */
async function writeData(dataDir: string, dir: string, name: string, inputs: PublishInputs, log: (m: string) => void): Promise<{ tables: PublishedTable[]; dem?: PublishedDem }> {
  const taken = new Set<string>([`${name}.gpkg`.toLowerCase()]);
  const tables: PublishedTable[] = [];
  if (inputs.vectors.length) {
    const gpkg = join(dir, `${name}.gpkg`);
    log(`Importing ${inputs.vectors.map((f) => basename(f)).join(', ')}…`);
    const imported = await importVectorFiles(inputs.vectors, gpkg, { resolveCrs: publishCrsResolver() });
    for (const t of imported) {
      const sourceNames = Object.fromEntries(t.fields.filter((f) => f.name !== f.sourceName).map((f) => [f.name, f.sourceName]));
      tables.push(describeTable(gpkg, dataRelative(dataDir, gpkg), t.table, { file: t.file, title: t.identifier, featureCount: t.featureCount, sourceNames }));
    }
  }
  for (const g of inputs.geopackages) {
    const copy = join(dir, freeName(basename(g.file).replace(/\.[^.]*$/, '') + '.gpkg', taken));
    log(`Copying ${basename(g.file)}…`);
    // SQLite's backup copies the pages as they are, including changes still in a -wal file.
    const db = new Database(g.file, { readonly: true, fileMustExist: true });
    try { await db.backup(copy); } finally { db.close(); }
    for (const t of g.tables) {
      try {
        tables.push(describeTable(copy, dataRelative(dataDir, copy), t.table, { file: g.file, title: t.identifier, featureCount: t.featureCount }));
      } catch (e) {
        throw new PublishError(g.file, `${g.file}: table '${t.table}' cannot be published: ${(e as Error).message}`);
      }
    }
  }
  let dem: PublishedDem | undefined;
  if (inputs.dem) {
    const copy = join(dir, freeName(basename(inputs.dem.file), taken));
    log(`Copying ${basename(inputs.dem.file)}…`);
    copyFileSync(inputs.dem.file, copy);
    dem = { path: dataRelative(dataDir, copy), file: inputs.dem.file, info: inputs.dem.info };
  }
  return { tables, ...(dem ? { dem } : {}) };
}

/** Publishes `files` (and the DEM) as the map service `folder/name`; see the module comment. */
export async function publishFiles(options: PublishOptions, deps: PublishDeps): Promise<PublishResult> {
  const log = deps.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const folder = await checkName(deps.store, options.name, options.folder ?? '');
  const name = options.name;
  const inputs = await readPublishInputs(options.files, options.dem);

  const dir = join(dataDir, 'published', ...(folder ? [folder] : []), name);
  if (existsSync(dir)) throw new PublishError('--name', `${dir} already exists (left by an earlier publish?): remove it or choose another --name`);
  const created = mkdirSync(dir, { recursive: true }) ?? dir;
  let built: ReturnType<typeof buildServiceDefinition>;
  try {
    const { tables, dem } = await writeData(dataDir, dir, name, inputs, log);
    built = buildServiceDefinition({ name, folder, tables, ...(dem ? { dem } : {}), ...(options.user ? { user: options.user } : {}) });
    let extent: Envelope | null;
    try {
      extent = await checkServiceDefinition(built.definition, dataDir);
    } catch (e) {
      if (!(e instanceof ServiceCheckError)) throw e;
      const file = built.layers.find((l) => l.id === e.layerId)?.file;
      throw file ? new PublishError(file, `${file}: ${e.message}`) : new PublishError('--name', `service '${servicePath(folder, name)}': ${e.message}`);
    }
    if (extent) built.definition.initialExtent = padded(extent, built.definition.spatialReference);
    // Checked again: another publish may have taken the name meanwhile.
    await checkName(deps.store, name, folder);
    await deps.store.putService(built.definition);
  } catch (e) {
    // Nothing reached the catalog (putService is the last step): remove the files written so far.
    rmSync(created, { recursive: true, force: true });
    throw asPublishError(e, options.name);
  }
  const { definition, layers } = built;
  log(`Published ${servicePath(folder, name)} with ${layers.length} layer${layers.length === 1 ? '' : 's'}`);
  await deps.security?.appendAudit({
    time: Date.now(), user: options.user ?? 'system', action: 'created', target: `${servicePath(folder, name)}.MapServer`,
    details: `published from ${[...inputs.vectors, ...inputs.geopackages.map((g) => g.file), ...(inputs.dem ? [inputs.dem.file] : [])].map((f) => basename(f)).join(', ')}`,
  });
  return {
    folder, name, path: servicePath(folder, name), restPath: `services/${servicePath(folder, name)}/MapServer`,
    directory: dataRelative(dataDir, dir), layers, definition,
  };
}

/**
 * Assembles a running Quadrangle: data directory, catalog store, service manager, security,
 * the services' instance pools, the sample region on first start, and the HTTP server.
 * @module app/quadrangle-app
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { servicePath, validateServiceDefinition } from '../catalog/service-definition.js';
import { UploadStore } from '../admin/upload-store.js';
import { DrawCache } from '../data/draw-cache.js';
import { ServiceManager } from '../catalog/service-manager.js';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import type { QuadrangleConfig } from '../config/config.js';
import { createServer } from '../http/server.js';
import { ServiceAdmin } from '../admin/service-admin.js';
import { poolSettingsOf } from '../catalog/service-framework.js';
import { ServerMetrics } from '../http/metrics.js';
import { openSecurity } from '../security/security-services.js';
import { ServicePools } from '../workers/service-pools.js';
import { JobEngine } from '../jobs/job-engine.js';
import { openJobStore } from '../jobs/open-job-store.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { OutputStore } from '../output/output-store.js';
import { PRINT_OUTPUT_DIR, printServiceSettings } from '../printing/print-service-settings.js';
import { createPrintThreads } from '../printing/print-threads.js';
import { ensureSampleProducts } from '../production/sample-products.js';
import { generateSampleRegion } from '../sample/generate-sample-region.js';
import { SAMPLE_DIR, SAMPLE_GPKG, sampleServiceDefinition } from '../sample/sample-service.js';

/** Export images stay reachable for ten minutes (mapserver.md §6). */
const OUTPUT_LIFETIME_MS = 10 * 60_000;

export interface RunningQuadrangle {
  app: FastifyInstance;
  /** e.g. `http://127.0.0.1:6080` */
  url: string;
  close(): Promise<void>;
}

export type Log = (message: string) => void;

/** Generates the sample region into the data directory unless it is already there. */
export async function ensureSampleData(dataDir: string, log: Log, options: { force?: boolean; seed?: number } = {}): Promise<void> {
  if (!options.force && existsSync(join(dataDir, SAMPLE_GPKG))) return;
  log('Generating the sample region (takes about half a minute)…');
  let lastStep = '';
  const summary = await generateSampleRegion({
    outDir: join(dataDir, SAMPLE_DIR), seed: options.seed,
    onProgress: (step, fraction) => { if (step !== lastStep) { lastStep = step; log(`  ${String(Math.round(fraction * 100)).padStart(3)}%  ${step}`); } },
  });
  log(`Sample region: ${summary.totalFeatures} features in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
}

/** Publishes the sample service when the catalog holds no service at all. */
export async function ensureSampleService(config: QuadrangleConfig, store: CatalogStore, log: Log): Promise<void> {
  const folders = ['', ...(await store.listFolders())];
  for (const f of folders) if ((await store.listServices(f)).length > 0) return;
  await ensureSampleData(config.dataDir, log);
  const def = sampleServiceDefinition();
  const issues = validateServiceDefinition(def);
  if (issues.length) throw new Error(`sample service definition is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  await store.putService(def);
  log(`Published ${def.folder}/${def.serviceName}/MapServer`);
}

/** Keys (`folder/name`) of the stopped services, whose queued jobs wait (admin.md §10). */
async function stoppedServices(store: CatalogStore): Promise<string[]> {
  const keys: string[] = [];
  for (const folder of ['', ...(await store.listFolders())]) {
    for (const { definition: d } of await store.listServices(folder)) if (d.configuredState === 'STOPPED') keys.push(servicePath(folder, d.serviceName));
  }
  return keys;
}

/** Starts the server; resolves once it listens. */
export async function startQuadrangle(config: QuadrangleConfig, log: Log = () => {}): Promise<RunningQuadrangle> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openCatalogStore(config, { log });
  if (config.sampleOnEmpty) {
    await ensureSampleService(config, store, log);
    await ensureSampleProducts(store);
  }
  // The main thread draws only when operations run in-process (operationThreads 0).
  const services = new ServiceManager(store, config.dataDir, { drawCache: new DrawCache(config.operationThreads === 0 ? config.drawCacheMb * 2 ** 20 : 0) });
  const security = await openSecurity({
    dataDir: config.dataDir, databaseUrl: config.databaseUrl, maxTokenExpiration: config.security.maxTokenExpiration, log,
    admin: config.adminUser && config.adminPassword ? { username: config.adminUser, password: config.adminPassword } : undefined,
  });
  const pools = new ServicePools({
    threads: config.operationThreads, dataDir: config.dataDir, databaseUrl: config.databaseUrl, drawCacheMb: config.drawCacheMb, services,
    settingsFor: async (folder, name) => {
      const service = await services.get(folder, name);
      return service && service.definition.configuredState !== 'STOPPED' ? poolSettingsOf(service.definition) : null;
    },
  });
  const outputs = new OutputStore(join(config.dataDir, 'output'));
  const library = new TemplateLibrary({ layoutDirs: [join(config.dataDir, 'layouts')], gridDirs: [join(config.dataDir, 'grids')] });
  const jobStore = await openJobStore(config, { log });
  const jobs = new JobEngine({
    store: jobStore, workerScript: new URL('./job-thread.ts', import.meta.url),
    concurrency: config.jobWorkers, outputDir: join(config.dataDir, 'jobs'),
    heldServices: () => stoppedServices(store),
  });
  await jobs.start();
  const uploads = new UploadStore(join(config.dataDir, 'uploads'), config.uploadLimitMb * 2 ** 20);
  const admin = new ServiceAdmin({ store, services, pools, security: security.store, jobs, dataDir: config.dataDir, uploads, library });
  const metrics = new ServerMetrics(config.instance, () => pools);
  const printThreads = createPrintThreads({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, drawCacheMb: config.drawCacheMb, maxThreads: config.jobWorkers });
  const app = await createServer({ config, store, services, outputs, runOperation: (task) => pools.run(task), jobs, library, security, pools, admin, metrics, uploads, printThreads });
  // Print files are kept for the printing service's maxFileAge, other outputs ten minutes.
  const sweep = async () => outputs.sweep(OUTPUT_LIFETIME_MS, { [PRINT_OUTPUT_DIR]: (await printServiceSettings(store)).maxFileAge * 60_000 });
  const sweeper = setInterval(() => { sweep().catch(() => {}); }, 60_000);
  sweeper.unref();
  const address = await app.listen({ port: config.port, host: config.host });
  const port = Number(new URL(address).port);
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      clearInterval(sweeper);
      await app.close();
      await jobs.close();
      await printThreads.close();
      await jobStore.close();
      await pools.close();
      services.close();
      await store.close();
      await security.close();
    },
  };
}

/**
 * The `quadrangle` command: `serve` (the default), `sample` and `seed`.
 * @module cli/main
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { ensureSampleData, startQuadrangle } from '../app/quadrangle-app.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { DatabaseError } from '../db/database-error.js';
import type { Envelope } from '../geo/geometry.js';
import { SecurityStoreError } from '../security/security-store.js';
import { addSheetIndexToDataDir, SheetIndexError } from '../production/user-products.js';
import { SheetError } from '../sheet/generate-sheet.js';
import { SeedError, seedCache } from '../tiles/seed.js';
import { adminCommand } from './admin-command.js';
import { GenerateCommandError, generateCommand } from './generate-command.js';
import { makeSheet } from './make-sheet.js';
import { ProgressBar, progressLine } from './progress-bar.js';
import { publishCommand } from '../publish/publish-command.js';

const log = (m: string) => process.stderr.write(`${m}\n`);

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

/** `6-12` or `8`. */
function levelRange(value: string): [number, number] {
  const m = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a level or a range such as 6-12');
  const from = Number(m[1]), to = m[2] === undefined ? from : Number(m[2]);
  if (from > to) throw new InvalidArgumentError('the first level must not exceed the last');
  return [from, to];
}

/** `xmin,ymin,xmax,ymax`. */
function envelope(value: string): Envelope {
  const v = value.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (v.length !== 4 || !v.every(Number.isFinite)) throw new InvalidArgumentError('expected xmin,ymin,xmax,ymax');
  const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
  if (!(xmin < xmax && ymin < ymax)) throw new InvalidArgumentError('xmin must be below xmax and ymin below ymax');
  return { xmin, ymin, xmax, ymax };
}

const program = new Command('quadrangle')
  .description('Open topographic map production server speaking the ArcGIS Server REST API');

program.command('serve', { isDefault: true })
  .description('start the server (generates and publishes the sample region on first start)')
  .option('-p, --port <port>', 'TCP port (env PORT, default 6080)', integer)
  .option('--host <host>', 'interface to listen on (env HOST, default 0.0.0.0)')
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .option('--threads <n>', 'worker threads for map operations (env QUADRANGLE_THREADS, default: cores; 0 = main thread)', integer)
  .option('--no-sample', 'do not publish the sample region into an empty catalog')
  .option('--log-level <level>', 'silent, error, warn, info or debug')
  .action(async (opts: { port?: number; host?: string; data?: string; sample: boolean; logLevel?: string; threads?: number }) => {
    const config = loadConfig({ port: opts.port, host: opts.host, dataDir: opts.data, sampleOnEmpty: opts.sample, logLevel: opts.logLevel as never, operationThreads: opts.threads });
    const running = await startQuadrangle(config, log);
    log(`Quadrangle listening on ${running.url}/${config.instance}/rest/services (data: ${config.dataDir})`);
    const stop = async () => { await running.close(); process.exit(0); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.command('sample')
  .description('generate the sample region (DEM and GeoPackage) into the data directory')
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .option('--seed <n>', 'random seed (default 1)', integer)
  .option('--force', 'regenerate even when the sample exists')
  .action(async (opts: { data?: string; seed?: number; force?: boolean }) => {
    const config = loadConfig({ dataDir: opts.data });
    await ensureSampleData(config.dataDir, log, { force: opts.force, seed: opts.seed });
  });

program.command('seed')
  .description('fill a map service\'s tile cache for an extent and a range of levels (resumes an interrupted run)')
  .requiredOption('--service <path>', 'service as Folder/Name, e.g. Topo/SampleRegion')
  .requiredOption('--levels <range>', 'levels to seed, e.g. 6-12', levelRange)
  .option('--extent <xmin,ymin,xmax,ymax>', 'area in the service\'s spatial reference (default: the service\'s full extent)', envelope)
  .option('--bbox-wgs84 <west,south,east,north>', 'area in longitude and latitude', envelope)
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .option('--threads <n>', 'worker threads (default: cores)', integer)
  .action(async (opts: { service: string; levels: [number, number]; extent?: Envelope; bboxWgs84?: Envelope; data?: string; threads?: number }) => {
    const config = loadConfig({ dataDir: opts.data, operationThreads: opts.threads ?? availableParallelism() });
    const bar = new ProgressBar();
    const result = await seedCache({
      dataDir: config.dataDir, databaseUrl: config.databaseUrl, service: opts.service, minLevel: opts.levels[0], maxLevel: opts.levels[1],
      extent: opts.extent, bboxWgs84: opts.bboxWgs84, threads: Math.max(1, config.operationThreads),
      onProgress: (p) => {
        const seconds = p.elapsedMs / 1000, rendered = p.done - p.skipped;
        const eta = rendered ? ((p.total - p.done) * seconds) / rendered : p.done === p.total ? 0 : Infinity;
        bar.update(progressLine(p.done, p.total, 'metatiles', `${seconds ? (p.tilesWritten / seconds).toFixed(1) : '0.0'} tiles/s`, eta), p.done === p.total);
      },
    });
    log(`Seeded ${opts.service} levels ${opts.levels.join('-')}: ${result.tilesWritten} tiles written, ${result.skipped} of ${result.total} metatiles already cached, ${(result.elapsedMs / 1000).toFixed(1)} s`);
  });

program.command('sheet')
  .description('make one topographic map sheet of a series (PDF, GeoTIFF, PNG, JPEG or SVG) with a progress bar')
  .requiredOption('--product <name>', 'grid definition of the series, e.g. TM25, TM50, TM100')
  .requiredOption('--sheet <id>', 'sheet number in the sheet index, e.g. 5630N00530W')
  .option('--service <path>', 'service as Folder/Name', 'Topo/SampleRegion')
  .option('--format <format>', 'pdf, tiff, png, jpg or svg', 'pdf')
  .option('--template <name>', 'layout template (default: the grid\'s)')
  .option('--resolution <dpi>', 'dots per inch of raster formats', integer, 300)
  .option('--date <yyyy-mm-dd>', 'date of the magnetic values (default: today)')
  .requiredOption('-o, --output <file>', 'file to write')
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .action(async (opts: { product: string; sheet: string; service: string; format: string; template?: string; resolution: number; date?: string; output: string; data?: string }) => {
    const config = loadConfig({ dataDir: opts.data });
    const bar = new ProgressBar();
    const started = Date.now();
    const { warnings } = await makeSheet({
      dataDir: config.dataDir, databaseUrl: config.databaseUrl, service: opts.service, product: opts.product, sheetId: opts.sheet, format: opts.format, template: opts.template,
      resolution: opts.resolution, date: opts.date, output: opts.output,
      onProgress: (step, percent) => bar.update(`[${'#'.repeat(Math.round(percent / 4))}${'-'.repeat(25 - Math.round(percent / 4))}] ${percent}%  ${step}`, percent === 100),
    });
    for (const w of warnings) log(`warning: ${w}`);
    log(`Wrote ${opts.output} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

program.command('sheets')
  .description('add the sheet index of a grid (TM25, TM50, TM100, …) to a map service, and with --products the grid\'s product')
  .requiredOption('--grid <name>', 'grid definition, e.g. TM50')
  .requiredOption('--service <path>', 'service as Folder/Name')
  .option('--extent <xmin,ymin,xmax,ymax>', 'area in the service\'s spatial reference (default: the service\'s full extent)', envelope)
  .option('--products', 'also register a product for the grid (the service needs a DEM raster layer)', false)
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .action(async (opts: { grid: string; service: string; extent?: Envelope; products: boolean; data?: string }) => {
    const config = loadConfig({ dataDir: opts.data });
    const r = await addSheetIndexToDataDir({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, service: opts.service, grid: opts.grid, extent: opts.extent, products: opts.products });
    log(`${r.replaced ? 'Rebuilt' : 'Added'} ${r.layerName} (layer ${r.layerId}, ${r.sheetNumbers.length} sheets, ${r.path}) on ${r.service}${r.product ? `; product ${r.product}` : ''}`);
  });

program.command('generate')
  .description('submit a generateProduct job to a running server; with --wait, follow it and download the output')
  .requiredOption('--product <name>', 'product, e.g. TM50')
  .requiredOption('--version <name>', 'product version, e.g. TDS_7_1')
  .requiredOption('--sheet <id>', 'sheet number in the product\'s sheet index')
  .option('--service <path>', 'map service as Folder/Name', 'Topo/SampleRegion')
  .option('--format <type>', 'outputType: pdf, tiff, png, jpg or svg', 'pdf')
  .option('--server <url>', 'the server\'s instance URL (default http://127.0.0.1:$PORT/arcgis)')
  .option('--wait', 'poll the job until it ends', false)
  .option('-o, --output <file>', 'with --wait, where to write the output')
  .action(async (opts: { product: string; version: string; sheet: string; service: string; format: string; server?: string; wait: boolean; output?: string }) => {
    const bar = new ProgressBar(process.stderr, 500);
    const job = await generateCommand({
      ...opts, server: opts.server ?? `http://127.0.0.1:${process.env.PORT ?? 6080}/arcgis`,
      onProgress: (percent, status, step) => bar.update(`[${'#'.repeat(Math.round(percent / 4))}${'-'.repeat(25 - Math.round(percent / 4))}] ${percent}%  ${status}  ${step.slice(0, 60)}`, status === 'Succeeded'),
    });
    log(opts.wait ? `Job ${job.jobId} succeeded: ${opts.output ?? job.outputUrl}` : `Submitted job ${job.jobId}: ${job.statusUrl}`);
  });

program.command('publish')
  .description('publish vector files (shapefile, GeoJSON, FlatGeobuf, GeoPackage) and a DEM as a map service; prints its URL')
  .argument('[files...]', 'vector files to publish')
  .requiredOption('--name <name>', 'service name: letters, digits and _')
  .option('--folder <folder>', 'catalog folder (default: the root folder)')
  .option('--dem <file>', 'GeoTIFF elevation model, drawn as hillshade, elevation tint and identifiable elevations')
  .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
  .action(async (files: string[], opts: { name: string; folder?: string; dem?: string; data?: string }) => { process.exitCode = await publishCommand(files, opts); });

adminCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  log(e instanceof ConfigError || e instanceof DatabaseError || e instanceof SeedError || e instanceof SheetError || e instanceof GenerateCommandError || e instanceof SecurityStoreError || e instanceof SheetIndexError ? `quadrangle: ${e.message}` : `quadrangle: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

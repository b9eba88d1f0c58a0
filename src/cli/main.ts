/**
 * The `quadrangle` command: `serve` (the default) and `sample`.
 * @module cli/main
 */
import { Command, InvalidArgumentError } from 'commander';
import { ensureSampleData, startQuadrangle } from '../app/quadrangle-app.js';
import { ConfigError, loadConfig } from '../config/config.js';

const log = (m: string) => process.stderr.write(`${m}\n`);

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
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

program.parseAsync(process.argv).catch((e: unknown) => {
  log(e instanceof ConfigError ? `quadrangle: ${e.message}` : `quadrangle: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

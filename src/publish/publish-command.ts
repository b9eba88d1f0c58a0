/**
 * `quadrangle publish FILE… --name NAME [--folder F] [--dem DEM.tif] [--data DIR]`: publishes a
 * user's files into the data directory's catalog and prints the new service's URL on standard
 * output — `http://<host>:<port>/<instance>/rest/services/…/MapServer` from the configuration
 * (PORT, HOST; `localhost` when the server listens on every interface). The layer list (and, at a
 * terminal, progress) goes to standard error; a problem with the input is one line naming the
 * file, exit code 1.
 * @module publish/publish-command
 */
import { mkdirSync } from 'node:fs';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import { loadConfig, type QuadrangleConfig } from '../config/config.js';
import { openSecurityStore } from '../security/open-security-store.js';
import { PublishError } from './publish-error.js';
import { publishFiles, type PublishResult } from './publish-service.js';

export interface PublishCommandOptions { name: string; folder?: string; dem?: string; data?: string }

/** The service's URL on a server started with `config`. */
export function publishedServiceUrl(config: QuadrangleConfig, result: Pick<PublishResult, 'restPath'>): string {
  const any = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = any ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}/${config.instance}/rest/${result.restPath}`;
}

/** Runs the command; resolves to the process exit code. */
export async function publishCommand(files: string[], opts: PublishCommandOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const config = loadConfig({ dataDir: opts.data });
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openCatalogStore(config);
  const security = await openSecurityStore(config).catch(async (e: unknown) => { await store.close(); throw e; });
  try {
    const result = await publishFiles(
      { dataDir: config.dataDir, files, name: opts.name, ...(opts.folder ? { folder: opts.folder } : {}), ...(opts.dem ? { dem: opts.dem } : {}) },
      // Progress only for a person at a terminal: piped, the output is the URL or the one error line.
      { store, security, ...((err as { isTTY?: boolean }).isTTY ? { log: (m: string) => { err.write(`${m}\n`); } } : {}) },
    );
    for (const l of result.layers) {
      const what = l.type === 'Raster Layer' ? 'raster' : `${l.featureCount ?? 0} feature${l.featureCount === 1 ? '' : 's'}${l.styledAfter ? `, drawn like the sample's ${l.styledAfter}` : ''}`;
      err.write(`  ${l.id}  ${l.name} (${what})\n`);
    }
    out.write(`${publishedServiceUrl(config, result)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof PublishError)) throw e;
    err.write(`quadrangle publish: ${e.message}\n`);
    return 1;
  } finally {
    await store.close();
    await security.close();
  }
}

/**
 * `quadrangle generate`: submits a generateProduct job to a running Quadrangle server through
 * its Topographic Production Service (tps.md §9) — the same engine, queue and job records as
 * any client's — and with `--wait` polls it with a progress bar and downloads the output.
 * Decision: the command talks to the server rather than running jobs itself, because the job
 * engine's recovery assumes it is the only engine running a store's jobs.
 * @module cli/generate-command
 */
import { writeFile, rename, unlink } from 'node:fs/promises';

/** What `quadrangle generate` was asked for. */
export interface GenerateCommandOptions {
  /** Server root, e.g. http://127.0.0.1:6080/arcgis. */
  server: string;
  /** Folder/Name. */
  service: string;
  product: string;
  version: string;
  sheet: string;
  format: string;
  wait: boolean;
  output?: string;
  onProgress?: (percent: number, status: string, step: string) => void;
  /** [1000] Milliseconds between polls. */
  pollMs?: number;
}

/** A command-line failure with a message for the user. */
export class GenerateCommandError extends Error {}

async function call(url: string, params: Record<string, string> = {}): Promise<Record<string, any>> {
  const body = new URLSearchParams({ ...params, f: 'json' });
  let res: Response;
  try { res = await fetch(url, { method: 'POST', body }); } catch (e) { throw new GenerateCommandError(`cannot reach ${url}: ${(e as Error).message}`); }
  const json = await res.json() as Record<string, any>;
  if (json.error) throw new GenerateCommandError(`${json.error.message}${json.error.details?.length ? ` (${json.error.details.join('; ')})` : ''}`);
  return json;
}

/** The sheet-index layer of a product's grid: the polygon layer named for it, holding the sheet. */
async function findSheet(mapServer: string, product: { gridType: string; sheetIDField: string }, sheet: string): Promise<{ layerUrl: string; objectId: number }> {
  const root = await call(`${mapServer}/layers`);
  const layers = (root.layers as { id: number; name: string; geometryType?: string; fields?: { name: string; type: string }[] }[])
    .filter((l) => l.geometryType === 'esriGeometryPolygon' && l.fields?.some((f) => f.name === product.sheetIDField));
  const ordered = [...layers.filter((l) => l.name.toLowerCase().includes(product.gridType.toLowerCase())), ...layers];
  for (const layer of ordered) {
    const oidField = layer.fields!.find((f) => f.type === 'esriFieldTypeOID')?.name ?? 'OBJECTID';
    // The sheet number goes into the where clause as a quoted literal; quotes in it are doubled.
    const q = await call(`${mapServer}/${layer.id}/query`, { where: `${product.sheetIDField} = '${sheet.replace(/'/g, "''")}'`, outFields: oidField, returnGeometry: 'false' });
    const feature = (q.features as { attributes: Record<string, number> }[])[0];
    if (feature) return { layerUrl: `${mapServer}/${layer.id}`, objectId: feature.attributes[oidField]! };
  }
  throw new GenerateCommandError(`sheet '${sheet}' is in no sheet index of the service (field ${product.sheetIDField})`);
}

/** Submits the job; with `wait`, follows it to the end and downloads its output. Returns the job's final JSON. */
export async function generateCommand(o: GenerateCommandOptions): Promise<Record<string, any>> {
  const services = `${o.server.replace(/\/$/, '')}/rest/services/${o.service}`;
  const tps = `${services}/TopographicProductionServer`;
  const product = (await call(`${tps}/products/${encodeURIComponent(o.product)}`, { includeDef: 'true' })).productDefinition as { gridType: string; sheetIDField: string };
  const { layerUrl, objectId } = await findSheet(`${services}/MapServer`, product, o.sheet);
  const submitted = await call(`${tps}/generateProduct`, {
    productName: o.product, productVersion: o.version, aoiLayer: layerUrl, aoiFeatureId: String(objectId), outputType: o.format,
  });
  if (!o.wait) return submitted;
  for (;;) {
    const job = await call(`${tps}/jobs/job/${submitted.jobId}`);
    o.onProgress?.(Math.round((job.percentComplete ?? 0) * 100), job.status, (job.messages?.informative ?? []).at(-1) ?? '');
    if (job.status === 'Succeeded') {
      if (o.output) {
        const res = await fetch(job.outputUrl);
        if (!res.ok) throw new GenerateCommandError(`cannot download ${job.outputUrl}: HTTP ${res.status}`);
        const partial = `${o.output}.partial`;
        try { await writeFile(partial, Buffer.from(await res.arrayBuffer())); await rename(partial, o.output); } catch (e) { await unlink(partial).catch(() => {}); throw e; }
      }
      return job;
    }
    if (['Failed', 'TimedOut', 'Canceled', 'Deleted'].includes(job.status)) throw new GenerateCommandError(`job ${submitted.jobId} ended ${job.status}: ${(job.messages?.error ?? []).join('; ')}`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
}

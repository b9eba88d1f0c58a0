/**
 * Production throughput: TM50 PDF sheets per hour through generateProduct with 1 and 2 job
 * workers (a server process each, QUADRANGLE_JOB_WORKERS), and the job overhead — submit to
 * the first step reported — polled every 10 ms on an idle server. Run by `npm run bench`, or
 * alone: `BENCH_ONLY=jobs npm run bench`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { freshDataDir } from '../test/support/test-server.js';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 6);
const bin = new URL('../bin/quadrangle.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

async function json(url: string, params: Record<string, string> = {}): Promise<Record<string, any>> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ ...params, f: 'json' }) });
  return res.json() as Promise<Record<string, any>>;
}

async function measure(workers: number): Promise<{ perHour: number; overheadMs: number }> {
  const dataDir = await freshDataDir();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], { stdio: 'ignore', env: { ...process.env, QUADRANGLE_JOB_WORKERS: String(workers) } });
  try {
    const base = `http://127.0.0.1:${port}/arcgis/rest/services/Topo/SampleRegion`;
    for (let i = 0; i < 600; i++) { try { if ((await fetch(`${base}/MapServer?f=json`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 100)); }
    const q = await json(`${base}/MapServer/15/query`, { where: "NRN = '5645N00515W'", outFields: 'OBJECTID', returnGeometry: 'false' });
    const aoi = { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer: `${base}/MapServer/15`, aoiFeatureId: String(q.features[0].attributes.OBJECTID), outputType: 'pdf' };
    const tps = `${base}/TopographicProductionServer`;
    const wait = async (id: string, until: (j: Record<string, any>) => boolean, pollMs: number) => {
      for (;;) { const j = await json(`${tps}/jobs/job/${id}`); if (until(j)) return j; await new Promise((r) => setTimeout(r, pollMs)); }
    };
    // Overhead on an idle server (and a warm-up sheet): submit until the first step is reported.
    const t0 = performance.now();
    const first = await json(`${tps}/generateProduct`, aoi);
    await wait(first.jobId, (j) => j.percentComplete > 0 || j.status !== 'Waiting' && j.status !== 'InProgress', 10);
    const overheadMs = performance.now() - t0;
    await wait(first.jobId, (j) => j.status === 'Succeeded', 200);
    const start = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < SHEETS; i++) ids.push((await json(`${tps}/generateProduct`, aoi)).jobId);
    for (const id of ids) { const j = await wait(id, (x) => ['Succeeded', 'Failed', 'TimedOut'].includes(x.status), 250); if (j.status !== 'Succeeded') throw new Error(`job ${id} ${j.status}`); }
    return { perHour: (SHEETS / (performance.now() - start)) * 3_600_000, overheadMs };
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`\nProduction jobs: ${SHEETS} TM50 PDF sheets queued at once after one warm-up sheet\n`);
console.log('| job workers | sheets per hour | job overhead, submit to first step (ms) |');
console.log('|---:|---:|---:|');
for (const workers of [1, 2]) {
  const r = await measure(workers);
  console.log(`| ${workers} | ${r.perHour.toFixed(0)} | ${r.overheadMs.toFixed(0)} |`);
}

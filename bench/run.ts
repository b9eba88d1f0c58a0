/**
 * `npm run bench`: starts a real server in its own process over the sample region and loads
 * it with autocannon (16 connections) from this process. Prints a Markdown table for
 * docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { freshDataDir } from '../test/support/test-server.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

/** An envelope around the main settlement holding at least `n` buildings. */
async function envelopeWithBuildings(ms: string, n: number): Promise<string> {
  const city = await (await fetch(`${ms}/0/query?where=${encodeURIComponent("TYPE IN ('City','Town')")}&orderByFields=POP%20DESC&resultRecordCount=1&outFields=NAM&f=json`)).json() as { features: { geometry: { x: number; y: number } }[] };
  const { x, y } = city.features[0]!.geometry;
  for (let half = 250; half < 30000; half *= 1.25) {
    const env = `${x - half},${y - half},${x + half},${y + half}`;
    const c = await (await fetch(`${ms}/2/query?geometry=${env}&geometryType=esriGeometryEnvelope&returnCountOnly=true&f=json`)).json() as { count: number };
    if (c.count >= n) return env;
  }
  throw new Error('no envelope holds enough buildings');
}

interface Row { name: string; url: string; rps: number; p50: number; p99: number; errors: number; bytes: number }

async function load(name: string, url: string): Promise<Row> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  return { name, url, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, bytes: r.throughput.average };
}

const dataDir = await freshDataDir();
const port = await freePort();
const child = spawn(process.execPath, ['bin/quadrangle.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  const ms = `http://127.0.0.1:${port}/arcgis/rest/services/Topo/SampleRegion/MapServer`;
  await waitFor(`${ms}?f=json`);
  const env = await envelopeWithBuildings(ms, 1000);
  const rows = [
    await load('MapServer root JSON', `${ms}?f=json`),
    await load('query: 1,000 buildings with geometry in an envelope', `${ms}/2/query?geometry=${env}&geometryType=esriGeometryEnvelope&outFields=*&resultRecordCount=1000&f=json`),
  ];
  console.log(`\nQuadrangle bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s each\n`);
  console.log('| request | req/s | p50 ms | p99 ms | errors | MB/s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.bytes / 1e6).toFixed(1)} |`);
  console.log('\nReproduce: `npm run bench` (BENCH_SECONDS sets the duration).');
} finally {
  child.kill('SIGTERM');
}

/**
 * `npm run bench`: starts a real server in its own process over the sample region and loads
 * it at 16 connections with wrk when it is installed (a C client leaves the two cores to the
 * server), otherwise with autocannon. Prints a Markdown table for docs/benchmarks.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { Envelope } from '../src/geo/geometry.js';
import { sampleServiceDefinition } from '../src/sample/sample-service.js';
import { freshDataDir } from '../test/support/test-server.js';
import { timeExportPhases } from './export-phases.js';
import { writeMapfile } from './mapfile.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
/** BENCH_ONLY=mapserver runs only the comparison with MapServer's map2img. */
const ONLY_MAPSERVER = process.env.BENCH_ONLY === 'mapserver';
/** BENCH_ONLY=sheet runs only the topographic sheet timings (bench/sheet.ts). */
/** BENCH_ONLY=jobs runs only the production throughput (bench/jobs.ts). */
/** BENCH_ONLY=security runs only the cost of token security (bench/security.ts). */
/** BENCH_ONLY=publish runs only the publishing of a large shapefile and DEM (bench/publish.ts). */
/** BENCH_ONLY=postgis runs only the PostGIS against GeoPackage query comparison (bench/postgis.ts). */
/** BENCH_ONLY=print runs only the print timings (bench/print.ts). */
for (const only of ['sheet', 'jobs', 'security', 'publish', 'postgis', 'print']) {
  if (process.env.BENCH_ONLY !== only) continue;
  execFileSync(process.execPath, ['--import', 'tsx', new URL(`./${only}.ts`, import.meta.url).pathname], { stdio: 'inherit' });
  process.exit(0);
}
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

interface Row { name: string; rps: number; p50: number; p99: number; errors: number; mbps: number }

const hasWrk = (() => { try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (e) { return (e as { status?: number }).status === 1; } })();

/** Milliseconds from wrk's `12.34ms` / `1.20s` / `800.00us`. */
function wrkMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)\b/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

/**
 * A wrk script that requests `paths` in order, each once: wrk's threads take every other path,
 * so no two requests ask for the same one.
 */
function wrkPathScript(paths: string[]): string {
  const file = join(tmpdir(), `quadrangle-bench-${process.pid}.lua`);
  writeFileSync(file, `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}
local threads, i = 0, 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init() i = tid or 0 end
function request() local p = paths[(i % #paths) + 1]; i = i + 2; return wrk.format("GET", p) end
`);
  return file;
}

/** Loads `url`; with `paths`, each request asks for the next of them (same origin) instead. */
async function load(name: string, url: string, paths?: string[]): Promise<Row> {
  if (hasWrk) {
    const script = paths ? ['-s', wrkPathScript(paths)] : [];
    const out = execFileSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', ...script, url]).toString();
    if (script.length) rmSync(script[1]!);
    const line = (re: RegExp) => re.exec(out)?.[1] ?? '';
    const errors = Number(line(/Non-2xx or 3xx responses: (\d+)/) || 0) + Number(line(/Socket errors: connect (\d+)/) || 0);
    const transfer = line(/Transfer\/sec:\s+([\d.]+\w+)/);
    const mbps = Number.parseFloat(transfer) * (transfer.endsWith('GB') ? 1000 : transfer.endsWith('KB') ? 0.001 : 1);
    return { name, rps: Number(line(/Requests\/sec:\s+([\d.]+)/)), p50: wrkMs(line(/\s50%\s+(\S+)/)), p99: wrkMs(line(/\s99%\s+(\S+)/)), errors, mbps };
  }
  let next = 0;
  const requests = paths && [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[next++ % paths.length]! }) }];
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...(requests ? { requests } : {}) });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, mbps: r.throughput.average / 1e6 };
}

/**
 * Tiles/s on demand (every request a tile not yet cached: level 16 over the region, row by
 * row, as a client scanning the map asks; each metatile render serves 16 of them) and from
 * the cache (one tile over and over).
 */
async function tileRows(ms: string): Promise<Row[]> {
  const root = await (await fetch(`${ms}?f=json`)).json() as { tileInfo: { origin: { x: number; y: number }; lods: { level: number; resolution: number }[] } };
  const { origin, lods } = root.tileInfo;
  const res = lods.find((l) => l.level === 16)!.resolution * 256;
  const extent = await (await fetch(`${ms}/export?bbox=340000,6280000,400000,6340000&imageSR=102100&size=100,100&f=json`)).json() as { extent: { xmin: number; ymin: number; xmax: number; ymax: number } };
  const { xmin, ymin, xmax, ymax } = extent.extent;
  const paths: string[] = [];
  const path = new URL(ms).pathname;
  for (let row = Math.floor((origin.y - ymax) / res); row <= Math.floor((origin.y - ymin) / res); row++) {
    for (let col = Math.floor((xmin - origin.x) / res); col <= Math.floor((xmax - origin.x) / res); col++) paths.push(`${path}/tile/16/${row}/${col}`);
  }
  // LuaJIT allows 65,536 constants in a chunk; 20,000 tiles outlast any run at these rates.
  paths.splice(20000);
  const onDemand = await load('tile: on demand, distinct 256×256 PNG tiles at level 16 (1:9,028), rendered by 1024 px metatiles', `${ms}/tile/16/0/0`, paths);
  const one = paths[Math.floor(paths.length / 2)]!;
  await fetch(new URL(one, ms));
  return [onDemand, await load('tile: from cache, the same tile', new URL(one, ms).href)];
}


const hasMap2img = (() => { try { execFileSync('map2img', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Runs a command `times` times, returning the median wall-clock milliseconds. */
function timeCommand(cmd: string, args: string[], times: number): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** Alternating rounds of the MapServer comparison. */
const ROUNDS = 5;

interface Comparison { name: string; quadrangle: number; mapserver: number; ratio: number; phases: Awaited<ReturnType<typeof timeExportPhases>> }

/**
 * Quadrangle's export against MapServer's map2img over the same data, extent, size and layers:
 * a mapfile generated from the service definition (bench/mapfile.ts) draws the default-visible
 * vector layers, and Quadrangle is asked for the same ones with `layers=show:`. MapServer's time
 * per map is (time of `-c 11` − time of `-c 1`) / 10, which leaves out process start-up; each
 * of its draws still loads the mapfile, reads the GeoPackage and encodes the PNG, as an export
 * does. Quadrangle's is the median of 10 sequential requests on one connection after a warm-up.
 * Five rounds alternate the two; the figures are medians over the rounds, the ratio the median
 * of the rounds' ratios.
 * Both images are left in /tmp for a look.
 */
async function compareWithMapServer(ms: string, dataDir: string, maps: { name: string; slug: string; extent: Envelope }[]): Promise<{ layerIds: number[]; rows: Comparison[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'quadrangle-mapfile-'));
  const mapfile = writeMapfile(sampleServiceDefinition(), dataDir, dir);
  for (const note of mapfile.notes) console.log(`mapfile: ${note}`);
  const out: Comparison[] = [];
  for (const m of maps) {
    const { xmin, ymin, xmax, ymax } = m.extent;
    const msPng = join(tmpdir(), `bench-mapserver-${m.slug}.png`);
    const args = (n: number) => ['-m', mapfile.path, '-o', msPng, '-e', String(xmin), String(ymin), String(xmax), String(ymax), '-s', '1024', '768', '-c', String(n)];
    timeCommand('map2img', args(1), 1);
    const url = `${ms}/export?bbox=${xmin},${ymin},${xmax},${ymax}&size=1024,768&layers=show:${mapfile.vectorLayerIds.join(',')}&format=png&f=image`;
    let image: ArrayBuffer | null = null;
    const exportOnce = async (): Promise<number> => {
      const t = performance.now();
      const res = await fetch(url);
      if (!res.ok) throw new Error(`export answered ${res.status}: ${await res.text()}`);
      image = await res.arrayBuffer();
      return performance.now() - t;
    };
    await exportOnce();
    // Rounds alternate the two servers, so a slower spell of this machine weighs on both alike;
    // each round gives MapServer's time per map and the median of 10 Quadrangle exports.
    const rounds: { mapserver: number; quadrangle: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const mapserver = (timeCommand('map2img', args(11), 1) - timeCommand('map2img', args(1), 1)) / 10;
      const times: number[] = [];
      for (let i = 0; i < 10; i++) times.push(await exportOnce());
      rounds.push({ mapserver, quadrangle: median(times) });
    }
    const mapserver = median(rounds.map((r) => r.mapserver));
    const quadrangle = median(rounds.map((r) => r.quadrangle));
    const ratio = median(rounds.map((r) => r.quadrangle / r.mapserver));
    writeFileSync(join(tmpdir(), `bench-quadrangle-${m.slug}.png`), Buffer.from(image!));
    const phases = await timeExportPhases(dataDir, mapfile.vectorLayerIds, m.extent, 1024, 768);
    out.push({ name: m.name, quadrangle, mapserver, ratio, phases });
  }
  rmSync(dir, { recursive: true, force: true });
  return { layerIds: mapfile.vectorLayerIds, rows: out };
}

const dataDir = await freshDataDir();
const port = await freePort();
const child = spawn(process.execPath, ['bin/quadrangle.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
try {
  const ms = `http://127.0.0.1:${port}/arcgis/rest/services/Topo/SampleRegion/MapServer`;
  await waitFor(`${ms}?f=json`);
  const env = await envelopeWithBuildings(ms, 1000);
  // A 1:50,000 view at 96 dpi spans 13,000 × 9,750 m in 1024 × 768 px; centred on the main town.
  const [cx, cy] = env.split(',').map(Number).reduce<number[]>((acc, v, i) => { acc[i % 2]! += v / 2; return acc; }, [0, 0]);
  const town = (w: number, h: number) => `${cx! - w / 2},${cy! - h / 2},${cx! + w / 2},${cy! + h / 2}`;
  const rows = ONLY_MAPSERVER ? [] : [
    await load('MapServer root JSON', `${ms}?f=json`),
    await load('query: 1,000 buildings with geometry in an envelope', `${ms}/2/query?geometry=${env}&geometryType=esriGeometryEnvelope&outFields=*&resultRecordCount=1000&f=json`),
    await load('export: whole region, 1024×768 PNG, all default layers and labels', `${ms}/export?bbox=340000,6280000,400000,6340000&size=1024,768&format=png&f=image`),
    await load('export: 1:50,000 window, 1024×768 PNG, all default layers and labels', `${ms}/export?bbox=${town(13000, 9750)}&size=1024,768&format=png&f=image`),
    ...(await tileRows(ms)),
  ];
  console.log(`\nQuadrangle bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${hasWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION} s each\n`);
  if (rows.length) console.log('| request | req/s | p50 ms | p99 ms | errors | MB/s |\n|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${r.mbps.toFixed(1)} |`);
  // The export comparison: the region's full extent (widened to 4:3, as an export does) and the 1:50,000 window.
  const maps = [
    { name: 'whole region', slug: 'region', extent: { xmin: 330000, ymin: 6280000, xmax: 410000, ymax: 6340000 } },
    { name: '1:50,000 window on the main town', slug: 'town', extent: (([xmin, ymin, xmax, ymax]) => ({ xmin: xmin!, ymin: ymin!, xmax: xmax!, ymax: ymax! }))(town(13000, 9750).split(',').map(Number)) },
  ];
  if (!hasMap2img) console.log('\nMapServer comparison skipped: map2img is not on PATH (apt-get install mapserver-bin).');
  else {
    const { layerIds, rows: cmp } = await compareWithMapServer(ms, dataDir, maps);
    console.log(`\nExport against MapServer map2img: 1024×768 PNG, the default-visible vector layers (show:${layerIds.join(',')}) with labels, no hillshade\n`);
    console.log('| map | Quadrangle ms/map | MapServer ms/map | Quadrangle / MapServer |');
    console.log('|---|---:|---:|---:|');
    for (const c of cmp) console.log(`| ${c.name} | ${c.quadrangle.toFixed(0)} | ${c.mapserver.toFixed(0)} | ${c.ratio.toFixed(2)} |`);
    console.log('\nQuadrangle in-process, main thread, median of 10 (ms):\n');
    console.log('| map | features | read + project | display list | rasterize | PNG encode | total |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const { name, phases: p } of cmp) console.log(`| ${name} | ${p.features} | ${p.read.toFixed(0)} | ${p.displayList.toFixed(0)} | ${p.rasterize.toFixed(0)} | ${p.encode.toFixed(0)} | ${p.total.toFixed(0)} |`);
    console.log(`\nImages: ${maps.map((m) => `${tmpdir()}/bench-{quadrangle,mapserver}-${m.slug}.png`).join(', ')}`);
  }
  if (!ONLY_MAPSERVER) {
    for (const script of ['./sheet.ts', './jobs.ts', './print.ts']) execFileSync(process.execPath, ['--import', 'tsx', new URL(script, import.meta.url).pathname], { stdio: 'inherit' });
  }
  console.log('\nReproduce: `npm run bench` (BENCH_SECONDS sets the duration; BENCH_ONLY=mapserver runs only the map2img comparison, BENCH_ONLY=sheet only the sheets, BENCH_ONLY=jobs only the production throughput, BENCH_ONLY=print only the prints).');
} finally {
  child.kill('SIGTERM');
}

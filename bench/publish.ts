/**
 * `BENCH_ONLY=publish npm run bench`: publishing users' data at scale. GDAL writes a
 * 500,000-feature shapefile (points with five attributes, EPSG:32630, as a survey would hand
 * them over) and a 10,000 × 10,000 Float32 DEM (the sample DEM resampled to 6 m, deflate, tiled);
 * `publishFiles` publishes both, timed; then a server is started on the result and a layer
 * query of ~1,000 features in an envelope is loaded with wrk (16 connections, 10 s), against
 * the same query on the sample region's buildings for comparison.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { SqliteCatalogStore } from '../src/catalog/sqlite-catalog-store.js';
import { publishFiles } from '../src/publish/publish-service.js';
import { freshDataDir } from '../test/support/test-server.js';

const FEATURES = Number(process.env.BENCH_FEATURES ?? 500_000);
const DEM_SIZE = Number(process.env.BENCH_DEM_SIZE ?? 10_000);
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

const work = mkdtempSync(join(tmpdir(), 'quadrangle-publish-bench-'));
const dataDir = await freshDataDir();
try {
  // Points spread over the sample region, written as CSV and turned into a shapefile by GDAL.
  let t = performance.now();
  const csv = join(work, 'survey.csv');
  const out = createWriteStream(csv);
  out.write('X,Y,NAME,KIND,HEIGHT,SURVEYED\n');
  const kinds = ['Cairn', 'Well', 'Sheepfold', 'Marker', 'Ruin'];
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < FEATURES; i++) {
    const line = `${(330000 + rnd() * 80000).toFixed(1)},${(6280000 + rnd() * 60000).toFixed(1)},Point ${i},${kinds[i % 5]},${(rnd() * 900).toFixed(1)},2024-0${1 + (i % 9)}-1${i % 10}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const shp = join(work, 'survey.shp');
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', shp, csv, '-oo', 'X_POSSIBLE_NAMES=X', '-oo', 'Y_POSSIBLE_NAMES=Y', '-oo', 'AUTODETECT_TYPE=YES', '-a_srs', 'EPSG:32630', '-nln', 'survey']);
  console.log(`GDAL wrote ${FEATURES.toLocaleString('en')} points as a shapefile in ${seconds(t)} s (${(statSync(shp).size / 2 ** 20).toFixed(0)} MB .shp, ${(statSync(join(work, 'survey.dbf')).size / 2 ** 20).toFixed(0)} MB .dbf)`);

  t = performance.now();
  const dem = join(work, 'dem.tif');
  execFileSync('gdalwarp', ['-q', '-r', 'bilinear', '-ts', String(DEM_SIZE), String(DEM_SIZE), '-ot', 'Float32', '-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES', '-co', 'PREDICTOR=3', join(dataDir, 'sample', 'dem.tif'), dem]);
  console.log(`GDAL wrote a ${DEM_SIZE.toLocaleString('en')} × ${DEM_SIZE.toLocaleString('en')} Float32 DEM in ${seconds(t)} s (${(statSync(dem).size / 2 ** 20).toFixed(0)} MB)`);

  const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  t = performance.now();
  await publishFiles({ dataDir, files: [shp], name: 'Survey' }, { store });
  const vectorSeconds = seconds(t);
  t = performance.now();
  await publishFiles({ dataDir, files: [], dem, name: 'Terrain' }, { store });
  const demSeconds = seconds(t);
  store.close();
  console.log(`\n| publish | seconds |\n|---|---:|\n| ${FEATURES.toLocaleString('en')}-point shapefile → GeoPackage, R-tree, service | ${vectorSeconds} |\n| ${DEM_SIZE.toLocaleString('en')} × ${DEM_SIZE.toLocaleString('en')} DEM → service (checked, copied) | ${demSeconds} |`);

  // Query speed on the published layer, over HTTP, against the sample's buildings.
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['bin/quadrangle.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const base = `http://127.0.0.1:${port}/arcgis/rest/services`;
    for (let i = 0; i < 600; i++) { try { if ((await fetch(`${base}/Survey/MapServer?f=json`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 100)); }
    // ~1,000 points: the region holds FEATURES points on 4,800 km², so a square of this side holds about 1,000.
    const side = Math.sqrt((1000 / FEATURES) * 80000 * 60000);
    const env = `${370000 - side / 2},${6310000 - side / 2},${370000 + side / 2},${6310000 + side / 2}`;
    const q = (layer: string) => `${base}/${layer}/query?geometry=${env}&geometryType=esriGeometryEnvelope&outFields=*&f=json`;
    const count = (await (await fetch(`${q('Survey/MapServer/0')}&returnCountOnly=true`)).json() as { count: number }).count;
    console.log(`\nQuery: ${count} of the published points in an envelope, outFields=*, with geometry (wrk, 16 connections, 10 s):\n`);
    console.log('| layer | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|');
    for (const [name, url] of [[`published survey points (${FEATURES.toLocaleString('en')})`, q('Survey/MapServer/0')], ['identify on the published DEM', `${base}/Terrain/MapServer/identify?geometry=370000,6310000&geometryType=esriGeometryPoint&tolerance=0&mapExtent=360000,6300000,380000,6320000&imageDisplay=400,400,96&layers=all&f=json`]] as const) {
      // Each operation thread reads a DEM whole on its first use (seconds for 400 MB): two requests
      // at once warm both threads before the load is measured.
      await Promise.all([fetch(url), fetch(url)].map(async (r) => (await r).text()));
      execFileSync('wrk', ['-t2', '-c16', '-d3s', '--timeout', '60s', url]);
      const text = execFileSync('wrk', ['-t2', '-c16', '-d10s', '--timeout', '60s', '--latency', url]).toString();
      const get = (re: RegExp) => re.exec(text)?.[1] ?? '?';
      console.log(`| ${name} | ${Number(get(/Requests\/sec:\s+([\d.]+)/)).toFixed(0)} | ${get(/\s50%\s+(\S+)/)} | ${get(/\s99%\s+(\S+)/)} |`);
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}

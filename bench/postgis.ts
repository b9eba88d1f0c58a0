/**
 * `BENCH_ONLY=postgis npm run bench`: query throughput of the same layer from the sample's
 * GeoPackage and from a PostGIS copy of it (ogr2ogr into a fresh database on the local
 * PostgreSQL, ANALYZEd). One server process serves both services; wrk loads each query for 10 s
 * at 16 connections after a 3 s warm-up.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteCatalogStore } from '../src/catalog/sqlite-catalog-store.js';
import { createTestDatabase } from '../src/data/postgis/postgis-test-database.js';
import { SAMPLE_GPKG, sampleServiceDefinition } from '../src/sample/sample-service.js';
import { freshDataDir } from '../test/support/test-server.js';

const dataDir = await freshDataDir();
const db = await createTestDatabase();
try {
  let t = performance.now();
  db.load(join(dataDir, SAMPLE_GPKG), ['-lco', 'LAUNDER=NO']);
  await db.exec('ANALYZE');
  console.log(`ogr2ogr loaded the sample region into PostGIS in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const sample = sampleServiceDefinition();
  const copy = structuredClone(sample);
  copy.serviceName = 'PostgisRegion';
  copy.layers = copy.layers.map((l) => (l.source?.type === 'geopackage' ? { ...l, source: { type: 'postgis', connection: 'region', table: l.source.table } } : l));
  const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  await store.putService(sample);
  await store.putService(copy);
  await store.close();
  const buildings = sample.layers.find((l) => l.source?.type === 'geopackage' && l.source.table === 'buildings')!.id;
  const roads = sample.layers.find((l) => l.source?.type === 'geopackage' && l.source.table === 'roads')!.id;

  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['bin/quadrangle.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, QUADRANGLE_POSTGIS_REGION: db.url },
  });
  try {
    const base = `http://127.0.0.1:${port}/arcgis/rest/services/Topo`;
    for (let i = 0; i < 600; i++) { try { if ((await fetch(`${base}/PostgisRegion/MapServer?f=json`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 100)); }
    // About 1,000 buildings around the main town, and a where clause over all roads.
    const envelope = '368350,6292450,374350,6298450';
    const queries: [string, (svc: string) => string][] = [
      ['buildings in an envelope, outFields=*, with geometry', (svc) => `${base}/${svc}/MapServer/${buildings}/query?geometry=${envelope}&geometryType=esriGeometryEnvelope&outFields=*&f=json`],
      ['roads by a where clause, count only', (svc) => `${base}/${svc}/MapServer/${roads}/query?where=${encodeURIComponent("CLASS <> 'Street'")}&returnCountOnly=true&f=json`],
    ];
    console.log('\n| query | source | req/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|');
    for (const [name, url] of queries) {
      for (const [label, svc] of [['GeoPackage', 'SampleRegion'], ['PostGIS', 'PostgisRegion']] as const) {
        const u = url(svc);
        const check = await (await fetch(u)).json() as { error?: unknown; features?: unknown[]; count?: number };
        if (check.error) throw new Error(`${label}: ${JSON.stringify(check.error)}`);
        execFileSync('wrk', ['-t2', '-c16', '-d3s', u]);
        const text = execFileSync('wrk', ['-t2', '-c16', '-d10s', '--latency', u]).toString();
        const get = (re: RegExp) => re.exec(text)?.[1] ?? '?';
        console.log(`| ${name} (${check.features?.length ?? check.count}) | ${label} | ${Number(get(/Requests\/sec:\s+([\d.]+)/)).toFixed(0)} | ${get(/\s50%\s+(\S+)/)} | ${get(/\s99%\s+(\S+)/)} |`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
} finally {
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

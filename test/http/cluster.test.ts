/**
 * Two Quadrangle nodes sharing one PostgreSQL database (each with its own data directory): a
 * token from one is good on the other, and services created, edited and deleted through one
 * node's admin API are served, changed and gone on the other within seconds. Also: nodes
 * starting together on an empty database migrate it once, and a database that cannot be
 * reached stops a node at once with one clear line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startQuadrangle } from '../../src/app/quadrangle-app.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { DatabaseError } from '../../src/db/database-error.js';
import { testDatabases, TEST_SERVER_URL } from '../../src/db/test-database.js';
import { freshDataDir, getJson, startTestServer, type TestServer } from '../support/test-server.js';

const ADMIN = { username: 'chief', password: 'correct horse battery' };
const REFUSED_URL = 'postgresql://postgres:secret@127.0.0.1:1/quadrangle';

type Params = Record<string, string | number | boolean>;

async function post(url: string, params: Params): Promise<any> {
  const body = new URLSearchParams(Object.entries({ f: 'json', ...params }).map(([k, v]) => [k, String(v)]));
  return (await fetch(url, { method: 'POST', body })).json();
}

/** Polls `check` until it holds (the other node re-reads the catalog every 2 s). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not seen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const newDatabase = testDatabases();
const freshDatabase = async (): Promise<string> => (await newDatabase()).url;
const dataDirs: string[] = [];
after(() => { for (const d of dataDirs) rmSync(d, { recursive: true, force: true }); });

describe('Two nodes on one PostgreSQL database', () => {
  let one: TestServer, two: TestServer;
  let token: string;
  let mapDefinition: any;
  const admin = (node: TestServer, path: string, params: Params = {}) => post(`${node.url}/arcgis/admin${path}`, { token, ...params });

  before(async () => {
    const databaseUrl = await freshDatabase();
    const [dirOne, dirTwo] = [await freshDataDir(), await freshDataDir()];
    dataDirs.push(dirOne, dirTwo);
    // Only node 1 is told of the administrator: node 2 knows them from the shared store.
    one = await startTestServer({ dataDir: dirOne, databaseUrl, operationThreads: 1, adminUser: ADMIN.username, adminPassword: ADMIN.password });
    two = await startTestServer({ dataDir: dirTwo, databaseUrl, operationThreads: 1 });
    token = (await post(`${one.url}/arcgis/tokens/generateToken`, ADMIN)).token;
    assert.ok(token, 'node 1 issues a token');
    const sample = await admin(one, '/services/Topo/SampleRegion.MapServer');
    const map = sample.properties.mapDefinition;
    // Two feature layers of the sample GeoPackage (sample/region.gpkg, in both data directories).
    mapDefinition = { spatialReference: map.spatialReference, layers: map.layers.filter((l: any) => l.id === 14 || l.id === 15).map((l: any) => ({ ...l, parentLayerId: -1 })) };
  });
  after(async () => {
    await one?.close();
    await two?.close();
  });

  it('accepts on node 2 a token node 1 issued, and the other way round', async () => {
    const info = await admin(two, '/info');
    assert.equal(info.loggedInUser, ADMIN.username, JSON.stringify(info));
    const fromTwo = (await post(`${two.url}/arcgis/tokens/generateToken`, ADMIN)).token;
    assert.equal((await post(`${one.url}/arcgis/admin/info`, { token: fromTwo })).loggedInUser, ADMIN.username);
    assert.equal((await getJson(`${two.base}/info`)).authInfo.isTokenBasedSecurity, true);
    const forged = await post(`${two.url}/arcgis/admin/info`, { token: `${token.slice(0, -4)}AAAA` });
    assert.equal(forged.code, 498, 'a changed token is still refused');
  });

  it('runs a generateProduct job whose thread reads the service from the shared catalog', async () => {
    const aoiLayer = `${two.base}/services/Topo/SampleRegion/MapServer/15`;
    const q = await getJson(`${aoiLayer}/query`, { where: "NRN='5645N00515W'", outFields: 'OBJECTID', returnGeometry: false });
    const answer = await post(`${two.base}/services/Topo/SampleRegion/TopographicProductionServer/generateProduct`, {
      productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: q.features[0].attributes.OBJECTID, outputType: 'package',
    });
    assert.equal(answer.success, true, JSON.stringify(answer));
    let job: any;
    await eventually('the job to end', async () => {
      job = await getJson(answer.statusUrl, { msgLevel: 'info' });
      assert.equal(job.error, undefined, JSON.stringify(job.error));
      return [4, 5, 6, 8].includes(job.statusCode);
    }, 90_000);
    assert.equal(job.status, 'Succeeded', JSON.stringify(job));
  });

  it('serves on node 2 a folder and a service created on node 1, edits from node 2 on node 1, and forgets a deleted one', async () => {
    assert.deepEqual(await admin(one, '/services/createFolder', { folderName: 'Cluster', description: 'Shared' }), { status: 'success' });
    const service = { serviceName: 'Rivers', type: 'MapServer', description: 'Made on node 1', properties: { mapDefinition } };
    assert.deepEqual(await admin(one, '/services/Cluster/createService', { service: JSON.stringify(service) }), { status: 'success' });

    const onTwo = `${two.base}/services/Cluster/Rivers/MapServer`;
    await eventually('the folder on node 2', async () => (await getJson(`${two.base}/services`)).folders.includes('Cluster'));
    await eventually('the service on node 2', async () => (await getJson(onTwo)).description === 'Made on node 1');
    assert.deepEqual((await getJson(`${two.base}/services/Cluster`)).services, [{ name: 'Cluster/Rivers', type: 'MapServer' }]);
    const { layers } = await getJson(onTwo);
    assert.equal(layers.length, 2);
    // Answered by node 2's worker thread, which opens the catalog in PostgreSQL too.
    const count = await getJson(`${onTwo}/${layers[0].id}/query`, { where: '1=1', returnCountOnly: true });
    assert.ok(count.count > 0, JSON.stringify(count));
    assert.equal((await admin(two, '/services/Cluster/Rivers.MapServer')).description, 'Made on node 1');

    const json = await admin(two, '/services/Cluster/Rivers.MapServer');
    assert.deepEqual(await admin(two, '/services/Cluster/Rivers.MapServer/edit', { service: JSON.stringify({ ...json, description: 'Edited on node 2' }) }), { status: 'success' });
    const onOne = `${one.base}/services/Cluster/Rivers/MapServer`;
    await eventually('the edit on node 1', async () => (await getJson(onOne)).description === 'Edited on node 2');
    const life = await admin(one, '/services/Cluster/Rivers.MapServer/lifecycleinfos');
    assert.deepEqual(life.lifecycleinfos.map((e: any) => e.type), ['created', 'edited'], 'one audit log for both nodes');

    assert.deepEqual(await admin(one, '/services/Cluster/Rivers.MapServer/delete'), { status: 'success' });
    await eventually('the deletion on node 2', async () => (await getJson(onTwo)).error?.code === 404);
    assert.deepEqual((await admin(two, '/services/Cluster/Rivers.MapServer')).code, 404);
  });
});

describe('Starting on PostgreSQL', () => {
  it('migrates an empty database once when two nodes start at the same moment', async () => {
    const databaseUrl = await freshDatabase();
    const logs: string[][] = [[], []];
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'quadrangle-cluster-')));
    dataDirs.push(...dirs);
    const nodes = await Promise.all([0, 1].map((i) => startQuadrangle(
      loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', dataDir: dirs[i], databaseUrl, sampleOnEmpty: false, operationThreads: 0 }, {}),
      (m) => logs[i]!.push(m))));
    try {
      const migrations = logs.flat().filter((m) => m.startsWith('Migrated'));
      assert.equal(new Set(migrations).size, migrations.length, `each migration once: ${migrations.join('; ')}`);
      assert.deepEqual(migrations.filter((m) => /^Migrated the (catalog|security) /.test(m)).sort(), [
        'Migrated the catalog tables to version 1: folders, services and products',
        'Migrated the catalog tables to version 2: settings of built-in services',
        'Migrated the security tables to version 1: users, roles, permissions, settings, secrets and the audit log',
      ]);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const rows = (await client.query(`SELECT module, version FROM quadrangle.schema_migrations WHERE module IN ('catalog', 'security') ORDER BY module, version`)).rows;
        assert.deepEqual(rows, [{ module: 'catalog', version: 1 }, { module: 'catalog', version: 2 }, { module: 'security', version: 1 }]);
      } finally {
        await client.end();
      }
      for (const node of nodes) assert.deepEqual((await getJson(`${node.url}/arcgis/rest/services`)).services, []);
    } finally {
      for (const node of nodes) await node.close();
    }
  });

  it('refuses a URL that is not PostgreSQL\'s, and a database it cannot reach, at once', async () => {
    assert.throws(() => loadConfig({ databaseUrl: 'mysql://q:secret@127.0.0.1/quadrangle' }, {}),
      (e: unknown) => e instanceof ConfigError && e.message === 'QUADRANGLE_DATABASE_URL must start with postgres:// or postgresql://, not mysql://');
    const started = Date.now();
    await assert.rejects(startTestServer({ databaseUrl: REFUSED_URL }), (e: unknown) => e instanceof DatabaseError
      && /^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/quadrangle: connection refused/.test(e.message));
    assert.ok(Date.now() - started < 5000);
  });

  it('`quadrangle serve` says so in one line and exits 1', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quadrangle-cluster-'));
    dataDirs.push(dataDir);
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'serve', '--data', dataDir, '--port', '0'], {
      env: { ...process.env, QUADRANGLE_DATABASE_URL: REFUSED_URL }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, 'quadrangle: cannot connect to PostgreSQL at 127.0.0.1:1/quadrangle: connection refused (is PostgreSQL running and listening there?)\n');
    assert.ok(!run.stderr.includes('secret'), 'the password is never shown');
  });
});

describe('Losing the database while running', () => {
  it('answers 503 while PostgreSQL refuses the node, and recovers when it takes it back', async () => {
    const db = await newDatabase();
    const dataDir = await freshDataDir();
    dataDirs.push(dataDir);
    const node = await startTestServer({ dataDir, databaseUrl: db.url });
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    try {
      const ms = `${node.base}/services/Topo/SampleRegion/MapServer`;
      assert.equal((await getJson(ms)).mapName !== undefined, true);
      // Closed to new connections and every open one cut, as when the server goes down.
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
      await eventually('a 503 in the envelope', async () => (await getJson(ms)).error?.code === 503);
      const health = await fetch(`${node.base}/info/healthCheck`);
      assert.equal(health.status, 503);
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await eventually('the service again', async () => (await getJson(ms)).mapName !== undefined);
      assert.equal((await fetch(`${node.base}/info/healthCheck`)).status, 200);
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
      await node.close();
    }
  });
});

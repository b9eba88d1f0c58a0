/**
 * GDAL's ESRIJSON driver as a real client of a secured service (admin.md §3): it reads a layer
 * with the token in the URL, keeping it on every page it asks for, or with the token in an
 * `Authorization: Bearer` header (GDAL_HTTP_HEADERS, GDAL ≥ 3.6) so that it stays out of URLs;
 * without a valid token it reads nothing.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ADMIN = { username: 'chief', password: 'correct horse battery' };
const SURVEYOR = { username: 'surveyor', password: 'surveyor-pass' };

/** The installed GDAL's version, or null without GDAL. */
function gdalVersion(): [number, number] | null {
  try {
    const m = /GDAL (\d+)\.(\d+)/.exec(execFileSync('ogr2ogr', ['--version'], { encoding: 'utf8' }));
    return m ? [Number(m[1]), Number(m[2])] : null;
  } catch {
    return null;
  }
}
const version = gdalVersion();
const noGdal = version ? false : 'GDAL (ogr2ogr) is not installed';
const noHeaders = noGdal || (version![0] > 3 || (version![0] === 3 && version![1] >= 6) ? false : `GDAL ${version!.join('.')} has no GDAL_HTTP_HEADERS (3.6 or later)`);

async function post(url: string, params: Record<string, string>): Promise<any> {
  return (await fetch(url, { method: 'POST', body: new URLSearchParams({ f: 'json', ...params }) })).json();
}

describe('GDAL ESRIJSON client against a secured service', { skip: noGdal }, () => {
  let server: TestServer;
  let tokens: string;
  let layer: string;
  /** Bound to the caller's address, which GDAL shares with this process. */
  let token: string;
  /** Layer 0's feature count as the server gives it. */
  let expected: number;

  before(async () => {
    server = await startTestServer({ adminUser: ADMIN.username, adminPassword: ADMIN.password });
    tokens = `${server.url}/arcgis/tokens`;
    const admin = (await post(`${tokens}/generateToken`, ADMIN)).token as string;
    const adminPost = async (path: string, params: Record<string, string>) =>
      assert.deepEqual(await post(`${server.url}/arcgis/admin${path}`, { token: admin, ...params }), { status: 'success' });
    await adminPost('/security/users/addUser', SURVEYOR);
    await adminPost('/security/roles/addRole', { rolename: 'surveyors' });
    await adminPost('/security/roles/addUsersToRole', { rolename: 'surveyors', users: SURVEYOR.username });
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: 'false' });
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'surveyors', isAllowed: 'true' });
    token = (await post(`${tokens}/generateToken`, { ...SURVEYOR, client: 'requestip' })).token;
    assert.equal(typeof token, 'string');
    layer = `${server.base}/services/Topo/SampleRegion/MapServer/0`;
    expected = (await post(`${layer}/query`, { where: '1=1', returnCountOnly: 'true', token })).count;
    assert.ok(expected > 100, 'enough features for several pages');
  });
  after(async () => server?.close());

  /** Pages of 100 features, so that the token must ride on every page GDAL asks for. */
  const query = () => `${layer}/query?where=1%3D1&outFields=*&orderByFields=OBJECTID&resultRecordCount=100&f=json`;

  /** Copies the layer with ogr2ogr into GeoJSON and gives its features. Asynchronously: the server runs in this process. */
  async function read(url: string, env: Record<string, string> = {}): Promise<{ properties: Record<string, unknown> }[]> {
    const out = join(server.dataDir, `out-${Math.random().toString(36).slice(2)}.geojson`);
    await promisify(execFile)('ogr2ogr', ['-f', 'GeoJSON', out, `ESRIJSON:${url}`], {
      env: { ...process.env, CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '60', ...env },
    });
    return JSON.parse(readFileSync(out, 'utf8')).features;
  }

  it('reads every page of a layer with a requestip-bound token in the URL', async () => {
    const features = await read(`${query()}&token=${token}`);
    assert.ok(features.length > 0);
    assert.equal(features.length, expected, 'GDAL paged through exceededTransferLimit with the token');
    assert.equal(new Set(features.map((f) => f.properties.OBJECTID)).size, expected, 'no page was read twice');
  });

  it('reads nothing without a token, or with a forged or wrongly bound one', async () => {
    const direct = await (await fetch(query())).json();
    assert.deepEqual(direct.error, { code: 499, message: 'Token Required', details: [] }, 'what GDAL is answered');
    await assert.rejects(read(query()), /Failed to read ESRIJSON data/);

    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assert.equal((await (await fetch(`${query()}&token=${forged}`)).json()).error.code, 498);
    await assert.rejects(read(`${query()}&token=${forged}`));
    // A token bound to another address is refused to this one.
    const elsewhere = (await post(`${tokens}/generateToken`, { ...SURVEYOR, client: 'ip', ip: '203.0.113.9' })).token;
    await assert.rejects(read(`${query()}&token=${elsewhere}`));
  });

  it('reads the layer with the token in an Authorization or X-Esri-Authorization header', { skip: noHeaders }, async () => {
    for (const header of ['Authorization', 'X-Esri-Authorization']) {
      const features = await read(query(), { GDAL_HTTP_HEADERS: `${header}: Bearer ${token}` });
      assert.equal(features.length, expected, `${header}: every page carried the header`);
    }
    await assert.rejects(read(query(), { GDAL_HTTP_HEADERS: 'Authorization: Bearer not-a-token' }));
  });
});

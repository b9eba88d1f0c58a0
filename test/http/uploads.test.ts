/**
 * The Administrator API's uploads (ArcGIS Server's Uploads API) against a real server: multipart
 * uploads with the token as a form field or a header, zips unpacked, and every refusal leaving
 * nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { freshDataDir, getJson, startTestServer, type TestServer } from '../support/test-server.js';

const ADMIN = { username: 'chief', password: 'correct horse battery' };

async function postForm(url: string, params: Record<string, string>): Promise<any> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ f: 'json', ...params }) });
  return res.json();
}

/** A multipart upload: fields in the order given, then `itemFile`. */
async function upload(url: string, fields: Record<string, string>, name: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<any> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ f: 'json', ...fields })) form.append(k, v);
  form.append('itemFile', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(url, { method: 'POST', body: form, headers });
  return res.json();
}

describe('Admin uploads', () => {
  let server: TestServer;
  let admin: string;
  let uploads: string;
  const items = () => readdirSync(join(server.dataDir, 'uploads'));

  before(async () => {
    server = await startTestServer({ dataDir: await freshDataDir(), adminUser: ADMIN.username, adminPassword: ADMIN.password, uploadLimitMb: 1 });
    uploads = `${server.url}/arcgis/admin/uploads`;
    admin = (await postForm(`${server.url}/arcgis/tokens/generateToken`, ADMIN)).token;
  });
  after(async () => server?.close());

  it('stores a file sent with the token as a form field, lists it, and deletes it', async () => {
    const answer = await upload(`${uploads}/upload`, { token: admin, description: 'Rivers of the north' }, 'rivers.geojson', strToU8('{"type":"FeatureCollection","features":[]}'));
    assert.equal(answer.status, 'success', JSON.stringify(answer));
    const { item } = answer;
    assert.match(item.itemID, /^i[0-9a-f-]{36}$/);
    assert.equal(item.itemName, 'rivers.geojson');
    assert.equal(item.description, 'Rivers of the north');
    assert.equal(item.committed, true);
    assert.deepEqual(item.files, ['rivers.geojson']);
    assert.equal(readFileSync(join(server.dataDir, 'uploads', item.itemID, 'files', 'rivers.geojson'), 'utf8'), '{"type":"FeatureCollection","features":[]}');

    const list = await postForm(uploads, { token: admin });
    assert.ok(list.items.some((i: any) => i.itemID === item.itemID));
    const one = await postForm(`${uploads}/${item.itemID}`, { token: admin });
    assert.equal(one.itemName, 'rivers.geojson');

    assert.deepEqual(await postForm(`${uploads}/${item.itemID}/delete`, { token: admin }), { status: 'success' });
    assert.equal((await postForm(`${uploads}/${item.itemID}`, { token: admin })).code, 404);
    assert.ok(!items().includes(item.itemID));
  });

  it('takes the token from a header too, and unpacks a zip with folders', async () => {
    const zip = zipSync({ 'roads/roads.shp': strToU8('shp'), 'roads/roads.dbf': strToU8('dbf'), 'readme.txt': strToU8('hello') });
    const answer = await upload(`${uploads}/upload`, {}, 'roads.zip', zip, { 'X-Esri-Authorization': `Bearer ${admin}` });
    assert.equal(answer.status, 'success', JSON.stringify(answer));
    assert.deepEqual([...answer.item.files].sort(), ['readme.txt', 'roads/roads.dbf', 'roads/roads.shp']);
    assert.equal(readFileSync(join(server.dataDir, 'uploads', answer.item.itemID, 'files', 'roads', 'roads.dbf'), 'utf8'), 'dbf');
  });

  it('refuses what it must, leaving nothing behind', async () => {
    const before = items().sort();
    const noToken = await upload(`${uploads}/upload`, {}, 'a.geojson', strToU8('{}'));
    assert.equal(noToken.code, 499);
    const climbing = await upload(`${uploads}/upload`, { token: admin }, 'evil.zip', zipSync({ '../../catalog.sqlite': strToU8('x') }));
    assert.equal(climbing.code, 400);
    assert.match(climbing.messages[0], /evil\.zip/);
    assert.ok(!existsSync(join(server.dataDir, '..', 'catalog.sqlite')));
    const notZip = await upload(`${uploads}/upload`, { token: admin }, 'broken.zip', strToU8('not a zip at all'));
    assert.equal(notZip.code, 400);
    const tooLarge = await upload(`${uploads}/upload`, { token: admin }, 'big.tif', new Uint8Array(1.5 * 2 ** 20));
    assert.equal(tooLarge.code, 413, JSON.stringify(tooLarge));
    const bomb = await upload(`${uploads}/upload`, { token: admin }, 'bomb.zip', zipSync({ 'zeros.bin': new Uint8Array(3 * 2 ** 20) }));
    assert.equal(bomb.code, 413);
    const noFile = await postForm(`${uploads}/upload`, { token: admin });
    assert.equal(noFile.code, 400);
    assert.match(noFile.messages[0], /itemFile/);
    const viaGet = await getJson(`${uploads}/upload`, { token: admin });
    assert.equal(viaGet.code, 405);
    assert.deepEqual(items().sort(), before, 'no item and no staging folder left');
  });
});

/**
 * The Administrator API's uploads (ArcGIS Server's Uploads API) against a real server: multipart
 * uploads with the token as a form field or a header, zips unpacked, and every refusal leaving
 * nothing behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { realFilesDir } from '../support/real-files.js';
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

  it('publishes a service from uploaded items: a zipped shapefile and a DEM that other software wrote', async () => {
    // Olinda (Brazil) from the R package sf: census tracts with an unnamed GRS 80 datum, and
    // a DEM in UTM zone 25 south, both as their authors wrote them.
    const real = realFilesDir();
    const shapefile: Record<string, Uint8Array> = {};
    for (const ext of ['shp', 'shx', 'dbf', 'prj']) shapefile[`olinda1.${ext}`] = readFileSync(join(real, 'shape', `olinda1.${ext}`));
    const tracts = (await upload(`${uploads}/upload`, { token: admin }, 'olinda.zip', zipSync(shapefile))).item;
    const dem = (await upload(`${uploads}/upload`, { token: admin }, 'olinda_dem.tif', readFileSync(join(real, 'stars', 'olinda_dem_utm25s.tif')))).item;
    const create = (json: unknown) => postForm(`${server.url}/arcgis/admin/services/createService`, { token: admin, service: JSON.stringify(json) });

    const missing = await create({ serviceName: 'Olinda', type: 'MapServer', properties: { uploadItems: 'i00000000-0000-0000-0000-000000000000' } });
    assert.equal(missing.code, 400);
    assert.match(missing.messages[0], /properties\.uploadItems: item 'i0+-.*' does not exist/);
    const notVector = await create({ serviceName: 'Olinda', type: 'MapServer', properties: { uploadItems: [dem.itemID] } });
    assert.match(notVector.messages[0], /holds no shapefile/);
    const badSettings = await create({ serviceName: 'Olinda', type: 'MapServer', minInstancesPerNode: -3, properties: { uploadItems: [tracts.itemID], demItem: dem.itemID } });
    assert.equal(badSettings.code, 400, JSON.stringify(badSettings));
    assert.equal((await getJson(`${server.base}/services/Olinda/MapServer`)).error?.code, 404, 'nothing half-published');
    assert.ok(!existsSync(join(server.dataDir, 'published', 'Olinda')));

    const made = await create({ serviceName: 'Olinda', type: 'MapServer', description: 'Olinda census tracts', properties: { uploadItems: [tracts.itemID], demItem: dem.itemID } });
    assert.equal(made.status, 'success', JSON.stringify(made));
    const root = await getJson(`${server.base}/services/Olinda/MapServer`, { token: admin });
    assert.equal(root.description, 'Olinda census tracts');
    const names = root.layers.map((l: any) => l.name);
    assert.ok(names.includes('olinda1') && names.includes('Elevation'), names.join(', '));
    const tractLayer = root.layers.find((l: any) => l.name === 'olinda1').id;
    const query = await getJson(`${server.base}/services/Olinda/MapServer/${tractLayer}/query`, { where: "NM_BAIR = 'Alto da Nação'", outFields: 'NM_BAIR,V014', outSR: 4326, returnGeometry: true, f: 'json', token: admin });
    assert.ok(query.features.length > 0, JSON.stringify(query).slice(0, 300));
    assert.equal(query.features[0].attributes.NM_BAIR, 'Alto da Nação');
    const [x, y] = query.features[0].geometry.rings[0][0];
    assert.ok(x > -34.92 && x < -34.82 && y > -8.05 && y < -7.95, `${x} ${y} lies in Olinda`);
    const total = await getJson(`${server.base}/services/Olinda/MapServer/${tractLayer}/query`, { where: '1=1', returnCountOnly: true, f: 'json', token: admin });
    assert.equal(total.count, 470);
    // The DEM answers identify in its own UTM 25 S grid: a cell value GDAL reads too.
    const elevation = root.layers.find((l: any) => l.name === 'Elevation').id;
    const centre = { x: 288776.25 + 55.5 * 89.994067349451157, y: 9120760.75 - 55.5 * 89.994067349451157 };
    const found = await getJson(`${server.base}/services/Olinda/MapServer/identify`, {
      geometry: `${centre.x},${centre.y}`, geometryType: 'esriGeometryPoint', sr: JSON.stringify(root.spatialReference.wkid ? { wkid: root.spatialReference.wkid } : root.spatialReference),
      layers: `all:${elevation}`, tolerance: 0, mapExtent: `${centre.x - 1000},${centre.y - 1000},${centre.x + 1000},${centre.y + 1000}`, imageDisplay: '200,200,96', f: 'json', token: admin,
    });
    assert.equal(found.results.length, 1, JSON.stringify(found).slice(0, 300));

    // A TM25 sheet index over the data (southern and western hemisphere), its product with the
    // uploaded DEM, and a sheet made through generateProduct exactly as on the sample region.
    const noGrid = await postForm(`${server.url}/arcgis/admin/services/Olinda.MapServer/addSheetIndex`, { token: admin, grid: 'TM7' });
    assert.equal(noGrid.code, 400);
    assert.match(noGrid.messages[0], /unknown grid definition 'TM7'/);
    const index = await postForm(`${server.url}/arcgis/admin/services/Olinda.MapServer/addSheetIndex`, { token: admin, grid: 'TM25', products: 'true' });
    assert.equal(index.status, 'success', JSON.stringify(index));
    assert.equal(index.product, 'TM25');
    const aoiLayer = `${server.base}/services/Olinda/MapServer/${index.layerId}`;
    let sheets: any = null;
    for (let i = 0; i < 50 && !sheets?.features?.length; i++) {
      sheets = await getJson(`${aoiLayer}/query`, { where: "NRN = '0800S03500W-SW'", outFields: 'OBJECTID,NRN', returnGeometry: false, orderByFields: 'NRN', token: admin });
      if (!sheets?.features?.length) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(sheets.features.length > 0, JSON.stringify(sheets).slice(0, 300));
    const { OBJECTID, NRN } = sheets.features[0].attributes;
    assert.equal(NRN, '0800S03500W-SW', 'numbered from the south-west corner of its 1:50,000 sheet, south and west');
    const job = await postForm(`${server.base}/services/Olinda/TopographicProductionServer/generateProduct`, {
      productName: 'TM25', productVersion: 'Standard', aoiLayer, aoiFeatureId: String(OBJECTID), outputType: 'PDF', token: admin,
    });
    assert.equal(job.success, true, JSON.stringify(job));
    let status: any;
    for (const deadline = Date.now() + 120_000; ;) {
      status = await getJson(job.statusUrl, { token: admin });
      if (['esriJobSucceeded', 'esriJobFailed', 'esriJobCancelled'].includes(status.jobStatus) || ['Succeeded', 'Failed', 'Cancelled'].includes(status.status)) break;
      if (Date.now() > deadline) assert.fail(`the job did not finish: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(status.status, 'Succeeded', JSON.stringify(status.messages));
    const pdf = join(server.dataDir, 'olinda.pdf');
    writeFileSync(pdf, Buffer.from(await (await fetch(`${status.outputUrl}?token=${encodeURIComponent(admin)}`)).arrayBuffer()));
    const text = execFileSync('pdftotext', ['-raw', pdf, '-']).toString();
    assert.ok(text.includes(NRN), 'the sheet number is printed on the sheet');
    assert.match(text, /1:25,000/);

    assert.deepEqual(await postForm(`${server.url}/arcgis/admin/services/Olinda.MapServer/delete`, { token: admin }), { status: 'success' });
    assert.ok(!existsSync(join(server.dataDir, 'sheet-indexes', 'Olinda')), 'the sheet index goes with the service');
    assert.ok(!existsSync(join(server.dataDir, 'published', 'Olinda')), 'the published files go with the service');
  });
});

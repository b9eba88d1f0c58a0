/**
 * Topographic products on a user's own service, end to end: a service over a GeoPackage made by
 * ogr2ogr and a DEM made by gdal_translate (in the southern and eastern hemispheres), its TM50
 * sheet index and product added by addSheetIndex, then a real server makes a sheet of it through
 * the Topographic Production Service's HTTP API, and picks up an index added while it runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';
import { TemplateLibrary } from '../../src/layout/template-library.js';
import { addSheetIndex, type AddSheetIndexOptions, type SheetIndexResult } from '../../src/production/user-products.js';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';
import { makeUserDataDir } from '../support/user-service-fixture.js';

const run = promisify(execFile);
const SHEET = '3400S15100E';
const FINAL = [4, 5, 6, 8];

/** addSheetIndex with its own connection to the catalog, as `quadrangle sheets` runs beside a server. */
async function addIndex(dataDir: string, options: Partial<AddSheetIndexOptions>): Promise<SheetIndexResult> {
  const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  try {
    return await addSheetIndex({ dataDir, folder: 'Sydney', service: 'Harbour', grid: 'TM50', ...options }, { store, library: new TemplateLibrary() });
  } finally {
    await store.close();
  }
}

describe('a topographic sheet of a user\'s service', () => {
  let dataDir: string;
  let server: TestServer;
  let index: SheetIndexResult;
  let ms: string;

  before(async () => {
    dataDir = await makeUserDataDir();
    index = await addIndex(dataDir, { products: true });
    server = await startTestServer({ dataDir });
    ms = `${server.base}/services/Sydney/Harbour/MapServer`;
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the TM50 product and serves the index layer', async () => {
    const tps = `${server.base}/services/Sydney/Harbour/TopographicProductionServer`;
    const products = await getJson(`${tps}/products`);
    assert.deepEqual(products.products.map((p: any) => p.name), ['TM50']);
    const layer = await getJson(`${ms}/${index.layerId}`);
    assert.equal(layer.name, 'TM50 sheets');
    assert.equal(layer.geometryType, 'esriGeometryPolygon');
    assert.equal(layer.defaultVisibility, false);
    const q = await getJson(`${ms}/${index.layerId}/query`, { where: '1=1', outFields: 'NRN', returnGeometry: false });
    assert.deepEqual(q.features.map((f: any) => f.attributes.NRN).sort(), [...index.sheetNumbers].sort());
  });

  it('generates the sheet through generateProduct and serves a PDF that carries its number and name', async () => {
    const aoiLayer = `${server.url}/arcgis/rest/services/Sydney/Harbour/MapServer/${index.layerId}`;
    const q = await getJson(`${aoiLayer}/query`, { where: `NRN='${SHEET}'`, outFields: 'OBJECTID,NRN,NAME', returnGeometry: false });
    assert.equal(q.features.length, 1);
    assert.equal(q.features[0].attributes.NAME, 'Harbourside');
    const tps = `${server.base}/services/Sydney/Harbour/TopographicProductionServer`;
    const answer = await postForm(`${tps}/generateProduct`, {
      productName: 'TM50', productVersion: 'Standard', aoiLayer, aoiFeatureId: q.features[0].attributes.OBJECTID, outputType: 'PDF',
    });
    assert.equal(answer.success, true, JSON.stringify(answer));

    const deadline = Date.now() + 120_000;
    let job: any;
    for (;;) {
      job = await getJson(answer.statusUrl);
      assert.equal(job.error, undefined, JSON.stringify(job.error));
      if (FINAL.includes(job.statusCode)) break;
      if (Date.now() > deadline) assert.fail(`the job did not finish: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.messages));
    assert.ok(!job.messages.warning.some((w: string) => /DEM|elevation/i.test(w)), `the DEM covers the sheet: ${JSON.stringify(job.messages.warning)}`);
    assert.equal(job.outputUrl, `${server.base}/directories/arcgisoutput/Sydney/Harbour_MapServer/${answer.jobId}/${SHEET}.pdf`);

    const res = await fetch(job.outputUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const file = join(dataDir, 'sheet.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { stdout } = await run('pdftotext', ['-raw', file, '-']);
    assert.ok(stdout.includes(SHEET), 'the sheet number is printed on the sheet');
    assert.ok(stdout.includes('Harbourside'), 'the sheet is named after its place');
    assert.match(stdout, /1:50,000/);
  });

  it('is seen by the running server when another index is added beside it', async () => {
    const tm100 = await addIndex(dataDir, { grid: 'TM100' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const root = await getJson(ms);
      if (root.layers.some((l: any) => l.id === tm100.layerId && l.name === 'TM100 sheets')) break;
      if (Date.now() > deadline) assert.fail(`layer ${tm100.layerId} did not appear: ${JSON.stringify(root.layers)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const q = await getJson(`${ms}/${tm100.layerId}/query`, { where: `NRN='${SHEET}'`, outFields: 'NRN', returnGeometry: false });
    assert.equal(q.features.length, 1);
  });
});

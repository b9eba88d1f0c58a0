/**
 * generateProduct with `outputType=package` over HTTP: the job extracts the sheet's data and
 * serves a zip holding a GeoPackage GDAL reads and the resolved layout as `layout.json`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const SHEET = '5645N00515W';

let server: TestServer;
let tps: string;
let aoiLayer: string;
let tmp: string;

before(async () => {
  server = await startTestServer();
  tps = `${server.base}/services/Topo/SampleRegion/TopographicProductionServer`;
  aoiLayer = `${server.url}/arcgis/rest/services/Topo/SampleRegion/MapServer/15`;
  tmp = mkdtempSync(join(tmpdir(), 'quadrangle-tps-package-'));
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function waitForJob(statusUrl: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJson(statusUrl);
    assert.equal(job.error, undefined, JSON.stringify(job.error));
    if ([4, 5, 6, 8].includes(job.statusCode)) return job;
    if (Date.now() > deadline) assert.fail(`job did not finish in time: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('generateProduct as a package', () => {
  it('lists package among the supported output types', async () => {
    const refused = await postForm(`${tps}/generateProduct`, { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: 1, outputType: 'aprx' });
    assert.equal(refused.error.message, "outputType 'aprx' is not supported. Supported values: pdf, tiff, png, jpg, svg, package.");
  });

  it('extracts the sheet and serves a zip with a GeoPackage GDAL reads and layout.json', async () => {
    const q = await getJson(`${aoiLayer}/query`, { where: `NRN='${SHEET}'`, outFields: 'OBJECTID', returnGeometry: false });
    const answer = await postForm(`${tps}/generateProduct`, { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: q.features[0].attributes.OBJECTID, outputType: 'Package' });
    assert.equal(answer.success, true, JSON.stringify(answer));
    const job = await waitForJob(answer.statusUrl);
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.messages));
    assert.equal(job.outputType, 'package');
    assert.equal(job.outputUrl, `${server.base}/directories/arcgisoutput/Topo/SampleRegion_MapServer/${answer.jobId}/${SHEET}.zip`);
    const summary = job.messages.informative.find((m: string) => /^ExtractData: \d+ layers, [\d,]+ features extracted and clipped \(buffer 500 m\)\.$/.test(m));
    assert.ok(summary, JSON.stringify(job.messages.informative));
    assert.ok(job.messages.informative.some((m: string) => /^ExtractData: Roads → roads, [\d,]+ features \(\d+ of \d+ layers\)$/.test(m)));

    const res = await fetch(job.outputUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(Object.keys(entries).sort(), [`${SHEET}.gpkg`, 'layout.json']);

    const gpkg = join(tmp, `${SHEET}.gpkg`);
    writeFileSync(gpkg, entries[`${SHEET}.gpkg`]!);
    const { stdout, stderr } = await run('ogrinfo', ['-ro', '-so', '-al', gpkg]);
    assert.equal(stderr.trim(), '');
    const layout = JSON.parse(strFromU8(entries['layout.json']!));
    assert.equal(layout.template.name, 'TM50_Layout');
    assert.equal(layout.sheetId, SHEET);
    assert.equal(layout.database, `${SHEET}.gpkg`);
    const total = Number(/([\d,]+) features/.exec(summary)![1]!.replace(/,/g, ''));
    assert.equal(layout.extract.features, total);
    // Every table the layout binds is in the GeoPackage with the count the layout states.
    for (const l of layout.maps[0].layers) assert.match(stdout, new RegExp(`Layer name: ${l.table}\\n[\\s\\S]*?Feature Count: ${l.featureCount}\\n`));
    assert.ok(layout.maps[0].layers.find((l: any) => l.table === 'roads').featureCount > 0);
  });

  it('leaves the layers of layerExclusion out of the extract, and refuses a layer the service lacks', async () => {
    const q = await getJson(`${aoiLayer}/query`, { where: `NRN='${SHEET}'`, outFields: 'OBJECTID', returnGeometry: false });
    const base = { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: q.features[0].attributes.OBJECTID, outputType: 'package' };
    const refused = await postForm(`${tps}/generateProduct`, { ...base, layerExclusion: '["Pipelines"]' });
    assert.equal(refused.error?.message, "layerExclusion: 'Pipelines' is not a layer of this service");
    const answer = await postForm(`${tps}/generateProduct`, { ...base, layerExclusion: JSON.stringify(['Buildings', 4, `${aoiLayer.replace(/\/\d+$/, '')}/3`]) });
    const job = await waitForJob(answer.statusUrl);
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.messages));
    const entries = unzipSync(new Uint8Array(await (await fetch(job.outputUrl)).arrayBuffer()));
    const tables = JSON.parse(strFromU8(entries['layout.json']!)).maps[0].layers.map((l: any) => l.table) as string[];
    assert.ok(tables.includes('watercourses'), tables.join(', '));
    for (const gone of ['buildings', 'roads', 'railways']) assert.ok(!tables.includes(gone), `${gone} in ${tables.join(', ')}`);
  });
});

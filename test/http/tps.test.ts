/**
 * The Topographic Production Service over HTTP, driven the way the ArcGIS API for Python's
 * topographic production manager drives it: list products, add a copy of one, update it, make
 * sheets by AOI feature and by a custom AOI from calculateExtent, poll the jobs, download and
 * read the PDF, query, cancel and delete jobs, remove the product.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const SHEET = '5645N00515W';
const FINAL = [4, 5, 6, 8];

let server: TestServer;
let tps: string;
let alias: string;
let aoiLayer: string;
let sheetOid: number;
let tmp: string;

/** Polls a job until it is final (or `until` holds); fails after `timeoutMs`. */
async function waitForJob(statusUrl: string, until: (job: any) => boolean = (j) => FINAL.includes(j.statusCode), timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJson(statusUrl);
    assert.equal(job.error, undefined, JSON.stringify(job.error));
    if (until(job)) return job;
    if (Date.now() > deadline) assert.fail(`job did not get there in time: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  server = await startTestServer();
  tps = `${server.base}/services/Topo/SampleRegion/TopographicProductionServer`;
  alias = `${server.base}/services/Topo/SampleRegion/MapServer/exts/TopographicProductionServer`;
  aoiLayer = `${server.url}/arcgis/rest/services/Topo/SampleRegion/MapServer/15`;
  const q = await getJson(`${aoiLayer}/query`, { where: `NRN='${SHEET}'`, outFields: 'OBJECTID,NRN', returnGeometry: false });
  assert.equal(q.features.length, 1);
  sheetOid = q.features[0].attributes.OBJECTID;
  tmp = mkdtempSync(join(tmpdir(), 'quadrangle-tps-'));
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Topographic Production Service: the client flow', () => {
  const jobs: Record<string, string> = {};

  it('answers the root at both URL forms and is listed in the map service supportedExtensions', async () => {
    const expected = {
      name: 'Topographic Production Server', type: 'Map Server Extension',
      operations: ['addProduct', 'calculateExtent', 'generateProduct', 'removeProduct', 'updateProduct'], resources: ['products', 'jobs'],
    };
    assert.deepEqual(await getJson(tps), expected);
    assert.deepEqual(await getJson(alias), expected);
    const ms = await getJson(`${server.base}/services/Topo/SampleRegion/MapServer`);
    assert.equal(ms.supportedExtensions, 'KmlServer, TopographicProductionServer');
    const pjson = await (await fetch(`${tps}/jobs?f=pjson`)).text();
    assert.match(pjson, /\n {2}"operations": \[/);
    const html = await fetch(tps);
    assert.equal(html.status, 200);
    assert.match(await html.text(), /TopographicProductionServer[\s\S]*href="[^"]*\/products"/);
    assert.equal((await getJson(`${tps}/workflows`)).error.message, 'Invalid URL');
  });

  it('lists the products, with and without their definitions', async () => {
    const plain = await getJson(`${tps}/products`);
    assert.deepEqual(plain.products.map((p: any) => p.name), ['TM100', 'TM25', 'TM50']);
    const tm50 = plain.products.find((p: any) => p.name === 'TM50');
    assert.equal(tm50.productDefinition, undefined);
    assert.deepEqual(tm50.productVersions, [{ name: 'TDS_7_1', template: 'TM50_Layout' }]);
    assert.equal(tm50.sheetIDField, 'NRN');
    assert.match(tm50.lastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const full = await getJson(`${alias}/products`, { includeDef: 'True', includeDataTypes: 'true' });
    const def = full.products.find((p: any) => p.name === 'TM50').productDefinition;
    assert.equal(def.operations.length, 11);
    const contours = def.operations.find((o: any) => o.type === 'GenerateContours');
    assert.deepEqual(contours.parameters, [{ name: 'contour_interval', value: '[Contours]', dataType: 'double' }]);
    const withoutTypes = await getJson(`${tps}/products/TM50`, { includeDef: true });
    assert.equal(withoutTypes.name, 'TM50');
    assert.equal(withoutTypes.productDefinition.operations.find((o: any) => o.type === 'GenerateContours').parameters[0].dataType, undefined);
    // definitionType keeps exact matches only; a value matching nothing returns every product.
    assert.equal((await getJson(`${tps}/products`, { definitionType: 'MapProduct' })).products.length, 3);
    assert.equal((await getJson(`${tps}/products`, { definitionType: 'Chart' })).products.length, 3);
  });

  it('adds a copy of TM50 under another name (POST only)', async () => {
    const { productDefinition } = await getJson(`${tps}/products/TM50`, { includeDef: true });
    const copy = { ...productDefinition, name: 'TM50 Copy', description: 'Copy of TM50' };
    const refused = await fetch(`${tps}/addProduct?f=json&productDefinition=${encodeURIComponent(JSON.stringify(copy))}`);
    assert.equal((await refused.json()).error.code, 405);
    assert.deepEqual(await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(copy) }), { productName: 'TM50 Copy', success: true });
    const again = await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(copy) });
    assert.equal(again.error.code, 400);
    assert.match(again.error.message, /Product name already exists: TM50 Copy/);
    const listed = await getJson(`${tps}/products/TM50%20Copy`);
    assert.equal(listed.description, 'Copy of TM50');
    assert.equal(listed.gridType, 'TM50');
  });

  it('updates the copy: description, a new version, then disabled so generateProduct refuses it', async () => {
    assert.deepEqual(await postForm(`${tps}/updateProduct`, {
      productName: 'TM50 Copy', description: 'Changed',
      productVersions: JSON.stringify({ operation: 'add', versions: [{ name: 'Draft', template: 'TM50_Layout' }] }),
    }), { productName: 'TM50 Copy', success: true });
    const changed = await getJson(`${tps}/products/TM50 Copy`);
    assert.equal(changed.description, 'Changed');
    assert.deepEqual(changed.productVersions.map((v: any) => v.name), ['TDS_7_1', 'Draft']);
    const dup = await postForm(`${tps}/updateProduct`, { productName: 'TM50 Copy', productVersions: JSON.stringify({ operation: 'add', versions: [{ name: 'Draft', template: 'TM50_Layout' }] }) });
    assert.equal(dup.error.message, "productVersions: version 'Draft' already exists");
    const badTemplate = await postForm(`${tps}/updateProduct`, { productName: 'TM50 Copy', productVersions: JSON.stringify({ operation: 'update', versions: [{ name: 'Draft', template: 'Nope' }] }) });
    assert.match(badTemplate.error.message, /^productVersions\[1\]\.template: unknown layout template 'Nope'/);

    assert.equal((await getJson(`${tps}/updateProduct`, { productName: 'TM50 Copy', enabled: 'False' })).success, true);
    assert.equal((await getJson(`${tps}/products/TM50 Copy`)).enabled, false);
    const refused = await postForm(`${tps}/generateProduct`, { productName: 'TM50 Copy', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: sheetOid, outputType: 'pdf' });
    assert.deepEqual(refused.error, { code: 400, message: "productName: product 'TM50 Copy' is disabled", details: [] });
  });

  it('generates a sheet by aoiFeatureId, polls it to Succeeded and serves a PDF with the sheet number', async () => {
    const answer = await postForm(`${tps}/generateProduct`, { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: sheetOid, outputType: 'PDF' });
    assert.equal(answer.success, true);
    assert.match(answer.jobId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.equal(answer.statusUrl, `${tps}/jobs/job/${answer.jobId}`);
    jobs.pdf = answer.jobId;

    const job = await waitForJob(answer.statusUrl);
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.messages));
    assert.equal(job.statusCode, 4);
    assert.equal(job.percentComplete, 1);
    assert.equal(job.aoiFeatureId, sheetOid);
    assert.equal(job.aoiLayer, aoiLayer);
    assert.equal(job.user, 'anonymous');
    assert.deepEqual([job.productName, job.productVersion, job.outputType], ['TM50', 'TDS_7_1', 'pdf']);
    assert.equal(job.outputUrl, `${server.base}/directories/arcgisoutput/Topo/SampleRegion_MapServer/${answer.jobId}/${SHEET}.pdf`);
    assert.ok(job.messages.informative.length > 3);
    // The sheet is drawn from the job's own extraction of the AOI (ExtractData, buffer 500 m).
    assert.ok(job.messages.informative.some((m: string) => /^ExtractData: \d+ layers, [\d,]+ features extracted and clipped \(buffer 500 m\)\.$/.test(m)), JSON.stringify(job.messages.informative));
    const errorsOnly = await getJson(answer.statusUrl, { msgLevel: 'error' });
    assert.deepEqual(errorsOnly.messages, { informative: [], warning: [], error: [] });
    // The job ID matches in any case.
    assert.equal((await getJson(`${tps}/jobs/job/${answer.jobId.toLowerCase()}`)).jobId, answer.jobId);

    const res = await fetch(job.outputUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const file = join(tmp, 'sheet.pdf');
    writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', ['-raw', file, '-']);
    assert.ok(stdout.includes(SHEET), 'the sheet number is printed on the sheet');
    assert.match(stdout, /1:50,000/);
  });

  it('generates a custom sheet from calculateExtent at the alias URL, as a 72 dpi PNG under a sanitised name', async () => {
    const extent = await getJson(`${alias}/calculateExtent`, {
      productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer,
      inputGeometry: JSON.stringify({ x: 372000, y: 6295000, spatialReference: { wkid: 32630 } }), outSpatialReference: JSON.stringify({ wkid: 4326 }),
    });
    assert.equal(extent.success, true);
    assert.equal(extent.gridXml, 'TM50');
    assert.equal(extent.extents.length, 1);
    assert.equal(extent.extents[0].geometry.spatialReference.wkid, 4326);
    assert.equal(extent.extents[0].attributes.utmZone, '30N');

    const answer = await postForm(`${alias}/generateProduct`, {
      productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, customAoi: JSON.stringify(extent.extents),
      outputType: 'png', outputSettings: JSON.stringify({ resolution: 72 }), exportName: 'my sheet/../x',
    });
    assert.equal(answer.success, true, JSON.stringify(answer));
    assert.equal(answer.statusUrl, `${alias}/jobs/job/${answer.jobId}`);
    jobs.png = answer.jobId;
    const job = await waitForJob(answer.statusUrl);
    assert.equal(job.status, 'Succeeded', JSON.stringify(job.messages));
    assert.equal(job.aoiFeatureId, null);
    assert.match(job.outputUrl, /\/my_sheet_.._x\.png$/);
    const res = await fetch(job.outputUrl);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  });

  it('serves job outputs only from the job folder, and only the file the job wrote', async () => {
    const dir = `${server.base}/directories/arcgisoutput`;
    for (const path of [
      `Topo/SampleRegion_MapServer/${jobs.pdf}/..%2F..%2Fcatalog.sqlite`,
      `Topo/SampleRegion_MapServer/${jobs.pdf}/other.pdf`,
      `Topo/Other_MapServer/${jobs.pdf}/${SHEET}.pdf`,
      `SampleRegion_MapServer/${jobs.pdf}/${SHEET}.pdf`,
      `Topo/SampleRegion_MapServer/${jobs.pdf}/`,
    ]) {
      assert.equal((await fetch(`${dir}/${path}`)).status, 404, path);
    }
  });

  it('cancels a running job', async () => {
    const answer = await getJson(`${tps}/generateProduct`, {
      productName: 'TM25', productVersion: 'TDS_7_1', aoiLayer: aoiLayer.replace(/15$/, '14'), aoiFeatureId: 1, outputType: 'svg', outputSettings: 'draft',
    });
    assert.equal(answer.success, true, JSON.stringify(answer));
    jobs.canceled = answer.jobId;
    await waitForJob(answer.statusUrl, (j) => j.statusCode === 3, 30_000);
    const canceled = await getJson(`${tps}/jobs/cancel`, { jobId: JSON.stringify([answer.jobId]) });
    assert.deepEqual(canceled, { count: 1, name: 'canceled', items: [{ id: answer.jobId, success: true, message: 'Job canceled' }], success: true });
    const job = await getJson(answer.statusUrl);
    assert.equal(job.status, 'Canceled');
    assert.equal(job.outputUrl, '');
    const twice = await getJson(`${tps}/jobs/cancel`, { jobId: answer.jobId });
    assert.deepEqual(twice.items, [{ id: answer.jobId, success: false, message: 'Job is already finished (Canceled)' }]);
  });

  it('queries jobs by status, dates, user and product, page by page', async () => {
    const all = await getJson(`${tps}/jobs/query`);
    assert.equal(all.count, 3);
    assert.equal(all.nextStart, -1);
    // Newest first.
    assert.deepEqual(all.jobs.map((j: any) => j.jobId), [jobs.canceled, jobs.png, jobs.pdf]);
    assert.equal(all.jobs[0].messages, undefined);

    const succeeded = await getJson(`${alias}/jobs/query`, { status: 4 });
    assert.deepEqual(succeeded.jobs.map((j: any) => j.jobId).sort(), [jobs.pdf, jobs.png].sort());
    assert.equal((await getJson(`${tps}/jobs/query`, { status: '4,8' })).count, 3);
    assert.deepEqual((await getJson(`${tps}/jobs/query`, { productName: 'TM25' })).jobs.map((j: any) => j.jobId), [jobs.canceled]);
    assert.equal((await getJson(`${tps}/jobs/query`, { user: 'anonymous' })).count, 3);
    assert.equal((await getJson(`${tps}/jobs/query`, { user: 'cartographer1' })).count, 0);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await getJson(`${tps}/jobs/query`, { startDate: today, endDate: today })).count, 3);
    assert.equal((await getJson(`${tps}/jobs/query`, { startDate: '2999-01-01' })).count, 0);
    assert.equal((await getJson(`${tps}/jobs/query`, { endDate: '2000-01-01T00:00:00Z' })).count, 0);

    const page1 = await getJson(`${tps}/jobs/query`, { num: 2, msgLevel: 'warn' });
    assert.deepEqual([page1.count, page1.nextStart], [2, 3]);
    assert.deepEqual(page1.jobs[1].messages.informative, []);
    const page2 = await getJson(`${tps}/jobs/query`, { num: 2, start: 3 });
    assert.deepEqual([page2.count, page2.nextStart, page2.jobs[0].jobId], [1, -1, jobs.pdf]);
  });

  it('deletes finished jobs with their outputs; an unknown job is an item that failed', async () => {
    const pdf = await getJson(`${tps}/jobs/job/${jobs.pdf}`);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const deleted = await postForm(`${tps}/jobs/delete`, { jobIds: JSON.stringify([jobs.pdf, jobs.canceled, unknown]) });
    assert.deepEqual(deleted, {
      count: 3, name: 'deleted', success: false,
      results: [
        { id: jobs.pdf, success: true, message: 'Job deleted' },
        { id: jobs.canceled, success: true, message: 'Job deleted' },
        { id: unknown, success: false, message: 'Job not found' },
      ],
    });
    const gone = await getJson(`${tps}/jobs/job/${jobs.pdf}`);
    assert.deepEqual(gone.error, { code: 400, message: `jobId: job '${jobs.pdf}' not found`, details: [] });
    assert.equal((await fetch(pdf.outputUrl)).status, 404);
    assert.deepEqual((await getJson(`${tps}/jobs/query`)).jobs.map((j: any) => j.jobId), [jobs.png]);
    // The jobId alias works too.
    assert.equal((await getJson(`${tps}/jobs/delete`, { jobId: jobs.png })).success, true);
  });

  it('removes the product', async () => {
    assert.deepEqual(await getJson(`${tps}/removeProduct`, { productName: 'TM50 Copy' }), { productName: 'TM50 Copy', success: true });
    assert.equal((await getJson(`${tps}/products/TM50 Copy`)).error.code, -2147211775);
    assert.equal((await getJson(`${tps}/removeProduct`, { productName: 'TM50 Copy' })).error.code, -2147211775);
    assert.deepEqual((await getJson(`${tps}/products`)).products.map((p: any) => p.name), ['TM100', 'TM25', 'TM50']);
  });
});

/**
 * The Topographic Production Service's refusals over HTTP (tps.md §19): every bad request is
 * answered before a job is queued, with `Product name not found.` or a 400 whose message names
 * the parameter; job actions report unknown jobs per item; HTML pages and forms for every
 * resource and operation; and a service without products has no extension.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let tps: string;
let aoiLayer: string;
let polygon: { rings: number[][][]; spatialReference: { wkid: number } };
const unknownJob = '00000000-0000-4000-8000-000000000000';

before(async () => {
  server = await startTestServer();
  tps = `${server.base}/services/Topo/SampleRegion/TopographicProductionServer`;
  aoiLayer = `${server.url}/arcgis/rest/services/Topo/SampleRegion/MapServer/15`;
  const q = await getJson(`${aoiLayer}/query`, { where: '1=1', resultRecordCount: 1, returnGeometry: true });
  polygon = { ...q.features[0].geometry, spatialReference: { wkid: 32630 } };
});
after(async () => { await server.close(); });

/** generateProduct with valid parameters, `changes` laid over them (undefined removes one). */
function generate(changes: Record<string, string | number | undefined>): Promise<any> {
  const params: Record<string, string | number | undefined> = { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: 1, outputType: 'pdf', ...changes };
  return postForm(`${tps}/generateProduct`, Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string | number>);
}

describe('Topographic Production Service: refusals', () => {
  it('answers Product name not found. for an unknown product everywhere, and 404 for f=html', async () => {
    const notFound = { code: -2147211775, message: 'Product name not found.', details: [] };
    assert.deepEqual((await generate({ productName: 'Nope' })).error, notFound);
    assert.deepEqual((await getJson(`${tps}/products/Nope`)).error, notFound);
    assert.deepEqual((await getJson(`${tps}/updateProduct`, { productName: 'tm50' })).error, notFound);
    assert.deepEqual((await getJson(`${tps}/removeProduct`, { productName: 'Nope' })).error, notFound);
    assert.deepEqual((await getJson(`${tps}/calculateExtent`, { productName: 'Nope', productVersion: 'TDS_7_1', aoiLayer, inputGeometry: '{"x":1,"y":2}' })).error, notFound);
    const html = await fetch(`${tps}/products/Nope`);
    assert.equal(html.status, 404);
    assert.match(await html.text(), /Product name not found\./);
  });

  it('refuses an unknown version and a bad version object', async () => {
    const unknown = await generate({ productVersion: 'TDS_9_9' });
    assert.equal(unknown.error.code, 400);
    assert.equal(unknown.error.message, "productVersion: unknown version 'TDS_9_9' of product 'TM50' (known: TDS_7_1)");
    const badOverride = await generate({ productVersion: JSON.stringify({ name: 'TDS_7_1', excludedOperations: ['not-a-guid'] }) });
    assert.match(badOverride.error.message, /^productVersion\.excludedOperations\[0\]: must be an operation GUID/);
    assert.equal((await generate({ productVersion: undefined })).error.message, 'productVersion: is required');
  });

  it('refuses an aoiLayer on another host without fetching it, and layers that are no sheet index', async () => {
    const foreign = await generate({ aoiLayer: 'https://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer/15' });
    assert.equal(foreign.error.code, 400);
    assert.match(foreign.error.message, /^aoiLayer: host 'maps\.example\.org' is not this server/);
    assert.match((await generate({ aoiLayer: '//maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer/15' })).error.message, /^aoiLayer: host 'maps\.example\.org'/);
    const sameHostOtherPort = await generate({ aoiLayer: aoiLayer.replace(/:(\d+)\//, (_m, p) => `:${Number(p) + 1}/`) });
    assert.match(sameHostOtherPort.error.message, /^aoiLayer: host/);
    assert.match((await generate({ aoiLayer: `${server.url}/arcgis/rest/services/Topo/Nope/MapServer/15` })).error.message, /^aoiLayer: service Topo\/Nope\/MapServer not found/);
    assert.match((await generate({ aoiLayer: `${server.url}/arcgis/rest/services/Topo/SampleRegion/MapServer/99` })).error.message, /^aoiLayer: layer 99 .* not found/);
    assert.match((await generate({ aoiLayer: `${server.url}/somewhere/else` })).error.message, /^aoiLayer: '\/somewhere\/else' is not a map service layer URL/);
    const layers = await getJson(`${server.base}/services/Topo/SampleRegion/MapServer/layers`);
    const line = layers.layers.find((l: any) => l.geometryType === 'esriGeometryPolyline');
    assert.match((await generate({ aoiLayer: aoiLayer.replace(/15$/, String(line.id)) })).error.message, /is not a polygon feature layer/);
    // A path on this server is the same layer.
    const extent = await getJson(`${tps}/calculateExtent`, {
      productName: 'TM25', productVersion: 'TDS_7_1', aoiLayer: '/arcgis/rest/services/Topo/SampleRegion/MapServer/14', inputGeometry: JSON.stringify({ x: 372000, y: 6295000 }),
    });
    assert.equal(extent.success, true);
    assert.equal(extent.extents[0].geometry.spatialReference.wkid, 32630);
  });

  it('refuses an AOI feature that does not exist and a customAoi that is not one polygon', async () => {
    assert.deepEqual((await generate({ aoiFeatureId: 999999 })).error, { code: 400, message: 'aoiFeatureId: feature 999999 not found', details: [] });
    assert.match((await generate({ aoiFeatureId: 'abc' })).error.message, /^aoiFeatureId: 'abc' is not an object ID/);
    assert.match((await generate({ aoiFeatureId: undefined })).error.message, /^aoiFeatureId: is required unless customAoi/);
    const feature = { geometry: polygon, attributes: {} };
    assert.equal((await generate({ customAoi: JSON.stringify([feature, feature]) })).error.message, 'customAoi: must hold exactly one polygon feature, not 2');
    assert.equal((await generate({ customAoi: JSON.stringify([]) })).error.message, 'customAoi: must hold exactly one polygon feature, not 0');
    assert.equal((await generate({ customAoi: JSON.stringify([{ geometry: { x: 1, y: 2 } }]) })).error.message, 'customAoi: the feature is not a polygon');
    assert.match((await generate({ customAoi: JSON.stringify({ rings: polygon.rings }) })).error.message, /^customAoi: must be a feature array, a featureSet/);
    assert.equal((await generate({ customAoi: '{not json' })).error.message, 'customAoi: not valid JSON');
    // One polygon as a featureSet passes (customAoi wins over a bad aoiFeatureId); the bad outputType checked after it is what is refused.
    const featureSet = await generate({ customAoi: JSON.stringify({ features: [feature] }), aoiFeatureId: 999999, outputType: 'aprx' });
    assert.match(featureSet.error.message, /^outputType 'aprx'/);
  });

  it('refuses unsupported output types, listing the supported ones, and bad outputSettings', async () => {
    assert.deepEqual((await generate({ outputType: 'aprx' })).error,
      { code: 400, message: "outputType 'aprx' is not supported. Supported values: pdf, tiff, png, jpg, svg, package.", details: [] });
    assert.equal((await generate({ outputType: 'pagx' })).error.message, "outputType 'pagx' is not supported. Supported values: pdf, tiff, png, jpg, svg, package.");
    assert.equal((await generate({ outputType: 'zip' })).error.message, "outputType 'zip' is not supported. Supported values: pdf, tiff, png, jpg, svg, package.");
    assert.match((await generate({ outputType: undefined })).error.message, /^outputType: is required/);
    assert.match((await generate({ outputSettings: '{"dpi": 300}' })).error.message, /^outputSettings: unknown key 'dpi'/);
    assert.match((await generate({ outputSettings: '{"resolution": 20}' })).error.message, /^outputSettings: resolution/);
    assert.match((await generate({ outputSettings: 'poster' })).error.message, /^outputSettings: unknown preset 'poster'/);
    assert.equal((await getJson(`${tps}/jobs/query`)).count, 0, 'nothing was queued');
  });

  it('reports unknown jobs per item in cancel, delete, pause and resume, and refuses missing IDs', async () => {
    const item = { id: unknownJob, success: false, message: 'Job not found' };
    assert.deepEqual(await getJson(`${tps}/jobs/cancel`, { jobId: unknownJob }), { count: 1, name: 'canceled', items: [item], success: false });
    assert.deepEqual(await getJson(`${tps}/jobs/delete`, { jobIds: JSON.stringify([unknownJob, 'junk']) }),
      { count: 2, name: 'deleted', results: [item, { id: 'junk', success: false, message: 'Job not found' }], success: false });
    assert.deepEqual((await getJson(`${tps}/jobs/pause`, { jobId: unknownJob })).items, [item]);
    assert.deepEqual((await getJson(`${tps}/jobs/resume`, { jobId: unknownJob })).items, [item]);
    assert.equal((await getJson(`${tps}/jobs/cancel`)).error.message, 'jobId: missing or not a job ID or JSON array of job IDs');
    assert.equal((await getJson(`${tps}/jobs/delete`, { jobIds: '[1, 2]' })).error.message, 'jobIds: missing or not a job ID or JSON array of job IDs');
    assert.deepEqual((await getJson(`${tps}/jobs/job/${unknownJob}`)).error, { code: 400, message: `jobId: job '${unknownJob}' not found`, details: [] });
  });

  it('pauses, resumes and cancels a job, checking pause operationId against the product', async () => {
    const answer = await generate({ productName: 'TM100', aoiLayer: aoiLayer.replace(/15$/, '16'), outputType: 'svg', outputSettings: 'draft' });
    assert.equal(answer.success, true, JSON.stringify(answer));
    const bad = await getJson(`${tps}/jobs/pause`, { jobId: answer.jobId, operationId: unknownJob });
    assert.equal(bad.error.message, `operationId: '${unknownJob}' is not an operation of product 'TM100'`);
    const { productDefinition } = await getJson(`${tps}/products/TM100`, { includeDef: true });
    const paused = await getJson(`${tps}/jobs/pause`, { jobId: answer.jobId, operationId: productDefinition.operations[5].id });
    assert.equal(paused.success, true, JSON.stringify(paused));
    assert.match(paused.items[0].message, /^(Job paused|Pause requested)$/);
    assert.ok([100, 102].includes((await getJson(answer.statusUrl)).statusCode));
    const resumed = await getJson(`${tps}/jobs/resume`, { jobId: answer.jobId });
    assert.deepEqual(resumed.items, [{ id: answer.jobId, success: true, message: 'Resume requested' }]);
    const canceled = await getJson(`${tps}/jobs/cancel`, { jobId: answer.jobId });
    assert.equal(canceled.success, true, JSON.stringify(canceled));
    assert.equal((await getJson(answer.statusUrl)).status, 'Canceled');
    assert.deepEqual((await getJson(`${tps}/jobs/resume`, { jobId: answer.jobId })).items[0].message, 'Job is not paused');
  });

  it('refuses bad job queries naming the parameter', async () => {
    assert.equal((await getJson(`${tps}/jobs/query`, { status: '4,12' })).error.message, "status: '12' is not a job status code");
    assert.equal((await getJson(`${tps}/jobs/query`, { startDate: 'yesterday' })).error.message, 'startDate: invalid date');
    assert.equal((await getJson(`${tps}/jobs/query`, { endDate: '2025-02-30' })).error.message, 'endDate: invalid date');
    assert.equal((await getJson(`${tps}/jobs/query`, { num: 0 })).error.message, 'num: must be between 1 and 1000');
    assert.equal((await getJson(`${tps}/jobs/query`, { num: 1001 })).error.message, 'num: must be between 1 and 1000');
    assert.match((await getJson(`${tps}/jobs/query`, { msgLevel: 'debug' })).error.message, /^msgLevel: 'debug' is not one of info, warn, error/);
  });

  it('refuses bad product definitions and updates, naming the property', async () => {
    const { productDefinition } = await getJson(`${tps}/products/TM25`, { includeDef: true });
    const bad = { ...productDefinition, name: 'Bad', operations: [{ ...productDefinition.operations[0], type: 'Contour' }] };
    const refused = await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(bad) });
    assert.equal(refused.error.code, 400);
    assert.match(refused.error.message, /productDefinition\.operations\[0\]\.type: unknown operation type 'Contour'/);
    assert.match((await postForm(`${tps}/addProduct`, { productDefinition: '{oops' })).error.message, /^productDefinition: not valid JSON/);
    const good = { ...productDefinition, name: 'Raster test' };
    assert.match((await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(good), raster: 'sample/nope.tif' })).error.message, /^raster: data file 'sample\/nope\.tif' does not exist/);
    assert.match((await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(good), raster: '../../etc/passwd' })).error.message, /^raster: /);
    assert.match((await postForm(`${tps}/addProduct`, { productDefinition: JSON.stringify(good), raster: 'https://example.org/dem.tif' })).error.message, /^raster: a DEM given by URL is not supported/);
    assert.equal((await getJson(`${tps}/products/Raster test`)).error.code, -2147211775);

    const keepOne = await getJson(`${tps}/updateProduct`, { productName: 'TM25', productVersions: JSON.stringify({ operation: 'remove', versions: ['TDS_7_1'] }) });
    assert.equal(keepOne.error.message, 'productVersions: a product must keep at least one version');
    assert.equal((await getJson(`${tps}/updateProduct`, { productName: 'TM25', enabled: 'maybe' })).error.message, "enabled: expected true or false, got 'maybe'");
    const layer = 'https://maps.example.org/arcgis/rest/services/Ops/MapServer/2';
    assert.equal((await getJson(`${tps}/updateProduct`, { productName: 'TM25', ancillaryLayers: JSON.stringify({ operation: 'add', layers: [{ layer, featureClass: 'Obstacles' }] }) })).success, true);
    assert.deepEqual((await getJson(`${tps}/products/TM25`)).ancillaryLayers, [{ layer, featureClass: 'Obstacles', map: 'BaseMap', layerIndex: 0 }]);
    assert.match((await getJson(`${tps}/updateProduct`, { productName: 'TM25', ancillaryLayers: JSON.stringify({ operation: 'add', layers: [layer] }) })).error.message, /already exists/);
    assert.equal((await getJson(`${tps}/updateProduct`, { productName: 'TM25', ancillaryLayers: JSON.stringify({ operation: 'remove', layers: [layer] }) })).success, true);
    assert.deepEqual((await getJson(`${tps}/products/TM25`)).ancillaryLayers, []);
  });

  it('serves every resource and operation as HTML, with forms', async () => {
    for (const path of ['', '/products', '/products/TM50', '/jobs', '/jobs/query', '/calculateExtent', '/generateProduct', '/updateProduct', '/removeProduct', '/jobs/cancel', '/jobs/delete', '/jobs/pause', '/jobs/resume']) {
      const res = await fetch(`${tps}${path}`);
      assert.equal(res.status, 200, path);
      const html = await res.text();
      assert.match(html, /^<!DOCTYPE html>/, path);
      assert.match(html, /TopographicProductionServer/, path);
    }
    assert.match(await (await fetch(`${tps}/generateProduct`)).text(), /<form[^>]*action="[^"]*\/generateProduct"/);
    assert.match(await (await fetch(tps)).text(), /<form action="[^"]*\/addProduct" method="post">/);
    const get = await fetch(`${tps}/addProduct`);
    assert.equal(get.status, 405);
    const post = await fetch(`${tps}/addProduct`, { method: 'POST', body: new URLSearchParams({ f: 'html' }) });
    assert.equal(post.status, 200);
    // A run operation shows its answer below the form.
    assert.match(await (await fetch(`${tps}/jobs/cancel?jobId=${unknownJob}`)).text(), /Results[\s\S]*Job not found/);
  });

  it('keeps the extension, with no products, when every product is removed', async () => {
    for (const name of ['TM100', 'TM25', 'TM50']) assert.equal((await getJson(`${tps}/removeProduct`, { productName: name })).success, true);
    assert.deepEqual((await getJson(`${tps}/products`)).products, []);
    assert.equal((await getJson(`${server.base}/services/Topo/Nope/TopographicProductionServer`)).error.code, 404);
  });
});

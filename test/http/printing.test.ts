/**
 * The printing service (printing.md) against a real server: web maps shaped as the ArcGIS Maps
 * SDK for JavaScript sends them (a map image layer of the sample service and a graphics layer as
 * a feature collection) printed to PDF (text read back with pdftotext) and PNG (pixels), the
 * asynchronous submitJob flow, remote layers refused by the fetching rules, and bad requests.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getTransform } from '../../src/geo/projection.js';
import { decodeImage } from '../support/map-images.js';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

const GP = '/services/Utilities/PrintingTools/GPServer';
const TASK = `${GP}/Export%20Web%20Map%20Task`;

/** A point in the sample region's main area (EPSG:32630) and the same in Web Mercator. */
const CENTRE_UTM = [370000, 6310000];
const toMercator = getTransform({ wkid: 32630 }, { wkid: 3857 })!;
const [CX, CY] = toMercator(CENTRE_UTM) as [number, number];

/** A web map as the JS SDK's print sends it (4.x: layerType on every layer, ids, a graphics layer as a feature collection). */
function sdkWebMap(serviceUrl: string, overrides: { halfWidth?: number; layout?: Record<string, unknown>; exportOptions?: Record<string, unknown>; extraLayers?: unknown[] } = {}) {
  const hw = overrides.halfWidth ?? 4000;
  const sr = { wkid: 102100, latestWkid: 3857 };
  return {
    mapOptions: { showAttribution: false, extent: { xmin: CX - hw, ymin: CY - hw * 0.75, xmax: CX + hw, ymax: CY + hw * 0.75, spatialReference: sr }, spatialReference: sr, scale: undefined },
    operationalLayers: [
      { id: '18c1f0a2b3d-layer-0', title: 'Sample region', opacity: 1, minScale: 0, maxScale: 0, url: serviceUrl, layerType: 'ArcGISMapServiceLayer', visibleLayers: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] },
      {
        id: '18c1f0a2b3d-layer-1', title: 'Incident', opacity: 1, minScale: 0, maxScale: 0,
        featureCollection: { layers: [{
          layerDefinition: { name: 'pointLayer', geometryType: 'esriGeometryPoint', objectIdField: '__OBJECTID', fields: [{ name: '__OBJECTID', type: 'esriFieldTypeOID' }], drawingInfo: { renderer: { type: 'simple' } } },
          featureSet: { geometryType: 'esriGeometryPoint', features: [{
            geometry: { x: CX, y: CY, spatialReference: sr }, attributes: { __OBJECTID: 0 },
            symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [255, 0, 0, 255], size: 24, angle: 0, xoffset: 0, yoffset: 0, outline: { type: 'esriSLS', style: 'esriSLSSolid', color: [255, 0, 0, 255], width: 1 } },
          }] },
        }] },
      },
      ...(overrides.extraLayers ?? []),
    ],
    exportOptions: { outputSize: [800, 600], dpi: 96, ...overrides.exportOptions },
    layoutOptions: {
      titleText: 'Kinlochquoch flood response', authorText: 'Survey unit 7', copyrightText: '© Region survey 2026',
      scalebarUnit: 'Kilometers', legendOptions: { operationalLayers: [{ id: '18c1f0a2b3d-layer-0' }] }, customTextElements: [],
      ...overrides.layout,
    },
  };
}

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  return Buffer.from(await res.arrayBuffer());
}

async function execute(server: TestServer, webMap: unknown, params: Record<string, string> = {}): Promise<any> {
  return postForm(`${server.base}${TASK}/execute`, { Web_Map_as_JSON: typeof webMap === 'string' ? webMap : JSON.stringify(webMap), ...params });
}

describe('Printing service', () => {
  let server: TestServer;
  let serviceUrl: string;
  /** A host outside the server, answering anything and redirecting /to-loopback to the server's loopback port. */
  let remote: Server;
  let remotePort: number;

  before(async () => {
    remote = createServer((req, res) => {
      if (req.url?.startsWith('/to-loopback')) { res.writeHead(302, { location: `http://127.0.0.1:${remotePort}/secret.png` }); res.end(); return; }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('secret');
    });
    await new Promise<void>((r) => remote.listen(0, '127.0.0.2', r));
    remotePort = (remote.address() as AddressInfo).port;
    server = await startTestServer({ print: { allowedHosts: [`127.0.0.2:${remotePort}`, `127.0.0.1:${remotePort}`], allowedNetworks: ['127.0.0.2/32'] } });
    serviceUrl = `${server.base}/services/Topo/SampleRegion/MapServer`;
  });
  after(async () => {
    await server?.close();
    await new Promise((r) => remote?.close(r));
  });

  it('is listed in the Utilities folder and describes its tasks with their choice lists', async () => {
    const root = await getJson(`${server.base}/services`);
    assert.ok(root.folders.includes('Utilities'));
    const folder = await getJson(`${server.base}/services/Utilities`);
    assert.deepEqual(folder.services, [{ name: 'Utilities/PrintingTools', type: 'GPServer' }]);
    const gp = await getJson(`${server.base}${GP}`);
    assert.deepEqual(gp.tasks, ['Export Web Map Task', 'Get Layout Templates Info Task']);
    assert.equal(gp.executionType, 'esriExecutionTypeAsynchronous');
    const task = await getJson(`${server.base}${TASK}`);
    const byName = Object.fromEntries(task.parameters.map((p: any) => [p.name, p]));
    assert.deepEqual(byName.Format.choiceList, ['PDF', 'PNG32', 'PNG8', 'JPG', 'GIF', 'SVG', 'SVGZ', 'TIFF']);
    assert.ok(byName.Layout_Template.choiceList.includes('A4 Landscape'));
    assert.equal(byName.Layout_Template.choiceList.at(-1), 'MAP_ONLY');
    assert.ok(!byName.Layout_Template.choiceList.includes('TM50_Layout'), 'topographic sheet layouts are not print templates');
    const html = await fetch(`${server.base}${TASK}`).then((r) => r.text());
    assert.match(html, /Web_Map_as_JSON/);
  });

  it('prints an A4 Landscape PDF with the title, author, copyright and legend', async () => {
    const answer = await execute(server, sdkWebMap(serviceUrl), { Format: 'PDF', Layout_Template: 'a4 landscape' });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    const result = answer.results[0];
    assert.equal(result.paramName, 'Output_File');
    assert.match(result.value.url, /\/arcgis\/rest\/directories\/arcgisoutput\/Utilities\/PrintingTools_GPServer\/_ags_[0-9a-f]{32}\.pdf$/);
    const pdf = await download(result.value.url);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'print-'));
    writeFileSync(join(dir, 'map.pdf'), pdf);
    // NFKC: pdftotext gives the ligatures the type was set with (ﬂ).
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'map.pdf'), '-'], { encoding: 'utf8' }).normalize('NFKC');
    for (const expected of ['Kinlochquoch flood response', 'Survey unit 7', '© Region survey 2026', 'Legend', 'Roads']) assert.ok(text.includes(expected), `${expected} in ${text}`);
    // The scale bar in kilometres and miles, as scalebarUnit asked.
    assert.match(text, /\bkm\b[\s\S]*\bmi\b/);
    const info = execFileSync('pdfinfo', [join(dir, 'map.pdf')], { encoding: 'utf8' });
    assert.match(info, /Page size:\s+84[12](\.\d+)? x 595(\.\d+)? pts \(A4\)/);
  });

  it('prints MAP_ONLY as PNG32 with the map service drawn under the graphics', async () => {
    const answer = await execute(server, sdkWebMap(serviceUrl), { Format: 'png32', Layout_Template: 'MAP_ONLY' });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    const image = await decodeImage(await download(answer.results[0].value.url));
    assert.equal(image.width, 800);
    assert.equal(image.height, 600);
    // The red square graphic sits at the centre of the extent.
    assert.deepEqual(image.at(400, 300).slice(0, 3), [255, 0, 0]);
    // The map service drew its layers: many pixels are neither white nor the graphic's red.
    let drawn = 0;
    for (let y = 0; y < 600; y += 10) for (let x = 0; x < 800; x += 10) {
      const [r, g, b] = image.at(x, y);
      if (!(r === 255 && g === 255 && b === 255) && !(r === 255 && g === 0 && b === 0)) drawn++;
    }
    assert.ok(drawn > 1000, `${drawn} of 4800 sampled pixels carry map content`);
  });

  it('runs submitJob to a result and answers its inputs', async () => {
    const submitted = await postForm(`${server.base}${TASK}/submitJob`, { Web_Map_as_JSON: JSON.stringify(sdkWebMap(serviceUrl)), Format: 'PNG8', Layout_Template: 'A4 Portrait' });
    assert.match(submitted.jobId, /^j[0-9a-f]{32}$/);
    assert.ok(['esriJobSubmitted', 'esriJobExecuting', 'esriJobWaiting', 'esriJobNew'].includes(submitted.jobStatus));
    const jobUrl = `${server.base}${TASK}/jobs/${submitted.jobId}`;
    let job: any;
    for (let i = 0; i < 300; i++) {
      job = await getJson(jobUrl);
      if (['esriJobSucceeded', 'esriJobFailed', 'esriJobCancelled', 'esriJobTimedOut'].includes(job.jobStatus)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(job.jobStatus, 'esriJobSucceeded', JSON.stringify(job));
    assert.deepEqual(job.results, { Output_File: { paramUrl: 'results/Output_File' } });
    const result = await getJson(`${jobUrl}/results/Output_File`);
    assert.match(result.value.url, new RegExp(`/arcgis/rest/directories/arcgisjobs/utilities/printingtools_gpserver/${submitted.jobId}/scratch/_ags_[0-9a-f]{32}\\.png$`));
    const image = await decodeImage(await download(result.value.url));
    // A4 portrait at 96 dpi (the page is whole points, 595 × 842).
    assert.ok(Math.abs(image.width - (210 / 25.4) * 96) < 1.5, `width ${image.width}`);
    assert.equal((await getJson(`${jobUrl}/inputs/Format`)).value, 'PNG8');
    assert.equal((await getJson(`${jobUrl}/inputs/Layout_Template`)).value, 'A4 Portrait');
    assert.equal((await getJson(`${server.base}${TASK}/jobs/j${'0'.repeat(32)}`)).error.message, 'Invalid jobId');
  });

  it('describes the layout templates', async () => {
    const answer = await postForm(`${server.base}${GP}/Get%20Layout%20Templates%20Info%20Task/execute`, {});
    const value = answer.results[0].value;
    assert.ok(Array.isArray(value));
    const a4 = value.find((t: any) => t.layoutTemplate === 'A4 Landscape');
    assert.deepEqual(a4.pageSize, [29.7, 21]);
    assert.equal(a4.pageUnits, 'CENTIMETER');
    assert.ok(!value.some((t: any) => t.layoutTemplate === 'MAP_ONLY'));
  });

  it('refuses layers on hosts and addresses the fetching rules forbid', async () => {
    const image = (title: string, url: string) => ({ id: title, title, type: 'image', url, extent: { xmin: CX - 10, ymin: CY - 10, xmax: CX + 10, ymax: CY + 10, spatialReference: { wkid: 3857 } } });
    const cases: [unknown, RegExp][] = [
      [image('loopback', `http://127.0.0.1:${server.url.split(':').pop()}/arcgis/rest/info?f=json&x=`), /Layer 'loopback'/],
      [image('metadata', 'http://169.254.169.254/latest/meta-data/'), /Layer 'metadata'.*169\.254\.169\.254/],
      [image('file', 'file:///etc/passwd'), /Layer 'file'.*http and https/],
      [image('redirect', `http://127.0.0.2:${remotePort}/to-loopback`), /Layer 'redirect'.*127\.0\.0\.1/],
      [{ id: 'osm', title: 'osm', type: 'WebTiledLayer', urlTemplate: 'https://{subDomain}.tile.openstreetmap.org/{level}/{col}/{row}.png', subDomains: ['a'] }, /Layer 'osm'.*not on the print allow-list/],
    ];
    for (const [layer, message] of cases) {
      const answer = await execute(server, sdkWebMap(serviceUrl, { extraLayers: [layer] }), { Format: 'PNG32' });
      assert.equal(answer.error?.code, 400, JSON.stringify(answer));
      assert.equal(answer.error.message, 'Error executing tool.');
      assert.match(answer.error.details.join(' '), message);
    }
  });

  it('answers bad requests with clear errors', async () => {
    const notJson = await execute(server, '{"mapOptions": ');
    assert.equal(notJson.error.message, 'Error executing tool.');
    assert.match(notJson.error.details[0], /not valid JSON/);
    const noOptions = await execute(server, { operationalLayers: [] });
    assert.match(noOptions.error.details.join(' '), /mapOptions is required/);
    const flat = await execute(server, { mapOptions: { extent: { xmin: 1, ymin: 1, xmax: 1, ymax: 5 } } });
    assert.match(flat.error.details.join(' '), /mapOptions\.extent/);
    const template = await execute(server, sdkWebMap(serviceUrl), { Layout_Template: 'A2 Portrait' });
    assert.equal(template.error.message, "Layout_Template 'A2 Portrait' not found");
    const eps = await execute(server, sdkWebMap(serviceUrl), { Format: 'EPS' });
    assert.equal(eps.error.message, "Format 'EPS' is not supported. Supported formats: PDF, PNG32, PNG8, JPG, GIF, SVG, SVGZ, TIFF.");
    const missing = await postForm(`${server.base}${TASK}/execute`, {});
    assert.match(missing.error.details.join(' '), /Web_Map_as_JSON is required/);
    const item = await execute(server, sdkWebMap(serviceUrl), { Layout_Item_ID: 'abc' });
    assert.equal(item.error.message, 'Layout_Item_ID is not supported');
    // submitJob: the job fails and says why.
    const submitted = await postForm(`${server.base}${TASK}/submitJob`, { Web_Map_as_JSON: '{"mapOptions": 3}' });
    let job: any;
    for (let i = 0; i < 150; i++) {
      job = await getJson(`${server.base}${TASK}/jobs/${submitted.jobId}`);
      if (job.jobStatus === 'esriJobFailed' || job.jobStatus === 'esriJobSucceeded') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(job.jobStatus, 'esriJobFailed');
    assert.ok(job.messages.some((m: any) => m.type === 'esriJobMessageTypeError' && /mapOptions/.test(m.description)), JSON.stringify(job.messages));
    const early = await getJson(`${server.base}${TASK}/jobs/${submitted.jobId}/results/Output_File`);
    assert.equal(early.error.message, 'Result not available: job is esriJobFailed');
  });
});

describe('Printing service administration', () => {
  const ADMIN = { username: 'chief', password: 'correct horse battery' };
  let server: TestServer;
  let token: string;
  const admin = (path: string, params: Record<string, string> = {}) => postForm(`${server.url}/arcgis/admin/services/Utilities/PrintingTools.GPServer${path}`, { token, ...params });

  before(async () => {
    server = await startTestServer({ adminUser: ADMIN.username, adminPassword: ADMIN.password });
    token = (await postForm(`${server.url}/arcgis/tokens/generateToken`, { ...ADMIN, client: 'requestip' })).token;
  });
  after(async () => { await server?.close(); });

  it('is a system service: edited, stopped and started, never deleted', async () => {
    const json = await admin('');
    assert.equal(json.isDefault, true);
    assert.equal(json.properties.executionType, 'Asynchronous');
    const listing = await postForm(`${server.url}/arcgis/admin/services/Utilities`, { token });
    assert.ok(listing.services.some((s: any) => s.serviceName === 'PrintingTools' && s.type === 'GPServer'));

    assert.equal((await admin('/edit', { service: JSON.stringify({ properties: { executionType: 'Synchronous', syncTimeout: 20 } }) })).status, 'success');
    assert.equal((await getJson(`${server.base}${GP}`, { token })).executionType, 'esriExecutionTypeSynchronous');
    assert.match((await admin('/edit', { service: JSON.stringify({ properties: { syncTimeout: -1 } }) })).messages?.join(' ') ?? '', /syncTimeout/);

    assert.equal((await admin('/stop')).status, 'success');
    assert.equal((await admin('/status')).configuredState, 'STOPPED');
    const stopped = await getJson(`${server.base}${GP}`, { token });
    assert.equal(stopped.error.code, 500);
    assert.equal(stopped.error.message, 'Service Utilities/PrintingTools/GPServer not started');
    assert.equal((await admin('/start')).status, 'success');
    assert.equal((await getJson(`${server.base}${GP}`, { token })).error, undefined);

    const deleted = await admin('/delete');
    assert.equal(deleted.status, 'error');
    assert.match(deleted.messages.join(' '), /system service/);
  });
});

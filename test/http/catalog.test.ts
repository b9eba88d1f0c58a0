import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });

describe('catalog', () => {
  it('answers /rest/info with the version and authInfo', async () => {
    const info = await getJson(`${server.base}/info`);
    assert.equal(info.currentVersion, 11.1);
    assert.equal(typeof info.authInfo.isTokenBasedSecurity, 'boolean');
  });

  it('answers the health check load balancers probe', async () => {
    const ok = await fetch(`${server.base}/info/healthCheck`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { success: true });
  });

  it('lists folders and the services of a folder', async () => {
    const root = await getJson(`${server.base}/services`);
    // Utilities holds the printing service (printing.md).
    assert.deepEqual(root.folders, ['Topo', 'Utilities']);
    assert.deepEqual(root.services, []);
    const topo = await getJson(`${server.base}/services/Topo`);
    assert.deepEqual(topo.folders, []);
    assert.deepEqual(topo.services, [{ name: 'Topo/SampleRegion', type: 'MapServer' }]);
  });

  it('answers 404 in the envelope for an unknown folder or service, HTTP 200 for f=json', async () => {
    const res = await fetch(`${server.base}/services/Nope?f=json`);
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).error.code, 404);
    const svc = await getJson(`${server.base}/services/Topo/Nope/MapServer`);
    assert.equal(svc.error.code, 404);
    assert.match(svc.error.message, /Topo\/Nope\/MapServer not found/);
  });

  it('uses the HTTP status for f=html errors and escapes what it echoes', async () => {
    const res = await fetch(`${server.base}/services/Topo/SampleRegion/MapServer/%3Cscript%3E`);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.ok(!html.includes('<script>'));
    assert.match(html, /&lt;script&gt;/);
  });

  it('answers pjson indented and JSONP with a checked callback name', async () => {
    const pjson = await (await fetch(`${server.base}/info?f=pjson`)).text();
    assert.match(pjson, /\n {2}"currentVersion": 11.1/);
    const jsonp = await fetch(`${server.base}/info?f=json&callback=cb.done`);
    assert.equal(jsonp.headers.get('content-type'), 'application/javascript; charset=utf-8');
    assert.match(await jsonp.text(), /^cb\.done\(\{.*\}\);$/);
    const bad = await getJson(`${server.base}/info`, { callback: 'alert(1)//' });
    assert.equal(bad.error.code, 400);
  });

  it('sends CORS headers', async () => {
    const res = await fetch(`${server.base}/services?f=json`, { headers: { origin: 'https://app.example.org' } });
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.org');
  });

  it('answers Invalid URL for unknown paths and Unsupported format for unknown f', async () => {
    const res = await getJson(`${server.base}/nothing/here`);
    assert.equal(res.error.code, 400);
    assert.equal(res.error.message, 'Invalid URL');
    const f = await getJson(`${server.base}/services`, { f: 'lyr' });
    assert.equal(f.error.message, 'Unsupported format');
  });

  it('serves browsable HTML pages by default', async () => {
    const res = await fetch(`${server.base}/services/Topo`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    assert.match(html, /href="\/arcgis\/rest\/services\/Topo\/SampleRegion\/MapServer"/);
  });
});

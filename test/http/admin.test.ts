/**
 * The Administrator API and token security against a real server (admin.md): tokens, the whole
 * service lifecycle, privileges, secured services, bad input, pools and persistence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDataDir, getJson, startTestServer, type TestServer } from '../support/test-server.js';

const ADMIN = { username: 'chief', password: 'correct horse battery' };

type Params = Record<string, string | number | boolean>;

async function post(url: string, params: Params, headers: Record<string, string> = {}): Promise<any> {
  const body = new URLSearchParams(Object.entries({ f: 'json', ...params }).map(([k, v]) => [k, String(v)]));
  const res = await fetch(url, { method: 'POST', body, headers });
  return res.json();
}

describe('Administration and security', () => {
  let server: TestServer;
  let admin: string;
  let tokens: string;
  let adminUrl: string;
  /** The sample service's map, cut to two feature layers, for new services. */
  let mapDefinition: any;

  const adminPost = (path: string, params: Params = {}, token = admin) => post(`${adminUrl}${path}`, { token, ...params });
  const token = async (username: string, password: string, extra: Params = {}) => (await post(`${tokens}/generateToken`, { username, password, ...extra })).token as string;

  before(async () => {
    const dataDir = await freshDataDir();
    server = await startTestServer({ dataDir, adminUser: ADMIN.username, adminPassword: ADMIN.password });
    adminUrl = `${server.url}/arcgis/admin`;
    tokens = `${server.url}/arcgis/tokens`;
    admin = await token(ADMIN.username, ADMIN.password);
    assert.ok(admin, 'the configured administrator gets a token');
    const sample = await adminPost('/services/Topo/SampleRegion.MapServer');
    const map = sample.properties.mapDefinition;
    mapDefinition = { spatialReference: map.spatialReference, layers: map.layers.filter((l: any) => l.id === 14 || l.id === 15).map((l: any) => ({ ...l, parentLayerId: -1 })) };
  });
  after(async () => server?.close());

  it('advertises token security and issues tokens over POST only', async () => {
    const info = await getJson(`${server.base}/info`);
    assert.equal(info.authInfo.isTokenBasedSecurity, true);
    assert.equal(info.authInfo.tokenServicesUrl, `${server.url}/arcgis/tokens/`);
    assert.equal(info.authInfo.shortLivedTokenValidity, 60);
    const issued = await post(`${tokens}/generateToken`, { ...ADMIN, expiration: 100000 });
    assert.equal(typeof issued.token, 'string');
    assert.ok(issued.expires <= Date.now() + 1440 * 60_000 + 5000, 'expiration is lowered to the maximum');
    const viaGet = await getJson(`${tokens}/generateToken`, { ...ADMIN });
    assert.equal(viaGet.error.code, 405);
    const adminGet = await getJson(`${adminUrl}/generateToken`, { ...ADMIN });
    assert.deepEqual(adminGet, { status: 'error', messages: ['Method not allowed: generateToken requires POST.'], code: 405 });
    const fromAdmin = await post(`${adminUrl}/generateToken`, ADMIN);
    assert.equal(typeof fromAdmin.token, 'string');
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await post(`${tokens}/generateToken`, { username: ADMIN.username, password: 'nope-nope-nope' });
    const unknown = await post(`${tokens}/generateToken`, { username: 'nobody', password: 'nope-nope-nope' });
    assert.deepEqual(wrong, { error: { code: 400, message: 'Unable to generate token.', details: ['Invalid username or password.'] } });
    assert.deepEqual(unknown, wrong);
    const noReferer = await post(`${tokens}/generateToken`, { ...ADMIN, client: 'referer' });
    assert.deepEqual(noReferer.error.details, ["'referer' must be specified."]);
    const adminShape = await post(`${adminUrl}/generateToken`, { username: 'nobody', password: 'x' });
    assert.deepEqual(adminShape, { status: 'error', messages: ['Unable to generate token.', 'Invalid username or password.'], code: 400 });
  });

  it('requires a token, in the body or a header, for the admin API', async () => {
    assert.deepEqual(await post(adminUrl, {}), { status: 'error', messages: ["Unauthorized access. Token not found. You can generate a token using the 'generateToken' operation."], code: 499 });
    // A POST's token in the query string is ignored (admin.md §1).
    const queryOnly = await post(`${adminUrl}?token=${encodeURIComponent(admin)}`, {});
    assert.equal(queryOnly.code, 499);
    const root = await post(adminUrl, {}, { 'X-Esri-Authorization': `Bearer ${admin}` });
    assert.deepEqual(root.resources, ['services', 'security', 'uploads', 'info']);
    const bearer = await post(`${adminUrl}/info`, {}, { Authorization: `Bearer ${admin}` });
    assert.equal(bearer.loggedInUser, ADMIN.username);
    const missing = await adminPost('/machines');
    assert.equal(missing.code, 404);
  });

  it('refuses forged and wrongly bound tokens with 498', async () => {
    const forged = `${admin.slice(0, -3)}${admin.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assert.deepEqual(await adminPost('', {}, forged), { status: 'error', messages: ['Invalid token.'], code: 498 });
    assert.deepEqual((await getJson(`${server.base}/services`, { token: forged })).error, { code: 498, message: 'Invalid Token', details: [] });
    assert.deepEqual((await getJson(`${server.base}/services`, { token: 'not-a-token' })).error.code, 498);
    const bound = await token(ADMIN.username, ADMIN.password, { client: 'referer', referer: 'https://maps.example.org/app/' });
    const fromApp = await post(adminUrl, { token: bound }, { Referer: 'https://maps.example.org/app/index.html' });
    assert.deepEqual(fromApp.resources, ['services', 'security', 'uploads', 'info']);
    const elsewhere = await post(adminUrl, { token: bound }, { Referer: 'https://evil.example.net/' });
    assert.equal(elsewhere.code, 498);
    const ipBound = await token(ADMIN.username, ADMIN.password, { client: 'ip', ip: '203.0.113.9' });
    assert.equal((await adminPost('', {}, ipBound)).code, 498);
  });

  it('runs a service through create, edit, stop, start and delete', async () => {
    assert.deepEqual(await adminPost('/services/createFolder', { folderName: 'Work', description: 'Work in progress' }), { status: 'success' });
    assert.equal((await adminPost('/services/createFolder', { folderName: 'Work' })).messages[0], "Folder 'Work' already exists.");
    const service = { serviceName: 'Sheets', type: 'MapServer', description: 'Sheet indexes', properties: { mapDefinition } };
    assert.deepEqual(await adminPost('/services/Work/createService', { service: JSON.stringify(service) }), { status: 'success' });
    assert.equal((await adminPost('/services/Work/createService', { service: JSON.stringify(service) })).messages[0], "Service 'Work/Sheets.MapServer' already exists.");

    const json = await adminPost('/services/Work/Sheets.MapServer');
    assert.equal(json.minInstancesPerNode, 1);
    assert.equal(json.maxInstancesPerNode, 2);
    assert.equal(json.configuredState, 'STARTED');
    assert.deepEqual(json.extensions, []);
    const listed = await adminPost('/services/Work', { detail: true });
    assert.equal(listed.services[0].serviceName, 'Sheets');
    assert.equal(listed.services[0].maxWaitTime, 60);
    const root = await adminPost('/services');
    assert.deepEqual(root.foldersDetail.find((f: any) => f.folderName === 'Work'), { folderName: 'Work', description: 'Work in progress', webEncrypted: false, isDefault: false });

    const ms = `${server.base}/services/Work/Sheets/MapServer`;
    assert.equal((await getJson(ms)).layers.length, 2);
    const catalog = await getJson(`${server.base}/services/Work`);
    assert.deepEqual(catalog.services, [{ name: 'Work/Sheets', type: 'MapServer' }]);

    // Edit the pool: applied without a restart.
    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/edit', { service: JSON.stringify({ ...json, maxInstancesPerNode: 1, minInstancesPerNode: 1, description: 'Edited' }) }), { status: 'success' });
    const exported = await getJson(`${ms}/export`, { bbox: '300000,6280000,320000,6300000', size: '200,200' });
    assert.ok(exported.href, JSON.stringify(exported));
    const stats = await adminPost('/services/Work/Sheets.MapServer/statistics');
    assert.equal(stats.summary.max, 1);
    assert.equal(stats.summary.free + stats.summary.busy + stats.summary.initializing + stats.summary.notCreated, 1);
    assert.ok(stats.summary.transactions >= 1);
    assert.ok(stats.quadrangle.requests.byOperation.export >= 1);
    assert.ok(stats.quadrangle.latencyMs.max > 0);
    assert.equal(stats.perMachine.length, 1);
    assert.equal((await getJson(ms)).description, 'Edited');

    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/stop'), { status: 'success' });
    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/status'), { configuredState: 'STOPPED', realTimeState: 'STOPPED' });
    assert.deepEqual((await getJson(ms)).error, { code: 500, message: 'Service Work/Sheets/MapServer not started', details: [] });
    const stoppedStats = await adminPost('/services/Work/Sheets.MapServer/statistics');
    assert.equal(stoppedStats.summary.max, 0);
    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/start'), { status: 'success' });
    assert.equal((await getJson(ms)).layers.length, 2);

    const life = await adminPost('/services/Work/Sheets.MapServer/lifecycleinfos');
    assert.deepEqual(life.lifecycleinfos.map((e: any) => e.type), ['created', 'edited', 'stopped', 'started']);
    assert.ok(life.lifecycleinfos.every((e: any) => e.user === ADMIN.username));

    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/iteminfo/edit', { serviceItemInfo: JSON.stringify({ title: 'Sheet indexes', tags: ['index', 'grid'] }) }), { status: 'success' });
    const item = await adminPost('/services/Work/Sheets.MapServer/iteminfo');
    assert.equal(item.title, 'Sheet indexes');
    assert.deepEqual(item.tags, ['index', 'grid']);

    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer/delete'), { status: 'success' });
    assert.deepEqual(await adminPost('/services/Work/Sheets.MapServer'), { status: 'error', messages: ["Service 'Work/Sheets.MapServer' does not exist."], code: 404 });
    assert.equal((await getJson(ms)).error.code, 404);
  });

  it('refuses bad service JSON and names the field, leaving the old definition', async () => {
    const bad = (s: unknown) => adminPost('/services/createService', { service: typeof s === 'string' ? s : JSON.stringify(s) });
    assert.equal((await bad('{not json')).messages[0], "'service' parameter is not valid JSON.");
    assert.equal((await bad({ serviceName: 'Region 1', properties: { mapDefinition } })).messages[0], "Invalid service name 'Region 1'.");
    assert.equal((await bad({ serviceName: 'a.b', properties: { mapDefinition } })).messages[0], "Invalid service name 'a.b'.");
    assert.equal((await bad({ serviceName: '../x', properties: { mapDefinition } })).messages[0], "Invalid service name '../x'.");
    assert.equal((await bad({ serviceName: 'P', type: 'GPServer', properties: { mapDefinition } })).messages[0], 'Only MapServer services can be created.');
    assert.equal((await bad({ serviceName: 'P', properties: { mapDefinition: 'nothere' } })).messages[0], "properties.mapDefinition: map definition 'nothere' not found");
    assert.equal((await bad({ serviceName: 'P', maxInstancesPerNode: 0, properties: { mapDefinition } })).messages[0], 'maxInstancesPerNode: must be an integer from 1 to 64');
    const noData = { ...mapDefinition, layers: [{ ...mapDefinition.layers[0], source: { type: 'geopackage', path: 'sample/missing.gpkg', table: 'x' } }] };
    const failed = await bad({ serviceName: 'P', properties: { mapDefinition: noData } });
    assert.equal(failed.code, 500);
    assert.match(failed.messages[0], /cannot be opened/);
    assert.equal((await adminPost('/services/P.MapServer')).code, 404, 'nothing is left behind');
    const outside = { ...mapDefinition, layers: [{ ...mapDefinition.layers[0], source: { type: 'geopackage', path: '../../etc/passwd', table: 'x' } }] };
    assert.equal((await bad({ serviceName: 'P', properties: { mapDefinition: outside } })).code, 500);
    assert.equal((await adminPost('/services/Nope/createService', { service: JSON.stringify({ serviceName: 'P', properties: { mapDefinition } }) })).messages[0], "Folder 'Nope' does not exist.");

    const before = await adminPost('/services/Topo/SampleRegion.MapServer');
    const edit = await adminPost('/services/Topo/SampleRegion.MapServer/edit', { service: JSON.stringify({ ...before, maxWaitTime: -5 }) });
    assert.deepEqual(edit, { status: 'error', messages: ['maxWaitTime: must be an integer from 0 to 86400'], code: 400 });
    const layerEdit = await adminPost('/services/Topo/SampleRegion.MapServer/edit', { service: JSON.stringify({ ...before, properties: { ...before.properties, mapDefinition: { ...before.properties.mapDefinition, layers: [{ id: 1 }] } } }) });
    assert.equal(layerEdit.code, 400);
    assert.match(layerEdit.messages[0], /^properties\.mapDefinition\.layers\[0\]\.name: /);
    assert.deepEqual(await adminPost('/services/Topo/SampleRegion.MapServer'), before);
    const getEdit = await getJson(`${adminUrl}/services/Topo/SampleRegion.MapServer/edit`, { token: admin });
    assert.deepEqual(getEdit, { status: 'error', messages: ['Method not allowed: edit requires POST.'], code: 405 });
  });

  it('keeps users to their privileges', async () => {
    assert.deepEqual(await adminPost('/security/users/addUser', { username: 'viewer', password: 'viewer-pass-1' }), { status: 'success' });
    assert.equal((await adminPost('/security/users/addUser', { username: 'viewer', password: 'viewer-pass-1' })).messages[0], "User 'viewer' already exists.");
    assert.match((await adminPost('/security/users/addUser', { username: 'short', password: 'seven77' })).messages[0], /password/);
    const viewer = await token('viewer', 'viewer-pass-1');
    assert.deepEqual(await adminPost('', {}, viewer), { status: 'error', messages: ["User 'viewer' does not have the required privilege (PUBLISH)."], code: 403 });
    assert.equal((await adminPost('/services/Topo/SampleRegion.MapServer/stop', {}, viewer)).code, 403);
    assert.equal((await adminPost('/security/roles/addRole', { rolename: 'mine' }, viewer)).code, 403);
    assert.equal((await adminPost('/security/roles/assignPrivilege', { rolename: 'administrators', privilege: 'ACCESS' }, viewer)).code, 403);
    assert.equal((await adminPost('/security/roles/addUsersToRole', { rolename: 'administrators', users: 'viewer' }, viewer)).code, 403);
    assert.equal((await adminPost('/security/users/updateUser', { username: 'viewer', password: 'x' }, viewer)).code, 403);

    assert.deepEqual(await adminPost('/security/roles/addRole', { rolename: 'publishers' }), { status: 'success' });
    assert.deepEqual(await adminPost('/security/roles/getPrivilege', { rolename: 'publishers' }), { privilege: 'ACCESS' });
    assert.equal((await adminPost('/security/roles/assignPrivilege', { rolename: 'publishers', privilege: 'ROOT' })).messages[0], "Invalid privilege 'ROOT'. Use ADMINISTER, PUBLISH or ACCESS.");
    assert.deepEqual(await adminPost('/security/roles/assignPrivilege', { rolename: 'publishers', privilege: 'PUBLISH' }), { status: 'success' });
    assert.deepEqual(await adminPost('/security/users/addUser', { username: 'pub', password: 'publisher-pass' }), { status: 'success' });
    assert.deepEqual(await adminPost('/security/roles/addUsersToRole', { rolename: 'publishers', users: 'pub' }), { status: 'success' });
    const pub = await token('pub', 'publisher-pass');
    assert.equal((await adminPost('/services/Topo/SampleRegion.MapServer/status', {}, pub)).configuredState, 'STARTED');
    assert.deepEqual(await adminPost('/security/users/getUsers', {}, pub), { status: 'error', messages: ["User 'pub' does not have the required privilege (ADMINISTER)."], code: 403 });
    assert.deepEqual((await adminPost('/security/roles/getRolesForUser', { username: 'pub' })).roles, ['publishers']);
    assert.deepEqual((await adminPost('/security/roles/getRolesByPrivilege', { privilege: 'ADMINISTER' })).roles, ['administrators']);
    const users = await adminPost('/security/users/getUsers');
    assert.deepEqual(users.users.map((u: any) => u.username).sort(), ['chief', 'pub', 'viewer']);
    assert.ok(users.users.every((u: any) => !('password' in u) && !('passwordHash' in u)));

    assert.equal((await adminPost('/security/users/removeUser', { username: ADMIN.username })).code, 400, 'the primary administrator stays');
    // A changed password revokes the tokens issued before it.
    assert.deepEqual(await adminPost('/security/users/updateUser', { username: 'pub', password: 'another-pass' }), { status: 'success' });
    assert.equal((await adminPost('/services/Topo/SampleRegion.MapServer/status', {}, pub)).code, 498);
    const audit = await adminPost('/security/audit');
    assert.ok(audit.entries.some((e: any) => e.action === 'updateUser' && e.target === 'user:pub' && !JSON.stringify(e).includes('another-pass')));
  });

  it('hides restricted services from the anonymous and refuses them 499 and 403', async () => {
    await adminPost('/security/users/addUser', { username: 'surveyor', password: 'surveyor-pass' });
    await adminPost('/security/roles/addRole', { rolename: 'surveyors' });
    await adminPost('/security/roles/addUsersToRole', { rolename: 'surveyors', users: 'surveyor' });
    assert.deepEqual(await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: false }), { status: 'success' });
    assert.deepEqual(await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'surveyors', isAllowed: true }), { status: 'success' });
    assert.equal((await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'ghosts', isAllowed: true })).messages[0], "Role 'ghosts' does not exist.");
    const perms = await adminPost('/services/Topo/SampleRegion.MapServer/permissions');
    assert.deepEqual(perms.permissions, [{ principal: 'esriEveryone', permission: { isAllowed: false } }, { principal: 'surveyors', permission: { isAllowed: true } }]);

    const ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
    assert.deepEqual((await getJson(`${server.base}/services/Topo`)).services, []);
    assert.deepEqual((await getJson(ms)).error, { code: 499, message: 'Token Required', details: [] });
    assert.equal((await fetch(`${ms}?f=html`)).status, 499);
    const viewer = await token('viewer', 'viewer-pass-1');
    assert.deepEqual((await getJson(ms, { token: viewer })).error, { code: 403, message: 'You do not have permissions to access this resource or perform this operation.', details: [] });
    assert.deepEqual((await getJson(`${server.base}/services/Topo`, { token: viewer })).services, []);
    const surveyor = await token('surveyor', 'surveyor-pass');
    assert.equal((await getJson(ms, { token: surveyor })).layers.length > 0, true);
    assert.deepEqual((await getJson(`${server.base}/services/Topo`, { token: surveyor })).services, [{ name: 'Topo/SampleRegion', type: 'MapServer' }]);
    const res = await fetch(`${ms}/export?f=image&bbox=300000,6280000,320000,6300000&size=100,100`, { headers: { Authorization: `Bearer ${surveyor}` } });
    assert.equal(res.headers.get('content-type'), 'image/png');
    // The production extension follows the service's permissions; its jobs carry the token's user.
    const tps = `${server.base}/services/Topo/SampleRegion/TopographicProductionServer`;
    assert.equal((await getJson(`${tps}/products`)).error.code, 499);
    assert.equal((await getJson(`${tps}/addProduct`, { token: surveyor, productName: 'X' })).error.code, 403);
    assert.ok((await getJson(`${tps}/products`, { token: surveyor })).products.length > 0);

    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: true });
    assert.equal((await getJson(ms)).layers.length > 0, true);
  });

  it('switches the production extension and its operations with the service JSON', async () => {
    const json = await adminPost('/services/Topo/SampleRegion.MapServer');
    const tpsExt = json.extensions.find((e: any) => e.typeName === 'TopographicProductionServer');
    assert.equal(tpsExt.enabled, 'true');
    const tps = `${server.base}/services/Topo/SampleRegion/TopographicProductionServer`;
    const aoiLayer = `${server.url}/arcgis/rest/services/Topo/SampleRegion/MapServer/15`;
    const edit = (extensions: unknown) => adminPost('/services/Topo/SampleRegion.MapServer/edit', { service: JSON.stringify({ ...json, extensions }) });
    assert.deepEqual(await edit(json.extensions.map((e: any) => (e === tpsExt ? { ...e, capabilities: 'generateProduct,calculateExtent' } : e))), { status: 'success' });
    assert.deepEqual((await getJson(tps)).operations, ['calculateExtent', 'generateProduct']);
    assert.deepEqual((await getJson(`${tps}/removeProduct`, { productName: 'TM50' })).error.message, 'The removeProduct operation is not enabled on this service.');
    assert.equal((await edit([{ ...tpsExt, capabilities: 'deleteEverything' }])).messages[0], "extensions[0].capabilities: 'deleteEverything' is not one of addProduct, calculateExtent, generateProduct, removeProduct, updateProduct");
    assert.deepEqual(await edit([{ ...tpsExt, enabled: 'false' }]), { status: 'success' });
    assert.equal((await getJson(tps)).error.message, 'The TopographicProductionServer extension is not enabled on this service.');
    assert.equal((await getJson(`${server.base}/services/Topo/SampleRegion/MapServer`)).supportedExtensions, '');
    assert.deepEqual(await edit(json.extensions), { status: 'success' });

    // Jobs carry the token's user; a user holding only ACCESS sees their own.
    const submitted = await post(`${tps}/generateProduct`, { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: 8, outputType: 'pdf' });
    assert.ok(submitted.jobId, JSON.stringify(submitted));
    const viewer = await token('viewer', 'viewer-pass-1');
    assert.equal((await getJson(`${tps}/jobs/job/${submitted.jobId}`, { token: viewer })).error.code, 400);
    assert.deepEqual((await getJson(`${tps}/jobs/query`, { token: viewer })).jobs, []);
    const all = await getJson(`${tps}/jobs/query`, { token: admin });
    assert.equal(all.jobs.find((j: any) => j.jobId === submitted.jobId)?.user, 'anonymous');
    const own = await post(`${tps}/generateProduct`, { productName: 'TM50', productVersion: 'TDS_7_1', aoiLayer, aoiFeatureId: 8, outputType: 'pdf', token: viewer });
    assert.equal((await getJson(`${tps}/jobs/job/${own.jobId}`, { token: viewer })).user, 'viewer');
    for (const id of [submitted.jobId, own.jobId]) await getJson(`${tps}/jobs/cancel`, { jobId: id, token: admin });
  });

  it('refuses generateKml on a secured service, as KML clients cannot send tokens', async () => {
    const ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
    const open = await fetch(`${ms}/generateKml?docName=x&layers=0&f=kmz`);
    assert.equal(open.headers.get('content-type'), 'application/vnd.google-earth.kmz');
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: false });
    const refused = await getJson(`${ms}/generateKml`, { docName: 'x', layers: '0', token: admin });
    assert.deepEqual(refused.error, { code: 400, message: 'generateKml is not available for secured services', details: [] });
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: true });
  });

  it('answers busy when a pool of one is taken for longer than maxWaitTime', async () => {
    const json = await adminPost('/services/Topo/SampleRegion.MapServer');
    assert.deepEqual(await adminPost('/services/Topo/SampleRegion.MapServer/edit', { service: JSON.stringify({ ...json, minInstancesPerNode: 1, maxInstancesPerNode: 1, maxWaitTime: 1 }) }), { status: 'success' });
    const ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
    // One 4000 × 4000 export holds the only slot for well over a second; the 19 requests behind
    // it wait their second and are turned away.
    const exportOf = async (size: number, i: number) => {
      const started = Date.now();
      const body = await getJson(`${ms}/export`, { bbox: `${290000 + i * 100},6270000,330000,6310000`, size: `${size},${size}` });
      return { body, ms: Date.now() - started };
    };
    const big = exportOf(4000, 0);
    await new Promise((r) => setTimeout(r, 100));
    const small = Promise.all(Array.from({ length: 19 }, (_, i) => exportOf(200, i + 1)));
    const answers = [await big, ...(await small)];
    const busy = answers.filter((a) => a.body.error?.message === 'Service is busy');
    const served = answers.filter((a) => a.body.href);
    assert.equal(busy.length + served.length, 20, JSON.stringify(answers.find((a) => !a.body.href && a.body.error?.message !== 'Service is busy')));
    assert.ok(busy.length >= 1, 'some requests are turned away');
    assert.ok(served.length >= 1, 'the slot keeps serving');
    for (const b of busy) assert.ok(b.ms < 1000 + 4000, `a refused request waited ${b.ms} ms`);
    const stats = await adminPost('/services/Topo/SampleRegion.MapServer/statistics');
    assert.equal(stats.summary.max, 1);
    assert.equal(stats.quadrangle.requests.rejected, busy.length);
    await adminPost('/services/Topo/SampleRegion.MapServer/edit', { service: JSON.stringify(json) });
  });

  it('gives request IDs and Prometheus metrics', async () => {
    const res = await fetch(`${server.base}/info?f=json`, { headers: { 'X-Request-Id': 'trace-42' } });
    assert.equal(res.headers.get('x-request-id'), 'trace-42');
    assert.match((await fetch(`${server.base}/info?f=json`)).headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /quadrangle_http_requests_total\{face="admin",method="POST",status="403"\} \d+/);
    assert.match(metrics, /quadrangle_tokens_issued_total \d+/);
    assert.match(metrics, /quadrangle_logins_refused_total [1-9]/);
  });

  it('keeps its changes across a restart', async () => {
    const { dataDir } = server;
    await adminPost('/services/Topo/SampleRegion.MapServer/stop');
    await server.close();
    server = await startTestServer({ dataDir });
    adminUrl = `${server.url}/arcgis/admin`;
    tokens = `${server.url}/arcgis/tokens`;
    admin = await token(ADMIN.username, ADMIN.password);
    assert.deepEqual(await adminPost('/services/Topo/SampleRegion.MapServer/status'), { configuredState: 'STOPPED', realTimeState: 'STOPPED' });
    assert.equal((await adminPost('/services/Topo/SampleRegion.MapServer/lifecycleinfos')).lifecycleinfos.at(-1).type, 'stopped');
    assert.ok(await token('surveyor', 'surveyor-pass'), 'users persist');
    assert.deepEqual((await adminPost('/services')).folders.sort(), ['Topo', 'Utilities', 'Work']);
    await adminPost('/services/Topo/SampleRegion.MapServer/start');
  });
});

describe('generateToken throttling', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ adminUser: ADMIN.username, adminPassword: ADMIN.password }); });
  after(async () => server?.close());

  it('refuses even the right password after ten failures', async () => {
    const url = `${server.url}/arcgis/tokens/generateToken`;
    for (let i = 0; i < 10; i++) assert.equal((await post(url, { username: ADMIN.username, password: `guess-${i}` })).error.code, 400);
    const right = await post(url, ADMIN);
    assert.deepEqual(right, { error: { code: 400, message: 'Unable to generate token.', details: ['Invalid username or password.'] } });
  });
});

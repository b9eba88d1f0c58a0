/**
 * @esri/arcgis-rest-request as an application uses it against a standalone ArcGIS Server whose
 * map service is secured (admin.md §2–4, mapserver.md §3): the client finds the token service
 * through `/rest/info`, its `ArcGISIdentityManager` tokens are bound to the referer it sends from
 * Node, and it sees 499, 498 and 403 as the errors it reacts to (`ArcGISAuthError` for 498/499,
 * which it answers by refreshing its credentials; a plain `ArcGISRequestError` for 403).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ArcGISAuthError, ArcGISIdentityManager, ArcGISRequestError, NODEJS_DEFAULT_REFERER_HEADER, request } from '@esri/arcgis-rest-request';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ADMIN = { username: 'chief', password: 'correct horse battery' };
const SURVEYOR = { username: 'surveyor', password: 'surveyor-pass' };
const VIEWER = { username: 'viewer', password: 'viewer-pass-1' };

/** What the client put on the wire, seen by wrapping the global fetch it calls. */
interface SentRequest { url: string; method: string; headers: Record<string, string>; body: string }

async function post(url: string, params: Record<string, string | number>): Promise<any> {
  const body = new URLSearchParams(Object.entries({ f: 'json', ...params }).map(([k, v]) => [k, String(v)]));
  return (await fetch(url, { method: 'POST', body })).json();
}

/** Runs `promise`, which must fail, and gives its error. */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the request should have failed');
}

describe('@esri/arcgis-rest-request against a secured service', () => {
  let server: TestServer;
  let ms: string;
  let tokens: string;
  const sent: SentRequest[] = [];
  const realFetch = globalThis.fetch;

  before(async () => {
    server = await startTestServer({ adminUser: ADMIN.username, adminPassword: ADMIN.password });
    tokens = `${server.url}/arcgis/tokens`;
    ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
    const admin = (await post(`${tokens}/generateToken`, ADMIN)).token as string;
    const adminPost = async (path: string, params: Record<string, string>) =>
      assert.deepEqual(await post(`${server.url}/arcgis/admin${path}`, { token: admin, ...params }), { status: 'success' });
    await adminPost('/security/users/addUser', SURVEYOR);
    await adminPost('/security/users/addUser', VIEWER);
    await adminPost('/security/roles/addRole', { rolename: 'surveyors' });
    await adminPost('/security/roles/addUsersToRole', { rolename: 'surveyors', users: SURVEYOR.username });
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'esriEveryone', isAllowed: 'false' });
    await adminPost('/services/Topo/SampleRegion.MapServer/permissions/add', { principal: 'surveyors', isAllowed: 'true' });

    // The client calls the global fetch at request time, so wrapping it shows exactly what it sends.
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
      sent.push({ url: String(input), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : '' });
      return realFetch(input, init);
    }) as typeof fetch;
  });
  after(async () => {
    globalThis.fetch = realFetch;
    await server?.close();
  });

  /** A token issued the way the identity manager asks for one in Node (client=referer, its default referer). */
  const clientToken = async (user = SURVEYOR) => {
    const issued = await post(`${tokens}/generateToken`, { ...user, client: 'referer', referer: NODEJS_DEFAULT_REFERER_HEADER, expiration: 20160 });
    assert.equal(typeof issued.token, 'string', JSON.stringify(issued));
    return issued as { token: string; expires: number };
  };
  /** An identity manager for this server holding `issued`, with the credentials to renew it. */
  const manager = (issued: { token: string; expires: number }, user = SURVEYOR) =>
    new ArcGISIdentityManager({ ...user, server: `${server.url}/arcgis`, token: issued.token, tokenExpires: new Date(issued.expires) });

  it('finds the token service through /rest/info', async () => {
    const info = await request(`${server.base}/info`);
    assert.equal(info.authInfo.isTokenBasedSecurity, true);
    assert.equal(info.authInfo.tokenServicesUrl, `${tokens}/`);
    assert.equal(info.authInfo.shortLivedTokenValidity, 60);
    assert.equal(info.owningSystemUrl, undefined, 'a standalone server: the client must not look for a portal');
  });

  it('gets 499 Token Required as an ArcGISAuthError without authentication', async () => {
    const e = await failure(request(ms));
    assert.ok(e instanceof ArcGISAuthError, String(e));
    assert.equal(e.code, 499);
    assert.equal(e.message, '499: Token Required');
    const query = await failure(request(`${ms}/0/query`, { params: { where: '1=1', resultRecordCount: 1 } }));
    assert.ok(query instanceof ArcGISAuthError);
    assert.equal(query.code, 499);
  });

  it('gets 498 Invalid Token as an ArcGISAuthError for a forged token', async () => {
    const { token } = await clientToken();
    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const e = await failure(request(ms, { authentication: forged, suppressWarnings: true }));
    assert.ok(e instanceof ArcGISAuthError, String(e));
    assert.equal(e.code, 498);
    assert.equal(e.message, '498: Invalid Token');
    const inParams = await failure(request(ms, { params: { token: 'not-a-token' } }));
    assert.equal(inParams.code, 498);
    // The identity manager retries once with fresh credentials; the forged token still fails with 498.
    const retried = await failure(request(ms, { authentication: manager({ token: forged, expires: Date.now() + 3_600_000 }) }));
    assert.ok(retried instanceof ArcGISAuthError, String(retried));
    assert.equal(retried.code, 498);
  });

  it('reads the service and queries a layer through an identity manager, its referer matching the binding', async () => {
    const authentication = manager(await clientToken());
    sent.length = 0;
    const root = await request(ms, { authentication });
    assert.ok(root.layers.length > 0, JSON.stringify(root).slice(0, 200));
    assert.equal(root.mapName, (await request(ms, { authentication })).mapName);
    // In Node the client sends a Referer of its own on every request, the one its tokens are bound to.
    const call = sent.find((s) => s.url === ms);
    assert.ok(call, 'the service request went through fetch');
    assert.equal(call.headers.referer, NODEJS_DEFAULT_REFERER_HEADER);
    assert.match(call.body, /(^|&)token=/);

    const page = await request(`${ms}/0/query`, { authentication, params: { where: '1=1', outFields: '*', resultRecordCount: 1 } });
    assert.equal(page.features.length, 1);
    assert.equal(page.exceededTransferLimit, true);
    const count = await request(`${ms}/0/query`, { authentication, params: { where: '1=1', returnCountOnly: true } });
    assert.ok(count.count > 1);
  });

  it('sends the token in X-Esri-Authorization with hideToken', async () => {
    const authentication = manager(await clientToken());
    sent.length = 0;
    const root = await request(ms, { authentication, httpMethod: 'GET', hideToken: true });
    assert.ok(root.layers.length > 0);
    const call = sent.find((s) => s.url.startsWith(ms));
    assert.ok(call);
    assert.equal(call.method, 'GET');
    assert.doesNotMatch(call.url, /token=/);
    assert.equal(call.headers['x-esri-authorization'], `Bearer ${authentication.token}`);
  });

  it('keeps a referer-bound token to its referer', async () => {
    const issued = await post(`${tokens}/generateToken`, { ...SURVEYOR, client: 'referer', referer: 'https://maps.example.org/app/' });
    const authentication = manager(issued);
    // The client's own Node referer is not the registered one.
    const e = await failure(request(ms, { authentication }));
    assert.ok(e instanceof ArcGISAuthError);
    assert.equal(e.code, 498);
    // An application that sends its page as the Referer (as a browser does) is served.
    const root = await request(ms, { authentication, headers: { referer: 'https://maps.example.org/app/index.html' } });
    assert.ok(root.layers.length > 0);
  });

  it('gets 403 as a plain ArcGISRequestError, which it does not retry, for a user without permission', async () => {
    const authentication = manager(await clientToken(VIEWER), VIEWER);
    sent.length = 0;
    const e = await failure(request(ms, { authentication }));
    assert.ok(e instanceof ArcGISRequestError && !(e instanceof ArcGISAuthError), String(e));
    assert.equal(e.code, 403);
    assert.equal(e.message, '403: You do not have permissions to access this resource or perform this operation.');
    assert.equal(sent.filter((s) => s.url.includes('/tokens')).length, 0, 'no new token was asked for');
  });

  it('obtains its own token from authInfo.tokenServicesUrl with username and password', async () => {
    const signIn = new ArcGISIdentityManager({ ...SURVEYOR, server: `${server.url}/arcgis` });
    sent.length = 0;
    await signIn.refreshCredentials();
    const tokenCall = sent.find((s) => /client=referer/.test(s.body));
    assert.ok(tokenCall, 'the client asked for a token');
    assert.equal(tokenCall.url, `${tokens}/`);
    assert.match(tokenCall.body, /username=surveyor&password=surveyor-pass/);
    assert.equal(typeof signIn.token, 'string');
    assert.ok(signIn.tokenExpires.getTime() > Date.now());
    // Saved and restored, as applications keep a session, the manager then reads the service.
    const authentication = ArcGISIdentityManager.deserialize(signIn.serialize());
    assert.ok((await request(ms, { authentication })).layers.length > 0);
    // A manager whose token has expired renews it by itself through the same token service.
    const stale = new ArcGISIdentityManager({ ...SURVEYOR, server: `${server.url}/arcgis`, token: 'expired', tokenExpires: new Date(0) });
    assert.ok((await request(ms, { authentication: stale })).layers.length > 0);
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { createSafeFetcher, DEFAULT_FETCH_POLICY, fetchPolicyProblems, type FetchPolicy } from './safe-fetch.js';
import { PrintRequestError } from './web-map.js';

interface Seen { method: string; url: string; host: string; body: string; headers: http.IncomingHttpHeaders }

const seen: Seen[] = [];
let server: http.Server;
let port: number;

/** Routes of a stand-in for other hosts. */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url!, 'http://x');
  const q = (name: string) => url.searchParams.get(name);
  switch (url.pathname) {
    case '/hello':
      res.writeHead(200, { 'content-type': 'Text/Plain; charset=utf-8' }).end('hello');
      return;
    case '/echo':
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ method: req.method, url: req.url, body }));
      return;
    case '/redirect':
      res.writeHead(Number(q('status') ?? 302), { location: q('to')! }).end();
      return;
    case '/echo-query-elsewhere':
      // Builds its Location from the request's own query, token included.
      res.writeHead(302, { location: `http://localhost:${port}/echo${url.search}` }).end();
      return;
    case '/missing':
      res.writeHead(404, { 'content-type': 'text/html' }).end('<p>not here</p>');
      return;
    case '/hang':
      return;
    case '/bytes':
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(Number(q('n'))));
      return;
    case '/chunked':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 5; i++) res.write(Buffer.alloc(1000));
      res.end();
      return;
    case '/large-declared':
      // Announces more than it sends: a refusal up front never waits for the body.
      res.writeHead(200, { 'content-length': '5000' }).write(Buffer.alloc(10));
      return;
    case '/gzip':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(zlib.gzipSync('packed text'));
      return;
    case '/br':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'br' }).end(zlib.brotliCompressSync('brotli text'));
      return;
    case '/bomb':
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(1024 * 1024)));
      return;
    default:
      if (url.pathname.startsWith('/chain/')) {
        const n = Number(url.pathname.slice(7));
        if (n === 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('end');
        else res.writeHead(301, { location: `/chain/${n - 1}` }).end();
        return;
      }
      res.writeHead(500).end();
  }
}

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, host: req.headers.host!, body, headers: req.headers });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const local = (changes: Partial<FetchPolicy> = {}): FetchPolicy => ({
  ...DEFAULT_FETCH_POLICY, allowedHosts: ['127.0.0.1', 'localhost'], allowedNetworks: ['127.0.0.0/8'], ...changes,
});
const at = (path: string, host = '127.0.0.1') => `http://${host}:${port}${path}`;

/** Expects a refusal with exactly this one detail (a string) or a matching one. */
async function refused(promise: Promise<unknown>, detail: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof PrintRequestError, String(e));
    assert.equal(e.details.length, 1);
    if (typeof detail === 'string') assert.equal(e.details[0], detail);
    else assert.match(e.details[0]!, detail);
    return true;
  });
}

describe('createSafeFetcher', () => {
  it('fetches from an allowed host in an allowed network', async () => {
    const before = seen.length;
    const r = await createSafeFetcher(local()).fetch(at('/hello?a=1'), { layer: 'osm' });
    assert.deepEqual({ ...r, body: r.body.toString() },
      { url: at('/hello?a=1'), status: 200, contentType: 'text/plain', body: 'hello' });
    const request = seen[before]!;
    assert.equal(request.headers['user-agent'], 'Quadrangle print');
    assert.equal(request.headers['accept-encoding'], 'gzip, deflate, br');
    const custom = createSafeFetcher(local(), { userAgent: 'Quadrangle 1.0' });
    await custom.fetch(at('/hello'), { layer: 'osm' });
    assert.equal(seen.at(-1)!.headers['user-agent'], 'Quadrangle 1.0');
  });

  it('resolves HTTP error statuses for the caller to judge', async () => {
    const r = await createSafeFetcher(local()).fetch(at('/missing'), { layer: 'osm' });
    assert.equal(r.status, 404);
    assert.equal(r.contentType, 'text/html');
    assert.equal(r.body.toString(), '<p>not here</p>');
  });

  it('refuses loopback by default, by name and by address, without connecting', async () => {
    const before = seen.length;
    const defaults = createSafeFetcher(DEFAULT_FETCH_POLICY);
    await refused(defaults.fetch(at('/hello'), { layer: 'x' }), "Layer 'x': host 127.0.0.1 is not on the print allow-list");
    await refused(defaults.fetch(at('/hello', 'localhost'), { layer: 'x' }), "Layer 'x': host localhost is not on the print allow-list");
    const listed = createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowedHosts: ['127.0.0.1', 'localhost'] });
    await refused(listed.fetch(at('/hello'), { layer: 'x' }), "Layer 'x': address 127.0.0.1 is not allowed");
    await refused(listed.fetch(at('/hello', 'localhost'), { layer: 'x' }), "Layer 'x': address 127.0.0.1 of host localhost is not allowed");
    assert.equal(seen.length, before);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    const f = createSafeFetcher({ ...local(), allowedHosts: ['*.example.org', 'example.org', '127.0.0.1'] });
    await refused(f.fetch('file:///etc/passwd', { layer: 'x' }), "Layer 'x': only http and https URLs can be fetched (file:)");
    await refused(f.fetch('ftp://example.org/a', { layer: 'x' }), "Layer 'x': only http and https URLs can be fetched (ftp:)");
    await refused(f.fetch('data:text/plain,hi', { layer: 'x' }), "Layer 'x': only http and https URLs can be fetched (data:)");
    await refused(f.fetch('http://user:pw@example.org/', { layer: 'x' }), "Layer 'x': URLs with a user name or password are refused");
    await refused(f.fetch(at('/hello').replace('//', '//user@'), { layer: 'x' }), "Layer 'x': URLs with a user name or password are refused");
    await refused(f.fetch('not a url', { layer: 'x' }), "Layer 'x': 'not a url' is not a valid URL");
  });

  it('refuses hosts off the allow-list before looking them up', async () => {
    const f = createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowedHosts: ['*.example.org', 'maps.example.net:8443'] });
    await refused(f.fetch('https://tile.openstreetmap.org/1/0/0.png', { layer: 'osm' }),
      "Layer 'osm': host tile.openstreetmap.org is not on the print allow-list");
    await refused(f.fetch('https://example.org/', { layer: 'x' }), "Layer 'x': host example.org is not on the print allow-list");
    await refused(f.fetch('https://maps.example.net/', { layer: 'x' }), "Layer 'x': host maps.example.net is not on the print allow-list");
  });

  it('refuses a redirect to a host off the allow-list, though its address is allowed', async () => {
    const f = createSafeFetcher(local({ allowedHosts: ['127.0.0.1'] }));
    const to = encodeURIComponent(`http://127.0.0.2:${port}/hello`);
    await refused(f.fetch(at(`/redirect?to=${to}`), { layer: 'x' }), "Layer 'x': host 127.0.0.2 is not on the print allow-list");
  });

  it('refuses cloud metadata addresses even when the host is listed', async () => {
    const f = createSafeFetcher(local({ allowedHosts: ['127.0.0.1', '169.254.169.254'] }));
    const to = encodeURIComponent('http://169.254.169.254/latest/meta-data');
    await refused(f.fetch(at(`/redirect?to=${to}`), { layer: 'x' }), "Layer 'x': address 169.254.169.254 is not allowed");
    await refused(f.fetch('http://169.254.169.254/latest/meta-data', { layer: 'x' }), "Layer 'x': address 169.254.169.254 is not allowed");
  });

  it('checks IPv4-mapped IPv6 addresses as IPv4', async () => {
    const url = `http://[::ffff:127.0.0.1]:${port}/hello`;
    await refused(createSafeFetcher(DEFAULT_FETCH_POLICY).fetch(url, { layer: 'x' }),
      "Layer 'x': host [::ffff:7f00:1] is not on the print allow-list");
    const listed = createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowedHosts: ['[::ffff:127.0.0.1]'] });
    await refused(listed.fetch(url, { layer: 'x' }), "Layer 'x': address ::ffff:7f00:1 is not allowed");
  });

  it('follows redirects up to the limit', async () => {
    const f = createSafeFetcher(local({ maxRedirects: 2 }));
    const r = await f.fetch(at('/chain/2'), { layer: 'x' });
    assert.equal(r.body.toString(), 'end');
    assert.equal(r.url, at('/chain/0'));
    await refused(f.fetch(at('/chain/3'), { layer: 'x' }), "Layer 'x': more than 2 redirects");
  });

  it('gives up on a host that does not answer in time', async () => {
    const started = Date.now();
    await refused(createSafeFetcher(local({ timeoutMs: 200 })).fetch(at('/hang'), { layer: 'x' }),
      "Layer 'x': no answer from 127.0.0.1 within 0.2 s");
    assert.ok(Date.now() - started < 2000);
  });

  it('stops when the print is cancelled', async () => {
    const controller = new AbortController();
    const pending = createSafeFetcher(local(), { signal: controller.signal }).fetch(at('/hang'), { layer: 'x' });
    setTimeout(() => controller.abort(), 50);
    await refused(pending, "Layer 'x': the print was cancelled");
  });

  it('names the error when a host cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await refused(createSafeFetcher(local()).fetch(`http://127.0.0.1:${closedPort}/`, { layer: 'x' }),
      "Layer 'x': cannot reach host 127.0.0.1: ECONNREFUSED");
  });

  it('limits the size of one answer, announced or streamed', async () => {
    const f = createSafeFetcher(local({ maxResponseBytes: 2000 }));
    assert.equal((await f.fetch(at('/bytes?n=2000'), { layer: 'x' })).body.length, 2000);
    await refused(f.fetch(at('/large-declared'), { layer: 'x' }), "Layer 'x': answer larger than 2 kB");
    await refused(f.fetch(at('/chunked'), { layer: 'x' }), "Layer 'x': answer larger than 2 kB");
    await refused(f.fetch(at('/bytes?n=2001'), { layer: 'x' }), "Layer 'x': answer larger than 2 kB");
  });

  it('counts decompressed bytes against the limits', async () => {
    const f = createSafeFetcher(local({ maxResponseBytes: 100 * 1024 }));
    await refused(f.fetch(at('/bomb'), { layer: 'x' }), "Layer 'x': answer larger than 100 kB");
  });

  it('decompresses gzip and brotli answers', async () => {
    const f = createSafeFetcher(local());
    assert.equal((await f.fetch(at('/gzip'), { layer: 'x' })).body.toString(), 'packed text');
    assert.equal((await f.fetch(at('/br'), { layer: 'x' })).body.toString(), 'brotli text');
  });

  it("keeps a print's downloads within its budget", async () => {
    const f = createSafeFetcher(local({ maxJobBytes: 1500 }));
    await f.fetch(at('/bytes?n=1000'), { layer: 'a' });
    await refused(f.fetch(at('/bytes?n=1000'), { layer: 'b' }), "Layer 'b': the print has fetched more than 1.5 kB");
    await refused(f.fetch(at('/chunked'), { layer: 'c' }), "Layer 'c': the print has fetched more than 1.5 kB");
    await f.fetch(at('/bytes?n=500'), { layer: 'd' });
    const other = createSafeFetcher(local({ maxJobBytes: 1500 }));
    assert.equal((await other.fetch(at('/bytes?n=1000'), { layer: 'b' })).body.length, 1000);
  });

  it("sends a layer's token to its own host only", async () => {
    const f = createSafeFetcher(local());
    const echo = async (url: string) => JSON.parse((await f.fetch(url, { layer: 'x', token: 's3cret' })).body.toString());

    assert.equal((await echo(at('/echo?a=1'))).url, '/echo?a=1&token=s3cret');
    assert.equal((await echo(at(`/redirect?to=${encodeURIComponent('/echo?b=2')}`))).url, '/echo?b=2&token=s3cret');

    const before = seen.length;
    const elsewhere = await echo(at(`/redirect?to=${encodeURIComponent(at('/echo?b=2', 'localhost'))}`));
    assert.equal(elsewhere.url, '/echo?b=2');
    assert.equal(seen[before]!.url, `/redirect?to=${encodeURIComponent(at('/echo?b=2', 'localhost'))}&token=s3cret`);
    assert.equal(seen[before + 1]!.host, `localhost:${port}`);

    // A Location that repeats the query does not carry the token along either.
    assert.equal((await echo(at('/echo-query-elsewhere?c=3'))).url, '/echo?c=3');
    const r = await f.fetch(at('/echo-query-elsewhere?c=3'), { layer: 'x', token: 's3cret' });
    assert.equal(r.url, at('/echo?c=3', 'localhost'));
  });

  it('posts forms, the token as a field, and turns POST into GET where HTTP says so', async () => {
    const f = createSafeFetcher(local());
    const post = async (path: string) => JSON.parse((await f.fetch(at(path), {
      layer: 'x', token: 's3cret', method: 'POST', form: { a: '1', b: 'x y' },
    })).body.toString());

    assert.deepEqual(await post('/echo'), { method: 'POST', url: '/echo', body: 'a=1&b=x+y&token=s3cret' });
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(await post('/redirect?status=307&to=/echo'), { method: 'POST', url: '/echo', body: 'a=1&b=x+y&token=s3cret' });
    assert.deepEqual(await post('/redirect?status=303&to=/echo'), { method: 'GET', url: '/echo?token=s3cret', body: '' });
    assert.deepEqual(await post('/redirect?status=302&to=/echo'), { method: 'GET', url: '/echo?token=s3cret', body: '' });
    const to = encodeURIComponent(at('/echo', 'localhost'));
    assert.deepEqual(await post(`/redirect?status=308&to=${to}`), { method: 'POST', url: '/echo', body: 'a=1&b=x+y' });
  });
});

describe('fetchPolicyProblems', () => {
  it('accepts the default policy and names bad patterns, networks and limits', () => {
    assert.deepEqual(fetchPolicyProblems(DEFAULT_FETCH_POLICY), []);
    assert.deepEqual(fetchPolicyProblems({
      ...DEFAULT_FETCH_POLICY, allowedHosts: ['*.example.org:8080', 'http://a.org'], allowedNetworks: ['10.0.0.0/8', '10.0.0.0/40'],
      timeoutMs: 0, maxRedirects: -1,
    }), [
      "allowed host 'http://a.org' is not a host name or '*.domain' pattern, optionally with ':port'",
      "allowed network '10.0.0.0/40' is not an IP address or CIDR range",
      'timeoutMs must be a positive number',
      'maxRedirects must be a whole number, 0 or more',
    ]);
    assert.throws(() => createSafeFetcher({ ...DEFAULT_FETCH_POLICY, allowedNetworks: ['nowhere'] }), /Invalid print fetch policy/);
  });
});

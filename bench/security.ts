/**
 * What token security costs: the price of one token check in-process (TokenService.verify on a
 * real SQLite security store, a forged token refused at the MAC, the HMAC and the store reads
 * alone), then the same requests over HTTP on one server process without a token, with a token
 * to a public service and with a token to a secured one. Run by
 * `BENCH_ONLY=security npm run bench`; BENCH_SECONDS sets the duration of each HTTP load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SqliteSecurityStore } from '../src/security/sqlite-security-store.js';
import { TokenService } from '../src/security/token-service.js';
import { ensurePrimaryAdministrator } from '../src/security/user-accounts.js';
import { freshDataDir } from '../test/support/test-server.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;
const WARM_UP_SECONDS = Math.min(DURATION, 5);
const CALLS = 20_000;
const WARM_UP = 5_000;
const ADMIN = { username: 'benchadmin', password: 'bench-password-1' };
const bin = new URL('../bin/quadrangle.js', import.meta.url).pathname;

interface Timing { name: string; meanUs: number; p50Us: number; p99Us: number }

/** Mean, median and 99th percentile of `CALLS` timed calls of `fn`, after a warm-up. */
async function timeCalls(name: string, fn: () => unknown): Promise<Timing> {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const ns = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ns[i] = Number(process.hrtime.bigint() - t);
  }
  const sorted = [...ns].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / CALLS;
  return { name, meanUs: mean / 1000, p50Us: sorted[Math.floor(CALLS * 0.5)]! / 1000, p99Us: sorted[Math.floor(CALLS * 0.99)]! / 1000 };
}

/** TokenService.verify and its parts on a store in a temp directory, as a server holds them. */
async function inProcess(): Promise<Timing[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quadrangle-bench-security-'));
  const store = new SqliteSecurityStore(join(dir, 'security.sqlite'));
  try {
    await ensurePrimaryAdministrator(store, ADMIN.username, ADMIN.password);
    const tokens = new TokenService(store);
    const context = { ip: '127.0.0.1' };
    const { token } = await tokens.issue(ADMIN.username, { client: 'requestip', ip: context.ip });
    const [body, mac] = token.split('.') as [string, string];
    // Same length as the real MAC, so it is refused by the comparison, not by the length check.
    const forged = `${body}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    if (!(await tokens.verify(token, context)).ok) throw new Error('the issued token does not verify');
    const refused = await tokens.verify(forged, context);
    if (refused.ok || refused.reason !== 'forged') throw new Error('the forged token was not refused at the MAC');
    const key = await store.secret('tokenSigningKey', 32);
    return [
      await timeCalls('`verify`, valid token (MAC, payload, binding, user, roles, primary-administrator setting)', () => tokens.verify(token, context)),
      await timeCalls('`verify`, forged token (refused at the MAC)', () => tokens.verify(forged, context)),
      await timeCalls('HMAC-SHA256 of the payload alone (`createHmac`, synchronous)', () => createHmac('sha256', key).update(body).digest('base64url')),
      await timeCalls('the three store reads alone (`getUser`, `rolesForUser`, `getSetting`)', async () => {
        await store.getUser(ADMIN.username);
        await store.rolesForUser(ADMIN.username);
        await store.getSetting('primaryAdministrator');
      }),
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  });
}

const hasWrk = (() => { try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (e) { return (e as { status?: number }).status === 1; } })();

/** Milliseconds from wrk's `12.34ms` / `1.20s` / `800.00us`. */
function wrkMs(text: string): number {
  const m = /([\d.]+)(us|ms|s)\b/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

interface Row { name: string; rps: number; p50: number; p99: number; errors: number }

/** Loads `url` at 16 connections; slow exports must not hit wrk's default 2 s timeout, which drops their work. */
async function load(name: string, url: string, headers: Record<string, string>, seconds: number = DURATION): Promise<Row> {
  if (hasWrk) {
    const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const out = execFileSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '60s', '--latency', ...h, url]).toString();
    const line = (re: RegExp) => re.exec(out)?.[1] ?? '';
    const errors = Number(line(/Non-2xx or 3xx responses: (\d+)/) || 0) + Number(line(/Socket errors: connect (\d+)/) || 0) + Number(line(/Socket errors:.*timeout (\d+)/) || 0);
    return { name, rps: Number(line(/Requests\/sec:\s+([\d.]+)/)), p50: wrkMs(line(/\s50%\s+(\S+)/)), p99: wrkMs(line(/\s99%\s+(\S+)/)), errors };
  }
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, timeout: 60, headers });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** Fails unless `url` answers what a client asked for: an image, or JSON that is not an error. */
async function expectServed(url: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { headers });
  const type = res.headers.get('content-type') ?? '';
  const text = type.startsWith('image/') ? '' : await res.text();
  if (!res.ok || (!type.startsWith('image/') && /"error"\s*:/.test(text))) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
}

async function post(url: string, params: Record<string, string>): Promise<Record<string, any>> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ ...params, f: 'json' }) });
  return res.json() as Promise<Record<string, any>>;
}

/** Three request kinds (anonymous, token to a public service, token to a secured one) per request, on one server. */
async function overHttp(): Promise<{ rows: Row[]; exportNote: string }> {
  const dataDir = await freshDataDir();
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, QUADRANGLE_ADMIN_USER: ADMIN.username, QUADRANGLE_ADMIN_PASSWORD: ADMIN.password },
  });
  try {
    const origin = `http://127.0.0.1:${port}/arcgis`;
    const ms = `${origin}/rest/services/Topo/SampleRegion/MapServer`;
    let up = false;
    for (let i = 0; i < 600 && !up; i++) {
      try { up = (await fetch(`${ms}?f=json`)).ok; } catch { /* starting */ }
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) throw new Error('server did not start');
    const issued = await post(`${origin}/tokens/generateToken`, { username: ADMIN.username, password: ADMIN.password, client: 'requestip' });
    if (typeof issued.token !== 'string') throw new Error(`generateToken answered ${JSON.stringify(issued)}`);
    const bearer = { Authorization: `Bearer ${issued.token}` };
    const setEveryone = async (isAllowed: boolean) => {
      const r = await post(`${origin}/admin/services/Topo/SampleRegion.MapServer/permissions/add`, { principal: 'esriEveryone', isAllowed: String(isAllowed), token: issued.token });
      if (r.status !== 'success') throw new Error(`permissions/add answered ${JSON.stringify(r)}`);
    };

    // A 1:50,000-ish window (12.7 m per pixel, as bench/run.ts's 13,000 m over 1024 px) on the largest settlement.
    const city = await (await fetch(`${ms}/0/query?where=${encodeURIComponent("TYPE IN ('City','Town')")}&orderByFields=POP%20DESC&resultRecordCount=1&outFields=NAM&f=json`)).json() as { features: { geometry: { x: number; y: number } }[] };
    const { x, y } = city.features[0]!.geometry;
    const half = 3250;
    const requests = [
      { label: 'export 512×512 PNG, 1:50,000 window', url: `${ms}/export?bbox=${x - half},${y - half},${x + half},${y + half}&size=512,512&format=png&f=image` },
      { label: 'MapServer root JSON', url: `${ms}?f=json` },
    ];
    const rows: Row[] = [];
    for (const { label, url } of requests) {
      // Warm-up, not recorded: the first seconds under load fill caches and let V8 optimise both paths.
      await expectServed(url, bearer);
      await expectServed(url, {});
      await load('warm-up', url, {}, WARM_UP_SECONDS);
      await load('warm-up', url, bearer, WARM_UP_SECONDS);
      rows.push(await load(`${label}: (a) no token, public service`, url, {}));
      rows.push(await load(`${label}: (b) token, public service`, url, bearer));
      await setEveryone(false);
      const anonymous = await fetch(url);
      const body = await anonymous.text();
      if (!/499/.test(`${anonymous.status} ${body}`)) throw new Error(`secured service answered ${anonymous.status} without a token: ${body.slice(0, 200)}`);
      await expectServed(url, bearer);
      rows.push(await load(`${label}: (c) token, secured service`, url, bearer));
      await setEveryone(true);
      await expectServed(url, {});
      rows.push(await load(`${label}: (a′) no token, public service, again`, url, {}));
    }
    return { rows, exportNote: `window ${(2 * half).toLocaleString('en')} m square on (${x.toFixed(0)}, ${y.toFixed(0)})` };
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const timings = await inProcess();
console.log(`\nToken security — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}\n`);
console.log(`In-process, ${CALLS.toLocaleString('en')} calls after ${WARM_UP.toLocaleString('en')} warm-up calls, each timed alone (µs):\n`);
console.log('| call | mean µs | p50 µs | p99 µs |\n|---|---:|---:|---:|');
for (const t of timings) console.log(`| ${t.name} | ${t.meanUs.toFixed(1)} | ${t.p50Us.toFixed(1)} | ${t.p99Us.toFixed(1)} |`);

const { rows, exportNote } = await overHttp();
console.log(`\nOver HTTP, one server process with a primary administrator, ${hasWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION} s each; token as \`Authorization: Bearer\`, bound to the request address; export ${exportNote}:\n`);
console.log('| request | req/s | vs (a) | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|');
/** One decimal below 100, whole numbers with thousands separators above. */
const num = (v: number): string => v.toLocaleString('en', { minimumFractionDigits: v < 100 ? 1 : 0, maximumFractionDigits: v < 100 ? 1 : 0 });
let base = rows[0]!;
for (const r of rows) {
  if (r.name.includes('(a) ')) base = r;
  const change = r === base ? '' : `${((r.rps / base.rps - 1) * 100).toFixed(1)} %`;
  console.log(`| ${r.name} | ${num(r.rps)} | ${change} | ${num(r.p50)} | ${num(r.p99)} | ${r.errors} |`);
}

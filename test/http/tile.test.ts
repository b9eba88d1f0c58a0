import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pointInRing } from '../../src/geo/esri-json.js';
import { decodeImage } from '../support/map-images.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/quadrangle.js', import.meta.url));
const ORIGIN = 20037508.342787;
const resolution = (level: number) => 156543.03392800014 / 2 ** level;
/** The Web Mercator tile holding a point (mapserver.md §10). */
const tileAt = (level: number, x: number, y: number) => ({
  row: Math.floor((ORIGIN - y) / (256 * resolution(level))), col: Math.floor((x + ORIGIN) / (256 * resolution(level))),
});

let server: TestServer;
let ms: string;
before(async () => { server = await startTestServer(); ms = `${server.base}/services/Topo/SampleRegion/MapServer`; });
after(async () => { await server.close(); });

const tile = (level: number, row: number, col: number, init?: RequestInit, query = '') => fetch(`${ms}/tile/${level}/${row}/${col}${query}`, init);

const pixels = async (res: Response) => decodeImage(await res.arrayBuffer());

/** The only version folder of the service's cache. */
function cacheDir(): string {
  const root = join(server.dataDir, 'cache', 'Topo_SampleRegion');
  const versions = readdirSync(root);
  assert.equal(versions.length, 1, versions.join(', '));
  return join(root, versions[0]!);
}

/** The main town, in Web Mercator. */
async function mainTown(): Promise<{ x: number; y: number }> {
  const r = await getJson(`${ms}/0/query`, { where: "TYPE IN ('City','Town')", orderByFields: 'POP DESC', resultRecordCount: 1, outSR: 102100 });
  return r.features[0].geometry;
}

/** A point of open sea at least `clearance` m (Web Mercator) from any shore. */
async function openSea(clearance: number): Promise<[number, number]> {
  const r = await getJson(`${ms}/8/query`, { where: '1=1', outSR: 102100, returnGeometry: true });
  const rings: number[][][] = r.features.flatMap((f: { geometry: { rings: number[][][] } }) => f.geometry.rings);
  const vertices = rings.flat();
  const segments = rings.flatMap((ring) => ring.slice(1).map((p, i) => [ring[i]!, p] as const));
  const distance = (x: number, y: number, [a, b]: readonly [number[], number[]]) => {
    const [ax, ay, bx, by] = [a[0]!, a[1]!, b[0]!, b[1]!];
    const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2 || 1)));
    return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay));
  };
  const xs = vertices.map((p) => p[0]!), ys = vertices.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let i = 1; i < 30; i++) for (let j = 1; j < 30; j++) {
    const x = x0 + ((x1 - x0) * i) / 30, y = y0 + ((y1 - y0) * j) / 30;
    // Even-odd over all rings: inside the sea, outside every island.
    if (rings.filter((ring) => pointInRing(x, y, ring)).length % 2 === 0) continue;
    if (segments.every((seg) => distance(x, y, seg) > clearance)) return [x, y];
  }
  throw new Error('no open sea found');
}

describe('tile', () => {
  it('reports the Web Mercator scheme on the service root', async () => {
    const root = await getJson(ms);
    assert.equal(root.singleFusedMapCache, true);
    assert.deepEqual([root.tileInfo.rows, root.tileInfo.cols, root.tileInfo.dpi, root.tileInfo.format], [256, 256, 96, 'PNG32']);
    assert.deepEqual(root.tileInfo.origin, { x: -ORIGIN, y: ORIGIN });
    assert.equal(root.tileInfo.spatialReference.wkid, 102100);
    assert.equal(root.tileInfo.lods.length, 18);
    assert.deepEqual(root.tileInfo.lods[0], { level: 0, resolution: 156543.03392800014, scale: 591657527.591555 });
    assert.deepEqual([root.minLOD, root.maxLOD], [0, 17]);
  });

  it('draws open sea in the sea colour', async () => {
    const [x, y] = await openSea(2500);
    const { row, col } = tileAt(15, x, y);
    const res = await tile(15, row, col);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('blank-tile'), null);
    const img = await pixels(res);
    assert.deepEqual([img.width, img.height], [256, 256]);
    let sea = 0;
    for (let py = 0; py < 256; py++) for (let px = 0; px < 256; px++) {
      const p = img.at(px, py);
      assert.equal(p[3], 255, 'the sea covers the tile');
      if (p.join() === '190,225,245,255') sea++;
    }
    assert.ok(sea > 0.9 * 256 * 256, `${sea} sea pixels`);
  });

  it('serves a tile far from the data as a blank tile, or 404 with blankTile=false', async () => {
    const { row, col } = tileAt(12, 0, 0);
    const res = await tile(12, row, col);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('blank-tile'), 'true');
    const img = await pixels(res);
    assert.deepEqual([img.width, img.height], [256, 256]);
    for (let p = 0; p < 256; p += 15) assert.equal(img.at(p, 255 - p)[3], 0);
    const no = await tile(12, row, col, undefined, '?blankTile=false');
    assert.equal(no.status, 404);
    assert.equal(no.headers.get('blank-tile'), 'true');
  });

  it('caches the metatile on disk, with a stable ETag and 304 for If-None-Match', async () => {
    const town = await mainTown();
    const { row, col } = tileAt(14, town.x, town.y);
    const first = await tile(14, row, col);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=86400');
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[\w-]+"$/);
    const body = Buffer.from(await first.arrayBuffer());
    const file = join(cacheDir(), 'L14', `R${row}`, `C${col}.png`);
    assert.deepEqual(readFileSync(file), body, 'the tile is on disk');
    // Every tile of the metatile was written by the one render.
    for (let r = row - (row % 4); r < row - (row % 4) + 4; r++) for (let c = col - (col % 4); c < col - (col % 4) + 4; c++) {
      assert.ok(existsSync(join(cacheDir(), 'L14', `R${r}`, `C${c}.png`)), `${r}/${c}`);
    }
    const written = statSync(file).mtimeMs;
    const second = await tile(14, row, col);
    assert.equal(second.headers.get('etag'), etag);
    assert.deepEqual(Buffer.from(await second.arrayBuffer()), body);
    assert.equal(statSync(file).mtimeMs, written, 'served from disk, not drawn again');
    const cached = await tile(14, row, col, { headers: { 'if-none-match': etag } });
    assert.equal(cached.status, 304);
    assert.equal((await cached.arrayBuffer()).byteLength, 0);
    assert.equal((await tile(14, row, col, { headers: { 'if-none-match': '"other"' } })).status, 200);
  });

  it('answers concurrent requests for tiles of one metatile, leaving no temp files', async () => {
    const town = await mainTown();
    const { row, col } = tileAt(16, town.x, town.y);
    const [r0, c0] = [row - (row % 4), col - (col % 4)];
    const answers = await Promise.all([0, 1, 2, 3].map((i) => tile(16, r0 + i, c0 + 3 - i)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    const files = readdirSync(join(cacheDir(), 'L16', `R${r0}`)).filter((f) => f.endsWith('.png'));
    assert.equal(files.length, 4, files.join(', '));
    assert.equal(readdirSync(join(cacheDir(), 'L16', `R${r0}`)).length, 4, 'no temp files left');
  });

  it('joins neighbouring tiles across a metatile edge without a seam', async () => {
    const town = await mainTown();
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 48);
    for (const level of [13, 15]) {
      const { row, col } = tileAt(level, town.x, town.y);
      const last = col - (col % 4) + 3;
      const left = (await pixels(await tile(level, row, last))).at, right = (await pixels(await tile(level, row, last + 1))).at;
      let across = 0, within = 0;
      for (let y = 0; y < 256; y++) {
        if (near(left(255, y), right(0, y))) across++;
        if (near(left(254, y), left(255, y))) within++;
      }
      // Adjacent columns across the edge agree as often as adjacent columns inside a tile.
      assert.ok(across >= within - 16 && across > 180, `level ${level}: ${across} across vs ${within} within`);
    }
  });

  it('answers 404 outside the scheme', async () => {
    for (const path of ['18/0/0', '3/8/0', '3/0/8', '3/-1/0', 'x/0/0', '0/0/0.5', '2/0/99999999999']) {
      const res = await fetch(`${ms}/tile/${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type')!, /^text\/plain/);
    }
    assert.equal((await tile(3, 7, 7)).status, 200);
  });

  it('seeds a level range with the CLI and skips what is cached on a second run', async () => {
    const args = [CLI, 'seed', '--service', 'Topo/SampleRegion', '--levels', '9-10', '--data', server.dataDir, '--threads', '1'];
    const first = await run(process.execPath, args);
    // The region spans rows 312–315 and columns 495–498 at level 10, and half of that at level 9:
    // two metatiles each.
    assert.match(first.stderr, /\] 4\/4 metatiles .* tiles\/s  ETA 0:00/);
    assert.match(first.stderr, /64 tiles written, 0 of 4 metatiles already cached/);
    const dir = cacheDir();
    for (let r = 312; r <= 315; r++) for (let c = 492; c <= 499; c++) assert.ok(existsSync(join(dir, 'L10', `R${r}`, `C${c}.png`)), `10/${r}/${c}`);
    for (let c = 244; c <= 251; c++) assert.ok(existsSync(join(dir, 'L9', 'R157', `C${c}.png`)), `9/157/${c}`);
    const second = await run(process.execPath, args);
    assert.match(second.stderr, /0 tiles written, 4 of 4 metatiles already cached/);
  });

  it('refuses bad seed input with a clear message and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['--levels', '25-30'], /levels must lie within the scheme's levels 0–17/],
      [['--levels', 'six'], /expected a level or a range/],
      [['--levels', '9', '--service', 'Topo/Nope'], /service Topo\/Nope not found/],
      [['--levels', '9', '--extent', '1,2,3'], /expected xmin,ymin,xmax,ymax/],
    ];
    for (const [extra, message] of cases) {
      const args = [CLI, 'seed', '--service', 'Topo/SampleRegion', '--data', server.dataDir, ...extra];
      await assert.rejects(run(process.execPath, args), (e: { code: number; stderr: string }) => {
        assert.notEqual(e.code, 0);
        assert.match(e.stderr, message);
        return true;
      }, extra.join(' '));
    }
  });
});

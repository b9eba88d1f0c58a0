/**
 * `quadrangle publish` end to end: the command is run as a user runs it, next to a running
 * server on the same data directory, and the published service is then used through the HTTP
 * API — catalog, query, export, identify on the DEM — and read by GDAL's ESRIJSON driver.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { hasGdal, tempDir, type TempDir } from '../../src/ingest/gdal-test-fixtures.js';
import { AREA_27700, DEM_GRID, demValue, PLACES, ROADS, writePublishFixtures, type PublishFixtures } from '../../src/publish/publish-test-fixtures.js';
import { decodeImage, exportImage } from '../support/map-images.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = !hasGdal() && 'GDAL is not installed';

let dir: TempDir;
let files: PublishFixtures;
let server: TestServer;
let ms: string;

/** Runs `quadrangle publish …` in a child process, as PORT/HOST point at the test server. */
function quadranglePublish(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'publish', ...args, '--data', server.dataDir], {
      cwd: root, env: { ...process.env, PORT: port, HOST: hostname, QUADRANGLE_DATA: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The map services the catalog lists, as `Folder/Name` (the printing service is always there). */
async function listedServices(): Promise<string[]> {
  const top = await getJson(`${server.base}/services`);
  const services: { name: string; type: string }[] = [...top.services];
  for (const folder of top.folders as string[]) services.push(...(await getJson(`${server.base}/services/${folder}`)).services);
  return services.filter((s) => s.type === 'MapServer').map((s) => s.name).sort();
}

describe('quadrangle publish', { skip }, () => {
  before(async () => {
    dir = tempDir('quadrangle-publish-cli-');
    files = writePublishFixtures(dir);
    mkdirSync(dir.file('data'));
    server = await startTestServer({ dataDir: dir.file('data'), sampleOnEmpty: false });
  });
  after(async () => {
    await server?.close();
    dir?.remove();
  });

  it('publishes the files and a running server serves them within seconds', async () => {
    // Asked before it exists, so the server's service manager has "no such service" in hand.
    const missing = await getJson(`${server.base}/services/Field/Survey/MapServer`);
    assert.equal(missing.error?.code, 404);

    const run = await quadranglePublish([files.places, files.roads, files.areas, '--name', 'Survey', '--folder', 'Field', '--dem', files.dem]);
    assert.equal(run.code, 0, run.stderr);
    ms = `${server.base}/services/Field/Survey/MapServer`;
    assert.equal(run.stdout, `${ms}\n`, 'the one line on standard output is the service URL');
    assert.match(run.stderr, /1 {2}roads \(1 feature, drawn like the sample's Roads\)/);

    const published = Date.now();
    let root: any;
    for (;;) {
      root = await getJson(ms);
      if (!root.error || Date.now() - published > 10_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(root.error, undefined, JSON.stringify(root.error));
    assert.ok(Date.now() - published < 5000, `seen after ${Date.now() - published} ms`);
    assert.deepEqual(await listedServices(), ['Field/Survey']);
    assert.deepEqual(root.layers.map((l: { id: number; name: string }) => [l.id, l.name]), [
      [0, 'places'], [1, 'roads'], [2, 'areas'], [3, 'Hillshade'], [4, 'Elevation tint'], [5, 'Elevation'],
    ]);
    assert.equal(root.spatialReference.wkid, 27700);
  });

  it('answers queries with the attributes and coordinates of the files', async () => {
    const places = await getJson(`${ms}/0/query`, { where: '1=1', outFields: 'NOM,Region,POP', orderByFields: 'OBJECTID' });
    assert.deepEqual(places.features.map((f: any) => f.attributes), PLACES.map((p) => ({ NOM: p.properties.NOM, Region: p.properties['Région'], POP: p.properties.POP })));
    assert.deepEqual(places.features.map((f: any) => [f.geometry.x, f.geometry.y]), PLACES.map((p) => p.geometry.coordinates));
    assert.equal(places.fields.find((f: any) => f.name === 'Region').alias, 'Région');

    const roads = await getJson(`${ms}/1/query`, { where: "F_CODE = 'AP030'", outFields: '*', outSR: 4326 });
    assert.equal(roads.features.length, 1);
    assert.equal(roads.features[0].attributes.NAM, 'Great North Road');
    const path: number[][] = roads.features[0].geometry.paths[0];
    ROADS[0]!.geometry.coordinates.forEach((p, i) => {
      assert.ok(Math.abs(path[i]![0]! - p[0]!) < 1e-9 && Math.abs(path[i]![1]! - p[1]!) < 1e-9, `${path[i]} vs ${p}`);
    });

    // The GeoJSON was WGS 84; the service draws and answers in British National Grid.
    const areas = await getJson(`${ms}/2/query`, { where: "use = 'meadow'", outFields: 'name', outSR: 27700 });
    assert.equal(areas.features[0].attributes.name, 'Long Field');
    const ring: number[][] = areas.features[0].geometry.rings[0];
    for (const [x, y] of AREA_27700) assert.ok(ring.some((q) => Math.hypot(q[0]! - x!, q[1]! - y!) < 0.01), `corner ${x},${y}`);
  });

  it('draws the features where they are', async () => {
    const { left, top, cell, cols, rows } = DEM_GRID;
    const bbox = `${left},${top - rows * cell},${left + cols * cell},${top}`;
    const res = await exportImage(ms, { bbox, size: '200,200', format: 'png', transparent: false, layers: 'show:0,1,2' });
    assert.equal(res.headers.get('content-type'), 'image/png');
    const image = await decodeImage(await res.arrayBuffer());
    // 10 m a pixel from the DEM's top-left corner.
    const pixel = (x: number, y: number) => image.at(Math.round((x - left) / 10), Math.round((top - y) / 10));
    const white = (p: number[]) => p[0]! > 250 && p[1]! > 250 && p[2]! > 250;
    for (const p of PLACES) assert.ok(!white(pixel(p.geometry.coordinates[0]!, p.geometry.coordinates[1]!)), `a marker at ${p.geometry.coordinates}`);
    assert.ok(!white(pixel(401150, 99300)), 'the area is filled (away from its label in the middle)');
    assert.ok(white(pixel(400100, 99100)), 'the background stays white where there is nothing');

    const shaded = await decodeImage(await (await exportImage(ms, { bbox, size: '100,100', format: 'png32', transparent: true, layers: 'show:3' })).arrayBuffer());
    assert.ok(shaded.at(50, 50)[3]! > 0, 'the hillshade covers the DEM');
  });

  it('identifies the elevation of the DEM at a point', async () => {
    const [col, row] = [4, 6];
    const x = DEM_GRID.left + (col + 0.5) * DEM_GRID.cell, y = DEM_GRID.top - (row + 0.5) * DEM_GRID.cell;
    const r = await getJson(`${ms}/identify`, {
      geometry: `${x},${y}`, geometryType: 'esriGeometryPoint', tolerance: 1, layers: 'all:5',
      mapExtent: '400000,99000,402000,101000', imageDisplay: '200,200,96',
    });
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0].layerName, 'Elevation');
    assert.equal(Number(r.results[0].attributes['Pixel Value']), demValue(col, row));
  });

  it("is read by GDAL's ESRIJSON driver", async () => {
    const url = `ESRIJSON:${ms}/0/query?where=1%3D1&outFields=*&f=json`;
    // Asynchronously: the server answering GDAL runs in this process.
    const summary = await promisify(execFile)('ogrinfo', ['-ro', '-al', '-so', url], { env: { ...process.env, CPL_DEBUG: 'OFF' } });
    assert.match(summary.stdout, /Feature Count: 2/);
    assert.match(summary.stdout, /NOM: String/);
    assert.match(summary.stdout, /Region: String/);
    const full = await promisify(execFile)('ogrinfo', ['-ro', '-al', url], { env: { ...process.env, CPL_DEBUG: 'OFF' } });
    assert.match(full.stdout, /NOM \(String\) = Château d'Eau/);
    assert.match(full.stdout, /POINT \(400500 100500\)/);
  });

  it('refuses bad input with one line naming the file, exit code 1 and nothing published', async () => {
    const text = await quadranglePublish([files.badShp, '--name', 'Notes', '--folder', 'Field']);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^quadrangle publish: .*notes\.shp is not a shapefile[^\n]*\n$/);

    const clash = await quadranglePublish([files.roads, '--name', 'SURVEY', '--folder', 'Field']);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /^quadrangle publish: a service named 'Field\/Survey' already exists[^\n]*\n$/);

    assert.deepEqual(await listedServices(), ['Field/Survey']);
    assert.equal(existsSync(join(server.dataDir, 'published/Field/Notes')), false);
    assert.equal(existsSync(join(server.dataDir, 'published/Field/SURVEY')), false);
  });
});

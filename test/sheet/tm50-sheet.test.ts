/**
 * A TM50 sheet of the sample region end to end: composed from the sample service, written as a
 * Geospatial PDF, and read back by real tools — pdftotext for its words, GDAL for its
 * georeferencing, pdftoppm for its pixels.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ensureSampleService } from '../../src/app/quadrangle-app.js';
import { ServiceManager } from '../../src/catalog/service-manager.js';
import { SqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';
import { loadConfig } from '../../src/config/config.js';
import { getTransform } from '../../src/geo/projection.js';
import { TemplateLibrary } from '../../src/layout/template-library.js';
import type { ComposedSheet } from '../../src/sheet/compose-sheet.js';
import { generateSheet, SheetError } from '../../src/sheet/generate-sheet.js';
import { freshDataDir } from '../support/test-server.js';
import { decodeImage } from '../support/map-images.js';

const run = promisify(execFile);
const SHEET = '5645N00515W';

/** Separating-axis test of two convex quadrilaterals (x0, y0, … x3, y3). */
function quadsOverlap(a: number[], b: number[]): boolean {
  for (const q of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const nx = q[((i + 1) % 4) * 2 + 1]! - q[i * 2 + 1]!, ny = -(q[((i + 1) % 4) * 2]! - q[i * 2]!);
      const project = (p: number[]) => [0, 1, 2, 3].map((k) => p[k * 2]! * nx + p[k * 2 + 1]! * ny);
      const pa = project(a), pb = project(b);
      if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return false;
    }
  }
  return true;
}

/** The quad shrunk by `d` pt towards its centre, so labels that merely touch do not count. */
function shrink(q: number[], d: number): number[] {
  const cx = (q[0]! + q[2]! + q[4]! + q[6]!) / 4, cy = (q[1]! + q[3]! + q[5]! + q[7]!) / 4;
  return q.map((v, i) => { const c = i % 2 ? cy : cx; return v + Math.sign(c - v) * Math.min(d, Math.abs(c - v)); });
}

describe('TM50 sheet of the sample region', () => {
  let dir: string, dataDir: string, store: SqliteCatalogStore, services: ServiceManager;
  let sheet: ComposedSheet, pdfPath: string;
  const library = new TemplateLibrary();

  before(async () => {
    dataDir = await freshDataDir();
    dir = mkdtempSync(join(tmpdir(), 'quadrangle-sheet-'));
    store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    await ensureSampleService(loadConfig({ dataDir }, {}), store, () => {});
    services = new ServiceManager(store, dataDir);
    const service = (await services.get('Topo', 'SampleRegion'))!;
    const result = await generateSheet({ service, library, product: 'TM50', sheetId: SHEET, format: 'pdf', date: new Date('2026-11-22T00:00:00Z') });
    sheet = result.sheet;
    pdfPath = join(dir, 'sheet.pdf');
    writeFileSync(pdfPath, result.data);
  });

  after(async () => {
    services?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the sheet name and number, grid labels, contour values and the notes as text', async () => {
    const { stdout } = await run('pdftotext', ['-raw', pdfPath, '-']);
    assert.ok(stdout.includes(sheet.facts.sheetName.toUpperCase()), `sheet name ${sheet.facts.sheetName}`);
    assert.ok((stdout.match(new RegExp(SHEET, 'g')) ?? []).length >= 3, 'sheet number at top, lower left and in the adjoining sheets diagram');
    assert.match(stdout, /1,000 METRE UTM GRID.*ZONE 30/);
    assert.match(stdout, /CONTOUR INTERVAL 20 METRES/);
    assert.match(stdout, /TRANSVERSE MERCATOR/);
    assert.match(stdout, /1:50,000/);
    assert.match(stdout, /56°45′N/);
    assert.match(stdout, /5°15′W/);
    // Index contours every 100 m carry their values.
    const values = new Set(stdout.split(/\s+/).filter((w) => /^[1-9]\d*00$/.test(w) && Number(w) <= 1500));
    assert.ok(values.size >= 3, `contour values found: ${[...values].join(', ')}`);
    // Grid lines 1 km apart: the eastings' principal digits within the sheet appear.
    const xs = sheet.frame.neatline.map((p) => p[0]!);
    const firstKm = Math.ceil(Math.min(...xs) / 1000) + 1;
    assert.ok(stdout.includes(String(firstKm % 100).padStart(2, '0')), `principal digits ${firstKm % 100}`);
    assert.match(stdout, /mils/i);
  });

  it('is a Geospatial PDF that GDAL places within a metre of the sheet corners', async () => {
    // At 72 dpi GDAL's pixels are the page's points; at other DPIs it rounds the raster size to whole pixels.
    const { stdout } = await run('gdalinfo', ['-json', '--config', 'GDAL_PDF_DPI', '72', pdfPath]);
    const info = JSON.parse(stdout) as { geoTransform: number[]; coordinateSystem: { wkt: string } };
    assert.match(info.coordinateSystem.wkt, /UTM zone 30N/);
    const k = 1;
    const g = info.geoTransform;
    const toUtm = getTransform({ wkid: 4326 }, sheet.frame.spatialReference)!;
    for (const corner of sheet.frame.corners) {
      const [ex, ey] = toUtm(corner);
      const [px, py] = sheet.frame.toPage(ex!, ey!);
      const gx = g[0]! + px * k * g[1]! + py * k * g[2]!, gy = g[3]! + px * k * g[4]! + py * k * g[5]!;
      assert.ok(Math.hypot(gx - ex!, gy - ey!) < 1, `corner ${corner} off by ${Math.hypot(gx - ex!, gy - ey!).toFixed(2)} m`);
    }
  });

  it('places no label over another label, a grid label or a marginal element', () => {
    const quads = sheet.labels.map((l) => ({ ...l, quad: shrink(l.quad, 0.5) }));
    const clashes: string[] = [];
    for (let i = 0; i < quads.length; i++) {
      for (let j = i + 1; j < quads.length; j++) {
        const a = quads[i]!, b = quads[j]!;
        // Marginal elements are boxes around their own contents: only what others put in them counts.
        if (a.owner !== 'map' && a.owner !== 'collar' && b.owner !== 'map' && b.owner !== 'collar') continue;
        if (a.owner === b.owner && a.label === b.label) continue;
        if (quadsOverlap(a.quad, b.quad)) clashes.push(`${a.owner} × ${b.owner}`);
      }
    }
    assert.deepEqual(clashes, []);
    assert.ok(sheet.labels.filter((l) => l.owner === 'map').length > 50, 'the map carries its names and values');
  });

  it('shows grid lines and brown contours where they belong on the rendered page', async () => {
    const png = join(dir, 'page');
    await run('pdftoppm', ['-r', '100', '-png', '-singlefile', pdfPath, png]);
    const image = await decodeImage(readFileSync(`${png}.png`));
    const k = image.width / sheet.page.width;
    // A 1 km grid line through the middle of the sheet: dark along its length.
    const ys = sheet.frame.neatline.map((p) => p[1]!), xs = sheet.frame.neatline.map((p) => p[0]!);
    const e = Math.round((Math.min(...xs) + Math.max(...xs)) / 2000) * 1000;
    const ny = (Math.min(...ys) + Math.max(...ys)) / 2;
    let dark = 0;
    for (let t = -3000; t <= 3000; t += 500) {
      const [px, py] = sheet.frame.toPage(e, ny + t);
      const best = Math.min(...[-1, 0, 1].map((d) => { const c = image.at(Math.round(px * k) + d, Math.round(py * k)); return c[0]! + c[1]! + c[2]!; }));
      if (best < 3 * 160) dark++;
    }
    assert.ok(dark >= 10, `grid line dark at ${dark} of 13 places`);
    // Contour brown is common inside the frame.
    let brown = 0, total = 0;
    const { box } = sheet.frame;
    for (let y = Math.round(box.y * k); y < (box.y + box.height) * k; y += 3) {
      for (let x = Math.round(box.x * k); x < (box.x + box.width) * k; x += 3) {
        const [r, gg, b] = image.at(x, y) as [number, number, number];
        total++;
        if (r > gg + 25 && gg > b + 10 && r < 235) brown++;
      }
    }
    assert.ok(brown / total > 0.01, `brown share ${(brown / total).toFixed(4)}`);
  });

  it('writes a georeferenced GeoTIFF from the command line, and names a bad sheet number there', async () => {
    const bin = new URL('../../bin/quadrangle.js', import.meta.url).pathname;
    const tif = join(dir, 'sheet.tif');
    const { stderr } = await run(process.execPath, [bin, 'sheet', '--product', 'TM50', '--sheet', SHEET, '--format', 'tiff', '--resolution', '40', '--date', '2026-11-22', '-o', tif, '--data', dataDir]);
    assert.match(stderr, /100%/);
    const info = JSON.parse((await run('gdalinfo', ['-json', tif])).stdout) as { geoTransform: number[]; coordinateSystem: { wkt: string } };
    assert.match(info.coordinateSystem.wkt, /UTM zone 30N/);
    const g = info.geoTransform, k = 40 / 72;
    const [sx, sy] = sheet.frame.corners[0]!;
    const [ex, ey] = getTransform({ wkid: 4326 }, sheet.frame.spatialReference)!([sx!, sy!]);
    const [px, py] = sheet.frame.toPage(ex!, ey!);
    assert.ok(Math.hypot(g[0]! + px * k * g[1]! + py * k * g[2]! - ex!, g[3]! + px * k * g[4]! + py * k * g[5]! - ey!) < 1);
    await assert.rejects(run(process.execPath, [bin, 'sheet', '--product', 'TM50', '--sheet', '9999N99999W', '-o', join(dir, 'x.pdf'), '--data', dataDir]),
      (e: { code?: number; stderr?: string }) => e.code === 1 && /Sheet '9999N99999W' is not in TM50 sheets/.test(e.stderr ?? ''));
  });

  it('leaves the DEM\'s holes blank on a sheet at the edge of the data, and says so', async () => {
    const service = (await services.get('Topo', 'SampleRegion'))!;
    const edge = await generateSheet({ service, library, product: 'TM25', sheetId: '5630N00545W-NE', format: 'svg', date: new Date('2026-11-22T00:00:00Z') });
    const hole = edge.sheet.warnings.find((w) => /The DEM has no data for [\d.]+ % of the sheet/.test(w));
    assert.ok(hole, edge.sheet.warnings.join('; '));
    assert.equal(edge.sheet.facts.contourInterval, 10);
    assert.match(edge.data.toString('utf8'), /5630N00545W-NE/);
  });

  it('refuses an unknown sheet and an unknown grid with clear errors', async () => {
    const service = (await services.get('Topo', 'SampleRegion'))!;
    await assert.rejects(generateSheet({ service, library, product: 'TM50', sheetId: 'NOPE', format: 'pdf' }), (e: unknown) => e instanceof SheetError && /Sheet 'NOPE' is not in TM50 sheets/.test(e.message));
    await assert.rejects(generateSheet({ service, library, product: 'TM75', sheetId: SHEET, format: 'pdf' }), (e: unknown) => e instanceof SheetError && /Unknown grid definition 'TM75'/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { lookupEpsg, type SpatialReference } from '../geo/spatial-reference.js';
import { decodePixels } from '../render/render-test-fixture.js';
import type { ComposedPrint } from './compose-print.js';
import { composeTestPrint, testWebMap } from './print-test-fixture.js';
import type { WebMap, WebMapOptions } from './web-map.js';
import { writePrint } from './write-print.js';

const WGS84: SpatialReference = { wkid: 4326, latestWkid: 4326 };

/** The test web map at 1:50,000. */
const webMap = (mapOptions: Partial<WebMapOptions> = {}, extra: Partial<WebMap> = {}): WebMap => testWebMap({ mapOptions: { scale: 50000, ...mapOptions }, ...extra });

const dir = mkdtempSync(join(tmpdir(), 'write-print-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** Writes `data` to a file and runs `gdalinfo -json` on it (PDFs read at 72 dpi, so GDAL's pixels are points). */
function gdalinfo(data: Buffer, ext: string): { size: number[]; geoTransform: number[]; coordinateSystem: { wkt: string }; bands: unknown[] } {
  const file = join(dir, `f${files++}${ext}`);
  writeFileSync(file, data);
  return JSON.parse(execFileSync('gdalinfo', ['-json', '--config', 'GDAL_PDF_DPI', '72', file], { encoding: 'utf8' }));
}

/** Where GDAL's geotransform puts pixel (px, py). */
const place = (g: number[], px: number, py: number) => [g[0]! + px * g[1]! + py * g[2]!, g[3]! + px * g[4]! + py * g[5]!];

/** The corners of the map frame on the page, pt. */
const frameCorners = (print: ComposedPrint) => {
  const { x, y, width: w, height: h } = print.frameBox;
  return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]] as const;
};

describe('writePrint', () => {
  let a4: ComposedPrint;
  let rotated: ComposedPrint;
  before(async () => {
    a4 = await composeTestPrint(webMap(), 'A4 Landscape');
    rotated = await composeTestPrint(webMap({ rotation: 20 }), 'A4 Portrait');
  });

  it('writes a vector PDF with its text, georeferenced over the map frame', async () => {
    const data = await writePrint(a4, 'PDF', 96);
    assert.equal(data.subarray(0, 5).toString(), '%PDF-');
    assert.ok(data.includes('/Viewport'));
    const file = join(dir, 'text.pdf');
    writeFileSync(file, data);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    assert.match(text, /Hochwald/);
    assert.match(text, /1:50,000/);
    const info = gdalinfo(data, '.pdf');
    assert.match(info.coordinateSystem.wkt, /UTM zone 32N/);
    assert.deepEqual(info.size, [a4.page.width, a4.page.height]);
    for (const [px, py] of frameCorners(a4)) {
      const [ex, ey] = a4.toMap(px, py), [gx, gy] = place(info.geoTransform, px, py);
      assert.ok(Math.hypot(gx! - ex, gy! - ey) < 1, `corner (${px}, ${py}) off by ${Math.hypot(gx! - ex, gy! - ey).toFixed(2)} m`);
    }
  });

  it('georeferences a rotated map, and a geographic one', async () => {
    const info = gdalinfo(await writePrint(rotated, 'PDF', 96), '.pdf');
    for (const [px, py] of frameCorners(rotated)) {
      const [ex, ey] = rotated.toMap(px, py), [gx, gy] = place(info.geoTransform, px, py);
      assert.ok(Math.hypot(gx! - ex, gy! - ey) < 1, `rotated corner off by ${Math.hypot(gx! - ex, gy! - ey).toFixed(2)} m`);
    }
    const geographic = await composeTestPrint(webMap({ extent: { xmin: 6, ymin: 49, xmax: 7, ymax: 50 }, extentSr: WGS84, spatialReference: WGS84, scale: null }), 'MAP_ONLY');
    const g = gdalinfo(await writePrint(geographic, 'PDF', 96), '.pdf');
    assert.match(g.coordinateSystem.wkt, /^GEOGCRS\["WGS 84"/);
    for (const [px, py] of frameCorners(geographic)) {
      const [ex, ey] = geographic.toMap(px, py), [gx, gy] = place(g.geoTransform, px, py);
      assert.ok(Math.hypot(gx! - ex, gy! - ey) < 1e-5, `geographic corner off by ${Math.hypot(gx! - ex, gy! - ey)}°`);
    }
  });

  it('writes a plain PDF when the map SR has no EPSG code', async () => {
    const wkt = { wkt: lookupEpsg(32632)!.wkt };
    const print = await composeTestPrint(webMap({ spatialReference: wkt, extentSr: wkt }), 'MAP_ONLY');
    const data = await writePrint(print, 'PDF', 96);
    assert.equal(data.subarray(0, 5).toString(), '%PDF-');
    assert.ok(!data.includes('/Viewport'));
  });

  it('writes PNG32 and PNG8 at the dpi, the red square where the map has it', async () => {
    const png32 = await writePrint(a4, 'PNG32', 96);
    assert.deepEqual([...png32.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width, height, bit depth 8, colour type 6 (RGBA) or 3 (palette).
    assert.deepEqual([png32.readUInt32BE(16), png32.readUInt32BE(20), png32[24], png32[25]], [Math.round((842 * 96) / 72), Math.round((595 * 96) / 72), 8, 6]);
    const png8 = await writePrint(a4, 'PNG8', 96);
    assert.equal(png8[25], 3);
    const k = 96 / 72;
    const { x, y, width, height } = a4.frameBox;
    for (const png of [png32, png8]) {
      const pixels = await decodePixels(png);
      assert.deepEqual(pixels.at((x + width / 2) * k, (y + height / 2) * k), [255, 0, 0, 255]);
      // Beside the square inside the frame, and on the page margin: white, opaque.
      assert.deepEqual(pixels.at((x + width * 0.1) * k, (y + height / 2) * k), [255, 255, 255, 255]);
      assert.deepEqual(pixels.at(2, 2), [255, 255, 255, 255]);
    }
  });

  it('writes MAP_ONLY rasters at exactly outputSize', async () => {
    const print = await composeTestPrint(webMap({}, { outputSize: [333, 217], dpi: 127 }), 'MAP_ONLY');
    for (const format of ['PNG32', 'JPG', 'GIF'] as const) {
      const pixels = await decodePixels(await writePrint(print, format, 127));
      assert.deepEqual([pixels.width, pixels.height], [333, 217], format);
      const red = pixels.at(166, 108);
      assert.ok(red[0] > 230 && red[1] < 30 && red[2] < 30, `${format} centre ${red}`);
    }
    const info = gdalinfo(await writePrint(print, 'TIFF', 127), '.tif');
    assert.deepEqual(info.size, [333, 217]);
  });

  it('writes JPEG and GIF', async () => {
    const jpg = await writePrint(a4, 'JPG', 72);
    assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const gif = await writePrint(a4, 'GIF', 72);
    assert.match(gif.subarray(0, 6).toString('latin1'), /^GIF8[79]a$/);
    assert.deepEqual([gif.readUInt16LE(6), gif.readUInt16LE(8)], [842, 595]);
    const pixels = await decodePixels(jpg);
    assert.deepEqual([pixels.width, pixels.height], [842, 595]);
  });

  it('writes a 32-bit GeoTIFF placed by the map frame', async () => {
    const info = gdalinfo(await writePrint(rotated, 'TIFF', 96), '.tif');
    assert.deepEqual(info.size, [Math.round((595 * 96) / 72), Math.round((842 * 96) / 72)]);
    assert.equal(info.bands.length, 4);
    assert.match(info.coordinateSystem.wkt, /UTM zone 32N/);
    const k = 96 / 72;
    for (const [px, py] of frameCorners(rotated)) {
      const [ex, ey] = rotated.toMap(px, py), [gx, gy] = place(info.geoTransform, px * k, py * k);
      assert.ok(Math.hypot(gx! - ex, gy! - ey) < 1e-3, `corner off by ${Math.hypot(gx! - ex, gy! - ey)} m`);
    }
  });

  it('writes SVG with its text as text, sized in points, and SVGZ as its gzip', async () => {
    const svg = (await writePrint(a4, 'SVG', 96)).toString('utf8');
    assert.match(svg, /^<\?xml[^>]*>\s*<svg [^>]*width="842pt" height="595pt" viewBox="0 0 842 595"/);
    assert.match(svg, /<text[^>]*>[^<]*Hochwald/);
    const svgz = await writePrint(a4, 'SVGZ', 96);
    assert.deepEqual([...svgz.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal(gunzipSync(svgz).toString('utf8'), svg);
  });
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromFile } from 'geotiff';
import { encodeImageGeoTiff, writeGeoTiff } from './geotiff-writer.js';

const hasGdal = spawnSync('gdalinfo', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'geotiff-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A 300 × 200 raster: not a multiple of the tile size, so edge tiles are padded. */
function sampleRaster() {
  const width = 300, height = 200;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.sin(x / 17) * 120 + y * 0.5 - 40 + (x % 3) * 0.001;
  return { width, height, data, epsg: 32630, originX: 340000, originY: 6340000, pixelSize: 25, noData: -9999 };
}

describe('writeGeoTiff', () => {
  const path = join(dir, 'sample.tif');
  const raster = sampleRaster();
  writeGeoTiff(path, raster);

  it('round-trips the samples, tiling and georeferencing through the geotiff package', async () => {
    const tiff = await fromFile(path);
    const image = await tiff.getImage();
    assert.equal(image.getWidth(), 300);
    assert.equal(image.getHeight(), 200);
    assert.equal(image.getTileWidth(), 256);
    assert.equal(image.getTileHeight(), 256);
    assert.deepEqual(image.getOrigin(), [340000, 6340000, 0]);
    assert.deepEqual(image.getResolution(), [25, -25, 0]);
    assert.equal(image.getGDALNoData(), -9999);
    const keys = image.getGeoKeys() as Record<string, number>;
    assert.equal(keys.ProjectedCSTypeGeoKey, 32630);
    assert.equal(keys.GTModelTypeGeoKey, 1);
    assert.equal(keys.GTRasterTypeGeoKey, 1);
    assert.equal(keys.ProjLinearUnitsGeoKey, 9001);
    const [band] = (await image.readRasters()) as unknown as Float32Array[];
    assert.deepEqual(Array.from(band!), Array.from(raster.data));
  });

  it('is read by gdalinfo without warnings', { skip: !hasGdal && 'gdalinfo not installed' }, () => {
    const run = spawnSync('gdalinfo', ['-json', '-mm', path], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    const info = JSON.parse(run.stdout);
    assert.deepEqual(info.size, [300, 200]);
    assert.deepEqual(info.geoTransform, [340000, 25, 0, 6340000, 0, -25]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32630\]\]$/);
    const band = info.bands[0];
    assert.equal(band.type, 'Float32');
    assert.equal(band.noDataValue, -9999);
    assert.deepEqual(band.block, [256, 256]);
    assert.equal(info.metadata['IMAGE_STRUCTURE'].COMPRESSION, 'DEFLATE');
    assert.ok(Math.abs(band.computedMin - Math.min(...raster.data)) < 1e-3);
    assert.ok(Math.abs(band.computedMax - Math.max(...raster.data)) < 1e-3);
  });

  it('rejects data of the wrong length', () => {
    assert.throws(() => writeGeoTiff(join(dir, 'bad.tif'), { ...raster, width: 301 }), RangeError);
  });
});

describe('encodeImageGeoTiff', () => {
  /** A 300 × 20 RGBA gradient: wider than one tile, so tiles and padding are exercised. */
  const width = 300, height = 20;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([i % 256, (i >> 8) & 255, 7, 200], i * 4);
  const georef = { transform: [500000, 2, 0, 6000000, 0, -2] as const, epsg: 32630, geographic: false };

  it('round-trips 8-bit RGBA samples with the scale, tie point and projected EPSG code', async () => {
    const path = join(dir, 'rgba.tif');
    writeFileSync(path, encodeImageGeoTiff({ width, height, samples: 4, data }, georef));
    const image = await (await fromFile(path)).getImage();
    assert.deepEqual([image.getWidth(), image.getHeight(), image.getSamplesPerPixel()], [300, 20, 4]);
    assert.deepEqual(image.getOrigin(), [500000, 6000000, 0]);
    assert.deepEqual(image.getResolution(), [2, -2, 0]);
    assert.equal((image.getGeoKeys() as Record<string, number>).ProjectedCSTypeGeoKey, 32630);
    const pixels = (await image.readRasters({ interleave: true })) as unknown as Uint8Array;
    assert.deepEqual(Array.from(pixels), Array.from(data));
  });

  it('names a geographic CRS by GeographicTypeGeoKey, none for a WKT-only SR', async () => {
    const rgb = new Uint8Array(width * height * 3).fill(9);
    const keys = async (epsg: number | null) => {
      const path = join(dir, `rgb-${epsg}.tif`);
      writeFileSync(path, encodeImageGeoTiff({ width, height, samples: 3, data: rgb }, { transform: [-5, 0.01, 0, 57, 0, -0.01], epsg, geographic: true }));
      return (await (await fromFile(path)).getImage()).getGeoKeys() as Record<string, number>;
    };
    assert.equal((await keys(4326)).GeographicTypeGeoKey, 4326);
    const unnamed = await keys(null);
    assert.equal(unnamed.GTModelTypeGeoKey, 2);
    assert.equal(unnamed.GeographicTypeGeoKey, undefined);
  });
});

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fromFile } from 'geotiff';
import { writeGeoTiff } from './geotiff-writer.js';

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

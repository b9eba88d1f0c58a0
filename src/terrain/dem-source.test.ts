import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { sampleDataDir } from '../../test/support/test-server.js';
import { SAMPLE_DEM } from '../sample/sample-service.js';
import { openDemSource, readDemInfo, type DemSource } from './dem-source.js';

const hasGdal = spawnSync('gdallocationinfo', ['--version']).status === 0;
/** The cell value GDAL reads at a georeferenced position. */
const gdalValue = (path: string, x: number, y: number): number => Number(execFileSync('gdallocationinfo', ['-valonly', '-geoloc', path, String(x), String(y)]).toString().trim());

describe('GeoTiffDemSource on the sample DEM', () => {
  let path: string;
  let dem: DemSource;
  before(async () => {
    path = join(await sampleDataDir(), SAMPLE_DEM);
    dem = await openDemSource(path);
  });

  it('reads the header: SR from the GeoKeys, extent, cell size and no-data', async () => {
    const info = await readDemInfo(path);
    assert.deepEqual(info.spatialReference, { wkid: 32630, latestWkid: 32630 });
    assert.deepEqual(info.extent, { xmin: 340000, ymin: 6280000, xmax: 400000, ymax: 6340000 });
    assert.deepEqual([info.width, info.height, info.cellWidth, info.cellHeight, info.noData], [2400, 2400, 25, 25, -9999]);
    assert.ok(dem.min < 0 && dem.max > 1000, `${dem.min}…${dem.max}`);
  });

  it('keeps one copy per file', async () => {
    assert.equal(await openDemSource(path), dem);
  });

  it('gives the cell values GDAL reads', { skip: !hasGdal && 'GDAL is not installed' }, () => {
    for (const [x, y] of [[370000, 6310000], [341012.5, 6339987.5], [385432.1, 6291234.5], [399990, 6280010]] as const) {
      // GDAL prints 15 significant digits of the Float32 cell.
      assert.equal(dem.sample(x, y, 'nearest'), Math.fround(gdalValue(path, x, y)), `${x} ${y}`);
    }
  });

  it('interpolates between cell centres and is NaN outside', () => {
    // Cell centres: bilinear equals the cell.
    assert.equal(dem.sample(370012.5, 6310012.5), dem.sample(370012.5, 6310012.5, 'nearest'));
    const a = dem.sample(370012.5, 6310012.5, 'nearest'), b = dem.sample(370037.5, 6310012.5, 'nearest');
    assert.ok(Math.abs(dem.sample(370025, 6310012.5) - (a + b) / 2) < 1e-3);
    assert.ok(Number.isNaN(dem.sample(339990, 6310000)));
    assert.ok(Number.isNaN(dem.sample(370000, 6340010, 'nearest')));
  });

  it('resamples a window onto a pixel grid', () => {
    const w = dem.window({ xmin: 370000, ymin: 6310000, xmax: 370100, ymax: 6310050 }, 4, 2);
    assert.equal(w.length, 8);
    assert.equal(w[0], dem.sample(370012.5, 6310037.5));
    assert.equal(w[7], dem.sample(370087.5, 6310012.5));
    assert.ok(Number.isNaN(dem.window({ xmin: 330000, ymin: 6310000, xmax: 331000, ymax: 6311000 }, 2, 2)[0]!));
  });
});

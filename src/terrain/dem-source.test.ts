import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getTransform } from '../geo/projection.js';
import { sampleDataDir } from '../../test/support/test-server.js';
import { SAMPLE_DEM } from '../sample/sample-service.js';
import { DemFormatError, openDemSource, readDemInfo, type DemSource } from './dem-source.js';

/** A user-defined Hotine oblique Mercator (variant A), and New Zealand Map Grid. */
const OBLIQUE = '+proj=omerc +no_uoff +lat_0=45.3 +lonc=-86 +alpha=-22.5 +gamma=-22.5 +k=0.9996 +x_0=2546731.496 +y_0=-4354009.816 +ellps=GRS80 +units=m +no_defs';
const NZMG = '+proj=nzmg +lat_0=-41 +lon_0=173 +x_0=2510000 +y_0=6023150 +ellps=intl +towgs84=59.47,-5.04,187.44,0.47,-0.1,1.024,-4.5993 +units=m +no_defs';
/** A user-defined Transverse Mercator no registry CRS has. */
const CUSTOM_TM = '+proj=tmerc +lat_0=12.5 +lon_0=-3.25 +k=0.99955 +x_0=123456.7 +y_0=-54321 +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +units=m +no_defs';

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

describe('GeoTiffDemSource on DEMs as GDAL writes them', { skip: !hasGdal && 'GDAL is not installed' }, () => {
  /** A 300 × 200 grid of 25 m cells, values varying in every cell, one no-data cell (row 10, column 20). */
  const WIDTH = 300, HEIGHT = 200, CELL = 25, XMIN = 350000, YMAX = 6305000;
  const value = (row: number, col: number) => ((row * 7 + col * 3) % 1000) + 0.25 * ((row + col) % 4) - 50;
  let dir: string;
  const tif = (name: string) => join(dir, `${name}.tif`);
  const gdal = (tool: string, ...args: string[]) => execFileSync(tool, ['-q', ...args]);
  /** Cell centres to probe, row and column. */
  const CELLS: Array<[number, number]> = [[0, 0], [0, 299], [199, 0], [199, 299], [57, 123], [10, 21], [150, 7]];
  const centre = (row: number, col: number): [number, number] => [XMIN + (col + 0.5) * CELL, YMAX - (row + 0.5) * CELL];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'quadrangle-dem-'));
    const rows: string[] = [];
    for (let r = 0; r < HEIGHT; r++) rows.push(Array.from({ length: WIDTH }, (_, c) => (r === 10 && c === 20 ? -9999 : value(r, c))).join(' '));
    writeFileSync(join(dir, 'grid.asc'), `ncols ${WIDTH}\nnrows ${HEIGHT}\nxllcorner ${XMIN}\nyllcorner ${YMAX - HEIGHT * CELL}\ncellsize ${CELL}\nNODATA_value -9999\n${rows.join('\n')}\n`);
    const asc = join(dir, 'grid.asc');
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Int16', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64', '-co', 'COMPRESS=LZW', asc, tif('int16-lzw-tiled'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float32', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', asc, tif('float32-deflate-p2'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float32', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'BLOCKYSIZE=7', asc, tif('float32-deflate-p3'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'UInt16', '-a_nodata', '0', '-scale', '-9999', '1000', '0', '11000', '-co', 'COMPRESS=PACKBITS', asc, tif('uint16-packbits'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Int32', '-co', 'COMPRESS=ZSTD', '-co', 'TILED=YES', asc, tif('int32-zstd'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float64', asc, tif('float64'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float32', '-mo', 'AREA_OR_POINT=Point', asc, tif('pixel-is-point'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float32', '-b', '1', '-b', '1', '-co', 'INTERLEAVE=PIXEL', asc, tif('two-bands'));
    gdal('gdal_translate', '-a_srs', 'EPSG:32630', '-ot', 'Float32', '-co', 'COMPRESS=LZMA', asc, tif('lzma'));
    gdal('gdal_translate', '-a_srs', CUSTOM_TM, '-ot', 'Float32', asc, tif('custom-tm'));
    gdal('gdal_translate', '-a_srs', '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +units=m +no_defs', '-ot', 'Float32', asc, tif('user-defined-bng'));
    gdal('gdal_create', '-outsize', '10', '10', '-ot', 'Int16', '-of', 'GTiff', tif('no-georeferencing'));
    gdal('gdal_translate', '-a_srs', OBLIQUE, '-ot', 'Float32', asc, tif('oblique-mercator'));
    // New Zealand Map Grid has no GeoKeys of its own; GDAL's PAM file (written for a baseline TIFF) names it.
    gdal('gdal_translate', '-a_srs', NZMG, '-ot', 'Float32', asc, tif('nzmg'));
    gdal('gdal_translate', '-a_srs', NZMG, '-ot', 'Float32', '-co', 'PROFILE=BASELINE', asc, tif('nzmg-baseline'));
    // A rotated grid: GDAL writes the geotransform's rotation terms as a ModelTransformation.
    gdal('gdal_translate', '-of', 'VRT', '-a_srs', 'EPSG:32630', asc, join(dir, 'rotated.vrt'));
    const vrt = readFileSync(join(dir, 'rotated.vrt'), 'utf8').replace(/<GeoTransform>[^<]*<\/GeoTransform>/, `<GeoTransform>${XMIN}, 24.9, 2.1, ${YMAX}, 2.1, -24.9</GeoTransform>`);
    writeFileSync(join(dir, 'rotated.vrt'), vrt);
    gdal('gdal_translate', join(dir, 'rotated.vrt'), tif('rotated'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, dataType, noData] of [['int16-lzw-tiled', 'Int16', -9999], ['float32-deflate-p2', 'Float32', -9999], ['float32-deflate-p3', 'Float32', -9999],
    ['uint16-packbits', 'UInt16', 0], ['int32-zstd', 'Int32', -9999], ['float64', 'Float64', -9999]] as const) {
    it(`${name}: header, and the cells gdallocationinfo reads`, async () => {
      const info = await readDemInfo(tif(name));
      assert.deepEqual([info.width, info.height, info.cellWidth, info.cellHeight, info.noData, info.dataType, info.bandCount], [WIDTH, HEIGHT, CELL, CELL, noData, dataType, 1]);
      assert.deepEqual(info.extent, { xmin: XMIN, ymin: YMAX - HEIGHT * CELL, xmax: XMIN + WIDTH * CELL, ymax: YMAX });
      assert.deepEqual(info.spatialReference, { wkid: 32630, latestWkid: 32630 });
      const dem = await openDemSource(tif(name));
      for (const [row, col] of CELLS) {
        const [x, y] = centre(row, col);
        const expected = gdalValue(tif(name), x, y);
        const got = dem.sample(x, y, 'nearest');
        assert.equal(got, dataType === 'Float64' ? Math.fround(expected) : expected === noData ? NaN : Math.fround(expected), `${name} row ${row} col ${col}`);
      }
      // The no-data cell reads NaN (and GDAL reads the no-data value there).
      assert.ok(Number.isNaN(dem.sample(...centre(10, 20), 'nearest')));
      assert.equal(gdalValue(tif(name), ...centre(10, 20)), noData);
      assert.ok(dem.min < dem.max && Number.isFinite(dem.min), `${dem.min}…${dem.max}`);
    });
  }

  it('Int16 cells hold the rounded grid values; Float32 cells the exact ones', async () => {
    const ints = await openDemSource(tif('int16-lzw-tiled')), floats = await openDemSource(tif('float32-deflate-p3'));
    const [x, y] = centre(57, 124);
    assert.equal(value(57, 124) % 1, 0.25);
    assert.equal(floats.sample(x, y, 'nearest'), value(57, 124));
    assert.equal(ints.sample(x, y, 'nearest'), Math.round(value(57, 124)));
  });

  it('pixel-is-point: the tie point is a cell centre, shifted half a cell as GDAL does', async () => {
    const info = await readDemInfo(tif('pixel-is-point'));
    assert.deepEqual(info.extent, { xmin: XMIN, ymin: YMAX - HEIGHT * CELL, xmax: XMIN + WIDTH * CELL, ymax: YMAX });
    const dem = await openDemSource(tif('pixel-is-point'));
    const [x, y] = centre(57, 123);
    assert.equal(dem.sample(x, y, 'nearest'), Math.fround(gdalValue(tif('pixel-is-point'), x, y)));
  });

  it('a multi-band file gives band 1 and says how many bands it has', async () => {
    const dem = await openDemSource(tif('two-bands'));
    assert.equal(dem.bandCount, 2);
    assert.equal(dem.sample(...centre(57, 123), 'nearest'), value(57, 123));
  });

  it('a user-defined Transverse Mercator becomes a custom SR that transforms as GDAL does', async () => {
    const info = await readDemInfo(tif('custom-tm'));
    assert.ok(info.spatialReference.wkt && info.spatialReference.wkid === undefined, JSON.stringify(info.spatialReference));
    const t = getTransform(info.spatialReference, { wkid: 4326 })!;
    const [x, y] = [XMIN + 1000, YMAX - 2000];
    // GDAL's own reading of the file: pixel (40, 80) is that corner.
    const [lon, lat] = execFileSync('gdaltransform', ['-t_srs', 'EPSG:4326', '-output_xy', tif('custom-tm')], { input: '40 80\n' }).toString().trim().split(/\s+/).map(Number);
    const got = t([x, y]);
    assert.ok(Math.abs(got[0]! - lon!) < 1e-8 && Math.abs(got[1]! - lat!) < 1e-8, `${got} vs GDAL ${lon} ${lat}`);
    // User-defined keys with the parameters of a registry CRS get its code.
    assert.deepEqual((await readDemInfo(tif('user-defined-bng'))).spatialReference, { wkid: 27700, latestWkid: 27700 });
  });

  it('other user-defined projections: oblique Mercator from its keys, New Zealand Map Grid from GDAL\'s .aux.xml', async () => {
    const oblique = await readDemInfo(tif('oblique-mercator'));
    assert.ok(oblique.spatialReference.wkt, JSON.stringify(oblique.spatialReference));
    const [lon, lat] = execFileSync('gdaltransform', ['-t_srs', 'EPSG:4326', '-output_xy', tif('oblique-mercator')], { input: '40 80\n' }).toString().trim().split(/\s+/).map(Number);
    const got = getTransform(oblique.spatialReference, { wkid: 4326 })!([XMIN + 1000, YMAX - 2000]);
    assert.ok(Math.abs(got[0]! - lon!) < 1e-7 && Math.abs(got[1]! - lat!) < 1e-7, `${got} vs GDAL ${lon} ${lat}`);
    await assert.rejects(readDemInfo(tif('nzmg')), (e: unknown) => e instanceof DemFormatError && /nzmg\.tif: .*New Zealand Map Grid/.test(e.message));
    copyFileSync(`${tif('nzmg-baseline')}.aux.xml`, `${tif('nzmg')}.aux.xml`);
    // The same parameters and datum shift as EPSG:27200, NZGD49 / New Zealand Map Grid.
    assert.deepEqual((await readDemInfo(tif('nzmg'))).spatialReference, { wkid: 27200, latestWkid: 27200 });
  });

  it('refuses files it cannot use, naming the file and the reason', async () => {
    await assert.rejects(readDemInfo(tif('no-georeferencing')), (e: unknown) => e instanceof DemFormatError && e.message.startsWith(tif('no-georeferencing')) && /has no georeferencing/.test(e.message));
    await assert.rejects(readDemInfo(tif('rotated')), (e: unknown) => e instanceof DemFormatError && /rotated/.test(e.message) && e.message.includes('rotated.tif'));
    await assert.rejects(openDemSource(tif('lzma')), (e: unknown) => e instanceof DemFormatError && /lzma\.tif: LZMA compression cannot be read/.test(e.message));
    writeFileSync(join(dir, 'not-a-tiff.tif'), 'hello');
    await assert.rejects(readDemInfo(join(dir, 'not-a-tiff.tif')), (e: unknown) => e instanceof DemFormatError && /not-a-tiff\.tif: not a readable GeoTIFF/.test(e.message));
  });
});

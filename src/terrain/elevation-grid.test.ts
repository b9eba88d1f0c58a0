import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ViewTransform } from '../carto/view-transform.js';
import { getTransform } from '../geo/projection.js';
import { GeoTiffDemSource } from './dem-source.js';
import { elevationGrid } from './elevation-grid.js';

/** A 100 × 100 DEM of 10 m cells in UTM 30N whose elevation is its x offset in metres / 10. */
function rampDem(): GeoTiffDemSource {
  const data = new Float32Array(100 * 100);
  for (let r = 0; r < 100; r++) for (let c = 0; c < 100; c++) data[r * 100 + c] = c + 0.5 + r * 0.001;
  return new GeoTiffDemSource({
    width: 100, height: 100, spatialReference: { wkid: 32630 }, cellWidth: 10, cellHeight: 10, noData: null,
    extent: { xmin: 400000, ymin: 6300000, xmax: 401000, ymax: 6301000 },
  }, data);
}

describe('elevationGrid', () => {
  const dem = rampDem();

  it('matches the DEM window when the image shares its SR', () => {
    const extent = { xmin: 400100, ymin: 6300100, xmax: 400900, ymax: 6300700 };
    const view = new ViewTransform(extent, 40, 30);
    const grid = elevationGrid(dem, { width: 40, height: 30, spatialReference: { wkid: 32630 }, toMap: (x, y) => view.toMap(x, y) });
    const window = dem.window(extent, 40, 30);
    for (let i = 0; i < window.length; i++) assert.ok(Math.abs(grid.z[i]! - window[i]!) < 1e-3, `${i}: ${grid.z[i]} ≠ ${window[i]}`);
    assert.ok(Math.abs(grid.pixelWidth - 20) < 1e-9 && Math.abs(grid.pixelHeight - 20) < 1e-9);
    assert.equal(grid.demCell, 10);
  });

  it('follows a rotated view', () => {
    const extent = { xmin: 400200, ymin: 6300200, xmax: 400800, ymax: 6300800 };
    const view = new ViewTransform(extent, 60, 60, 90);
    const grid = elevationGrid(dem, { width: 60, height: 60, spatialReference: { wkid: 32630 }, toMap: (x, y) => view.toMap(x, y) });
    // Turned 90° counter-clockwise, east points up: elevation (which rises east) falls down each column.
    assert.ok(grid.z[0]! > grid.z[59 * 60]! + 50, `${grid.z[0]} vs ${grid.z[59 * 60]}`);
    assert.ok(Math.abs(grid.z[0]! - grid.z[59]!) < 0.1, 'constant along a row');
  });

  it('inverse-projects pixel centres from another SR', () => {
    const toMerc = getTransform({ wkid: 32630 }, { wkid: 3857 })!;
    const [x0, y0] = toMerc([400100, 6300100]), [x1, y1] = toMerc([400900, 6300900]);
    const extent = { xmin: x0!, ymin: y0!, xmax: x1!, ymax: y1! };
    const view = new ViewTransform(extent, 50, 50);
    const grid = elevationGrid(dem, { width: 50, height: 50, spatialReference: { wkid: 3857 }, toMap: (x, y) => view.toMap(x, y) });
    const toUtm = getTransform({ wkid: 3857 }, { wkid: 32630 })!;
    for (const [px, py] of [[0, 0], [25, 17], [49, 49], [7, 40]] as const) {
      const [ux, uy] = toUtm(view.toMap(px + 0.5, py + 0.5));
      assert.ok(Math.abs(grid.z[py * 50 + px]! - dem.sample(ux!, uy!)) < 0.01, `${px},${py}`);
    }
    // Web Mercator pixels are ~1/cos(lat) larger than the ground they cover; the grid measures the ground.
    const mercPixel = (x1! - x0!) / 50;
    assert.ok(grid.pixelWidth < mercPixel * 0.6 && grid.pixelWidth > 10, String(grid.pixelWidth));
  });
});

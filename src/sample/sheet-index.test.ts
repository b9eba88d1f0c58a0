import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SAMPLE_EXTENT, utmToLonLat } from './crs.js';
import { pointInRing, ringArea2 } from './polyline.js';
import { buildSheetIndex, SHEET_SERIES, sheetNumber, sheetOutline } from './sheet-index.js';

const places = [
  { name: 'Kinlochbeg', position: [370000, 6295000], priority: 1, weight: 10000 },
  { name: 'Ben Mor', position: [385000, 6320000], priority: 2, weight: 1050 },
  { name: 'Achmore', position: [350000, 6330000], priority: 3, weight: 500 },
];

describe('sheet index', () => {
  it('numbers sheets from their south-west corner', () => {
    assert.equal(sheetNumber(56.75, -5), '5645N00500W');
    assert.equal(sheetNumber(57, -5.5), '5700N00530W');
    assert.equal(sheetNumber(56.5, -4.75), '5630N00445W');
  });

  it('projects sheet outlines densified to about a kilometre, counter-clockwise', () => {
    const ring = sheetOutline(56.75, 57, -5.25, -5);
    assert.deepEqual(ring[0], ring[ring.length - 1]);
    assert.ok(ringArea2(ring) > 0);
    for (let k = 1; k < ring.length; k++) {
      const d = Math.hypot(ring[k]![0]! - ring[k - 1]![0]!, ring[k]![1]! - ring[k - 1]![1]!);
      assert.ok(d < 1100, `edge of ${d} m`);
    }
    // Corners land back on the graticule.
    const [lon, lat] = utmToLonLat(ring[0]![0]!, ring[0]![1]!);
    assert.ok(Math.abs(lon + 5.25) < 1e-5 && Math.abs(lat - 56.75) < 1e-5);
  });

  for (const series of SHEET_SERIES) {
    it(`covers the region with aligned ${series.series} sheets`, () => {
      const sheets = buildSheetIndex(series, SAMPLE_EXTENT, places);
      const nrns = sheets.map((s) => s.properties.NRN as string);
      assert.equal(new Set(nrns).size, nrns.length, 'sheet numbers are unique');
      const size = series.minutes / 60;
      for (const s of sheets) {
        const p = s.properties;
        assert.equal(p.SERIES, series.series);
        assert.equal(p.SCALE, series.scale);
        assert.equal(p.EDITION, '1-QDR');
        assert.ok(Math.abs((p.LAT_N as number) - (p.LAT_S as number) - size) < 1e-9);
        assert.ok(Math.abs(Math.round(((p.LAT_S as number) / size) * 1e6) / 1e6 % 1) < 1e-9, 'aligned to the sheet size');
        assert.ok(typeof p.NAME === 'string' && p.NAME.length > 0);
      }
      // Every point of the region lies on some sheet.
      for (let x = SAMPLE_EXTENT.xmin + 1; x < SAMPLE_EXTENT.xmax; x += 5000) {
        for (let y = SAMPLE_EXTENT.ymin + 1; y < SAMPLE_EXTENT.ymax; y += 5000) {
          assert.ok(sheets.some((s) => pointInRing(x, y, (s.geometry as { coordinates: number[][][] }).coordinates[0]!)), `${x},${y} uncovered`);
        }
      }
      const main = sheets.find((s) => pointInRing(370000, 6295000, (s.geometry as { coordinates: number[][][] }).coordinates[0]!))!;
      assert.equal(main.properties.NAME, 'Kinlochbeg');
    });
  }

  it('names TM25 sheets as quarters of their TM50 sheet', () => {
    const sheets = buildSheetIndex(SHEET_SERIES[0]!, SAMPLE_EXTENT, places);
    for (const s of sheets) assert.match(s.properties.NRN as string, /^\d{4}N\d{5}W-[NS][EW]$/);
  });
});

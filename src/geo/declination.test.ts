import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import geomagnetism from 'geomagnetism';
import { magneticDeclination, northAngles } from './declination.js';
import { gridConvergence } from './utm.js';

/** Centre of the 15′ sheet 56°30′–56°45′N, 5°30′–5°15′W (west Highlands of Scotland). */
const LON = -5.375, LAT = 56.625;

/** Runs `fn` and returns what it wrote to console.error. */
function stderrOf(fn: () => void): string[] {
  const seen: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => { seen.push(args.join(' ')); };
  try { fn(); } finally { console.error = original; }
  return seen;
}

describe('magneticDeclination', () => {
  it('gives a few degrees west in Scotland in 2026, from WMM-2025, as the package computes it', () => {
    const date = new Date('2026-06-01T00:00:00Z');
    const d = magneticDeclination(LON, LAT, date);
    assert.equal(d.model, 'WMM-2025');
    assert.equal(d.modelValid, true);
    assert.ok(d.declination < 0 && d.declination > -3, String(d.declination));
    assert.equal(d.declination, geomagnetism.model(date).point([LAT, LON]).decl);
    // The annual change is the model's own: the field a year on, within the same edition.
    const nextYear = geomagnetism.model(new Date('2027-06-01T00:00:00Z')).point([LAT, LON]).decl;
    assert.ok(Math.abs(d.annualChange - (nextYear - d.declination)) < 1e-3, `${d.annualChange} vs ${nextYear - d.declination}`);
    assert.ok(d.annualChange > 0.1 && d.annualChange < 0.35, 'moving east by a fifth of a degree a year');
  });

  it('picks the edition valid on the date', () => {
    assert.equal(magneticDeclination(LON, LAT, new Date('2022-03-01T00:00:00Z')).model, 'WMM-2020');
    assert.equal(magneticDeclination(LON, LAT, new Date('2016-03-01T00:00:00Z')).model, 'WMM-2015');
  });

  it('keeps the annual change within one edition across an edition change', () => {
    // Mid-2024 is WMM-2020's; a year later WMM-2025 takes over, but the change stays WMM-2020's secular variation.
    const d = magneticDeclination(LON, LAT, new Date('2024-06-01T00:00:00Z'));
    assert.equal(d.model, 'WMM-2020');
    const m = geomagnetism.model(new Date('2024-06-01T00:00:00Z'));
    const earlier = geomagnetism.model(new Date('2023-06-02T00:00:00Z')).point([LAT, LON]).decl;
    assert.ok(Math.abs(d.annualChange - (m.point([LAT, LON]).decl - earlier)) < 2e-3);
  });

  it('extrapolates the newest model outside every validity, quietly, and says so', () => {
    let later: ReturnType<typeof magneticDeclination> | undefined;
    let earlier: ReturnType<typeof magneticDeclination> | undefined;
    const logged = stderrOf(() => {
      later = magneticDeclination(LON, LAT, new Date('2035-01-01T00:00:00Z'));
      earlier = magneticDeclination(LON, LAT, new Date('2010-01-01T00:00:00Z'));
    });
    assert.deepEqual(logged, []);
    for (const d of [later!, earlier!]) {
      assert.equal(d.model, 'WMM-2025');
      assert.equal(d.modelValid, false);
      assert.ok(Number.isFinite(d.declination));
    }
    // Linear secular variation: 2035 lies (2035 − 2026.5) years of annual change past mid-2026.
    const mid2026 = magneticDeclination(LON, LAT, new Date('2026-07-02T12:00:00Z'));
    const expected = mid2026.declination + 8.5 * mid2026.annualChange;
    assert.ok(Math.abs(later!.declination - expected) < 0.05, `${later!.declination} vs ${expected}`);
  });
});

describe('northAngles', () => {
  it('gives the declination diagram values for a Scottish sheet in 2026', () => {
    const a = northAngles({ lon: LON, lat: LAT, zone: 30, date: new Date('2026-03-01T00:00:00Z') });
    assert.equal(a.gridConvergence, gridConvergence(LON, LAT, 30));
    assert.ok(Math.abs(a.gridConvergence - -1.98) < 0.01, String(a.gridConvergence));
    assert.ok(a.declination < 0 && a.declination > -3);
    assert.equal(a.gmAngle, a.declination - a.gridConvergence);
    // Magnetic north is less far west than grid north here: east of grid.
    assert.equal(a.magneticEastOfGrid, a.gmAngle > 0);
    assert.equal(a.magneticEastOfGrid, true);
    assert.equal(a.gmAngleRounded % 0.5, 0);
    assert.ok(Math.abs(a.gmAngleRounded - a.gmAngle) <= 0.25);
    assert.equal(a.gmMils % 10, 0);
    assert.ok(Math.abs(a.gmMils - (a.gmAngle * 6400) / 360) <= 5);
    assert.equal(a.model, 'WMM-2025');
    assert.equal(a.modelValid, true);
    assert.equal(a.year, 2026);
  });

  it('rounds the G–M angle to the step asked for, with its sign', () => {
    // Far west of the central meridian in the south, grid north swings east of true north.
    const a = northAngles({ lon: 140.2, lat: -37.5, zone: 55, date: new Date('2026-01-01T00:00:00Z'), rounding: 1 });
    assert.equal(a.gmAngleRounded, Math.round(a.gmAngle));
    assert.equal(a.magneticEastOfGrid, a.gmAngle > 0);
    assert.equal(Math.sign(a.gmMils), a.gmMils === 0 ? 0 : Math.sign(a.gmAngle));
    assert.ok(a.gridConvergence > 0);
  });
});

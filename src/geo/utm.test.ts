import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { centralMeridian, gridConvergence, pointScaleFactor, utmEpsg, utmZone } from './utm.js';

const rad = Math.PI / 180;

describe('utmZone', () => {
  it('gives the 6° zone of a point', () => {
    assert.equal(utmZone(-5.5, 56.5), 30);
    assert.equal(utmZone(-180, 0), 1);
    assert.equal(utmZone(-0.0001, 10), 30);
    assert.equal(utmZone(0, 10), 31);
    assert.equal(utmZone(179.9, -40), 60);
    assert.equal(utmZone(180, 0), 60);
    assert.equal(utmZone(-157.8, 21.3), 4);
    assert.equal(utmZone(183, 0), 1, 'longitudes fold into −180…180');
  });

  it('widens zone 32V over south-western Norway', () => {
    assert.equal(utmZone(5, 60), 32);
    assert.equal(utmZone(3, 56), 32);
    assert.equal(utmZone(2.99, 60), 31);
    assert.equal(utmZone(5, 55.99), 31);
    assert.equal(utmZone(5, 64), 31, 'band W keeps the regular zones');
    assert.equal(utmZone(11.9, 63.9), 32);
  });

  it('uses zones 31X, 33X, 35X and 37X around Svalbard', () => {
    assert.equal(utmZone(8.9, 78), 31);
    assert.equal(utmZone(9, 78), 33);
    assert.equal(utmZone(20.9, 78), 33);
    assert.equal(utmZone(21, 78), 35);
    assert.equal(utmZone(32.9, 78), 35);
    assert.equal(utmZone(33, 78), 37);
    assert.equal(utmZone(41.9, 78), 37);
    assert.equal(utmZone(42, 78), 38);
    assert.equal(utmZone(10, 71.99), 32, 'band W below 72°N is regular');
    assert.equal(utmZone(-5, 80), 30, 'west of Greenwich band X is regular');
  });

  it('refuses the polar (UPS) areas', () => {
    assert.throws(() => utmZone(0, 84.01), RangeError);
    assert.throws(() => utmZone(0, -80.01), RangeError);
    assert.throws(() => utmZone(0, Number.NaN), RangeError);
    assert.equal(utmZone(0, 84), 31);
    assert.equal(utmZone(0, -80), 31);
  });
});

describe('zone constants', () => {
  it('names WGS 84 / UTM EPSG codes and central meridians', () => {
    assert.equal(utmEpsg(30, false), 32630);
    assert.equal(utmEpsg(30, true), 32730);
    assert.equal(utmEpsg(1, false), 32601);
    assert.equal(centralMeridian(30), -3);
    assert.equal(centralMeridian(31), 3);
    assert.equal(centralMeridian(1), -177);
    assert.equal(centralMeridian(60), 177);
    assert.throws(() => utmEpsg(61, false), RangeError);
    assert.throws(() => centralMeridian(0), RangeError);
  });
});

describe('gridConvergence', () => {
  it('is about −2.08° at 56.5°N 5.5°W in zone 30 (grid north west of true north)', () => {
    const g = gridConvergence(-5.5, 56.5, 30);
    assert.ok(Math.abs(g - -2.085) < 0.005, String(g));
  });

  it('agrees with the closed formula γ = atan(tan Δλ · sin φ) within 0.005°', () => {
    for (const [lon, lat, zone] of [[-5.5, 56.5, 30], [-0.2, 56.5, 30], [10.9, 48, 32], [1, -33, 31], [177.5, -12, 60], [20, 78, 33]] as const) {
      const dl = (lon - centralMeridian(zone)) * rad;
      const expected = Math.atan(Math.tan(dl) * Math.sin(lat * rad)) / rad;
      const g = gridConvergence(lon, lat, zone);
      assert.ok(Math.abs(g - expected) < 0.005, `${lon} ${lat}: ${g} vs ${expected}`);
    }
  });

  it('vanishes on the central meridian and changes sign across it and across the equator', () => {
    assert.ok(Math.abs(gridConvergence(-3, 56.5, 30)) < 1e-6);
    assert.ok(gridConvergence(-1, 56.5, 30) > 0);
    assert.ok(gridConvergence(-5, 56.5, 30) < 0);
    assert.ok(gridConvergence(-1, -30, 30) < 0);
  });
});

describe('pointScaleFactor', () => {
  it('is 0.9996 on the central meridian and grows away from it', () => {
    assert.ok(Math.abs(pointScaleFactor(-3, 56.5, 30) - 0.9996) < 1e-6);
    // k ≈ k0 (1 + (Δλ cos φ)² / 2 · (1 + η²)) at the equator, Δλ = 3°: about 1.00097.
    const k = pointScaleFactor(0, 0, 31);
    assert.ok(Math.abs(k - 1.00097) < 2e-5, String(k));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mgrsPackage from 'mgrs';
import { gridZoneDesignation, latitudeBand, mgrsReference, squareIdentifier, squaresInEnvelope } from './mgrs.js';
import { utmForward, utmInverse } from './utm.js';

/** A small deterministic generator, so the cross-check visits the same points on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Splits `30VVH1234567890` into GZD + letters and the two digit groups. */
function parts(ref: string): { head: string; e: number; n: number } {
  const m = /^(\d{1,2}[C-X][A-Z]{2})(\d*)$/.exec(ref)!;
  const digits = m[2]!;
  return { head: m[1]!, e: Number(digits.slice(0, digits.length / 2)), n: Number(digits.slice(digits.length / 2)) };
}

describe('latitudeBand', () => {
  it('letters 8° bands C–X without I and O, X spanning 72°N–84°N', () => {
    assert.equal(latitudeBand(-80), 'C');
    assert.equal(latitudeBand(-72.01), 'C');
    assert.equal(latitudeBand(-72), 'D');
    assert.equal(latitudeBand(-0.01), 'M');
    assert.equal(latitudeBand(0), 'N');
    assert.equal(latitudeBand(8), 'P');
    assert.equal(latitudeBand(56.5), 'V');
    assert.equal(latitudeBand(71.99), 'W');
    assert.equal(latitudeBand(72), 'X');
    assert.equal(latitudeBand(84), 'X');
    assert.throws(() => latitudeBand(84.01), RangeError);
    assert.throws(() => latitudeBand(-80.01), RangeError);
  });

  it('makes grid zone designations with the Norway and Svalbard zones', () => {
    assert.equal(gridZoneDesignation(-5.5, 56.5), '30V');
    assert.equal(gridZoneDesignation(5, 60), '32V');
    assert.equal(gridZoneDesignation(10, 78), '33X');
    assert.equal(gridZoneDesignation(-157.8, 21.3), '4Q');
    assert.equal(gridZoneDesignation(151.2, -33.9), '56H');
  });
});

describe('squareIdentifier (AA)', () => {
  it('reads the 100 m reference 32U NA 915 120 of topographic-sheet.md §4', () => {
    // Zone 32 (set 2: columns J–R) column N is the fifth, 500–600 km; in an even zone row A sits
    // 5 rows up the cycle, at 1,500 km + k · 2,000 km, which is 5,500 km in band U.
    assert.equal(squareIdentifier(32, 591_500, 5_512_000), 'NA');
    const [lon, lat] = utmInverse(32, false)([591_550, 5_512_050]) as [number, number];
    assert.equal(mgrsReference(lon, lat, 3), '32UNA915120');
    assert.equal(mgrsReference(lon, lat, 0), '32UNA');
  });

  it('matches the mgrs package for points all over the world, Norway and Svalbard included', () => {
    const rnd = lcg(20260101);
    const points: [number, number][] = [];
    for (let i = 0; i < 3000; i++) points.push([rnd() * 360 - 180, rnd() * 164 - 80]);
    for (let i = 0; i < 200; i++) points.push([3 + rnd() * 9, 56 + rnd() * 8]);
    for (let i = 0; i < 200; i++) points.push([rnd() * 42, 72 + rnd() * 12]);
    for (const [lon, lat] of points) {
      const ours = parts(mgrsReference(lon, lat, 5));
      const theirs = parts(mgrsPackage.forward([lon, lat], 5));
      assert.equal(ours.head, theirs.head, `${lon} ${lat}`);
      // The package uses a truncated series for the projection: a metre apart at most.
      assert.ok(Math.abs(ours.e - theirs.e) <= 1 && Math.abs(ours.n - theirs.n) <= 1, `${lon} ${lat}: ${JSON.stringify([ours, theirs])}`);
    }
  });
});

describe('squareIdentifier (AL)', () => {
  // The AL scheme keeps the AA columns and shifts the row letters 10 places (1,000 km) along the
  // 20-letter cycle: on the equator odd zones start at L (AA: A) and even zones at R (AA: F).
  it('starts odd zones at L and even zones at R on the equator', () => {
    // Zone 31, set 1 (A–H): 500–600 km is column E; the first row north of the equator.
    assert.equal(squareIdentifier(31, 550_000, 50_000, 'AA'), 'EA');
    assert.equal(squareIdentifier(31, 550_000, 50_000, 'AL'), 'EL');
    // Zone 32, set 2 (J–R): 400–500 km is column M.
    assert.equal(squareIdentifier(32, 450_000, 50_000, 'AA'), 'MF');
    assert.equal(squareIdentifier(32, 450_000, 50_000, 'AL'), 'MR');
    // Just south of the equator (northing 9,950 km, row 99): AA V, AL K in odd zones.
    assert.equal(squareIdentifier(31, 550_000, 9_950_000, 'AA'), 'EV');
    assert.equal(squareIdentifier(31, 550_000, 9_950_000, 'AL'), 'EK');
  });

  it('is the AA lettering with rows moved 10 letters on, everywhere', () => {
    const rows = 'ABCDEFGHJKLMNPQRSTUV';
    const rnd = lcg(7);
    for (let i = 0; i < 500; i++) {
      const zone = 1 + Math.floor(rnd() * 60), e = 150_000 + rnd() * 700_000, n = rnd() * 9_300_000;
      const aa = squareIdentifier(zone, e, n, 'AA'), al = squareIdentifier(zone, e, n, 'AL');
      assert.equal(al[0], aa[0]);
      assert.equal(al[1], rows[(rows.indexOf(aa[1]!) + 10) % 20]);
    }
  });
});

describe('mgrsReference', () => {
  it('truncates, never rounds', () => {
    const [lon, lat] = utmInverse(30, false)([512_399.9, 6_269_999.7]) as [number, number];
    const ref5 = mgrsReference(lon, lat, 5);
    assert.match(ref5, /^30V[A-Z]{2}1239969999$/);
    assert.equal(mgrsReference(lon, lat, 3).slice(5), '123699');
    assert.equal(mgrsReference(lon, lat, 2).slice(5), '1269');
    assert.equal(mgrsReference(lon, lat, 1).slice(5), '16');
    assert.equal(ref5.slice(0, 5), mgrsPackage.forward([lon, lat], 0));
  });

  it('refuses bad digit counts and polar points', () => {
    assert.throws(() => mgrsReference(0, 0, 6), RangeError);
    assert.throws(() => mgrsReference(0, 85, 5), RangeError);
  });
});

describe('squaresInEnvelope', () => {
  it('lists the squares covering an envelope, with their bounds and letters', () => {
    const squares = squaresInEnvelope(30, false, { xmin: 350_000, ymin: 6_250_000, xmax: 450_000, ymax: 6_290_000 });
    assert.deepEqual(squares.map((s) => [s.xmin, s.ymin, s.xmax, s.ymax]), [
      [300_000, 6_200_000, 400_000, 6_300_000],
      [400_000, 6_200_000, 500_000, 6_300_000],
    ]);
    const inv = utmInverse(30, false);
    for (const s of squares) {
      const centre = inv([(s.xmin + s.xmax) / 2, (s.ymin + s.ymax) / 2]) as [number, number];
      assert.equal(s.letters, mgrsPackage.forward(centre, 0).slice(3));
    }
  });

  it('names squares south of the equator the same from either hemisphere CRS', () => {
    const north = squaresInEnvelope(31, false, { xmin: 410_000, ymin: -150_000, xmax: 480_000, ymax: 20_000 });
    const south = squaresInEnvelope(31, true, { xmin: 410_000, ymin: 9_850_000, xmax: 480_000, ymax: 10_020_000 });
    assert.deepEqual(north.map((s) => s.letters), south.map((s) => s.letters));
    const fwd = utmForward(31, true);
    const inv = utmInverse(31, true);
    const below = south.find((s) => s.ymax <= 10_000_000)!;
    const centre = inv([(below.xmin + below.xmax) / 2, (below.ymin + below.ymax) / 2]) as [number, number];
    assert.ok(fwd(centre)[1]! < 10_000_000);
    assert.equal(below.letters, mgrsPackage.forward(centre, 0).slice(3));
  });
});

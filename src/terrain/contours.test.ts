import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cleanContours, lineLength, traceContours, type ContourLine } from './contours.js';
import { sampleGrid, type DemGrid } from './dem-grid.js';

/** A grid whose cell (c, r) holds f(x, y) at its centre. */
function gridOf(width: number, height: number, cell: number, f: (x: number, y: number) => number, x0 = 1000, y0 = 5000): DemGrid {
  const z = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) z[r * width + c] = f(x0 + c * cell, y0 - r * cell);
  return { z, width, height, x0, y0, cell };
}

/** A smooth multi-scale surface (sums of oblique waves, computed separably), scaled to 0–`relief`. */
function waveSurface(width: number, height: number, cell: number, relief = 1000): DemGrid {
  const z = new Float64Array(width * height);
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const colS = new Float64Array(width), colC = new Float64Array(width), rowS = new Float64Array(height), rowC = new Float64Array(height);
  for (let octave = 0; octave < 7; octave++) {
    for (let w = 0; w < 3; w++) {
      const f = ((2 * Math.PI) / 8000) * 2 ** octave, dir = rnd() * 2 * Math.PI, phase = rnd() * 7, amp = 1 / 2 ** octave;
      const a = f * Math.cos(dir), b = f * Math.sin(dir);
      // sin(a·x + b·y + p) = sin(a·x)·cos(b·y + p) + cos(a·x)·sin(b·y + p)
      for (let c = 0; c < width; c++) { colS[c] = Math.sin(a * c * cell); colC[c] = Math.cos(a * c * cell); }
      for (let r = 0; r < height; r++) { rowS[r] = Math.sin(-b * r * cell + phase); rowC[r] = Math.cos(-b * r * cell + phase); }
      for (let r = 0; r < height; r++) {
        const cs = rowC[r]! * amp, sn = rowS[r]! * amp;
        for (let c = 0; c < width; c++) z[r * width + c]! += colS[c]! * cs + colC[c]! * sn;
      }
    }
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of z) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const out = new Float32Array(width * height);
  for (let i = 0; i < z.length; i++) out[i] = ((z[i]! - lo) / (hi - lo)) * relief;
  return { z: out, width, height, x0: 500_000, y0: 4_000_000, cell };
}

/** Fraction of segments with higher ground (bilinear) a little to their right than to their left. */
function rightIsHigher(grid: DemGrid, lines: readonly ContourLine[], offset: number): number {
  let good = 0, all = 0;
  for (const l of lines) {
    const c = l.coords;
    for (let i = 0; i + 3 < c.length; i += 2) {
      const dx = c[i + 2]! - c[i]!, dy = c[i + 3]! - c[i + 1]!, len = Math.hypot(dx, dy);
      if (len < grid.cell * 0.05) continue;
      const mx = (c[i]! + c[i + 2]!) / 2, my = (c[i + 1]! + c[i + 3]!) / 2;
      const nx = (dy / len) * offset, ny = (-dx / len) * offset; // right-hand normal, y north
      const right = sampleGrid(grid, mx + nx, my + ny), left = sampleGrid(grid, mx - nx, my - ny);
      if (!(right === right && left === left)) continue;
      all++;
      if (right > left) good++;
    }
  }
  return good / all;
}

/** Distance from a point to segment i (the segment from point i/2 to the next) of a polyline. */
function segmentDistance(x: number, y: number, c: ArrayLike<number>, i: number): number {
  const ax = c[i]!, ay = c[i + 1]!, dx = c[i + 2]! - ax, dy = c[i + 3]! - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(ax + t * dx - x, ay + t * dy - y);
}

/**
 * Whether every point of `line` lies within `tolerance` of the polyline `original`. Points keep
 * their order along the line, so the search for each starts at the segment the last one matched.
 */
function staysNear(line: ArrayLike<number>, original: ArrayLike<number>, tolerance: number): boolean {
  const segments = original.length / 2 - 1;
  let at = 0;
  for (let j = 0; j < line.length; j += 2) {
    let k = 0;
    while (k < segments && segmentDistance(line[j]!, line[j + 1]!, original, ((at + k) % segments) * 2) > tolerance) k++;
    if (k === segments) return false;
    at = (at + k) % segments;
  }
  return true;
}

const onBorder = (grid: DemGrid, x: number, y: number) => {
  const col = (x - grid.x0) / grid.cell, row = (grid.y0 - y) / grid.cell, e = 1e-6;
  return col < e || row < e || col > grid.width - 1 - e || row > grid.height - 1 - e;
};

// A cone 1000 m high falling 0.5 m per metre from the centre of an 81 × 81 grid of 10 m cells.
const CX = 1400, CY = 4600;
const cone = gridOf(81, 81, 10, (x, y) => 1000 - 0.5 * Math.hypot(x - CX, y - CY));
const pit = gridOf(81, 81, 10, (x, y) => 0.5 * Math.hypot(x - CX, y - CY));

describe('traceContours', () => {
  it('draws a cone as circles of the right radius, clockwise, with index contours every fifth', () => {
    const lines = traceContours(cone, { interval: 20 });
    // Levels from 1000 − 0.5·400·√2 ≈ 717 up: closed circles for radius < 400 (levels above 800).
    const circles = lines.filter((l) => l.closed);
    assert.deepEqual(circles.map((l) => l.elevation).sort((a, b) => a - b), [820, 840, 860, 880, 900, 920, 940, 960, 980]);
    for (const l of circles) {
      const radius = (1000 - l.elevation) / 0.5;
      for (let i = 0; i < l.coords.length; i += 2) {
        assert.ok(Math.abs(Math.hypot(l.coords[i]! - CX, l.coords[i + 1]! - CY) - radius) < 0.6, `level ${l.elevation}`);
      }
      assert.equal(l.coords[0], l.coords.at(-2));
      assert.equal(l.depression, false);
      assert.equal(l.index, l.elevation % 100 === 0);
      assert.equal(l.supplementary, false);
    }
    // Corner arcs (levels 720–800) run open from one grid edge to another.
    const open = lines.filter((l) => !l.closed);
    assert.ok(open.length >= 4 * 4);
    for (const l of open) assert.ok(onBorder(cone, l.coords[0]!, l.coords[1]!) && onBorder(cone, l.coords.at(-2)!, l.coords.at(-1)!));
    assert.equal(rightIsHigher(cone, lines, 2), 1);
  });

  it('marks the rings of a pit as depressions and keeps higher ground on their right', () => {
    // Rings of radius < 400 m (the 200 m ring just touches the grid's edge midpoints).
    const lines = traceContours(pit, { interval: 20 }).filter((l) => l.closed && l.elevation < 200);
    assert.deepEqual(lines.map((l) => l.elevation).sort((a, b) => a - b), [20, 40, 60, 80, 100, 120, 140, 160, 180]);
    for (const l of lines) assert.equal(l.depression, true);
    assert.equal(rightIsHigher(pit, lines, 2), 1);
  });

  it('runs contours of an eastward ramp northwards, and counts index contours from the base', () => {
    const ramp = gridOf(30, 20, 10, (x) => (x - 1000) * 0.5 + 3); // 3 … 148 m
    const lines = traceContours(ramp, { interval: 10, base: 5, indexEvery: 4 });
    assert.deepEqual(lines.map((l) => l.elevation).sort((a, b) => a - b), [5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115, 125, 135, 145]);
    for (const l of lines) {
      assert.equal(l.closed, false);
      assert.equal(l.index, (l.elevation - 5) % 40 === 0);
      assert.ok(l.coords[1]! < l.coords.at(-1)!, 'goes north');
      for (let i = 0; i < l.coords.length; i += 2) assert.ok(Math.abs(l.coords[i]! - (1000 + (l.elevation - 3) / 0.5)) < 1e-6);
    }
  });

  it('stops at no-data and never crosses a hole', () => {
    // Hole: columns 10–14, rows 5–9 of a ramp rising east.
    const ramp = gridOf(30, 20, 10, (x) => (x - 1000) * 0.5);
    for (let r = 5; r <= 9; r++) for (let c = 10; c <= 14; c++) ramp.z[r * 30 + c] = NaN;
    const lines = traceContours(ramp, { interval: 5 });
    // Squares touching a no-data corner are skipped: nothing strictly inside columns 9–15, rows 4–10.
    const inside = (x: number, y: number) => x > 1090 + 1e-9 && x < 1150 - 1e-9 && y < 4960 - 1e-9 && y > 4900 + 1e-9;
    for (const l of lines) for (let i = 0; i < l.coords.length; i += 2) assert.ok(!inside(l.coords[i]!, l.coords[i + 1]!));
    // Levels whose line would pass the hole's columns come in two pieces, one either side of it.
    for (const level of [50, 55, 60, 65, 70]) {
      const pieces = lines.filter((l) => l.elevation === level);
      assert.equal(pieces.length, 2, `level ${level}`);
      for (const p of pieces) for (let i = 0; i + 3 < p.coords.length; i += 2) assert.ok(Math.abs(p.coords[i + 3]! - p.coords[i + 1]!) <= 10 + 1e-9);
    }
    assert.equal(lines.filter((l) => l.elevation === 20).length, 1);
  });

  it('traces nothing on a flat plane, even one exactly at a contour level', () => {
    assert.equal(traceContours(gridOf(10, 10, 10, () => 100), { interval: 20 }).length, 0);
    const holed = gridOf(10, 10, 10, () => 37);
    holed.z[44] = NaN;
    assert.equal(traceContours(holed, { interval: 5 }).length, 0);
  });

  it('resolves saddles consistently: every line is whole and contours of a level never cross', () => {
    // z = x·y around the centre: a saddle, with levels passing exactly through it.
    const saddle = gridOf(41, 41, 1, (x, y) => (x - 1020) * (y - 4980), 1000, 5000);
    const lines = traceContours(saddle, { interval: 20 });
    for (const l of lines) {
      if (l.closed) continue;
      assert.ok(onBorder(saddle, l.coords[0]!, l.coords[1]!) && onBorder(saddle, l.coords.at(-2)!, l.coords.at(-1)!));
    }
    assert.ok(rightIsHigher(saddle, lines, 0.2) > 0.99);
  });

  it('joins every line of a rough surface whole, with higher ground on the right', () => {
    const grid = waveSurface(200, 150, 25);
    // A no-data hole in the middle too.
    for (let r = 60; r < 80; r++) for (let c = 90; c < 120; c++) grid.z[r * 200 + c] = NaN;
    const lines = traceContours(grid, { interval: 20 });
    const nearData = (x: number, y: number) => {
      const c = Math.round((x - grid.x0) / grid.cell), r = Math.round((grid.y0 - y) / grid.cell);
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) if (Number.isNaN(grid.z[(r + dr) * 200 + c + dc])) return true;
      return false;
    };
    for (const l of lines) {
      if (l.closed) { assert.equal(l.coords[0], l.coords.at(-2)); assert.equal(l.coords[1], l.coords.at(-1)); continue; }
      for (const [x, y] of [[l.coords[0]!, l.coords[1]!], [l.coords.at(-2)!, l.coords.at(-1)!]] as const) assert.ok(onBorder(grid, x, y) || nearData(x, y), 'ends at an edge or a hole');
    }
    assert.ok(rightIsHigher(grid, lines, grid.cell * 0.2) > 0.97);
    // Rings around lower ground are the depressions: the grid's lowest point inside a ring makes it one.
    const hills = lines.filter((l) => l.closed && !l.depression), pits = lines.filter((l) => l.depression);
    assert.ok(hills.length > 0 && pits.length > 0);
  });

  it('adds supplementary half-interval contours only where ordinary ones are far apart', () => {
    // West of x = 3000 the ground rises 1 m per 100 m (20 m contours 2 km apart); east of it, 1 m per 5 m.
    const f = (x: number) => (x < 3000 ? (x - 1000) * 0.01 : 20 + (x - 3000) * 0.2);
    const grid = gridOf(200, 40, 25, (x) => f(x));
    const lines = traceContours(grid, { interval: 20, supplementary: true, flatSpacing: 500 });
    const supp = lines.filter((l) => l.supplementary);
    assert.ok(supp.length > 0);
    for (const l of supp) {
      assert.equal((l.elevation - 10) % 20, 0);
      assert.equal(l.index, false);
      for (let i = 0; i < l.coords.length; i += 2) assert.ok(l.coords[i]! < 3000, 'flat ground only');
    }
    // The ordinary contours are all still there, none flagged.
    assert.deepEqual(lines.filter((l) => !l.supplementary).map((l) => l.elevation).sort((a, b) => a - b), Array.from({ length: (1000 - 20) / 20 + 1 }, (_, i) => 20 + i * 20).filter((v) => v <= f(1000 + 199 * 25)));
    // Without the option there are none.
    assert.equal(traceContours(grid, { interval: 20 }).filter((l) => l.supplementary).length, 0);
  });

  it('traces a 1:50,000 sheet’s DEM (1,100 × 650 cells of 25 m, 0–1,000 m at 20 m)', () => {
    // About 28 km × 16 km: some 2,000 lines and 280,000 points, traced in a fraction of a second
    // (cleaning them at 1:50,000 takes a few hundred milliseconds more). Timing is not asserted.
    const grid = waveSurface(1100, 650, 25);
    const lines = traceContours(grid, { interval: 20 });
    assert.ok(lines.length > 1000);
    // Every level from 20 to 980 m (the summit is exactly 1,000 m, a single point).
    assert.deepEqual([...new Set(lines.map((l) => l.elevation))].sort((a, b) => a - b), Array.from({ length: 49 }, (_, i) => 20 + 20 * i));
  });
});

describe('cleanContours', () => {
  const rough = waveSurface(100, 80, 25);
  const traced = traceContours(rough, { interval: 10 });

  it('smooths within the tolerance and thins the points', () => {
    const tolerance = 8;
    const clean = cleanContours(traced, { smoothTolerance: tolerance, minLength: 0, crowdingDistance: 0 });
    assert.equal(clean.length, traced.length);
    let before = 0, after = 0;
    clean.forEach((l, i) => {
      const original = traced[i]!;
      assert.equal(l.elevation, original.elevation);
      before += original.coords.length; after += l.coords.length;
      assert.ok(staysNear(l.coords, original.coords, tolerance + 1e-9), `level ${l.elevation}`);
      if (!original.closed) {
        // Open lines keep their ends on the edge of the data.
        assert.deepEqual([l.coords[0], l.coords[1], l.coords.at(-2), l.coords.at(-1)], [original.coords[0], original.coords[1], original.coords.at(-2), original.coords.at(-1)]);
      } else assert.deepEqual([l.coords[0], l.coords[1]], [l.coords.at(-2), l.coords.at(-1)]);
    });
    assert.ok(after < before * 0.7, `${after} of ${before}`);
    // Smoothing keeps the orientation, so higher ground stays on the right.
    assert.ok(rightIsHigher(rough, clean, rough.cell * 0.5) > 0.95);
  });

  it('drops closed contours shorter than the minimum length, never open ones', () => {
    const minLength = 400;
    const clean = cleanContours(traced, { smoothTolerance: 0, minLength, crowdingDistance: 0 });
    const short = traced.filter((l) => l.closed && lineLength(l.coords) < minLength);
    assert.ok(short.length > 0);
    assert.equal(clean.length, traced.length - short.length);
    for (const l of clean) assert.ok(!l.closed || lineLength(l.coords) >= minLength);
    assert.equal(clean.filter((l) => !l.closed).length, traced.filter((l) => !l.closed).length);
  });

  it('interrupts crowded intermediate contours and keeps index contours whole', () => {
    // Rising east: gently (20 m contours 100 m apart) west of x = 2000, steeply (10 m apart) east of it.
    const grid = gridOf(120, 30, 25, (x) => (x < 2000 ? (x - 1000) * 0.2 : 200 + (x - 2000) * 2));
    const lines = traceContours(grid, { interval: 20 });
    const clean = cleanContours(lines, { smoothTolerance: 0, minLength: 0, crowdingDistance: 15 });
    const index = (ls: ContourLine[]) => ls.filter((l) => l.index).map((l) => [l.elevation, l.coords.length]);
    assert.deepEqual(index(clean), index(lines));
    const intermediate = clean.filter((l) => !l.index);
    // Every intermediate contour of the gentle part survives untouched; none of the steep part does.
    assert.deepEqual(intermediate.map((l) => l.elevation).sort((a, b) => a - b), [20, 40, 60, 80, 120, 140, 160, 180]);
    for (const l of intermediate) assert.equal(l.coords.length, lines.find((o) => o.elevation === l.elevation)!.coords.length);
  });

  it('cuts a ring where it crowds a contour of another elevation, never one of its own', () => {
    // A ring of radius 100 round the origin, an index contour 5 m east of it and a contour of the
    // ring's own elevation 5 m west of it.
    const ring = (start: number): ContourLine => {
      const coords = new Float64Array(2 * 361);
      for (let i = 0; i <= 360; i++) { const a = ((start - i) * Math.PI) / 180; coords[i * 2] = 100 * Math.cos(a); coords[i * 2 + 1] = 100 * Math.sin(a); }
      coords[720] = coords[0]!; coords[721] = coords[1]!;
      return { elevation: 30, index: false, supplementary: false, closed: true, depression: false, coords };
    };
    const straight = (x: number, elevation: number, index: boolean): ContourLine => ({ elevation, index, supplementary: false, closed: false, depression: false, coords: Float64Array.of(x, -200, x, 200) });
    const neighbours = [straight(105, 40, true), straight(-105, 30, false)];
    // Points of the ring within 12 m of x = 105: x > 93, an arc of 2·acos(0.93) radians.
    const expected = 2 * Math.PI * 100 - 2 * Math.acos(0.93) * 100;
    for (const start of [0, 180, 10]) {
      const clean = cleanContours([ring(start), ...neighbours], { smoothTolerance: 0, minLength: 0, crowdingDistance: 12 });
      const pieces = clean.filter((l) => l.elevation === 30 && l.coords.length > 4);
      assert.equal(pieces.length, 1, `start ${start}°`);
      const [piece] = pieces;
      assert.equal(piece!.closed, false);
      assert.ok(Math.abs(lineLength(piece!.coords) - expected) < 8, `start ${start}°: ${lineLength(piece!.coords)} vs ${expected}`);
      for (let i = 0; i < piece!.coords.length; i += 2) assert.ok(piece!.coords[i]! < 93.5);
      // The index contour and the same-elevation neighbour are untouched.
      assert.deepEqual(clean.filter((l) => l.coords.length === 4), neighbours);
    }
  });
});

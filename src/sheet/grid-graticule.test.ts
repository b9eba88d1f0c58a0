import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import mgrsPackage from 'mgrs';
import proj4 from 'proj4';
import type { DisplayItem, PathItem, TextItem } from '../carto/display-list.js';
import { lookupEpsg } from '../geo/spatial-reference.js';
import { gridConvergence, utmZone } from '../geo/utm.js';
import { renderPng } from '../render/render-png.js';
import { buildGridGraticule, formatDegreesMinutes, type CollarLabel, type GridGraticuleOptions } from './grid-graticule.js';
import { mm, PALETTE, PageText } from './page-drawing.js';
import type { LonLatBounds, SheetFrame } from './sheet-frame.js';

const MARGIN = mm(30);

/** WGS 84 ↔ UTM of a zone with proj4 directly, independent of the code under test. */
function utm(zone: number, south = false) {
  return proj4('EPSG:4326', lookupEpsg((south ? 32700 : 32600) + zone)!.proj4);
}

/** The page transform of a frame: the map turned `rotation`° counter-clockwise about (cx, cy), at `scale`, y down. */
function placement(neatline: number[][], cx: number, cy: number, rotation: number, scale: number) {
  const k = 72 / 0.0254 / scale, t = (rotation * Math.PI) / 180, cos = Math.cos(t), sin = Math.sin(t);
  const raw = (x: number, y: number): [number, number] => [k * ((x - cx) * cos - (y - cy) * sin), -k * ((x - cx) * sin + (y - cy) * cos)];
  const pts = neatline.map((p) => raw(p[0]!, p[1]!));
  const x0 = Math.min(...pts.map((p) => p[0])), y0 = Math.min(...pts.map((p) => p[1]));
  const x1 = Math.max(...pts.map((p) => p[0])), y1 = Math.max(...pts.map((p) => p[1]));
  const ox = MARGIN - x0, oy = MARGIN - y0;
  return {
    toPage: (x: number, y: number): [number, number] => { const [u, v] = raw(x, y); return [u + ox, v + oy]; },
    toMap: (px: number, py: number): [number, number] => { const u = (px - ox) / k, v = -(py - oy) / k; return [cx + u * cos + v * sin, cy - u * sin + v * cos]; },
    box: { x: MARGIN, y: MARGIN, width: x1 - x0, height: y1 - y0 },
  };
}

/** A standard sheet's frame, turned so that its central meridian is vertical. */
function standardFrame(b: LonLatBounds, scale: number): SheetFrame {
  const cLon = (b.west + b.east) / 2, cLat = (b.south + b.north) / 2;
  const zone = utmZone(cLon, cLat), epsg = 32600 + zone, fwd = utm(zone);
  const ll: [number, number][] = [];
  const n = 32;
  for (let i = 0; i < n; i++) ll.push([b.west + ((b.east - b.west) * i) / n, b.south]);
  for (let i = 0; i < n; i++) ll.push([b.east, b.south + ((b.north - b.south) * i) / n]);
  for (let i = 0; i < n; i++) ll.push([b.east - ((b.east - b.west) * i) / n, b.north]);
  for (let i = 0; i < n; i++) ll.push([b.west, b.north - ((b.north - b.south) * i) / n]);
  ll.push(ll[0]!);
  const neatline = ll.map((p) => fwd.forward(p));
  const rotation = -gridConvergence(cLon, cLat, zone);
  const [cx, cy] = fwd.forward([cLon, cLat]);
  return {
    spatialReference: { wkid: epsg }, epsg, zone, south: false, scale, rotation, neatline, bounds: b,
    corners: [[b.west, b.south], [b.east, b.south], [b.east, b.north], [b.west, b.north]],
    ...placement(neatline, cx!, cy!, rotation, scale),
  };
}

const TM50: GridGraticuleOptions = { gridInterval: 1000, tickMinutes: 1, crossMinutes: 5, labelStyle: 'principal', adjacentZone: 'ticks' };
/** 56°30′–56°45′N, 5°30′–5°15′W: a 1:50,000 sheet of the west Highlands, zone 30. */
const SHEET: LonLatBounds = { west: -5.5, south: 56.5, east: -5.25, north: 56.75 };
const text = new PageText();

const paths = (items: DisplayItem[]) => items.filter((i): i is PathItem => i.kind === 'path');
const texts = (items: DisplayItem[]) => items.filter((i): i is TextItem => i.kind === 'text');
/** Each part of a path item as its points. */
function partsOf(p: PathItem): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < p.offsets.length; i++) out.push([...p.coords.subarray(p.offsets[i]! * 2, p.offsets[i + 1]! * 2)]);
  return out;
}
const length = (part: number[]) => Math.hypot(part[2]! - part[0]!, part[3]! - part[1]!);
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

/** Distance of a label box from the neatline box; 0 or negative when it reaches into it. */
function outsideBy(l: CollarLabel, box: SheetFrame['box']): { clear: boolean; reach: number } {
  const [x0, y0, x1, , , y1] = l.box as [number, number, number, number, number, number];
  const right = box.x + box.width, bottom = box.y + box.height;
  const clear = x1 <= box.x || x0 >= right || y1 <= box.y || y0 >= bottom;
  const reach = Math.max(box.x - x0, x1 - right, box.y - y0, y1 - bottom);
  return { clear, reach };
}

/** Whether two axis-aligned label boxes overlap. */
function overlap(a: number[], b: number[]): boolean {
  return a[0]! < b[2]! && b[0]! < a[2]! && a[1]! < b[5]! && b[1]! < a[5]!;
}

describe('buildGridGraticule on a 15′ sheet at 1:50,000', () => {
  const frame = standardFrame(SHEET, 50_000);
  const g = buildGridGraticule(frame, text, TM50);
  const fwd = utm(30);
  // The sheet lies west of the central meridian, so its extreme eastings and northings are at its corners.
  const cornerUtm = frame.corners.map((c) => fwd.forward(c as [number, number]));
  const xs = cornerUtm.map((p) => p[0]!), ys = cornerUtm.map((p) => p[1]!);
  const eastings: number[] = [], northings: number[] = [];
  for (let e = Math.ceil(Math.min(...xs) / 1000) * 1000; e < Math.max(...xs); e += 1000) eastings.push(e);
  for (let n = Math.ceil(Math.min(...ys) / 1000) * 1000; n < Math.max(...ys); n += 1000) northings.push(n);

  it('draws one 0.1 mm line for every 1 km easting and northing on the sheet', () => {
    // 6,264,000 m N only clips the south-east corner, by a metre or two: drawn, too short to label.
    assert.deepEqual([eastings.length, northings.length], [16, 29]);
    const grid = paths(g.inside).find((p) => near(p.stroke!.width, mm(0.1), 1e-9) && partsOf(p).some((q) => length(q) > mm(100)))!;
    assert.equal(partsOf(grid).length, eastings.length + northings.length);
    // No 100 km boundary crosses this sheet, so nothing is drawn 0.2 mm inside it.
    assert.ok(!paths(g.inside).some((p) => near(p.stroke!.width, mm(0.2), 1e-9)));
  });

  it('labels grid lines with their principal digits, full values on the first line in from each corner', () => {
    const grid = g.labels.filter((l) => l.kind === 'easting' || l.kind === 'northing');
    for (const l of grid) {
      const axis = l.kind === 'easting' ? 'E' : 'N';
      if (l.full) assert.equal(l.text, `${l.value}m${axis}`);
      else assert.equal(l.text, String(Math.floor(l.value / 1000) % 100).padStart(2, '0'));
      assert.ok((l.kind === 'easting' ? eastings : northings).includes(l.value));
    }
    for (const side of ['bottom', 'top', 'left', 'right'] as const) {
      const horizontal = side === 'top' || side === 'bottom';
      const along = grid.filter((l) => l.side === side).sort((a, b) => (horizontal ? a.box[0]! - b.box[0]! : b.box[1]! - a.box[1]!));
      assert.ok(along.length >= 14, `${side}: ${along.length}`);
      assert.ok(along[0]!.full && along.at(-1)!.full, side);
      assert.equal(along.filter((l) => l.full).length, 2, side);
    }
    // Every easting is labelled at the top or the bottom; every northing at the left or the right,
    // but for lines that only clip a corner (less than 100 m inside the extreme corner).
    const labelled = (kind: string) => [...new Set(grid.filter((l) => l.kind === kind).map((l) => l.value))].sort();
    const clear = (values: number[], lo: number, hi: number) => values.filter((v) => v > lo + 100 && v < hi - 100);
    assert.deepEqual(labelled('easting'), clear(eastings, Math.min(...xs), Math.max(...xs)));
    assert.deepEqual(labelled('northing'), clear(northings, Math.min(...ys), Math.max(...ys)));
  });

  it('sets each easting label centred on its line where the line leaves the bottom of the frame', () => {
    const bottom = frame.box.y + frame.box.height;
    for (const l of g.labels.filter((q) => q.kind === 'easting' && q.side === 'bottom' && !q.full)) {
      // Where the easting meets the south edge (the parallel 56°30′), found by bisection with proj4.
      let lo = SHEET.west, hi = SHEET.east;
      for (let i = 0; i < 60; i++) { const mid = (lo + hi) / 2; if (fwd.forward([mid, SHEET.south])[0]! < l.value) lo = mid; else hi = mid; }
      const [px, py] = frame.toPage(...(fwd.forward([lo, SHEET.south]) as [number, number]));
      assert.ok(near(py, bottom, 0.5));
      assert.ok(near((l.box[0]! + l.box[2]!) / 2, px, 0.3), `${l.text}: ${(l.box[0]! + l.box[2]!) / 2} vs ${px}`);
    }
  });

  it('prints the corners in degrees and minutes with hemisphere', () => {
    const corners = g.labels.filter((l) => l.kind === 'corner').map((l) => l.text).sort();
    assert.deepEqual(corners, ['5°15′W', '5°15′W', '5°30′W', '5°30′W', '56°30′N', '56°30′N', '56°45′N', '56°45′N'].sort());
    assert.equal(formatDegreesMinutes(-33.5125, true), '33°30′45″S');
    assert.equal(formatDegreesMinutes(8.5, false), '8°30′E');
  });

  it('ticks the neatline every minute, 2 mm outward, and labels every 5′', () => {
    const ticks = paths(g.collar).filter((p) => partsOf(p).length && partsOf(p).every((q) => near(length(q), mm(2), 1e-6)));
    assert.equal(ticks.length, 1);
    // 14 inner meridians meet the top and bottom, 14 inner parallels the left and right.
    assert.equal(partsOf(ticks[0]!).length, 56);
    for (const part of partsOf(ticks[0]!)) {
      const [x0, y0, x1, y1] = part as [number, number, number, number];
      const box = frame.box;
      const outward = (x1 - x0) * (x0 - (box.x + box.width / 2)) + (y1 - y0) * (y0 - (box.y + box.height / 2));
      assert.ok(outward > 0, 'ticks point away from the frame');
    }
    const minutes = g.labels.filter((l) => l.kind === 'minutes').map((l) => `${l.side}:${l.text}`).sort();
    assert.deepEqual(minutes, ['bottom:20′', 'bottom:25′', 'left:35′', 'left:40′', 'right:35′', 'right:40′', 'top:20′', 'top:25′']);
  });

  it('draws 6 mm crosses where the 5′ meridians and parallels meet inside the frame', () => {
    const crosses = paths(g.inside).filter((p) => partsOf(p).every((q) => near(length(q), mm(6), 1e-6)));
    assert.equal(crosses.length, 1);
    assert.equal(partsOf(crosses[0]!).length, 8);
    const centre = partsOf(crosses[0]!)[0]!;
    const [mx, my] = [(centre[0]! + centre[2]!) / 2, (centre[1]! + centre[3]!) / 2];
    const [lon, lat] = fwd.inverse(frame.toMap(mx, my));
    assert.ok(near(lon! * 60, Math.round(lon! * 12) * 5, 1e-6) && near(lat! * 60, Math.round(lat! * 12) * 5, 1e-6));
  });

  it('keeps collar labels apart and outside the neatline, close to it', () => {
    assert.equal(g.labelBoxes.length, g.labels.length);
    for (let i = 0; i < g.labelBoxes.length; i++) {
      for (let j = i + 1; j < g.labelBoxes.length; j++) {
        assert.ok(!overlap(g.labelBoxes[i]!, g.labelBoxes[j]!), `${g.labels[i]!.text} overlaps ${g.labels[j]!.text}`);
      }
    }
    for (const l of g.labels) {
      const { clear, reach } = outsideBy(l, frame.box);
      assert.ok(clear, `${l.text} reaches into the frame`);
      // Full northings are the widest labels; everything else stays within 12 mm.
      const limit = l.kind === 'northing' && l.full ? mm(16) : mm(12);
      assert.ok(reach <= limit, `${l.text} reaches ${reach / mm(1)} mm out`);
    }
  });

  it('sets type the size of a 1:50,000 collar, in DejaVu Sans, upright', () => {
    const items = texts(g.collar);
    const sizes = new Set(items.map((t) => t.font.size));
    assert.ok(sizes.has(9) && sizes.has(6));
    assert.ok(items.every((t) => t.font.family === 'DejaVu Sans' && t.angle === 0));
    assert.equal(items.find((t) => t.text === '347' || t.text === '47')?.font.size, 9);
  });

  it('names the grid in the note', () => {
    assert.equal(g.gridNote, '1,000 METRE UTM GRID, ZONE 30');
    assert.equal(g.adjacentZoneNote, null);
    assert.deepEqual(g.zones, [30]);
  });

  it('rasterizes black grid lines and neatline where they fall on the page', async () => {
    const zoom = 8, size = 120;
    // A point on the easting 355 km line halfway up the sheet, and one on the west neatline.
    const midN = (ys[0]! + ys[3]!) / 2;
    const onLine = frame.toPage(355_000, midN);
    const onNeatline = frame.toPage(...(fwd.forward([SHEET.west, 56.625]) as [number, number]));
    for (const [x, y] of [onLine, onNeatline]) {
      const png = await renderPng({
        width: size, height: size, dpi: 72 * zoom, background: [255, 255, 255, 255],
        items: [{ kind: 'group', transform: [zoom, 0, 0, zoom, size / 2 - x * zoom, size / 2 - y * zoom], items: [...g.inside, ...g.collar] }],
      }, { mode: 'png32' });
      const img = await loadImage(png);
      const ctx = createCanvas(size, size).getContext('2d');
      ctx.drawImage(img, 0, 0);
      const at = (px: number, py: number) => ctx.getImageData(px, py, 1, 1).data;
      const centre = at(size / 2, size / 2);
      assert.ok(centre[0]! < 100 && centre[3] === 255, `dark on the line: ${[...centre]}`);
      // 1 mm to the side (about 23 px at this zoom) the page is white again.
      const side = at(size / 2 + 22, size / 2);
      assert.ok(side[0]! > 240, `white beside the line: ${[...side]}`);
    }
  });

  it('builds the whole grid of a TM50 sheet in well under 150 ms', () => {
    const t0 = performance.now();
    buildGridGraticule(frame, text, TM50);
    const ms = performance.now() - t0;
    assert.ok(ms < 150, `${ms} ms`);
  });
});

describe('buildGridGraticule across a zone boundary', () => {
  // 6°07′30″W–5°52′30″W: the centre is on 6°W, so the sheet is drawn in zone 30 and its west half lies in zone 29.
  const frame = standardFrame({ west: -6.125, south: 56.5, east: -5.875, north: 56.75 }, 50_000);
  const g = buildGridGraticule(frame, text, TM50);

  it('adds blue ticks of zone 29 over the part of the sheet in zone 29 only', () => {
    assert.equal(frame.zone, 30);
    assert.deepEqual(g.zones, [30, 29]);
    assert.equal(g.gridNote, '1,000 METRE UTM GRID, ZONES 30 AND 29');
    assert.match(g.adjacentZoneNote!, /ZONE 29/);
    const adjacent = g.labels.filter((l) => l.kind === 'adjacentEasting' || l.kind === 'adjacentNorthing');
    assert.ok(adjacent.length > 10);
    const inv = utm(30);
    const box = frame.box;
    for (const l of adjacent) {
      // The label's tick position along its side, mapped back to the ground.
      const cx = (l.box[0]! + l.box[2]!) / 2;
      const at: [number, number] = l.side === 'bottom' ? [cx, box.y + box.height] : l.side === 'top' ? [cx, box.y] : [box.x, (l.box[1]! + l.box[5]!) / 2];
      const [lon] = inv.inverse(frame.toMap(...at));
      assert.ok(lon! < -6 + 1e-3, `${l.text} at ${lon}`);
    }
    const blue = texts(g.collar).filter((t) => t.color === PALETTE.adjacentZone);
    assert.equal(blue.length, adjacent.length);
    assert.ok(paths(g.collar).some((p) => p.stroke?.color === PALETTE.adjacentZone));
  });

  it('still keeps every label apart and outside the frame', () => {
    for (let i = 0; i < g.labelBoxes.length; i++) {
      for (let j = i + 1; j < g.labelBoxes.length; j++) assert.ok(!overlap(g.labelBoxes[i]!, g.labelBoxes[j]!));
      assert.ok(outsideBy(g.labels[i]!, frame.box).clear);
    }
  });

  it('leaves the adjacent zone out when asked', () => {
    const none = buildGridGraticule(frame, text, { ...TM50, adjacentZone: 'none' });
    assert.deepEqual(none.zones, [30]);
    assert.equal(none.adjacentZoneNote, null);
    assert.ok(!texts(none.collar).some((t) => t.color === PALETTE.adjacentZone));
  });
});

describe('buildGridGraticule over a 100 km square boundary', () => {
  // 4°45′W–4°30′W crosses the 400 km easting of zone 30.
  const frame = standardFrame({ west: -4.75, south: 56.5, east: -4.5, north: 56.75 }, 50_000);
  const g = buildGridGraticule(frame, text, TM50);

  it('draws the boundary 0.2 mm and prints both squares’ letters beside it', () => {
    const thick = paths(g.inside).filter((p) => near(p.stroke!.width, mm(0.2), 1e-9));
    assert.equal(thick.length, 1);
    assert.equal(partsOf(thick[0]!).length, 1);
    const letters = texts(g.inside).map((t) => t.text).sort();
    const west = mgrsPackage.forward([-4.7, 56.6], 0).slice(3), east = mgrsPackage.forward([-4.55, 56.6], 0).slice(3);
    assert.notEqual(west, east);
    assert.deepEqual(letters, [west, east].sort());
    // Each set of letters sits on its own square's side of the line.
    const inv = utm(30);
    for (const t of texts(g.inside)) {
      const [x] = frame.toMap(t.x, t.y);
      const [lon, lat] = inv.inverse([x, frame.toMap(t.x, t.y)[1]]);
      assert.equal(mgrsPackage.forward([lon!, lat!], 0).slice(3), t.text);
    }
  });

  it('prints AL letters when asked', () => {
    const al = buildGridGraticule(frame, text, { ...TM50, mgrsScheme: 'AL' });
    const rows = 'ABCDEFGHJKLMNPQRSTUV';
    const aa = texts(g.inside).map((t) => t.text).sort();
    const shifted = aa.map((l) => l[0]! + rows[(rows.indexOf(l[1]!) + 10) % 20]).sort();
    assert.deepEqual(texts(al.inside).map((t) => t.text).sort(), shifted);
  });
});

describe('buildGridGraticule on other grids', () => {
  it('draws a 1:100,000 sheet with 10 km lines and 1 km neatline ticks', () => {
    const frame = standardFrame({ west: -5.5, south: 56.5, east: -5, north: 57 }, 100_000);
    const g = buildGridGraticule(frame, text, { gridInterval: 10_000, tickMinutes: 5, crossMinutes: 10, labelStyle: 'principal', adjacentZone: 'ticks', tickIntervalM: 1000 });
    assert.equal(g.gridNote, '10,000 METRE UTM GRID WITH 1,000 METRE TICKS, ZONE 30');
    const grid = g.labels.filter((l) => l.kind === 'easting' || l.kind === 'northing');
    assert.ok(grid.length >= 12);
    assert.ok(grid.every((l) => l.value % 10_000 === 0));
    const short = paths(g.inside).find((p) => partsOf(p).every((q) => near(length(q), mm(1.5), 1e-6)))!;
    // About nine 1 km ticks between each pair of 10 km lines, on all four sides.
    assert.ok(partsOf(short).length > 100, String(partsOf(short).length));
  });

  it('ticks and labels every 2.5′ on a 7.5′ sheet at 1:25,000, between the 1′ ticks', () => {
    const frame = standardFrame({ west: -5.5, south: 56.5, east: -5.375, north: 56.625 }, 25_000);
    const g = buildGridGraticule(frame, text, { ...TM50, crossMinutes: 2.5 });
    const minutes = g.labels.filter((l) => l.kind === 'minutes' && (l.side === 'bottom' || l.side === 'left')).map((l) => l.text).sort();
    assert.deepEqual(minutes, ['25′', '27′30″', '32′30″', '35′'].sort());
    const ticks = paths(g.collar).find((p) => partsOf(p).length && partsOf(p).every((q) => near(length(q), mm(2), 1e-6)))!;
    // Seven inner 1′ meridians and parallels plus the 27′30″ meridian and the 32′30″ parallel, each meeting two sides.
    assert.equal(partsOf(ticks).length, 2 * (7 + 7 + 2));
    const crosses = paths(g.inside).find((p) => partsOf(p).every((q) => near(length(q), mm(6), 1e-6)))!;
    assert.equal(partsOf(crosses).length, 8);
  });

  it('prints full values everywhere with the full label style', () => {
    const frame = standardFrame(SHEET, 50_000);
    const g = buildGridGraticule(frame, text, { ...TM50, labelStyle: 'full' });
    const grid = g.labels.filter((l) => l.kind === 'easting' || l.kind === 'northing');
    assert.ok(grid.length > 20 && grid.every((l) => l.full && /^\d+000m[EN]$/.test(l.text)));
    for (let i = 0; i < g.labelBoxes.length; i++) for (let j = i + 1; j < g.labelBoxes.length; j++) assert.ok(!overlap(g.labelBoxes[i]!, g.labelBoxes[j]!));
  });

  it('draws a custom grid-aligned sheet, north up, with its corners to the second', () => {
    const zone = 30, fwd = utm(zone);
    const [x0, y0, x1, y1] = [350_000, 6_260_000, 370_000, 6_280_000];
    const neatline = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
    const corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map((p) => fwd.inverse(p)) as SheetFrame['corners'];
    const frame: SheetFrame = {
      spatialReference: { wkid: 32630 }, epsg: 32630, zone, south: false, scale: 50_000, rotation: 0, neatline, corners,
      ...placement(neatline, 360_000, 6_270_000, 0, 50_000),
    };
    const g = buildGridGraticule(frame, text, TM50);
    const grid = paths(g.inside).find((p) => near(p.stroke!.width, mm(0.1), 1e-9) && partsOf(p).some((q) => length(q) > mm(100)))!;
    // The edges are the neatline itself: 19 inner lines each way.
    assert.equal(partsOf(grid).length, 38);
    for (const part of partsOf(grid)) assert.ok(near(part[0]!, part[2]!, 1e-6) || near(part[1]!, part[3]!, 1e-6), 'north-up lines are upright');
    const cornerTexts = g.labels.filter((l) => l.kind === 'corner').map((l) => l.text);
    assert.equal(cornerTexts.length, 8);
    assert.ok(cornerTexts.every((t) => /^\d+°\d\d′(\d\d″)?[NSEW]$/.test(t)));
    // Meridians lean across a north-up custom sheet; they still get their ticks on the neatline.
    assert.ok(g.labels.some((l) => l.kind === 'minutes'));
    for (let i = 0; i < g.labelBoxes.length; i++) assert.ok(outsideBy(g.labels[i]!, frame.box).clear);
  });
});

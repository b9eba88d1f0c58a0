/**
 * How long a busy map takes: a 1024 × 768 map of 50,000 synthetic town features (land-use
 * blocks, buildings, streets, rivers, points of interest) with labels, rendered to PNG and PDF.
 * Run with `npx tsx src/render/render-map.bench.ts [runs]`; prints milliseconds per map.
 * @module render/render-map.bench
 */
import { buildDisplayList } from '../carto/build-display-list.js';
import type { MapRequest, RenderFeature } from '../carto/map-request.js';
import type { Position } from '../geo/geometry.js';
import { renderPdf } from './render-pdf.js';
import { renderPng } from './render-png.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run draws the same map. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(42);
/** Map units: 1 per 0.1 px, so the 1024 × 768 image covers 10240 × 7680. */
const W = 10240, H = 7680;
const BLOCK = 400;
const NAMES = ['Ach', 'Ben', 'Cairn', 'Dal', 'Glen', 'Inver', 'Kil', 'Loch', 'Strath', 'Tor'];
const name = (i: number) => `${NAMES[i % 10]}${NAMES[Math.floor(i / 10) % 10]!.toLowerCase()} ${['Street', 'Road', 'Lane', 'Place'][i % 4]}`;
const jitter = (v: number) => v + (rnd() - 0.5) * BLOCK * 0.3;

function rect(cx: number, cy: number, w: number, h: number, a: number): Position[] {
  const c = Math.cos(a), s = Math.sin(a);
  const pts = [[-w, -h], [w, -h], [w, h], [-w, h], [-w, -h]] as const;
  return pts.map(([x, y]) => [cx + (x * c - y * s) / 2, cy + (x * s + y * c) / 2]);
}

function wiggle(x: number, y: number, n: number, step: number): Position[] {
  let a = rnd() * Math.PI * 2;
  const out: Position[] = [];
  for (let i = 0; i < n; i++) {
    out.push([x, y]);
    a += (rnd() - 0.5) * 0.3;
    x += Math.cos(a) * step;
    y += Math.sin(a) * step;
  }
  return out;
}

const features = (n: number, make: (i: number) => RenderFeature): RenderFeature[] => Array.from({ length: n }, (_, i) => make(i));
const sfs = (color: number[], outline: number[] | null = [120, 120, 120, 255]) => ({ type: 'esriSFS', style: 'esriSFSSolid', color, outline: outline && { type: 'esriSLS', style: 'esriSLSSolid', color: outline, width: 0.4 } });
const sls = (color: number[], width: number, style = 'esriSLSSolid') => ({ type: 'esriSLS', style, color, width });
const text = (size: number, extra: Record<string, unknown> = {}) => ({ type: 'esriTS', color: [0, 0, 0, 255], haloSize: 1, haloColor: [255, 255, 255, 255], font: { family: 'DejaVu Sans', size, ...extra } });

/** A street grid of jittered blocks: corners shared by neighbouring blocks. */
const cols = Math.ceil(W / BLOCK) + 1, rows = Math.ceil(H / BLOCK) + 1;
const corners = Array.from({ length: cols * rows }, (_, i) => [jitter((i % cols) * BLOCK), jitter(Math.floor(i / cols) * BLOCK)] as Position);
const corner = (c: number, r: number) => corners[r * cols + c]!;
const blocks: Position[][] = [];
for (let r = 0; r + 1 < rows; r++) for (let c = 0; c + 1 < cols; c++) blocks.push([corner(c, r), corner(c + 1, r), corner(c + 1, r + 1), corner(c, r + 1), corner(c, r)]);
const landuse = blocks.map((ring, i) => ({ attributes: { CLASS: Math.floor(rnd() * 5), NAM: i % 7 === 0 ? `Park ${i}` : null }, geometry: { type: 'Polygon' as const, coordinates: [ring] } }));
/** Main roads run the length of the grid; minor streets join neighbouring corners. */
const streets: RenderFeature[] = [];
const bend = (a: Position, b: Position): Position => [(a[0]! + b[0]!) / 2 + (rnd() - 0.5) * 60, (a[1]! + b[1]!) / 2 + (rnd() - 0.5) * 60];
for (let c = 0; c < cols; c += 5) {
  const line = Array.from({ length: rows }, (_, r) => corner(c, r)).flatMap((p, r, a) => (r ? [bend(a[r - 1]!, p), p] : [p]));
  streets.push({ attributes: { CLASS: 0, NAM: name(c) }, geometry: { type: 'LineString', coordinates: line } });
}
for (let r = 0; r < rows; r += 4) {
  const line = Array.from({ length: cols }, (_, c) => corner(c, r)).flatMap((p, c, a) => (c ? [bend(a[c - 1]!, p), p] : [p]));
  streets.push({ attributes: { CLASS: 1, NAM: name(r + 100) }, geometry: { type: 'LineString', coordinates: line } });
}
for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
  for (const [dc, dr] of [[1, 0], [0, 1]] as const) {
    if (c + dc >= cols || r + dr >= rows || (dr ? c % 5 === 0 : r % 4 === 0)) continue;
    const a = corner(c, r), b = corner(c + dc, r + dr);
    streets.push({ attributes: { CLASS: 2, NAM: name(dr ? c : r + 100) }, geometry: { type: 'LineString', coordinates: [a, bend(a, b), b] } });
  }
}
const buildings = features(47446, () => {
  const block = blocks[Math.floor(rnd() * blocks.length)]!;
  const u = 0.15 + rnd() * 0.7, v = 0.15 + rnd() * 0.7;
  const x = block[0]![0]! + (block[1]![0]! - block[0]![0]!) * u + (block[3]![0]! - block[0]![0]!) * v;
  const y = block[0]![1]! + (block[1]![1]! - block[0]![1]!) * u + (block[3]![1]! - block[0]![1]!) * v;
  return { attributes: { TYPE: Math.floor(rnd() * 3) }, geometry: { type: 'Polygon', coordinates: [rect(x, y, 20 + rnd() * 40, 20 + rnd() * 40, rnd() * Math.PI)] } };
});
const rivers = features(12, (i) => ({ attributes: { ORD: 1 + (i % 4), NAM: `River ${NAMES[i % 10]}` }, geometry: { type: 'LineString', coordinates: wiggle(rnd() * W, rnd() * H, 400, 25) } }));
const places = features(1200, (i) => ({ attributes: { TYPE: ['Shop', 'School', 'Stop', 'Address'][i % 4], NAM: i % 4 === 3 ? null : `${NAMES[i % 10]} ${i}` }, geometry: { type: 'Point', coordinates: [rnd() * W, rnd() * H] } }));
const all = [landuse, buildings, streets, rivers, places];

const request: MapRequest = {
  extent: { xmin: 0, ymin: 0, xmax: W, ymax: H }, width: 1024, height: 768, dpi: 96, background: [255, 255, 255, 255], scale: 10000,
  layers: [
    { id: 0, geometryType: 'esriGeometryPolygon', features: landuse, drawingInfo: {
      renderer: { type: 'uniqueValue', field1: 'CLASS', uniqueValueInfos: [
        { value: '0', symbol: sfs([230, 220, 200, 255], null) }, { value: '1', symbol: sfs([200, 230, 190, 255], null) },
        { value: '2', symbol: sfs([245, 225, 210, 255], null) }, { value: '3', symbol: sfs([225, 225, 235, 255], null) },
        { value: '4', symbol: { type: 'esriSFS', style: 'esriSFSForwardDiagonal', color: [120, 170, 120, 255] } }] },
      labelingInfo: [{ labelPlacement: 'esriServerPolygonPlacementAlwaysHorizontal', labelExpression: '[NAM]', where: 'NAM IS NOT NULL', symbol: text(8, { style: 'italic' }) }] } },
    { id: 1, geometryType: 'esriGeometryPolygon', features: buildings, drawingInfo: {
      renderer: { type: 'uniqueValue', field1: 'TYPE', uniqueValueInfos: [
        { value: '0', symbol: sfs([190, 170, 160, 255]) }, { value: '1', symbol: sfs([170, 170, 180, 255]) }, { value: '2', symbol: sfs([200, 160, 150, 255]) }] } } },
    { id: 2, geometryType: 'esriGeometryPolyline', features: rivers, drawingInfo: {
      renderer: { type: 'classBreaks', field: 'ORD', minValue: 1, classBreakInfos: [1, 2, 3, 4].map((o) => ({ classMaxValue: o, symbol: sls([0, 112, 192, 255], o) })) },
      labelingInfo: [{ labelPlacement: 'esriServerLinePlacementAboveAlong', labelExpression: '[NAM]', symbol: text(9, { style: 'italic' }) }] } },
    { id: 3, geometryType: 'esriGeometryPolyline', features: streets, drawingInfo: {
      renderer: { type: 'uniqueValue', field1: 'CLASS', uniqueValueInfos: [
        { value: '0', symbol: sls([200, 30, 30, 255], 2.5) }, { value: '1', symbol: sls([235, 140, 0, 255], 2) }, { value: '2', symbol: sls([110, 110, 110, 255], 1) }] },
      labelingInfo: [{ labelPlacement: 'esriServerLinePlacementCenterAlong', labelExpression: '[NAM]', where: 'CLASS < 2', symbol: text(7, { weight: 'bold' }) }] } },
    { id: 4, geometryType: 'esriGeometryPoint', features: places, drawingInfo: {
      renderer: { type: 'uniqueValue', field1: 'TYPE', uniqueValueInfos: [
        { value: 'Shop', symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [180, 0, 120, 255], size: 4 } },
        { value: 'School', symbol: { type: 'esriSMS', style: 'esriSMSTriangle', color: [0, 0, 160, 255], size: 5 } },
        { value: 'Stop', symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [0, 120, 0, 255], size: 4, outline: { color: [255, 255, 255, 255], width: 0.5 } } },
        { value: 'Address', symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [90, 90, 90, 255], size: 1.5 } }] },
      labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[NAM]', symbol: text(7) }] } },
  ],
};

/** Runs `render` `runs` times and prints the median and fastest time, and the output size. */
async function time(label: string, runs: number, render: () => Promise<Buffer | null>): Promise<void> {
  const ms: number[] = [];
  let out: Buffer | null = null;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await render();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const size = out ? `, ${(out.length / 1024).toFixed(0)} KiB` : '';
  console.log(`${label}: ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms/map (median of ${runs}, fastest ${ms[0]!.toFixed(1)})${size}`);
}

const runs = Number(process.argv[2] ?? 10);
const list = buildDisplayList(request);
const labels = list.items.filter((i) => i.kind === 'text' || i.kind === 'textPath').length;
console.log(`${all.reduce((n, f) => n + f.length, 0)} features, ${list.items.length} display items, ${labels} labels placed`);
await time('display list only', runs, async () => (buildDisplayList(request), null));
await time('PNG (display list + raster + encode)', runs, () => renderPng(buildDisplayList(request), { mode: 'png' }));
await time('PNG8', runs, () => renderPng(buildDisplayList(request), { mode: 'png8' }));
await time('PDF (display list + vector PDF)', runs, () => renderPdf(buildDisplayList(request)));

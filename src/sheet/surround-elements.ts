/**
 * The layout's surround elements filled with the sheet's values and drawn into their boxes
 * (topographic-sheet.md §3, UpdateSurrounds and the diagram operations of tps.md §5.4): one
 * function per element type, each gathering its input from the composed sheet.
 * @module sheet/surround-elements
 */
import type { DisplayItem } from '../carto/display-list.js';
import type { MapLayer } from '../catalog/map-service.js';
import type { NorthAngles } from '../geo/declination.js';
import { gridZoneDesignation, squareIdentifier, squaresInEnvelope } from '../geo/mgrs.js';
import type { Position } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import type { LayoutElement } from '../layout/layout-template.js';
import type { ContourLine } from '../terrain/contours.js';
import { sampleGrid, type DemGrid } from '../terrain/dem-grid.js';
import { elevationBands } from '../terrain/elevation-bands.js';
import type { GridGraticule } from './grid-graticule.js';
import type { PageBox, PageText } from './page-drawing.js';
import type { SheetFrame, LonLatBounds } from './sheet-frame.js';
import type { SpotHeight } from './sheet-terrain.js';
import { drawAdjoiningSheetsDiagram } from './surrounds/adjoining-sheets-diagram.js';
import { drawImageElement, drawRuleElement, drawTextElement } from './surrounds/basic-elements.js';
import { drawBoundariesDiagram } from './surrounds/boundaries-diagram.js';
import { drawDeclinationDiagram } from './surrounds/declination-diagram.js';
import { drawElevationGuide } from './surrounds/elevation-guide.js';
import { drawGridReferenceBox } from './surrounds/grid-reference-box.js';
import { drawLegend, legendEntriesFromRenderer, type LegendEntry } from './surrounds/legend.js';
import { drawNorthArrow } from './surrounds/north-arrow.js';
import { drawScaleBars } from './surrounds/scale-bars.js';
import { sheetTexts } from './sheet-texts.js';
import type { SheetRequest } from './compose-sheet.js';
import { boxInPoints } from './compose-sheet.js';

/** What the surround elements are drawn from. */
export interface SurroundData {
  request: SheetRequest;
  frame: SheetFrame;
  text: PageText;
  demGrid: DemGrid | null;
  contours: ContourLine[];
  spots: SpotHeight[];
  angles: NorthAngles | null;
  gridDrawing: GridGraticule | null;
  /** Features drawn per service layer ID, and the renderer values among them. */
  presence: Map<number, { count: number; values: Set<string> }>;
  drawnLayers: MapLayer[];
  sheetName: string;
  warnings: string[];
}

/** The placeholder values, worked out once per sheet on first use. */
const textCache = new WeakMap<SurroundData, ReturnType<typeof sheetTexts>>();
function textsOf(data: SurroundData): ReturnType<typeof sheetTexts> {
  let texts = textCache.get(data);
  if (!texts) { texts = sheetTexts(data); textCache.set(data, texts); }
  return texts;
}

type ElementDrawer = (data: SurroundData, element: LayoutElement, box: PageBox) => DisplayItem[] | Promise<DisplayItem[]>;

/** A text element: the request's note for it, else its own text, placeholders filled from the sheet's values. */
const drawText: ElementDrawer = (data, element, box) => {
  const texts = textsOf(data);
  const own = data.request.parameters.surrounds.notes[element.name];
  const value = (own ?? element.text ?? '').replace(/\{(\w+)\}/g, (_, token: string) => texts[token as keyof typeof texts] ?? '');
  return drawTextElement(value, element, box, data.text);
};

/** Legend: the feature classes drawn on the sheet, then the relief the sheet adds. */
const drawLegendElement: ElementDrawer = (data, _element, box) => {
  const full = data.request.parameters.surrounds.legend === 'full';
  const entries: LegendEntry[] = [];
  for (const layer of data.drawnLayers) {
    const seen = data.presence.get(layer.definition.id);
    if (!full && !seen?.count) continue;
    entries.push(...legendEntriesFromRenderer(layer.definition.name, layer.definition.drawingInfo?.renderer as Record<string, unknown> | undefined, full ? null : seen?.values ?? null));
  }
  const brown = [0xa0, 0x64, 0x3c, 255];
  const c = data.request.parameters.contours;
  if (data.contours.length && c) {
    entries.push({ label: `Index contour (${c.interval * c.indexEvery} ${c.units === 'feet' ? 'ft' : 'm'})`, symbol: { type: 'esriSLS', style: 'esriSLSSolid', color: brown, width: 0.71 }, geometryType: 'line' });
    entries.push({ label: `Intermediate contour (${c.interval} ${c.units === 'feet' ? 'ft' : 'm'})`, symbol: { type: 'esriSLS', style: 'esriSLSSolid', color: brown, width: 0.37 }, geometryType: 'line' });
  }
  if (data.spots.length) entries.push({ label: 'Spot height', symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: brown, size: 1.7 }, geometryType: 'point' });
  return drawLegend({ entries }, box, data.text);
};

/** Spot heights and the highest point as normalised positions of the frame box. */
function normalised(frame: SheetFrame) {
  const { box } = frame;
  return (x: number, y: number): [number, number] => { const [px, py] = frame.toPage(x, y); return [(px - box.x) / box.width, (py - box.y) / box.height]; };
}

const drawElevationGuideElement: ElementDrawer = (data, _element, box) => {
  const { demGrid, frame } = data;
  const guide = data.request.parameters.elevationGuide;
  const c = data.request.parameters.contours;
  if (!demGrid || !guide) return [];
  const interval = c?.interval ?? data.request.grid.contourInterval;
  const bands = elevationBands(demGrid, { bands: guide.bands, method: guide.method, interval, base: c?.base ?? 0 });
  // The guide is drawn in the page's orientation: sample the bands on a small raster of the frame box.
  const height = 240, width = Math.max(1, Math.round((height * frame.box.width) / frame.box.height));
  const cells = new Uint8Array(width * height).fill(255);
  let highest = { u: 0.5, v: 0.5, elevation: -Infinity };
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const [x, y] = frame.toMap(frame.box.x + ((i + 0.5) / width) * frame.box.width, frame.box.y + ((j + 0.5) / height) * frame.box.height);
      const z = sampleGrid(demGrid, x, y);
      if (z !== z) continue;
      let band = 0;
      while (band < bands.limits.length && z >= bands.limits[band]!) band++;
      cells[j * width + i] = band;
    }
  }
  const norm = normalised(frame);
  const top = data.spots.slice().sort((a, b) => b.elevation - a.elevation);
  if (top[0]) { const [u, v] = norm(top[0].x, top[0].y); highest = { u, v, elevation: Math.round(top[0].elevation) }; }
  const neatline = frame.neatline.flatMap((p) => norm(p[0]!, p[1]!));
  return drawElevationGuide({
    bands: cells, width, height, neatline, limits: bands.limits, names: bands.names, units: c?.units ?? 'meters', highest,
    spotHeights: guide.includeSpotHeights ? top.slice(1, 6).map((s) => { const [u, v] = norm(s.x, s.y); return { u, v, elevation: Math.round(s.elevation) }; }) : [],
  }, box, data.text);
};

const drawDeclination: ElementDrawer = (data, _element, box) => {
  if (!data.angles) return [];
  const a = data.angles;
  return drawDeclinationDiagram({
    gridConvergence: a.gridConvergence, declination: a.declination, annualChange: a.annualChange, gmAngle: a.gmAngle,
    gmAngleRounded: a.gmAngleRounded, gmMils: a.gmMils, magneticEastOfGrid: a.magneticEastOfGrid, year: a.year, model: a.model,
  }, box, data.text);
};

/** Bounds of a sheet-index feature, from its outline in lon/lat. */
function featureBounds(ring: Position[], toLonLat: ((p: Position) => Position) | null): LonLatBounds {
  const pts = ring.map((p) => (toLonLat ? toLonLat(p) : p));
  const lons = pts.map((p) => p[0]!), lats = pts.map((p) => p[1]!);
  return { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };
}

const drawAdjoining: ElementDrawer = (data, _element, box) => {
  const { request, frame } = data;
  const params = request.parameters.adjoining;
  const index = request.indexLayer;
  if (!params || !frame.bounds || !index?.source) return [];
  const b = frame.bounds;
  const dLat = b.north - b.south, dLon = b.east - b.west;
  const toLonLat = getTransform(index.spatialReference, { wkid: 4326 });
  const field = params.labelField ?? request.sheetIdField;
  const ring = params.ring;
  const wanted = { west: b.west - ring * dLon, east: b.east + ring * dLon, south: b.south - ring * dLat, north: b.north + ring * dLat };
  const toIndex = getTransform({ wkid: 4326 }, index.spatialReference);
  const corners = [[wanted.west, wanted.south], [wanted.east, wanted.south], [wanted.east, wanted.north], [wanted.west, wanted.north]].map((p) => (toIndex ? toIndex(p) : p));
  const bbox = { xmin: Math.min(...corners.map((p) => p[0]!)), ymin: Math.min(...corners.map((p) => p[1]!)), xmax: Math.max(...corners.map((p) => p[0]!)), ymax: Math.max(...corners.map((p) => p[1]!)) };
  const found: { label: string; bounds: LonLatBounds }[] = [];
  for (const row of index.source.scan({ bbox, fields: [field], geometry: true })) {
    const g = row.geometry;
    const outer = g?.type === 'Polygon' ? g.coordinates[0] : g?.type === 'MultiPolygon' ? g.coordinates[0]?.[0] : undefined;
    if (outer) found.push({ label: String(row.attributes[field] ?? ''), bounds: featureBounds(outer, toLonLat) });
  }
  const neighbours: { label: string | null; bounds: LonLatBounds }[] = [];
  for (let j = -ring; j <= ring; j++) {
    for (let i = -ring; i <= ring; i++) {
      if (i === 0 && j === 0) continue;
      const nb = { west: b.west + i * dLon, east: b.east + i * dLon, south: b.south + j * dLat, north: b.north + j * dLat };
      const cx = (nb.west + nb.east) / 2, cy = (nb.south + nb.north) / 2;
      const hit = found.find((f) => cx > f.bounds.west && cx < f.bounds.east && cy > f.bounds.south && cy < f.bounds.north);
      neighbours.push({ label: hit?.label ?? null, bounds: nb });
    }
  }
  return drawAdjoiningSheetsDiagram({ center: { label: request.sheetId ?? '', bounds: b }, neighbours }, box, data.text);
};

/** Polygon layers that hold administrative areas, by name. */
const ADMIN_LAYER = /admin|boundar|council|county|district|province|region|state|parish/i;

const drawBoundaries: ElementDrawer = (data, _element, box) => {
  const { frame, request } = data;
  const layer = request.service.definition.layers
    .map((l) => request.service.layer(l.id))
    .find((l): l is MapLayer => !!l?.source && l.source.schema.geometryType === 'esriGeometryPolygon' && ADMIN_LAYER.test(l.definition.name));
  if (!layer?.source) return [];
  const toFrame = getTransform(layer.spatialReference, frame.spatialReference);
  const toLayer = getTransform(frame.spatialReference, layer.spatialReference);
  const xs = frame.neatline.map((p) => p[0]!), ys = frame.neatline.map((p) => p[1]!);
  const env = { xmin: Math.min(...xs), ymin: Math.min(...ys), xmax: Math.max(...xs), ymax: Math.max(...ys) };
  const corners = [[env.xmin, env.ymin], [env.xmax, env.ymax], [env.xmin, env.ymax], [env.xmax, env.ymin]].map((p) => (toLayer ? toLayer(p) : p));
  const bbox = { xmin: Math.min(...corners.map((p) => p[0]!)), ymin: Math.min(...corners.map((p) => p[1]!)), xmax: Math.max(...corners.map((p) => p[0]!)), ymax: Math.max(...corners.map((p) => p[1]!)) };
  const norm = normalised(frame);
  const nameField = layer.displayField;
  const levelField = layer.fields.find((f) => /level/i.test(f.name))?.name;
  const areas: { name: string; rings: number[][]; level: 0 | 1 | 2 }[] = [];
  for (const row of layer.source.scan({ bbox, fields: layer.fields.map((f) => f.name), geometry: true })) {
    const g = row.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const rings = polys.flatMap((poly) => poly.map((ring) => clipUnit(ring.flatMap((p) => { const q = toFrame ? toFrame(p) : p; return norm(q[0]!, q[1]!); }))).filter((r) => r.length >= 6));
    if (!rings.length) continue;
    const level = Math.min(2, Math.max(0, Number(levelField ? row.attributes[levelField] : 1) || 1)) as 0 | 1 | 2;
    areas.push({ name: String(row.attributes[nameField] ?? ''), rings, level });
  }
  const neatline = frame.neatline.flatMap((p) => norm(p[0]!, p[1]!));
  return drawBoundariesDiagram({ areas, neatline, aspect: frame.box.width / frame.box.height }, box, data.text);
};

/** Clips a flat ring to the unit square (Sutherland–Hodgman), for the boundaries diagram. */
function clipUnit(ring: number[]): number[] {
  let pts = ring;
  const edges: [(x: number, y: number) => boolean, (ax: number, ay: number, bx: number, by: number) => [number, number]][] = [
    [(x) => x >= 0, (ax, ay, bx, by) => [0, ay + ((by - ay) * (0 - ax)) / (bx - ax)]],
    [(x) => x <= 1, (ax, ay, bx, by) => [1, ay + ((by - ay) * (1 - ax)) / (bx - ax)]],
    [(_, y) => y >= 0, (ax, ay, bx, by) => [ax + ((bx - ax) * (0 - ay)) / (by - ay), 0]],
    [(_, y) => y <= 1, (ax, ay, bx, by) => [ax + ((bx - ax) * (1 - ay)) / (by - ay), 1]],
  ];
  for (const [inside, cut] of edges) {
    const out: number[] = [];
    const n = pts.length / 2;
    for (let i = 0; i < n; i++) {
      const ax = pts[i * 2]!, ay = pts[i * 2 + 1]!, bx = pts[((i + 1) % n) * 2]!, by = pts[((i + 1) % n) * 2 + 1]!;
      const ain = inside(ax, ay), bin = inside(bx, by);
      if (ain) out.push(ax, ay);
      if (ain !== bin) out.push(...cut(ax, ay, bx, by));
    }
    pts = out;
    if (!pts.length) break;
  }
  return pts;
}

const drawGridReference: ElementDrawer = (data, _element, box) => {
  const { frame } = data;
  const xs = frame.neatline.map((p) => p[0]!), ys = frame.neatline.map((p) => p[1]!);
  const env = { xmin: Math.min(...xs), ymin: Math.min(...ys), xmax: Math.max(...xs), ymax: Math.max(...ys) };
  const centreLonLat = frame.corners.reduce((s, c) => [s[0]! + c[0]! / 4, s[1]! + c[1]! / 4], [0, 0]);
  // The sample point: the middle of the sheet, at a point that reads cleanly to 100 m.
  const [mx, my] = frame.toMap(frame.box.x + frame.box.width * 0.5, frame.box.y + frame.box.height * 0.5);
  const easting = Math.floor(mx / 1000) * 1000 + 540, northing = Math.floor(my / 1000) * 1000 + 280;
  const squares = squaresInEnvelope(frame.zone, frame.south, env).map((s) => ({ letters: s.letters, bounds: { xmin: s.xmin, ymin: s.ymin, xmax: s.xmax, ymax: s.ymax } }));
  return drawGridReferenceBox({
    gzd: gridZoneDesignation(centreLonLat[0]!, centreLonLat[1]!), squares,
    sample: { easting, northing, squareLetters: squareIdentifier(frame.zone, easting, northing) }, sheetScale: frame.scale,
  }, box, data.text);
};

const DRAWERS: Record<LayoutElement['type'], ElementDrawer> = {
  text: drawText,
  scaleBars: (data, element, box) => drawScaleBars({ scale: data.frame.scale, units: element.units }, box, data.text),
  legend: drawLegendElement,
  declinationDiagram: drawDeclination,
  elevationGuide: drawElevationGuideElement,
  adjoiningSheets: drawAdjoining,
  boundariesDiagram: drawBoundaries,
  gridReferenceBox: drawGridReference,
  northArrow: (data, _element, box) => drawNorthArrow({ rotation: data.frame.rotation }, box, data.text),
  rule: (_data, element, box) => drawRuleElement(element, box),
  image: (_data, element, box) => drawImageElement(element, box),
};

/** Draws every element of the template; an empty required element becomes a warning (§14). */
export async function drawSurroundElements(data: SurroundData): Promise<{ items: DisplayItem[]; boxes: { name: string; box: PageBox }[] }> {
  const items: DisplayItem[] = [];
  const boxes: { name: string; box: PageBox }[] = [];
  for (const element of data.request.template.elements) {
    const box = boxInPoints(data.request.template, element.box);
    const drawn = await DRAWERS[element.type](data, element, box);
    if (!drawn.length && !element.optional) data.warnings.push(`The layout element '${element.name}' is empty on this sheet.`);
    items.push(...drawn);
    if (drawn.length) boxes.push({ name: element.name, box });
  }
  return { items, boxes };
}


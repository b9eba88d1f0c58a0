/**
 * A finished topographic sheet as a page display list: the steps of tps.md §5.4 run in order
 * over one sheet (frame and layout, grid, contours, hillshade, spot heights, elevation guide,
 * adjoining sheets, declination, surrounds), each reporting progress. The Topographic
 * Production Service and the `quadrangle sheet` command both come through here.
 * @module sheet/compose-sheet
 */
import type { DisplayItem, DisplayList } from '../carto/display-list.js';
import type { MapRequestLayer, RenderFeature, RenderLayer } from '../carto/map-request.js';
import { ViewTransform } from '../carto/view-transform.js';
import type { MapLayer, MapService } from '../catalog/map-service.js';
import { northAngles, type NorthAngles } from '../geo/declination.js';
import { pointInRing } from '../geo/esri-json.js';
import type { MultiPolygon, Polygon } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import type { GridDefinition } from '../layout/grid-definition.js';
import { POINTS_PER_UNIT, type LayoutTemplate, type MapFrameTemplate } from '../layout/layout-template.js';
import { exportLayers, renderMapLayers } from '../mapping/service-map-layers.js';
import { cleanContours, traceContours, type ContourLine } from '../terrain/contours.js';
import { placeContourLabels } from '../terrain/contour-labels.js';
import type { DemGrid } from '../terrain/dem-grid.js';
import type { DemSource } from '../terrain/dem-source.js';
import { selectSpotHeights } from '../terrain/spot-heights.js';
import { buildGridGraticule, type GridGraticule } from '../sheet/grid-graticule.js';
import { drawMapBody, bodyGrid } from './map-body.js';
import { mm, PageText, polygons, rect, type PageBox } from './page-drawing.js';
import type { SheetParameters } from './sheet-parameters.js';
import { buildSheetFrame, type LonLatBounds, type SheetFrame } from './sheet-frame.js';
import { contourLayer, hillshadeLayer, sheetDemGrid, spotHeightLayer, type SpotHeight } from './sheet-terrain.js';
import { drawSurroundElements, type SurroundData } from './surround-elements.js';

/** The area a sheet covers: a sheet-index feature, or a custom polygon (calculateExtent). */
export interface SheetAoi {
  geometry: Polygon | MultiPolygon;
  spatialReference: SpatialReference;
  /** The index feature's attributes; null for a custom AOI. */
  attributes: Record<string, unknown> | null;
}

/** Everything a sheet is made from. */
export interface SheetRequest {
  service: MapService;
  aoi: SheetAoi;
  /** The sheet's identifier (`sheetIDField` value), null for a custom AOI. */
  sheetId: string | null;
  /** Sheet index for the adjoining sheets diagram (the AOI layer), if any. */
  indexLayer: MapLayer | null;
  /** Field of the index holding sheet numbers. */
  sheetIdField: string;
  grid: GridDefinition;
  template: LayoutTemplate;
  /** The DEM for contours, hillshade, spot heights and the elevation guide; without one those steps are skipped with a warning. */
  dem: DemSource | null;
  parameters: SheetParameters;
  productName: string;
  /**
   * The layers the map draws, top first, in place of the service's default-visible layers
   * (`exportLayers(service, {mode: 'default'})`): a job passes the service's layers bound to
   * its extracted tables.
   */
  mapLayers?: MapLayer[];
  /**
   * Called as each step starts: its name and the percentage of the sheet done. A promise it
   * returns is awaited, so a job can pause between steps.
   */
  onProgress?: (step: string, percent: number) => void | Promise<void>;
}

/** A composed sheet. */
export interface ComposedSheet {
  page: DisplayList;
  frame: SheetFrame;
  /** Warnings for the job's messages (tps.md, topographic-sheet.md §14). */
  warnings: string[];
  /** Placed labels as page quadrilaterals (a curved label has one per glyph, sharing `label`), by who placed them: map, collar, or a surround element. */
  labels: { owner: string; label: number; quad: number[] }[];
  /** Values printed on the sheet, for callers and tests. */
  facts: { sheetName: string; contourInterval: number | null; angles: NorthAngles | null; gridNote: string | null; zones: number[] };
}

/** Resolution the map frame's own raster parts (hillshade) are computed at: 0.2 mm per pixel. */
const BODY_DPI = 127;

/** Standard bounds when the AOI is a whole sheet of the grid (its corners on the sheet-size lattice), else null. */
function standardBounds(aoi: SheetAoi, grid: GridDefinition): LonLatBounds | null {
  const toLonLat = getTransform(aoi.spatialReference, { wkid: 4326 });
  const ring = (aoi.geometry.type === 'Polygon' ? aoi.geometry.coordinates[0] : aoi.geometry.coordinates[0]?.[0]) ?? [];
  const pts = ring.map((p) => (toLonLat ? toLonLat(p) : p));
  const lons = pts.map((p) => p[0]!), lats = pts.map((p) => p[1]!);
  const b = { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };
  const snap = (v: number, minutes: number) => Math.round((v * 60) / minutes) * minutes / 60;
  const latMin = grid.sheetMinutes.lat, lonMin = grid.sheetMinutes.lon * (grid.poleward60DoubleLon && Math.abs((b.south + b.north) / 2) > 60 ? 2 : 1);
  const s = { west: snap(b.west, lonMin), east: snap(b.east, lonMin), south: snap(b.south, latMin), north: snap(b.north, latMin) };
  const tol = 1e-5;
  const fits = Math.abs(s.west - b.west) < tol && Math.abs(s.east - b.east) < tol && Math.abs(s.south - b.south) < tol && Math.abs(s.north - b.north) < tol
    && Math.abs((s.north - s.south) * 60 - latMin) < 1e-6 && Math.abs((s.east - s.west) * 60 - lonMin) < 1e-6;
  return fits ? s : null;
}

/** A template box in points. */
export const boxInPoints = (template: LayoutTemplate, box: { x: number; y: number; width: number; height: number }): PageBox => {
  const k = POINTS_PER_UNIT[template.page.units];
  return { x: box.x * k, y: box.y * k, width: box.width * k, height: box.height * k };
};

/** The template's main map frame: the one named BaseMap, else the first. */
export const mainFrame = (template: LayoutTemplate): MapFrameTemplate => template.mapFrames.find((f) => f.name === 'BaseMap') ?? template.mapFrames[0]!;

/** Sorting rank of a layer in the topographic draw order (§2): area fills, relief, lines, points. */
function drawRank(layer: MapRequestLayer): number {
  if (layer.kind === 'raster') return 1;
  if (layer.geometryType === 'esriGeometryPolygon') return layer.id === CONTOUR_LAYER_ID ? 2 : 0;
  return layer.geometryType === 'esriGeometryPolyline' ? (layer.id === CONTOUR_LAYER_ID ? 2 : 3) : 4;
}

const CONTOUR_LAYER_ID = -3;

/** Point layers the sheet's own spot heights replace, by name. */
const SPOT_HEIGHT_LAYER = /spot\s*height|elevation point/i;

/** Wraps a layer's features so the values its renderer classifies by are recorded as they are drawn. */
function recordPresence(layer: RenderLayer, seen: { count: number; values: Set<string> }): RenderLayer {
  const renderer = layer.drawingInfo.renderer as Record<string, unknown> | null | undefined;
  const fields = [renderer?.field1, renderer?.field2, renderer?.field3, renderer?.field].filter((f): f is string => typeof f === 'string');
  const delimiter = typeof renderer?.fieldDelimiter === 'string' ? renderer.fieldDelimiter : ',';
  const source = layer.features;
  return {
    ...layer,
    features: { *[Symbol.iterator]() {
      for (const f of source) {
        seen.count++;
        if (fields.length) seen.values.add(fields.map((name) => String(f.attributes[name])).join(delimiter));
        yield f;
      }
    } },
  };
}

/** Composes the whole sheet. */
export async function composeSheet(request: SheetRequest): Promise<ComposedSheet> {
  const { service, grid, template, parameters: p, dem } = request;
  const progress = request.onProgress ?? (() => {});
  const warnings: string[] = [];
  const text = new PageText();
  const k = POINTS_PER_UNIT[template.page.units];
  // Whole points: GDAL maps PDF y (up from the bottom) to pixel rows with the page height rounded, so a
  // fractional height would shift its georeferencing by the fraction.
  const pageWidth = Math.round(template.page.width * k), pageHeight = Math.round(template.page.height * k);

  await progress('ApplyLayout', 5);
  const frameTemplate = mainFrame(template);
  const bounds = standardBounds(request.aoi, grid);
  const frameBox = boxInPoints(template, frameTemplate.box);
  const outline = request.aoi.geometry.type === 'Polygon' ? request.aoi.geometry.coordinates[0]! : request.aoi.geometry.coordinates[0]![0]!;
  const frame = buildSheetFrame({
    bounds: bounds ?? undefined, outline, outlineSr: request.aoi.spatialReference,
    scale: frameTemplate.scale ?? grid.scale, frameBox,
  });
  if (frame.box.width > frameBox.width + 1 || frame.box.height > frameBox.height + 1) warnings.push(`The sheet (${(frame.box.width / k).toFixed(0)} × ${(frame.box.height / k).toFixed(0)} ${template.page.units}) is larger than the template's map frame.`);

  // Relief from the DEM, read once over the sheet and a margin for the smoothing.
  let demGrid: DemGrid | null = null;
  if (dem) {
    demGrid = sheetDemGrid(dem, frame, dem.cellWidth * 3);
    let holes = 0;
    for (let i = 0; i < demGrid.z.length; i++) if (demGrid.z[i] !== demGrid.z[i]) holes++;
    if (holes === demGrid.z.length) { warnings.push('The DEM has no elevations inside this sheet: relief is left out.'); demGrid = null; }
    else if (holes > 0) warnings.push(`The DEM has no data for ${((100 * holes) / demGrid.z.length).toFixed(1)} % of the sheet: contours, shading and spot heights are left blank there.`);
  } else if (p.contours || p.hillshade || p.spotHeights || p.elevationGuide) warnings.push('The product names no DEM: contours, hillshade, spot heights and the elevation guide are left out.');

  const mmAtScale = (v: number) => (v / 1000) * frame.scale;
  const body = bodyGrid(frame, BODY_DPI);
  const view = new ViewTransform(body.extent, body.width, body.height, frame.rotation);
  const reliefLayers: MapRequestLayer[] = [];
  const extraItems: DisplayItem[] = [];
  const obstacles: [number, number, number, number][] = [];

  await progress('GenerateContours', 15);
  let contours: ContourLine[] = [];
  if (p.contours && demGrid) {
    const c = p.contours;
    const traced = traceContours(demGrid, { interval: c.interval, base: c.base, indexEvery: c.indexEvery, supplementary: c.supplementary, flatSpacing: mmAtScale(10) });
    contours = cleanContours(traced, { smoothTolerance: mmAtScale(c.smoothTolerance), minLength: mmAtScale(c.minLength), crowdingDistance: mmAtScale(c.crowdingDistance) });
    if (c.labelIndex) {
      const placed = contourLabelItems(contours, frame, view, text, body.pxPerPt);
      contours = placed.lines;
      extraItems.push(...placed.items);
      obstacles.push(...placed.boxes);
    }
    reliefLayers.push(contourLayer(contours, CONTOUR_LAYER_ID));
  }

  await progress('GenerateHillshade', 30);
  if (p.hillshade && dem && demGrid) reliefLayers.push(hillshadeLayer(dem, frame, p.hillshade));

  await progress('GenerateSpotHeights', 35);
  let spots: SpotHeight[] = [];
  if (p.spotHeights && demGrid) {
    const s = p.spotHeights;
    spots = selectSpotHeights(demGrid, { count: s.count, minSpacing: mmAtScale(s.minSpacing), includeSummits: s.includeSummits, includeDepressions: s.includeDepressions })
      .filter((h) => pointInRing(h.x, h.y, frame.neatline));
    reliefLayers.push(spotHeightLayer(spots, p.contours?.units ?? grid.contourUnits));
  }

  await progress('ExtractData', 40);
  // The sheet draws its own relief: the service's terrain rasters, and its spot heights when the DEM's are drawn.
  const serviceLayers = (request.mapLayers ?? exportLayers(service, { mode: 'default' }))
    .filter((l) => !l.raster && !(spots.length && SPOT_HEIGHT_LAYER.test(l.definition.name)));
  const xs = frame.neatline.map((q) => q[0]!), ys = frame.neatline.map((q) => q[1]!);
  const envelope = { xmin: Math.min(...xs), ymin: Math.min(...ys), xmax: Math.max(...xs), ymax: Math.max(...ys) };
  const drawn = renderMapLayers(serviceLayers, { layerDefs: new Map(), view: envelope, imageSr: frame.spatialReference, scale: frame.scale });
  const presence = new Map<number, { count: number; values: Set<string> }>();
  const recorded = drawn.map((l) => {
    if (l.kind === 'raster') return l;
    const seen = { count: 0, values: new Set<string>() };
    presence.set(l.id, seen);
    return recordPresence(l, seen);
  });
  const layers = [...recorded, ...reliefLayers].map((l, i) => ({ l, i })).sort((a, b) => drawRank(a.l) - drawRank(b.l) || a.i - b.i).map(({ l }) => l);

  await progress('DrawMap', 45);
  const mapBody = drawMapBody(frame, layers, BODY_DPI, { items: extraItems, obstacles });

  await progress('BuildGrid', 70);
  let gridDrawing: GridGraticule | null = null;
  if (p.grid) {
    gridDrawing = buildGridGraticule(frame, text, {
      gridInterval: p.grid.gridInterval, tickMinutes: p.grid.tickMinutes, crossMinutes: p.grid.crossMinutes,
      labelStyle: p.grid.labelStyle, adjacentZone: p.grid.adjacentZone, tickIntervalM: grid.neatlineTickInterval, labelMinutes: grid.graticule.labelMinutes,
    });
  }

  await progress('Declination', 75);
  const centre = frame.corners.reduce((s, c) => [s[0]! + c[0]! / 4, s[1]! + c[1]! / 4], [0, 0]);
  let angles: NorthAngles | null = null;
  if (p.declination) {
    angles = northAngles({ lon: centre[0]!, lat: centre[1]!, zone: frame.zone, date: p.declination.date, rounding: p.declination.rounding });
    if (!angles.modelValid) warnings.push(`No installed World Magnetic Model is valid on ${p.declination.date.toISOString().slice(0, 10)}; ${angles.model} was used.`);
  }

  await progress('UpdateSurrounds', 80);
  const sheetName = String(request.aoi.attributes?.[p.surrounds.sheetNameField] ?? request.sheetId ?? 'CUSTOM SHEET');
  const data: SurroundData = {
    request, frame, text, demGrid, contours, spots, angles, gridDrawing, presence, drawnLayers: serviceLayers, sheetName, warnings,
  };
  const surround = await drawSurroundElements(data);

  const items: DisplayItem[] = [mapBody.item];
  const neatlinePage = frame.neatline.flatMap((q) => frame.toPage(q[0]!, q[1]!));
  const offsets = Uint32Array.of(0, neatlinePage.length / 2);
  if (gridDrawing) {
    items.push({ kind: 'clip', coords: Float64Array.from(neatlinePage), offsets, items: gridDrawing.inside });
    items.push(...gridDrawing.collar, collarBorder(frame, gridDrawing.labelBoxes));
  } else items.push(polygons([neatlinePage], null, { width: 0.57 }));
  items.push(...surround.items);

  const labels = [
    ...mapBody.labelQuads.map(({ label, quad }) => ({ owner: 'map', label, quad })),
    ...(gridDrawing?.labelBoxes ?? []).map((quad, label) => ({ owner: 'collar', label, quad })),
    ...surround.boxes.map(({ name, box }) => ({ owner: name, label: 0, quad: [box.x, box.y, box.x + box.width, box.y, box.x + box.width, box.y + box.height, box.x, box.y + box.height] })),
  ];
  await progress('Export', 90);
  return {
    page: { width: pageWidth, height: pageHeight, dpi: 72, background: [255, 255, 255, 255], items },
    frame, warnings, labels,
    facts: { sheetName, contourInterval: p.contours && demGrid ? p.contours.interval : null, angles, gridNote: gridDrawing?.gridNote ?? null, zones: gridDrawing?.zones ?? [frame.zone] },
  };
}

/** The 0.5 mm outer border framing the collar values (§5): around the neatline and every collar label, 1.5 mm clear. */
function collarBorder(frame: SheetFrame, labelBoxes: readonly number[][]): DisplayItem {
  let x0 = frame.box.x, y0 = frame.box.y, x1 = x0 + frame.box.width, y1 = y0 + frame.box.height;
  for (const q of labelBoxes) {
    for (let i = 0; i < q.length; i += 2) { x0 = Math.min(x0, q[i]!); x1 = Math.max(x1, q[i]!); y0 = Math.min(y0, q[i + 1]!); y1 = Math.max(y1, q[i + 1]!); }
  }
  const pad = mm(1.5);
  return rect({ x: x0 - pad, y: y0 - pad, width: x1 - x0 + 2 * pad, height: y1 - y0 + 2 * pad }, null, { width: mm(0.5) });
}


/** Contour value labels (§6): placed along index contours with gaps cut, as text items in the frame's px. */
function contourLabelItems(lines: ContourLine[], frame: SheetFrame, view: ViewTransform, text: PageText, pxPerPt: number): { lines: ContourLine[]; items: DisplayItem[]; boxes: [number, number, number, number][] } {
  const style = { size: 6 * pxPerPt, color: [0xa0, 0x64, 0x3c, 255] as const };
  const metresPerPx = 1 / (72 / 0.0254 / frame.scale) / pxPerPt;
  const { ascent, descent } = text.metrics(style);
  const taken: [number, number, number, number][] = [];
  const { labels, lines: cut } = placeContourLabels(lines, {
    spacing: (120 / 1000) * frame.scale,
    gap: metresPerPx * style.size * 0.3,
    measure: (t: string) => ({ width: text.width(t, style) * metresPerPx, height: (ascent + descent) * metresPerPx }),
    accept: (polygon: number[]) => {
      for (let i = 0; i < polygon.length; i += 2) if (!pointInRing(polygon[i]!, polygon[i + 1]!, frame.neatline)) return false;
      const px = [], py = [];
      for (let i = 0; i < polygon.length; i += 2) { px.push(view.x(polygon[i]!, polygon[i + 1]!)); py.push(view.y(polygon[i]!, polygon[i + 1]!)); }
      const box: [number, number, number, number] = [Math.min(...px), Math.min(...py), Math.max(...px), Math.max(...py)];
      if (taken.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) return false;
      taken.push(box);
      return true;
    },
  });
  const items = labels.map((l) => {
    // The anchor is on the baseline: from the label's centre, half the glyph height down the text's own vertical.
    const angle = l.angle + frame.rotation;
    const a = (angle * Math.PI) / 180;
    const down = (ascent * 0.75) / 2;
    return text.text(l.text, view.x(l.x, l.y) + Math.sin(a) * down, view.y(l.x, l.y) + Math.cos(a) * down, { ...style, align: 'center', angle });
  });
  return { lines: cut, items, boxes: taken };
}

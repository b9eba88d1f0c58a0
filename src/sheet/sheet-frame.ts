/**
 * Where a sheet's map sits on its page: the map CRS (the UTM zone of the sheet centre), the
 * neatline, the rotation that makes the central meridian vertical, and the transform from map
 * units to page points (topographic-sheet.md §2).
 * @module sheet/sheet-frame
 */
import type { Position } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { gridConvergence, utmEpsg, utmZone } from '../geo/utm.js';
import type { PageBox } from './page-drawing.js';

/** Geographic bounds of a standard sheet, degrees WGS 84. */
export interface LonLatBounds { west: number; south: number; east: number; north: number }

/** A sheet's map frame on the page. */
export interface SheetFrame {
  /** The map CRS: WGS 84 / UTM in `zone` (EPSG 326zz north, 327zz south). */
  spatialReference: SpatialReference;
  epsg: number;
  zone: number;
  south: boolean;
  /** Scale denominator. */
  scale: number;
  /** Degrees counter-clockwise the map is turned on the page (0 for custom, grid-north-up sheets). */
  rotation: number;
  /** The neatline as a closed ring in map units (densified, so curved parallels stay curved). */
  neatline: Position[];
  /** The neatline's corners in longitude, latitude (WGS 84): south-west, south-east, north-east, north-west. */
  corners: [Position, Position, Position, Position];
  /** Set for standard sheets bounded by meridians and parallels; absent for custom rectangles. */
  bounds?: LonLatBounds;
  /** Page position (pt) of a map position. */
  toPage(x: number, y: number): [number, number];
  /** Map position of a page position (pt). */
  toMap(px: number, py: number): [number, number];
  /** The neatline's bounding box on the page, pt. */
  box: PageBox;
}

/** What fixes a frame: the sheet's outline, its scale and the page box it is centred in. */
export interface FrameInput {
  /** Standard sheet: its meridians and parallels. */
  bounds?: LonLatBounds;
  /** Custom sheet: its outline ring in `outlineSr` (used when `bounds` is absent). */
  outline?: Position[];
  outlineSr?: SpatialReference;
  scale: number;
  /** The largest frame the page holds, pt; the neatline is centred in it. */
  frameBox: PageBox;
}

const WGS84: SpatialReference = { wkid: 4326 };

/** Points per ground metre at a scale. */
export const pointsPerMetre = (scale: number): number => 72 / 0.0254 / scale;

/** A standard sheet's outline in lon/lat, every edge densified to `steps` segments. */
function boundsRing(b: LonLatBounds, steps = 32): Position[] {
  const ring: Position[] = [];
  const edge = (x0: number, y0: number, x1: number, y1: number) => {
    for (let i = 0; i < steps; i++) ring.push([x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps]);
  };
  edge(b.west, b.south, b.east, b.south);
  edge(b.east, b.south, b.east, b.north);
  edge(b.east, b.north, b.west, b.north);
  edge(b.west, b.north, b.west, b.south);
  ring.push(ring[0]!);
  return ring;
}

/**
 * Places a sheet on its page: UTM zone of the centre, neatline, rotation (standard sheets turn
 * so their central meridian is vertical; custom sheets stay grid-north-up) and the map → page
 * transform at the sheet's scale.
 */
export function buildSheetFrame(input: FrameInput): SheetFrame {
  const { bounds, scale, frameBox } = input;
  let lonLatRing: Position[];
  if (bounds) lonLatRing = boundsRing(bounds);
  else if (input.outline && input.outlineSr) {
    const toLonLat = getTransform(input.outlineSr, WGS84);
    lonLatRing = toLonLat ? input.outline.map(toLonLat) : input.outline;
  } else throw new Error('A sheet frame needs standard bounds or an outline');
  const lons = lonLatRing.map((p) => p[0]!), lats = lonLatRing.map((p) => p[1]!);
  const centre = bounds
    ? [(bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2]
    : [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
  const zone = utmZone(centre[0]!, centre[1]!);
  const south = centre[1]! < 0;
  const epsg = utmEpsg(zone, south);
  const spatialReference: SpatialReference = { wkid: epsg, latestWkid: epsg };
  const toUtm = getTransform(WGS84, spatialReference)!;
  const fromOutline = bounds ? null : getTransform(input.outlineSr!, spatialReference);
  const neatline = bounds ? lonLatRing.map(toUtm) : fromOutline ? input.outline!.map(fromOutline) : input.outline!;
  const rotation = bounds ? -gridConvergence(centre[0]!, centre[1]!, zone) : 0;
  const [cx, cy] = toUtm(centre);
  const k = pointsPerMetre(scale);
  const t = (rotation * Math.PI) / 180, cos = Math.cos(t), sin = Math.sin(t);
  // Unplaced page position of a map position: turned about the centre, y down.
  const raw = (x: number, y: number): [number, number] => {
    const dx = x - cx!, dy = y - cy!;
    return [k * (dx * cos - dy * sin), -k * (dx * sin + dy * cos)];
  };
  const pts = neatline.map((p) => raw(p[0]!, p[1]!));
  const x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  const y0 = Math.min(...pts.map((p) => p[1])), y1 = Math.max(...pts.map((p) => p[1]));
  const ox = frameBox.x + frameBox.width / 2 - (x0 + x1) / 2, oy = frameBox.y + frameBox.height / 2 - (y0 + y1) / 2;
  const toPage = (x: number, y: number): [number, number] => { const [u, v] = raw(x, y); return [u + ox, v + oy]; };
  const toMap = (px: number, py: number): [number, number] => {
    const u = (px - ox) / k, v = -(py - oy) / k;
    return [cx! + u * cos + v * sin, cy! - u * sin + v * cos];
  };
  const cornerIndex = bounds ? [0, 32, 64, 96] : null;
  const corners = (cornerIndex
    ? cornerIndex.map((i) => lonLatRing[i]!)
    : rectangleCorners(lonLatRing)) as SheetFrame['corners'];
  return {
    spatialReference, epsg, zone, south, scale, rotation, neatline, corners, bounds, toPage, toMap,
    box: { x: x0 + ox, y: y0 + oy, width: x1 - x0, height: y1 - y0 },
  };
}

/** South-west, south-east, north-east and north-west corners of a custom outline: its extreme vertices. */
function rectangleCorners(ring: Position[]): Position[] {
  const pick = (score: (p: Position) => number) => ring.reduce((best, p) => (score(p) > score(best) ? p : best));
  return [pick((p) => -p[0]! - p[1]!), pick((p) => p[0]! - p[1]!), pick((p) => p[0]! + p[1]!), pick((p) => -p[0]! + p[1]!)];
}

/**
 * Where a sheet's map sits on its page: the map CRS (the UTM zone of the sheet centre), the
 * neatline, the rotation that makes the central meridian vertical, and the transform from map
 * units to page points (topographic-sheet.md §2).
 * @module sheet/sheet-frame
 */
import type { Position } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
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

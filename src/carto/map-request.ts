/**
 * What the map engine is asked to draw: layers with Esri drawingInfo and their features, already
 * projected into the map's spatial reference, over an extent that fills the whole image. The
 * `export` operation (mapserver.md §6) resolves layers and fetches features; the engine knows
 * nothing of HTTP.
 * @module carto/map-request
 */
import type { Envelope, Geometry, MultiPolygon, Polygon } from '../geo/geometry.js';
import type { ViewTransform } from './view-transform.js';

/** One feature to draw: its attributes and its geometry in map units of the request's SR. */
export interface RenderFeature { attributes: Record<string, unknown>; geometry: Geometry }

/** Esri layer geometry types (mapserver.md §15.2). */
export type RenderGeometryType = 'esriGeometryPoint' | 'esriGeometryMultipoint' | 'esriGeometryPolyline' | 'esriGeometryPolygon';

/** Esri drawingInfo of a layer (mapserver.md §15.4, §15.5). */
export interface RenderDrawingInfo {
  /** Esri renderer JSON (`simple`, `uniqueValue`, `classBreaks`); none draws nothing. */
  renderer?: Record<string, unknown> | null;
  /** 0 (opaque) to 100 (invisible), percent. */
  transparency?: number;
  /** Esri label classes; drawn unless `showLabels` is false. */
  labelingInfo?: Record<string, unknown>[] | null;
  showLabels?: boolean;
}

/** A layer of features to draw. */
export interface RenderLayer {
  kind?: 'features';
  id: number;
  geometryType: RenderGeometryType;
  drawingInfo: RenderDrawingInfo;
  /** Geometries in map units of the request's SR. Iterated once, unless a classBreaks renderer needs a percent-of-total it does not state. */
  features: Iterable<RenderFeature>;
  fieldAliases?: Record<string, string>;
}

/** The pixels a raster layer paints: the whole image, through the map's own transform. */
export interface RasterGrid {
  /** Image size in px. */
  width: number;
  height: number;
  /** Map units (request SR) → px, rotation included; `toMap` gives a pixel's map position. */
  view: ViewTransform;
}

/** A layer drawn as an image over the whole map (terrain), computed for the image's own pixels. */
export interface RasterRenderLayer {
  kind: 'raster';
  id: number;
  /** 0 (opaque) to 100 (invisible), percent. */
  transparency: number;
  /** RGBA pixels of the grid, straight alpha, row-major, top row first (width × height × 4 bytes). */
  paint(grid: RasterGrid): Uint8ClampedArray;
  /** [blend='normal'] `multiply` darkens what is below (a sheet's hillshade, topographic-sheet.md §8). */
  blend?: 'normal' | 'multiply';
}

/** Any layer of a map request. */
export type MapRequestLayer = RenderLayer | RasterRenderLayer;

/** The CRS of a map request, for formats that carry georeferencing (GeoTIFF). */
export interface MapCrs {
  /** EPSG code, or null for a CRS known only as WKT. */
  epsg: number | null;
  /** Units are degrees. */
  geographic: boolean;
}

/** Where drawing is confined: a polygon in map units, and the layers drawn whole regardless. */
export interface MapClip {
  geometry: Polygon | MultiPolygon;
  /** `id`s of layers the clip does not apply to. */
  excludedLayers: readonly number[];
}

/** A whole map: extent, image size and layers. */
export interface MapRequest {
  /** Map units; maps onto the whole image (the caller has already fixed the aspect ratio). */
  extent: Envelope;
  /** Image width in px. */
  width: number;
  /** Image height in px. */
  height: number;
  /** Dots per inch, 96 by default at the caller; symbol sizes are in points: px = pt × dpi / 72. */
  dpi: number;
  /** Degrees counter-clockwise about the image centre; default 0. */
  rotation?: number;
  /** RGBA 0–255, or null for a transparent background. */
  background: [number, number, number, number] | null;
  /** Bottom-to-top draw order (the caller reverses the ArcGIS order). */
  layers: MapRequestLayer[];
  /** Map scale denominator, compared with label classes' minScale/maxScale. */
  scale: number;
  /** The request's CRS; absent, georeferenced formats name none. */
  crs?: MapCrs;
  /** Drawing outside this polygon is cut away, except for the excluded layers' (mapserver.md §6 `clipping`). */
  clip?: MapClip;
}

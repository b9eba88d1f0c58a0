/**
 * What the map engine is asked to draw: layers with Esri drawingInfo and their features, already
 * projected into the map's spatial reference, over an extent that fills the whole image. The
 * `export` operation (mapserver.md §6) resolves layers and fetches features; the engine knows
 * nothing of HTTP.
 * @module carto/map-request
 */
import type { Envelope, Geometry } from '../geo/geometry.js';

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

/** A layer to draw. */
export interface RenderLayer {
  id: number;
  geometryType: RenderGeometryType;
  drawingInfo: RenderDrawingInfo;
  /** Geometries in map units of the request's SR. Iterated once, unless a classBreaks renderer needs a percent-of-total it does not state. */
  features: Iterable<RenderFeature>;
  fieldAliases?: Record<string, string>;
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
  layers: RenderLayer[];
  /** Map scale denominator, compared with label classes' minScale/maxScale. */
  scale: number;
}

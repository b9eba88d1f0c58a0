/**
 * Shared by the carto and render tests: small map requests over the extent (0, 0)–(100, 100),
 * where one map unit is one pixel at the default 100 × 100 size (y up in the map, down in px).
 * @module carto/carto-test-fixture
 */
import type { MapRequest, RenderFeature, RenderGeometryType, RenderLayer } from './map-request.js';

type Json = Record<string, unknown>;

/** A layer with a renderer and optional label classes. */
export function layer(geometryType: RenderGeometryType, renderer: Json | null, features: RenderFeature[], drawing: Partial<RenderLayer['drawingInfo']> = {}): RenderLayer {
  return { id: 0, geometryType, drawingInfo: { renderer, ...drawing }, features };
}

/** A 100 × 100 px map of the extent (0, 0)–(100, 100), white unless told otherwise. */
export function mapRequest(layers: RenderLayer[], overrides: Partial<MapRequest> = {}): MapRequest {
  return {
    extent: { xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, width: 100, height: 100, dpi: 96,
    background: [255, 255, 255, 255], layers, scale: 10000, ...overrides,
  };
}

/** An esriTS with DejaVu Sans at `size` pt and no halo. */
export function textSymbol(size = 10, extra: Json = {}): Json {
  return { type: 'esriTS', color: [0, 0, 0, 255], font: { family: 'DejaVu Sans', size }, ...extra };
}

/** A point feature at map (x, y). */
export const point = (x: number, y: number, attributes: Json = {}): RenderFeature => ({ attributes, geometry: { type: 'Point', coordinates: [x, y] } });
/** A line feature through map positions. */
export const line = (coordinates: number[][], attributes: Json = {}): RenderFeature => ({ attributes, geometry: { type: 'LineString', coordinates } });
/** A polygon feature of map rings, exterior first. */
export const polygon = (rings: number[][][], attributes: Json = {}): RenderFeature => ({ attributes, geometry: { type: 'Polygon', coordinates: rings } });

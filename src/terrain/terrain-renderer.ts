/**
 * How a raster layer over a DEM is drawn: hillshade, hypsometric tint or the raw elevations as a
 * grey stretch. Each rendering is an entry in a table that turns the DEM, resampled onto the map
 * image's pixels, into RGBA, and draws the ramp its legend shows.
 * @module terrain/terrain-renderer
 */
import type { DemSource } from './dem-source.js';
import { elevationGrid, type ImageGrid } from './elevation-grid.js';
import { ColorRamp, DEFAULT_TINT_STOPS, elevationTint, type TintStop } from './elevation-tint.js';
import { hillshade, type HillshadeOptions } from './hillshade.js';

/** Hillshade settings; `seaLevel` flattens everything below it (water is shaded as flat). */
export interface HillshadeRendering extends HillshadeOptions {
  render: 'hillshade';
  /** Elevations below this are raised to it, so sea and sea bed shade as a flat surface. None by default. */
  seaLevel?: number;
}

/** Hypsometric tint through `stops` (default {@link DEFAULT_TINT_STOPS}). */
export interface ElevationRendering { render: 'elevation'; stops?: TintStop[] }

/** The elevations themselves, stretched linearly from black (lowest) to white (highest). */
export interface DemRendering { render: 'dem' }

/** How a raster layer draws its DEM. */
export type TerrainRendering = HillshadeRendering | ElevationRendering | DemRendering;

interface Renderer<R extends TerrainRendering> {
  /** RGBA pixels (straight alpha, row-major, top row first) of the image; transparent where the DEM has no data. */
  draw(dem: DemSource, rendering: R, image: ImageGrid): Uint8ClampedArray;
  /** Value of a legend ramp at `t` (0 bottom, 1 top), written as RGBA at `offset`. */
  ramp(rendering: R): (t: number, rgba: Uint8ClampedArray, offset: number) => void;
  /** The legend label. */
  label(rendering: R): string;
}

/** Opaque grey pixels stretching `low`…`high` to black…white; NaN stays transparent. */
function greys(values: Float32Array, low: number, high: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  const k = high > low ? 255 / (high - low) : 0;
  for (let i = 0, o = 0; i < values.length; i++, o += 4) {
    const v = values[i]!;
    if (v !== v) continue;
    const g = (v - low) * k;
    out[o] = g; out[o + 1] = g; out[o + 2] = g; out[o + 3] = 255;
  }
  return out;
}

const grey = (t: number, rgba: Uint8ClampedArray, o: number): void => {
  rgba[o] = rgba[o + 1] = rgba[o + 2] = t * 255; rgba[o + 3] = 255;
};

const stopsOf = (r: ElevationRendering): readonly TintStop[] => r.stops ?? DEFAULT_TINT_STOPS;

const RENDERERS: { [K in TerrainRendering['render']]: Renderer<Extract<TerrainRendering, { render: K }>> } = {
  hillshade: {
    draw(dem, r, image) {
      const grid = elevationGrid(dem, image);
      if (r.seaLevel !== undefined) for (let i = 0; i < grid.z.length; i++) if (grid.z[i]! < r.seaLevel) grid.z[i] = r.seaLevel;
      // Measure slopes over about one DEM cell, never less than a pixel (see ShadeInput.stride).
      const stride = grid.demCell / Math.min(grid.pixelWidth, grid.pixelHeight);
      return greys(hillshade({ ...grid, stride }, r), 0, 1);
    },
    ramp: () => grey,
    label: () => 'Shaded relief',
  },
  elevation: {
    draw: (dem, r, image) => elevationTint(elevationGrid(dem, image).z, new ColorRamp(stopsOf(r))),
    ramp(r) {
      const stops = stopsOf(r), ramp = new ColorRamp(stops);
      const low = Math.min(...stops.map((s) => s[0])), high = Math.max(...stops.map((s) => s[0]));
      return (t, rgba, o) => ramp.write(low + (high - low) * t, rgba, o);
    },
    label(r) {
      const stops = stopsOf(r);
      return `Elevation ${Math.min(...stops.map((s) => s[0]))} to ${Math.max(...stops.map((s) => s[0]))}`;
    },
  },
  dem: {
    draw: (dem, _r, image) => greys(elevationGrid(dem, image).z, dem.min, dem.max),
    ramp: () => grey,
    label: () => 'Elevation (low to high)',
  },
};

/** The rendering names a layer definition may use. */
export const TERRAIN_RENDERS = Object.keys(RENDERERS) as TerrainRendering['render'][];

const renderer = (r: TerrainRendering): Renderer<TerrainRendering> => RENDERERS[r.render] as Renderer<TerrainRendering>;

/** Draws `rendering` of `dem` over `image`: RGBA, straight alpha, transparent outside the DEM. */
export function renderTerrain(dem: DemSource, rendering: TerrainRendering, image: ImageGrid): Uint8ClampedArray {
  return renderer(rendering).draw(dem, rendering, image);
}

/** A legend swatch: the rendering's ramp, top (high) to bottom (low), as RGBA pixels, and its label. */
export function terrainSwatch(rendering: TerrainRendering, width: number, height: number): { pixels: Uint8ClampedArray; label: string } {
  const r = renderer(rendering);
  const at = r.ramp(rendering);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    at(height > 1 ? 1 - y / (height - 1) : 0.5, pixels, y * width * 4);
    for (let x = 1; x < width; x++) pixels.copyWithin((y * width + x) * 4, y * width * 4, y * width * 4 + 4);
  }
  return { pixels, label: r.label(rendering) };
}

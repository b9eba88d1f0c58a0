/**
 * The sheet's relief, drawn into its map frame: the DEM read once over the sheet, shaded relief
 * multiplied into the map (topographic-sheet.md §8), contour lines with index contours and
 * their values (§6), and spot heights (§7), each as a layer of the map engine.
 * @module sheet/sheet-terrain
 */
import type { RasterRenderLayer, RenderFeature, RenderLayer } from '../carto/map-request.js';
import type { Envelope } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import { srKey } from '../geo/spatial-reference.js';
import type { ContourLine } from '../terrain/contours.js';
import { gridFromDem, type DemGrid } from '../terrain/dem-grid.js';
import type { DemSource } from '../terrain/dem-source.js';
import { elevationGrid } from '../terrain/elevation-grid.js';
import { hillshade } from '../terrain/hillshade.js';
import type { SheetFrame } from './sheet-frame.js';

/** Brown of contours and relief values (§13), as an Esri colour. */
export const RELIEF_COLOR = [0xa0, 0x64, 0x3c, 255];

/** Millimetres on paper to points, for Esri symbol sizes. */
const pt = (mmValue: number): number => (mmValue * 72) / 25.4;

/**
 * The DEM over the sheet's neatline (plus `buffer` metres), in the frame's UTM metres, at the
 * DEM's own cell size. A DEM in another CRS is resampled (bilinear) onto the UTM grid.
 */
export function sheetDemGrid(dem: DemSource, frame: SheetFrame, buffer = 0): DemGrid {
  const xs = frame.neatline.map((p) => p[0]!), ys = frame.neatline.map((p) => p[1]!);
  const env: Envelope = { xmin: Math.min(...xs) - buffer, ymin: Math.min(...ys) - buffer, xmax: Math.max(...xs) + buffer, ymax: Math.max(...ys) + buffer };
  if (srKey(dem.spatialReference) === srKey(frame.spatialReference)) return gridFromDem(dem, env, dem.cellWidth);
  // Another CRS: cell size from the DEM's footprint, elevations through the resampler used for rendering.
  const toDem = getTransform(frame.spatialReference, dem.spatialReference);
  const [ax, ay] = toDem ? toDem([env.xmin, env.ymin]) : [env.xmin, env.ymin];
  const [bx, by] = toDem ? toDem([env.xmin + 1000, env.ymin]) : [env.xmin + 1000, env.ymin];
  const unitsPerMetre = Math.hypot(bx! - ax!, by! - ay!) / 1000;
  const cell = Math.max(1, dem.cellWidth / unitsPerMetre);
  const width = Math.ceil((env.xmax - env.xmin) / cell), height = Math.ceil((env.ymax - env.ymin) / cell);
  const grid = elevationGrid(dem, { width, height, spatialReference: frame.spatialReference, toMap: (px, py) => [env.xmin + px * cell, env.ymax - py * cell] });
  return { z: grid.z, width, height, x0: env.xmin + cell / 2, y0: env.ymax - cell / 2, cell };
}

/** Light of the sheet's hillshade (GenerateHillshade, tps.md §5.4). */
export interface SheetHillshade {
  azimuth: number;
  altitude: number;
  zFactor: number;
  /** 0–1: how strongly the shade darkens the map. */
  opacity: number;
  multidirectional?: boolean;
}

/**
 * Shaded relief as a multiplied raster layer. Decision: flat ground shades to white, so only
 * slopes turned from the light darken the map — lakes and the sea stay clean (water masks the
 * hillshade, §8) — and no pixel darkens the map beyond 35 % grey.
 */
export function hillshadeLayer(dem: DemSource, frame: SheetFrame, light: SheetHillshade, id = -2): RasterRenderLayer {
  const flat = Math.sin((light.altitude * Math.PI) / 180);
  const floor = Math.max(0, 1 - 0.35 / Math.max(light.opacity, 1e-6));
  return {
    kind: 'raster', id, transparency: (1 - light.opacity) * 100, blend: 'multiply',
    paint: ({ width, height, view }) => {
      const grid = elevationGrid(dem, { width, height, spatialReference: frame.spatialReference, toMap: (px, py) => view.toMap(px, py) });
      for (let i = 0; i < grid.z.length; i++) if (grid.z[i]! < 0) grid.z[i] = 0;
      const stride = grid.demCell / Math.min(grid.pixelWidth, grid.pixelHeight);
      const shade = hillshade({ ...grid, stride }, { azimuth: light.azimuth, altitude: light.altitude, zFactor: light.zFactor, multidirectional: light.multidirectional });
      const out = new Uint8ClampedArray(width * height * 4);
      for (let i = 0, o = 0; i < shade.length; i++, o += 4) {
        const s = shade[i]!;
        const g = s !== s ? 255 : 255 * Math.min(1, Math.max(floor, s / flat));
        out[o] = out[o + 1] = out[o + 2] = g; out[o + 3] = 255;
      }
      return out;
    },
  };
}

const line = (color: number[], widthMm: number, style = 'esriSLSSolid') => ({ type: 'esriSLS', style, color, width: pt(widthMm) });

/** Contours as a line layer: index 0.25 mm, intermediate 0.13 mm, supplementary dashed (§6). */
export function contourLayer(lines: readonly ContourLine[], id = -3): RenderLayer {
  const features: RenderFeature[] = lines.map((l) => {
    const coordinates: number[][] = [];
    for (let i = 0; i < l.coords.length; i += 2) coordinates.push([l.coords[i]!, l.coords[i + 1]!]);
    return { attributes: { ELEV: l.elevation, TYPE: l.index ? 'index' : l.supplementary ? 'supplementary' : 'intermediate' }, geometry: { type: 'LineString', coordinates } };
  });
  return {
    id, geometryType: 'esriGeometryPolyline', features,
    drawingInfo: {
      renderer: {
        type: 'uniqueValue', field1: 'TYPE', defaultSymbol: line(RELIEF_COLOR, 0.13),
        uniqueValueInfos: [
          { value: 'index', label: 'Index contour', symbol: line(RELIEF_COLOR, 0.25) },
          { value: 'intermediate', label: 'Intermediate contour', symbol: line(RELIEF_COLOR, 0.13) },
          { value: 'supplementary', label: 'Supplementary contour', symbol: line(RELIEF_COLOR, 0.13, 'esriSLSDash') },
        ],
      },
      transparency: 0, labelingInfo: null,
    },
  };
}

/** A selected spot height in map units. */
export interface SpotHeight { x: number; y: number; elevation: number; kind: string }

/** Spot heights as brown dots labelled with their values (§7). */
export function spotHeightLayer(points: readonly SpotHeight[], units: 'meters' | 'feet', id = -4): RenderLayer {
  return {
    id, geometryType: 'esriGeometryPoint',
    features: points.map((p) => ({ attributes: { ELEV: Math.round(p.elevation), KIND: p.kind }, geometry: { type: 'Point', coordinates: [p.x, p.y] } })),
    drawingInfo: {
      renderer: { type: 'simple', label: `Spot height (${units === 'feet' ? 'feet' : 'metres'})`, symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: RELIEF_COLOR, size: pt(0.6), outline: null } },
      transparency: 0,
      labelingInfo: [{
        labelPlacement: 'esriServerPointLabelPlacementAboveRight', labelExpression: '[ELEV]', useCodedValues: false, where: null, minScale: 0, maxScale: 0, priority: 1,
        symbol: { type: 'esriTS', color: RELIEF_COLOR, font: { family: 'DejaVu Sans', size: 6.5 }, haloColor: [255, 255, 255, 255], haloSize: 0.6 },
      }],
    },
  };
}

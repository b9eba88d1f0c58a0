/**
 * Grid definitions, the documents a product's `gridType` names (tps.md §5.2): the scale, the
 * geographic size of a standard sheet, the UTM/MGRS grid interval, the graticule marks, the
 * default contour interval and the default layout. The built-ins (TM25 … USTopo24) live as JSON
 * in resources/grids so administrators can read them and add their own beside them; every
 * document is checked here when the template library loads it.
 * @module layout/grid-definition
 */
import { DocumentChecker } from './layout-schema.js';

/** A grid definition. Lengths on the ground in metres, angles in minutes of arc. */
export interface GridDefinition {
  /** Unique in the library; what `gridType` names, e.g. `TM50`. */
  name: string;
  description?: string;
  /** Scale denominator, e.g. 50000. */
  scale: number;
  /** Size of a standard sheet in minutes of latitude and longitude. */
  sheetMinutes: { lat: number; lon: number };
  /** Sheets poleward of 60° keep their latitude span and double their longitude span. */
  poleward60DoubleLon: boolean;
  /** Metres between UTM grid lines. */
  gridInterval: number;
  /** Metres between grid ticks on the neatline, when finer than the lines (1,000 m at TM100). */
  neatlineTickInterval?: number;
  graticule: {
    /** Minutes between ticks on the neatline; 0 for none (crosses only, as USTopo24). */
    tickMinutes: number;
    /** Minutes between the `+` crosses inside the frame. */
    crossMinutes: number;
    /** Minutes between the ticks that carry their value. */
    labelMinutes: number;
  };
  /** Default vertical interval of contours, in `contourUnits`. */
  contourInterval: number;
  contourUnits: 'meters' | 'feet';
  /** Default layout template of products on this grid. */
  layout?: string;
}

/** A document that is not a valid grid definition; `details` names each problem by JSON path. */
export class GridDefinitionError extends Error {
  constructor(readonly details: string[], readonly file?: string) {
    super(`${file ?? 'grid definition'}: ${details.join('; ')}`);
    this.name = 'GridDefinitionError';
  }
}

/** The grid definitions shipped in resources/grids (tps.md §5.2). */
export const BUILT_IN_GRID_NAMES = ['TM25', 'TM50', 'TM100', 'JOG250', 'CTM25', 'CTM50', 'USTopo24'] as const;

const KEYS = ['name', 'description', 'scale', 'sheetMinutes', 'poleward60DoubleLon', 'gridInterval', 'neatlineTickInterval',
  'graticule', 'contourInterval', 'contourUnits', 'layout'];

/** Checks a parsed JSON document and returns it as a GridDefinition; throws GridDefinitionError. */
export function validateGridDefinition(doc: unknown): GridDefinition {
  const c = new DocumentChecker();
  const d = c.object(doc, '');
  if (!d) throw new GridDefinitionError(c.problems);
  c.knownKeys(d, '', KEYS);
  const grid: GridDefinition = {
    name: c.libraryName(d, ''),
    scale: c.number(d, '', 'scale', 'positiveInteger'),
    sheetMinutes: { lat: 0, lon: 0 },
    poleward60DoubleLon: c.boolean(d, '', 'poleward60DoubleLon', true),
    gridInterval: c.number(d, '', 'gridInterval', 'positive'),
    graticule: { tickMinutes: 0, crossMinutes: 0, labelMinutes: 0 },
    contourInterval: c.number(d, '', 'contourInterval', 'positive'),
    contourUnits: c.oneOf(d, '', 'contourUnits', ['meters', 'feet'] as const, 'meters'),
  };
  if (d.description !== undefined) grid.description = c.string(d, '', 'description', { empty: true });
  const sheet = c.object(d.sheetMinutes, 'sheetMinutes');
  if (sheet) {
    c.knownKeys(sheet, 'sheetMinutes', ['lat', 'lon']);
    grid.sheetMinutes = { lat: c.number(sheet, 'sheetMinutes', 'lat', 'positive'), lon: c.number(sheet, 'sheetMinutes', 'lon', 'positive') };
    if (grid.sheetMinutes.lat > 60 * 90) c.add('sheetMinutes.lat must be at most 5400 (90°)');
  }
  if (d.neatlineTickInterval !== undefined) {
    grid.neatlineTickInterval = c.number(d, '', 'neatlineTickInterval', 'positive');
    if (grid.neatlineTickInterval >= grid.gridInterval) c.add('neatlineTickInterval must be smaller than gridInterval');
  }
  const g = c.object(d.graticule, 'graticule');
  if (g) {
    c.knownKeys(g, 'graticule', ['tickMinutes', 'crossMinutes', 'labelMinutes']);
    grid.graticule = {
      tickMinutes: c.number(g, 'graticule', 'tickMinutes', 'nonNegative'),
      crossMinutes: c.number(g, 'graticule', 'crossMinutes', 'positive'),
      labelMinutes: c.number(g, 'graticule', 'labelMinutes', 'positive'),
    };
  }
  if (d.layout !== undefined) grid.layout = c.string(d, '', 'layout');
  if (c.problems.length) throw new GridDefinitionError(c.problems);
  return grid;
}

/**
 * Minutes of latitude and longitude a standard sheet spans at the latitude of its centre:
 * poleward of 60° the longitude span doubles when the definition says so.
 */
export function sheetSpanMinutes(grid: GridDefinition, centreLatitude: number): { lat: number; lon: number } {
  const double = grid.poleward60DoubleLon && Math.abs(centreLatitude) > 60;
  return { lat: grid.sheetMinutes.lat, lon: grid.sheetMinutes.lon * (double ? 2 : 1) };
}

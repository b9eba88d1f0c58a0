/**
 * The operation types a product may list (tps.md §5.4): every type with its parameters, their
 * data types, defaults and allowed values, as one table, and the readers that turn a parameter's
 * text into a typed value. The definition validator, the reference resolver and `products`
 * `includeDataTypes` all read this table, so a parameter is described in one place only.
 * @module production/operation-catalogue
 */

/** Data type of a parameter, as `includeDataTypes` reports it (tps.md §3). */
export type ParameterDataType = 'string' | 'integer' | 'double' | 'boolean' | 'json';

/** A default that depends on the grid definition or on another operation, not a fixed text. */
export type DerivedDefault =
  | 'grid.gridInterval' | 'grid.tickMinutes' | 'grid.contourInterval' | 'grid.contourUnits'
  /** GenerateSpotHeights `units`: the GenerateContours operation's units, else the grid's. */
  | 'contours.units';

/** One parameter of an operation type. */
export interface ParameterSpec {
  name: string;
  dataType: ParameterDataType;
  /** The value taken when the parameter is left out: text read like a user's value (it may be a `[Name]` reference), or a derived value. */
  default: string | { derived: DerivedDefault };
  /** For strings: the accepted values, matched case-insensitively and written as here. */
  allowed?: readonly string[];
  /** Other spellings of allowed values (lower case) → the allowed value. */
  synonyms?: Readonly<Record<string, string>>;
  /** For numbers: inclusive limits. */
  min?: number;
  max?: number;
  /** For numbers: the lower limit itself is refused. */
  minExclusive?: boolean;
  /** For strings: a shape the value must have (after references are resolved). */
  pattern?: { test: RegExp; says: string };
  meaning: string;
}

/** An operation type: what it does and its parameters in the order of tps.md §5.4. */
export interface OperationTypeSpec {
  meaning: string;
  parameters: readonly ParameterSpec[];
}

const p = (name: string, dataType: ParameterDataType, def: ParameterSpec['default'], meaning: string, extra: Partial<ParameterSpec> = {}): ParameterSpec =>
  ({ name, dataType, default: def, meaning, ...extra });

const UNITS = { allowed: ['meters', 'feet'], synonyms: { metres: 'meters', metre: 'meters', meter: 'meters', m: 'meters', foot: 'feet', ft: 'feet' } } as const;

/** Output types of generateProduct (tps.md §9). */
export const OUTPUT_TYPES = ['pdf', 'tiff', 'png', 'jpg', 'svg', 'package'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

/** The operation catalogue of tps.md §5.4, in processing order. */
export const OPERATION_TYPES = {
  ExtractData: {
    meaning: "copy the AOI's features into the job's GeoPackage",
    parameters: [
      p('layers', 'string', '*', 'comma list of layer IDs or names; * = every feature layer'),
      p('buffer', 'double', '0', 'metres beyond the AOI to include', { min: 0 }),
      p('clip', 'boolean', 'true', 'clip geometries to the AOI plus buffer'),
      p('database', 'string', '[ExtractionDatabase]', 'target GeoPackage'),
    ],
  },
  ApplyLayout: {
    meaning: 'load the layout template, bind its layers to the extracted tables',
    parameters: [
      p('template', 'string', '[Layout]', 'layout template'),
      p('map', 'string', 'BaseMap', 'main map of the layout'),
      p('missing_layers', 'string', 'warn', 'warn (layer left empty, warning logged) or fail', { allowed: ['warn', 'fail'] }),
    ],
  },
  BuildGrid: {
    meaning: 'UTM/MGRS grid, graticule, neatline, corner and edge labels',
    parameters: [
      p('grid', 'string', '[GridType]', 'grid definition'),
      p('grid_interval', 'double', { derived: 'grid.gridInterval' }, 'metres between grid lines', { min: 0, minExclusive: true }),
      p('graticule_interval', 'double', { derived: 'grid.tickMinutes' }, 'minutes between graticule ticks', { min: 0 }),
      p('label_style', 'string', 'principal', 'principal (abbreviated, full values near corners) or full', { allowed: ['principal', 'full'] }),
      p('adjacent_zone', 'string', 'ticks', "neighbouring zone's grid as ticks, or none", { allowed: ['ticks', 'none'] }),
      p('map', 'string', 'BaseMap', 'map that receives the grid'),
    ],
  },
  GenerateContours: {
    meaning: 'contour lines from the DEM',
    parameters: [
      p('raster', 'string', '[Raster]', 'DEM'),
      p('contour_interval', 'double', { derived: 'grid.contourInterval' }, 'vertical interval', { min: 0, minExclusive: true }),
      p('index_every', 'integer', '5', 'every n-th contour is an index contour', { min: 1 }),
      p('units', 'string', { derived: 'grid.contourUnits' }, 'meters or feet', UNITS),
      p('base', 'double', '0', 'elevation from which intervals count'),
      p('supplementary', 'boolean', 'false', 'dashed half-interval contours in flat ground'),
      p('smooth_tolerance', 'double', '0.2', 'smoothing tolerance, mm', { min: 0 }),
      p('min_length', 'double', '2', 'closed contours shorter than this (mm) are dropped', { min: 0 }),
      p('crowding_distance', 'double', '0.3', 'intermediate contours closer than this (mm) are dropped; index contours stay', { min: 0 }),
      p('label_index', 'boolean', 'true', 'label index contours, text reading uphill'),
    ],
  },
  GenerateHillshade: {
    meaning: 'shaded relief under the map',
    parameters: [
      p('raster', 'string', '[Raster]', 'DEM'),
      p('azimuth', 'double', '315', 'light direction, degrees clockwise from north', { min: 0, max: 360 }),
      p('altitude', 'double', '45', 'light elevation above the horizon, degrees', { min: 0, max: 90 }),
      p('z_factor', 'double', '1', 'vertical exaggeration (horizontal units converted first)', { min: 0, minExclusive: true }),
      p('opacity', 'double', '0.4', '0–1, blended by multiplication', { min: 0, max: 1 }),
    ],
  },
  GenerateSpotHeights: {
    meaning: 'selected elevation points',
    parameters: [
      p('raster', 'string', '[Raster]', 'DEM'),
      p('count', 'integer', '40', 'maximum number of points', { min: 0 }),
      p('min_spacing', 'double', '20', 'minimum distance between points, mm', { min: 0 }),
      p('include_summits', 'boolean', 'true', 'always keep local maxima'),
      p('include_depressions', 'boolean', 'true', 'keep local minima'),
      p('units', 'string', { derived: 'contours.units' }, 'meters or feet', UNITS),
    ],
  },
  ElevationGuide: {
    meaning: 'small relief diagram of the sheet for the margin',
    parameters: [
      p('raster', 'string', '[Raster]', 'DEM'),
      p('bands', 'integer', '3', 'elevation bands, 2–4', { min: 2, max: 4 }),
      p('method', 'string', 'quantile', 'quantile or equal_interval; limits snapped to contour values', { allowed: ['quantile', 'equal_interval'] }),
      p('include_spot_heights', 'boolean', 'true', 'mark the highest point and a few spot heights'),
      p('include_hydrography', 'boolean', 'true', 'draw major water features'),
    ],
  },
  AdjoiningSheets: {
    meaning: 'diagram of neighbouring sheets',
    parameters: [
      p('index_layer', 'string', '[AOILayer]', 'sheet index layer'),
      p('label_field', 'string', '[SheetIDField]', 'field labelling each sheet'),
      p('ring', 'integer', '1', 'rings of neighbours (1 gives 3 × 3)', { min: 1, max: 3 }),
    ],
  },
  Declination: {
    meaning: 'true, grid and magnetic north for the diagram and notes',
    parameters: [
      p('model', 'string', 'WMM', 'World Magnetic Model edition valid on date', { pattern: { test: /^WMM(-\d{4})?$/i, says: 'WMM or WMM-<year>' } }),
      p('date', 'string', '[JobDate]', 'ISO date of the magnetic values', { pattern: { test: /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, says: 'an ISO date (YYYY-MM-DD)' } }),
      p('rounding', 'double', '0.5', 'G–M angle rounding, degrees', { min: 0, max: 10, minExclusive: true }),
      p('mils', 'boolean', 'true', 'also print mils, to the nearest 10'),
      p('annual_change', 'boolean', 'true', 'print the yearly change note'),
    ],
  },
  UpdateSurrounds: {
    meaning: 'titles, notes, dynamic text, legend',
    parameters: [
      p('sheet_name_field', 'string', 'NAME', 'AOI field holding the sheet name'),
      p('series_name', 'string', '', 'series text'),
      p('series_number', 'string', '', 'series text'),
      p('edition', 'string', '1', 'edition text'),
      p('notes', 'json', '{}', 'layout element name → text'),
      p('legend', 'string', 'auto', 'auto (symbols present on the sheet) or full', { allowed: ['auto', 'full'] }),
    ],
  },
  Export: {
    meaning: 'write the output file; outputSettings override these',
    parameters: [
      p('format', 'string', '[OutputType]', 'output type', { allowed: OUTPUT_TYPES }),
      p('resolution', 'integer', '300', 'dpi of raster outputs and rasterized layers', { min: 72, max: 1200 }),
      p('image_quality', 'integer', '90', 'JPEG quality 1–100', { min: 1, max: 100 }),
      p('compression', 'string', 'deflate', 'TIFF: none, lzw, deflate, jpeg', { allowed: ['none', 'lzw', 'deflate', 'jpeg'] }),
      p('georeference', 'boolean', 'true', 'Geospatial PDF / GeoTIFF georeferencing'),
      p('embed_fonts', 'boolean', 'true', 'embed font subsets in PDF and SVG'),
      p('layers_and_attributes', 'string', 'layers', 'PDF: none, layers, layers_and_attributes', { allowed: ['none', 'layers', 'layers_and_attributes'] }),
    ],
  },
} as const satisfies Record<string, OperationTypeSpec>;

export type OperationType = keyof typeof OPERATION_TYPES;

/** The operation type names in catalogue order. */
export const OPERATION_TYPE_NAMES = Object.keys(OPERATION_TYPES) as OperationType[];

export function isOperationType(name: unknown): name is OperationType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OPERATION_TYPES, name);
}

/** The spec of one parameter of a type, or undefined. */
export function parameterSpec(type: OperationType, name: string): ParameterSpec | undefined {
  return (OPERATION_TYPES[type].parameters as readonly ParameterSpec[]).find((s) => s.name === name);
}

/** Parameter names of a type, in catalogue order. */
export function parameterNames(type: OperationType): string[] {
  return OPERATION_TYPES[type].parameters.map((s) => s.name);
}

/** A parameter's typed value. */
export type ParameterValue = string | number | boolean | Record<string, unknown>;

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a parameter's value (after references are resolved) as its data type. Strings of
 * digits become numbers, `true`/`false` (any case) booleans, JSON text objects; strings are
 * checked against `allowed`, `pattern` and numbers against the limits. Returns the value or a
 * reason it is refused (`must be a number, got 'abc'`).
 */
export function readParameterValue(spec: ParameterSpec, raw: unknown): { value: ParameterValue } | { error: string } {
  const shown = typeof raw === 'string' ? `'${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}'` : JSON.stringify(raw) ?? String(raw);
  switch (spec.dataType) {
    case 'double':
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER_TEXT.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) return { error: `must be ${spec.dataType === 'integer' ? 'an integer' : 'a number'}, got ${shown}` };
      if (spec.dataType === 'integer' && !Number.isInteger(n)) return { error: `must be an integer, got ${shown}` };
      const low = spec.min !== undefined && (spec.minExclusive ? n <= spec.min : n < spec.min);
      const high = spec.max !== undefined && n > spec.max;
      if (low || high) return { error: `must be ${rangeText(spec)}, got ${shown}` };
      return { value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      if (t === 'true' || t === 'false') return { value: t === 'true' };
      return { error: `must be 'true' or 'false', got ${shown}` };
    }
    case 'json': {
      let v = raw;
      if (typeof v === 'string') {
        try { v = JSON.parse(v.trim() === '' ? '{}' : v); } catch { return { error: `must be a JSON object, got ${shown}` }; }
      }
      if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: `must be a JSON object, got ${shown}` };
      return { value: v as Record<string, unknown> };
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: `must be a string, got ${shown}` };
      const s = String(raw);
      if (spec.allowed) {
        const key = s.trim().toLowerCase();
        const hit = spec.allowed.find((a) => a.toLowerCase() === key) ?? spec.synonyms?.[key];
        if (hit === undefined) return { error: `must be one of ${spec.allowed.join(', ')}, got ${shown}` };
        return { value: hit };
      }
      if (spec.pattern && !spec.pattern.test.test(s.trim())) return { error: `must be ${spec.pattern.says}, got ${shown}` };
      return { value: s };
    }
  }
}

function rangeText(spec: ParameterSpec): string {
  const low = spec.min === undefined ? '' : spec.minExclusive ? `greater than ${spec.min}` : `at least ${spec.min}`;
  const high = spec.max === undefined ? '' : `at most ${spec.max}`;
  if (spec.min !== undefined && spec.max !== undefined && !spec.minExclusive) return `from ${spec.min} to ${spec.max}`;
  return `a ${spec.dataType === 'integer' ? 'whole number' : 'number'} ${[low, high].filter(Boolean).join(' and ')}`;
}

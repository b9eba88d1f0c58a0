/**
 * Spatial references as ArcGIS clients send them — a WKID (`4326`), an SR object
 * (`{"wkid":3857}`, `{"latestWkid":3857}`, `{"wkt":"PROJCS[…]"}`) — resolved to proj4
 * definitions through the EPSG registry shipped in the `epsg-index` package.
 * @module geo/spatial-reference
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Esri JSON spatial reference (mapserver.md §15.1). */
export interface SpatialReference {
  wkid?: number;
  latestWkid?: number;
  wkt?: string;
}

/** Raised when an SR cannot be parsed or is not in the registry. */
export class SpatialReferenceError extends Error {}

/** Esri's own WKIDs for systems EPSG also defines, mapped to the EPSG code (mapserver.md §1). */
const ESRI_ALIASES: Record<number, number> = { 102100: 3857, 102113: 3857, 900913: 3857, 4326: 4326 };

export interface EpsgEntry { code: number; name: string; proj4: string; wkt: string; unit: string | null }

const require = createRequire(import.meta.url);
const epsgDir = join(dirname(require.resolve('epsg-index/package.json')), 's');
const epsgCache = new Map<number, EpsgEntry | null>();

/**
 * Seven-parameter shifts to WGS 84 for the datums whose registry definitions need a grid file
 * (NTv2), keyed by the grid's name: Quadrangle ships no grid files, and proj4 answers NaN for a
 * mandatory grid it cannot find. The Helmert shifts are the datums' published ones, good to a
 * few metres (OSGB36: Ordnance Survey; DHDN: BKG; NZGD49: LINZ; NAD27: the NADCON mean).
 */
const GRID_FALLBACKS: Record<string, string> = {
  'OSTN15_NTv2_OSGBtoETRS.gsb': '446.448,-125.157,542.06,0.15,0.247,0.842,-20.489',
  'BETA2007.gsb': '598.1,73.7,418.2,0.202,0.045,-2.455,6.7',
  'nzgd2kgrid0005.gsb': '59.47,-5.04,187.44,0.47,-0.1,1.024,-4.5993',
  'NTv2_0.gsb': '-8,160,176,0,0,0,0',
};

/**
 * A registry definition proj4 can run without grid files: a known datum's grid becomes its
 * Helmert shift, and any other grid is left out, so points move with no datum shift (metres to
 * a few hundred metres off) rather than turning into NaN, as proj4 makes them when no grid of
 * the list is loaded, optional or not.
 */
function withoutGridFiles(def: string): string {
  return def.replace(/\s*\+nadgrids=(\S+)/, (_, grids: string) => {
    const shift = GRID_FALLBACKS[grids];
    return shift ? ` +towgs84=${shift}` : '';
  });
}

/** Looks an EPSG code up in the registry; `null` when it is not a known CRS. */
export function lookupEpsg(code: number): EpsgEntry | null {
  if (!Number.isSafeInteger(code) || code <= 0) return null;
  const cached = epsgCache.get(code);
  if (cached !== undefined) return cached;
  let entry: EpsgEntry | null = null;
  try {
    // The code is a validated integer, so the path cannot leave the registry folder.
    const json = JSON.parse(readFileSync(join(epsgDir, `${code}.json`), 'utf8')) as {
      name: string; proj4: string | null; wkt: string | null; unit: string | null; kind: string;
    };
    if (json.proj4 && json.kind.startsWith('CRS-')) {
      entry = { code, name: json.name, proj4: withoutGridFiles(json.proj4.replace(/\s*\+type=crs/, '')), wkt: json.wkt ?? '', unit: json.unit };
    }
  } catch { entry = null; }
  epsgCache.set(code, entry);
  return entry;
}

/** The EPSG code a WKID stands for (Esri's Web Mercator aliases folded to 3857). */
export function canonicalWkid(wkid: number): number {
  return ESRI_ALIASES[wkid] ?? wkid;
}

/**
 * Parses an SR parameter: a number, a numeric string, JSON text of an SR object, or an object.
 * Returns `null` for an empty value. Throws SpatialReferenceError for anything unusable.
 */
export function parseSpatialReference(value: unknown): SpatialReference | null {
  if (value === undefined || value === null || value === '') return null;
  let v: unknown = value;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+$/.test(s)) v = Number(s);
    else if (s.startsWith('{')) {
      try { v = JSON.parse(s); } catch { throw new SpatialReferenceError('not valid JSON'); }
    } else throw new SpatialReferenceError('expected a WKID or a spatial reference object');
  }
  if (typeof v === 'number') v = { wkid: v };
  if (typeof v !== 'object' || v === null) throw new SpatialReferenceError('expected a WKID or a spatial reference object');
  const o = v as Record<string, unknown>;
  const wkid = o.latestWkid ?? o.wkid;
  if (wkid !== undefined && wkid !== null) {
    const n = Number(wkid);
    if (!Number.isSafeInteger(n) || n <= 0) throw new SpatialReferenceError('wkid must be a positive integer');
    if (!lookupEpsg(canonicalWkid(n))) throw new SpatialReferenceError(`unknown wkid ${n}`);
    return { wkid: Number(o.wkid ?? n), latestWkid: canonicalWkid(n) };
  }
  const wkt = o.wkt ?? o.wkt2;
  if (typeof wkt === 'string' && wkt.length > 0 && wkt.length < 20000) return { wkt };
  throw new SpatialReferenceError('spatial reference needs a wkid or wkt');
}

/** The definition proj4 needs for an SR: a proj4 string or WKT. */
export function projDefinition(sr: SpatialReference): string {
  const wkid = sr.latestWkid ?? sr.wkid;
  if (wkid !== undefined) {
    const entry = lookupEpsg(canonicalWkid(wkid));
    if (!entry) throw new SpatialReferenceError(`unknown wkid ${wkid}`);
    return entry.proj4;
  }
  if (sr.wkt) return sr.wkt;
  throw new SpatialReferenceError('spatial reference needs a wkid or wkt');
}

/** A stable key for caching transforms between two SRs. */
export function srKey(sr: SpatialReference): string {
  const wkid = sr.latestWkid ?? sr.wkid;
  return wkid !== undefined ? `epsg:${canonicalWkid(wkid)}` : `wkt:${sr.wkt}`;
}

/** The SR object Quadrangle writes: `wkid` and `latestWkid` (mapserver.md §15.1). */
export function srJson(sr: SpatialReference): SpatialReference {
  if (sr.wkid === undefined) return { wkt: sr.wkt };
  return { wkid: sr.wkid, latestWkid: canonicalWkid(sr.latestWkid ?? sr.wkid) };
}

/** Whether the SR's units are degrees (`esriDecimalDegrees`). */
export function isGeographic(sr: SpatialReference): boolean {
  return /\+proj=longlat/.test(projDefinition(sr)) || /^\s*(GEOGCS|GEOGCRS|GEOGRAPHICCRS)\b/.test(sr.wkt ?? '');
}

/** Esri `units` value for a service or layer in this SR. */
export function esriUnits(sr: SpatialReference): string {
  if (isGeographic(sr)) return 'esriDecimalDegrees';
  const def = projDefinition(sr);
  if (/\+units=(us-)?ft/.test(def)) return 'esriFeet';
  // A custom WKT: the last UNIT is the projected CRS's own (feet: 0.3048 or US survey 0.3048006096).
  const units = [...def.matchAll(/(?:^|[,[])\s*(?:UNIT|LENGTHUNIT)\[\s*"[^"]*"\s*,\s*([\d.eE+-]+)/g)];
  const factor = units.length ? Number(units[units.length - 1]![1]) : 1;
  if (Math.abs(factor - 0.3048) < 1e-6) return 'esriFeet';
  return 'esriMeters';
}

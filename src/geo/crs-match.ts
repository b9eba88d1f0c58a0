/**
 * The coordinate system a user's file declares — an EPSG code, WKT 1 (OGC, or the ESRI flavour
 * of a shapefile's .prj), WKT 2, or a proj4 string — matched to an EPSG code of the registry
 * where one fits, and otherwise kept as a custom definition that proj4 can transform with.
 * Nothing is assumed: a definition that is neither matched nor usable is an error naming its file.
 *
 * Matching runs in three steps: an EPSG authority at the top of the WKT wins; otherwise the WKT
 * is parsed by proj4 into projection parameters and looked up in an index of the registry built
 * once, lazily, in memory (method + ellipsoid + prime meridian + unit + rounded parameters), the
 * datum's name choosing between CRSs that differ only by datum; otherwise the definition is custom.
 * @module geo/crs-match
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import proj4 from 'proj4';
import type { SpatialReference } from './spatial-reference.js';
import { canonicalWkid, lookupEpsg, SpatialReferenceError } from './spatial-reference.js';

/** What a file says of its coordinate system; the first given of `epsg`, `wkt`, `proj4` is used. */
export interface CrsInput { epsg?: number; wkt?: string; proj4?: string }

/** How a definition was resolved: by its EPSG code or authority, by its parameters, or not at all. */
export type CrsMatchKind = 'authority' | 'parameters' | 'custom';

/** A coordinate system ready for Quadrangle. */
export interface ResolvedCrs {
  /** `{wkid, latestWkid}` when matched to an EPSG code, `{wkt}` for a custom system. */
  sr: SpatialReference;
  /** The EPSG code, or null for a custom system. */
  epsg: number | null;
  /** The registry's name, or the name the definition gives itself. */
  name: string;
  /**
   * WKT 1 usable by proj4 and GDAL: the registry's for a match, for a custom system the file's
   * own WKT 1 or one written from the parsed parameters (the file's text is kept only for a
   * method Quadrangle cannot write as WKT 1).
   */
  wkt: string;
  matchedBy: CrsMatchKind;
}

/** Resolves a file's coordinate system. `source` names the file (and table) in error messages. */
export function resolveCrs(input: CrsInput, source: string): ResolvedCrs {
  if (input.epsg !== undefined) return byCode(input.epsg, source);
  if (typeof input.wkt === 'string' && input.wkt.trim()) return fromWkt(input.wkt.trim(), source);
  if (typeof input.proj4 === 'string' && input.proj4.trim()) return fromProj4(input.proj4.trim(), source);
  throw new SpatialReferenceError(`${source}: no coordinate system is given`);
}

function fail(source: string, why: string): never {
  throw new SpatialReferenceError(`${source}: ${why}`);
}

function byCode(code: number, source: string, matchedBy: CrsMatchKind = 'authority'): ResolvedCrs {
  const canonical = Number.isSafeInteger(code) ? canonicalWkid(code) : NaN;
  const entry = lookupEpsg(canonical);
  // A vertical CRS alone places nothing on a map.
  if (!entry || !/\+proj=/.test(entry.proj4)) fail(source, `EPSG:${code} is not a horizontal coordinate reference system of the EPSG registry`);
  return { sr: { wkid: canonical, latestWkid: canonical }, epsg: canonical, name: entry.name, wkt: entry.wkt || registryWkt1(entry.name, entry.proj4), matchedBy };
}

/** WKT 1 for a registry CRS that has only a proj4 definition (a few hundred have no WKT). */
function registryWkt1(name: string, proj4Def: string): string {
  try {
    const p = projObject(proj4Def);
    const canon = canonicalOf(p);
    return (canon && wkt1Of(canon, name, name.split(' / ')[0]!, towgs84Of(p.datum_params))) || proj4Def;
  } catch { return proj4Def; }
}

// ---------------------------------------------------------------------------------------------
// WKT as a tree (WKT 1 and WKT 2 share the bracket syntax)

/** A WKT element: `KEYWORD[arg, …]`; quoted strings, numbers and bare words are its leaves. */
interface WktNode { keyword: string; args: Array<WktNode | string | number>; start: number; end: number }

const isNode = (a: unknown): a is WktNode => typeof a === 'object' && a !== null && 'keyword' in a;

function parseWktTree(text: string): WktNode {
  let i = 0;
  const skip = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const word = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 80));
    if (!m) throw new Error(`unexpected '${text.slice(i, i + 12)}' at character ${i}`);
    i += m[0].length;
    return m[0];
  };
  const node = (): WktNode => {
    skip();
    const start = i, keyword = word().toUpperCase();
    skip();
    const open = text[i];
    if (open !== '[' && open !== '(') throw new Error(`'${keyword}' is not followed by '[' at character ${i}`);
    const close = open === '[' ? ']' : ')';
    i++;
    const args: WktNode['args'] = [];
    skip();
    if (text[i] === close) { i++; return { keyword, args, start, end: i }; }
    for (;;) {
      skip();
      const c = text[i];
      if (c === undefined) throw new Error(`'${keyword}' is not closed`);
      if (c === '"') {
        let s = '';
        for (i++; ; i++) {
          if (i >= text.length) throw new Error('a quoted string is not closed');
          if (text[i] === '"') { if (text[i + 1] === '"') { s += '"'; i++; continue; } i++; break; }
          s += text[i];
        }
        args.push(s);
      } else if (/[A-Za-z_]/.test(c) && /^[A-Za-z_][A-Za-z0-9_]*\s*[[(]/.test(text.slice(i, i + 80))) {
        args.push(node());
      } else {
        const m = /^[^,\])]+/.exec(text.slice(i, i + 80));
        if (!m) throw new Error(`unexpected '${c}' at character ${i}`);
        i += m[0].length;
        const t = m[0].trim();
        args.push(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t);
      }
      skip();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === close) { i++; return { keyword, args, start, end: i }; }
      throw new Error(`expected ',' or '${close}' at character ${i}`);
    }
  };
  const root = node();
  skip();
  if (i < text.length) throw new Error(`unexpected text after the WKT at character ${i}`);
  return root;
}

const childOf = (n: WktNode, ...keywords: string[]): WktNode | undefined =>
  n.args.find((a): a is WktNode => isNode(a) && keywords.includes(a.keyword));

/** Depth-first search for the first element with one of `keywords`. */
function findNode(n: WktNode, keywords: string[]): WktNode | undefined {
  for (const a of n.args) {
    if (!isNode(a)) continue;
    if (keywords.includes(a.keyword)) return a;
    const hit = findNode(a, keywords);
    if (hit) return hit;
  }
  return undefined;
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'];
const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEOGRAPHICCRS', 'GEODCRS', 'GEODETICCRS'];

/** The horizontal CRS of a WKT: itself, the horizontal half of a compound CRS, or a bound CRS's source. */
function horizontalCrs(root: WktNode, source: string): WktNode {
  const k = root.keyword;
  if (PROJECTED.includes(k)) return root;
  if (GEOGRAPHIC.includes(k)) {
    const cs = childOf(root, 'CS');
    if (cs && String(cs.args[0]).toLowerCase() === 'cartesian') fail(source, 'the WKT is a geocentric CRS, which cannot be used for maps');
    return root;
  }
  if (k === 'COMPD_CS' || k === 'COMPOUNDCRS') {
    const h = root.args.find((a): a is WktNode => isNode(a) && (PROJECTED.includes(a.keyword) || GEOGRAPHIC.includes(a.keyword)));
    if (!h) fail(source, 'the compound CRS in the WKT has no horizontal part');
    return horizontalCrs(h, source);
  }
  if (k === 'BOUNDCRS') {
    const src = childOf(root, 'SOURCECRS')?.args.find(isNode);
    if (!src) fail(source, 'the bound CRS in the WKT has no SOURCECRS');
    return horizontalCrs(src, source);
  }
  if (k === 'GEOCCS') fail(source, 'the WKT is a geocentric CRS, which cannot be used for maps');
  if (k === 'VERT_CS' || k === 'VERTCRS' || k === 'VERTICALCRS') fail(source, 'the WKT is a vertical CRS only');
  if (k === 'LOCAL_CS' || k === 'ENGCRS' || k === 'ENGINEERINGCRS') fail(source, 'the WKT is a local engineering CRS, which is not tied to the Earth');
  fail(source, `the WKT starts with ${k}, which is not a coordinate reference system`);
}

/**
 * The datum shift of a WKT 2 bound CRS (how GDAL writes a TOWGS84) as TOWGS84's seven values:
 * metres, arc-seconds (position vector convention), parts per million.
 */
function boundShift(root: WktNode): number[] | null {
  if (root.keyword !== 'BOUNDCRS') return null;
  const t = childOf(root, 'ABRIDGEDTRANSFORMATION');
  if (!t) return null;
  const method = String(childOf(t, 'METHOD')?.args[0] ?? '').toLowerCase();
  const parameter = (name: string) => t.args.find((a): a is WktNode => isNode(a) && a.keyword === 'PARAMETER' && String(a.args[0]).toLowerCase() === name);
  const value = (name: string) => Number(parameter(name)?.args[1] ?? 0);
  const sign = method.includes('coordinate frame') ? -1 : 1;
  // PROJ writes the scale as a unitless factor (1 + difference); in parts per million when it says so.
  const scale = parameter('scale difference');
  const ppm = !scale ? 0 : /million/i.test(String(childOf(scale, 'SCALEUNIT')?.args[0] ?? '')) ? value('scale difference') : (value('scale difference') - 1) * 1e6;
  const v = [value('x-axis translation'), value('y-axis translation'), value('z-axis translation'),
    sign * value('x-axis rotation'), sign * value('y-axis rotation'), sign * value('z-axis rotation'), ppm];
  return v.every(Number.isFinite) ? v : null;
}

/** The EPSG code named by the CRS's own AUTHORITY/ID (not those of its parts), if any. */
function topLevelEpsg(crs: WktNode): number | null {
  for (const a of crs.args) {
    if (!isNode(a) || (a.keyword !== 'AUTHORITY' && a.keyword !== 'ID')) continue;
    const auth = String(a.args[0]).toUpperCase(), code = Number(a.args[1]);
    if (!Number.isSafeInteger(code)) continue;
    if (auth === 'EPSG') return code;
    // Esri's own codes for Web Mercator.
    if (auth === 'ESRI' && canonicalWkid(code) !== code) return canonicalWkid(code);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Parameters: proj4's parse normalised to compare registry and file

/** The fields of a proj4 projection object read here (angles in radians, lengths in metres). */
interface ProjObject {
  names?: string[]; projName?: string; a: number; b: number; rf?: number; es: number; sphere?: boolean;
  lat0?: number; long0?: number; lat1?: number; lat2?: number; lat_ts?: number; k0?: number;
  x0?: number; y0?: number; alpha?: number; longc?: number; rectified_grid_angle?: number; no_off?: boolean;
  to_meter?: number; units?: string; from_greenwich?: number; datumCode?: string;
  datum_params?: Array<number | string>;
}

const ProjCtor = (proj4 as unknown as { Proj: new (def: string) => ProjObject }).Proj;

function projObject(def: string): ProjObject {
  let p: ProjObject | undefined;
  try { p = new ProjCtor(def); } catch (e) { throw new Error(typeof e === 'string' ? e : (e as Error).message || 'proj4 cannot parse it'); }
  if (!p || !Array.isArray(p.names) || !Number.isFinite(p.a)) throw new Error('proj4 cannot parse it');
  return p;
}

/** A CRS reduced to what decides its coordinates. Angles in degrees, lengths in metres. */
interface Canonical {
  method: string;
  a: number;
  /** Inverse flattening; 0 for a sphere. */
  rf: number;
  /** Prime meridian, degrees east of Greenwich. */
  pm: number;
  /** Metres per unit of a projected CRS; 0 for a geographic one. */
  unit: number;
  params: Record<string, number>;
  /** Latitude of true scale of a polar stereographic (its k0 says the same; kept for writing WKT). */
  latTs?: number;
}

const DEG = 180 / Math.PI;
/** An azimuth folded into [-180, 180): Esri writes -22.7° where EPSG writes 337.3°. */
const azimuth = (deg: number) => ((((deg + 180) % 360) + 360) % 360) - 180;
const UNIT_METRES: Record<string, number> = { m: 1, meter: 1, metre: 1, km: 1000, ft: 0.3048, foot: 0.3048, 'us-ft': 1200 / 3937, 'us survey foot': 1200 / 3937 };

function canonicalOf(p: ProjObject): Canonical | null {
  const name = p.names?.[0] ?? '';
  const params: Record<string, number> = {};
  const put = (key: string, radians: number | undefined, scale = DEG) => {
    if (radians !== undefined && Number.isFinite(radians)) params[key] = radians * scale;
  };
  const angles = (...keys: Array<'lat0' | 'long0' | 'lat1' | 'lat2' | 'lat_ts' | 'alpha' | 'longc'>) => { for (const k of keys) put(k, p[k] ?? 0); };
  const linear = () => { put('x0', p.x0 ?? 0, 1); put('y0', p.y0 ?? 0, 1); };
  const scale = () => put('k0', p.k0 ?? 1, 1);
  let method = name;
  let latTs: number | undefined;
  switch (name) {
    case 'longlat': method = 'longlat'; break;
    case 'Geocentric': return null;
    case 'Extended_Transverse_Mercator': case 'Universal Transverse Mercator System': case 'Fast_Transverse_Mercator':
      method = 'tmerc'; angles('lat0', 'long0'); scale(); linear(); break;
    case 'Mercator': method = 'merc'; angles('long0'); scale(); linear(); break;
    case 'Lambert Tangential Conformal Conic Projection': {
      method = 'lcc'; angles('lat0', 'long0'); scale(); linear();
      const lat1 = p.lat1 ?? p.lat0 ?? 0;
      put('lat1', lat1); put('lat2', p.lat2 ?? lat1);
      break;
    }
    case 'Lambert Azimuthal Equal Area': method = 'laea'; angles('lat0', 'long0'); linear(); break;
    case 'Albers_Conic_Equal_Area': method = 'aea'; angles('lat0', 'long0', 'lat1', 'lat2'); linear(); break;
    case 'stere':
      method = 'stere'; angles('lat0', 'long0'); scale(); linear();
      if (p.lat_ts !== undefined && Math.abs(Math.abs(p.lat0 ?? 0) - Math.PI / 2) < 1e-10) latTs = p.lat_ts * DEG;
      break;
    case 'Stereographic_North_Pole': method = 'sterea'; angles('lat0', 'long0'); scale(); linear(); break;
    case 'somerc': method = 'somerc'; angles('lat0', 'long0'); scale(); linear(); break;
    case 'Hotine_Oblique_Mercator': {
      const alpha = (p.alpha ?? 0) * DEG, gamma = p.rectified_grid_angle !== undefined ? p.rectified_grid_angle * DEG : alpha;
      if (!p.no_off && Math.abs(alpha - 90) < 1e-9 && Math.abs(gamma - 90) < 1e-9) {
        // Hotine variant B with azimuth 90° at the centre is the Swiss oblique Mercator.
        method = 'somerc'; put('lat0', p.lat0 ?? 0); put('long0', p.longc ?? p.long0 ?? 0); scale(); linear();
      } else {
        method = p.no_off ? 'omerc-a' : 'omerc-b'; angles('lat0', 'longc'); params.alpha = azimuth(alpha); params.gamma = azimuth(gamma); scale(); linear();
      }
      break;
    }
    case 'Cassini': method = 'cass'; angles('lat0', 'long0'); linear(); break;
    case 'Equirectangular': method = 'eqc'; angles('lat0', 'long0', 'lat_ts'); linear(); break;
    case 'Polyconic': method = 'poly'; angles('lat0', 'long0'); linear(); break;
    case 'Azimuthal_Equidistant': method = 'aeqd'; angles('lat0', 'long0'); linear(); break;
    default:
      for (const k of ['lat0', 'long0', 'lat1', 'lat2', 'lat_ts', 'alpha', 'longc'] as const) put(k, p[k]);
      if (p.k0 !== undefined) scale();
      linear();
  }
  const sphere = p.sphere || p.b === p.a || p.es === 0;
  const unit = method === 'longlat' ? 0 : p.to_meter ?? UNIT_METRES[(p.units ?? 'm').toLowerCase()] ?? NaN;
  if (!Number.isFinite(unit)) return null;
  return { method, a: p.a, rf: sphere ? 0 : Number.isFinite(p.rf) && p.rf! > 0 ? p.rf! : p.a / (p.a - p.b), pm: (p.from_greenwich ?? 0) * DEG, unit, params, latTs };
}

/** Rounding steps of the index key: 1e-6° (0.1 m on the ground), 1 cm, 1e-8 of scale. */
const STEP: Record<string, number> = { x0: 0.01, y0: 0.01, k0: 1e-8 };
const ANGLE_STEP = 1e-6;

function keyOf(c: Canonical): string {
  const q = (v: number, step: number) => String(Math.round(v / step) || 0);
  const parts = [c.method, q(c.a, 0.1), q(c.pm, ANGLE_STEP), q(c.unit, 1e-9)];
  for (const k of Object.keys(c.params).sort()) parts.push(`${k}=${q(c.params[k]!, STEP[k] ?? ANGLE_STEP)}`);
  return parts.join('|');
}

/** Same ellipsoid: GRS 80 and WGS 84 (0.1 mm apart) agree, as do the registry's rounded Airy axes. */
const sameEllipsoid = (a: Canonical, b: Canonical) => (a.rf === 0 && b.rf === 0) || (a.rf !== 0 && b.rf !== 0 && Math.abs(a.rf - b.rf) < 5e-5);

// ---------------------------------------------------------------------------------------------
// Datum names, as EPSG, GDAL, Esri and proj4 spell them

/** Long datum words as Esri's short names spell them (on space-separated lower-case words). */
const DATUM_WORDS: Array<[RegExp, string]> = [
  [/\bnorth american datum of\b|\bnorth american datum\b|\bnorth american\b/g, 'nad'],
  [/\bworld geodetic system\b/g, 'wgs'],
  [/\beuropean terrestrial reference system\b/g, 'etrs'],
  [/\beuropean terrestrial reference frame\b/g, 'etrf'],
  [/\binternational terrestrial reference frame\b/g, 'itrf'],
  [/\breseau geodesique francais\b/g, 'rgf'],
  [/\bordnance survey of great britain\b/g, 'osgb'],
  [/\bgeocentric datum of australia\b/g, 'gda'],
  [/\bnew zealand geodetic datum\b/g, 'nzgd'],
  [/\bsouth american datum\b|\bsouth american\b/g, 'sad'],
  [/\beuropean datum\b|\beuropean\b(?= \d)/g, 'ed'],
  [/\bnew zealand\b(?= \d)/g, 'nzgd'],
  [/\bjapanese geodetic datum\b/g, 'jgd'],
  [/\bsistema de referencia geocentrico para (las )?americas\b/g, 'sirgas'],
  [/\bnouvelle triangulation francaise\b/g, 'ntf'],
  [/\bmilitar geographische institut\b/g, 'mgi'],
  [/\bhigh accuracy (reference|regional) network\b/g, 'harn'],
  [/\bcontinuously operating reference station\b/g, 'cors'],
  [/\btransit broadcast ephemeris\b/g, 'be'],
  [/\bnetwork\b/g, 'net'],
  [/\b(adj|adjustment|definition)\b/g, ''],
  [/\bcanadian spatial reference system\b/g, 'csrs'],
  [/\bnational spatial reference system\b/g, 'nsrs'],
  [/\bversion\b/g, 'v'],
  [/\bensemble\b/g, ''],
];

/** A datum name as words, so that `D_North_American_1983`, `North_American_Datum_1983` and `NAD83` agree. */
function datumWords(name: string | null | undefined): string[] {
  if (!name) return [];
  let s = name.toLowerCase().replace(/^d_/, '').replace(/\+/g, ' plus ')
    .replace(/([a-z])(\d)/g, '$1 $2').replace(/(\d)([a-z])/g, '$1 $2').replace(/[^a-z0-9]+/g, ' ');
  for (const [re, to] of DATUM_WORDS) s = s.replace(re, to);
  // NAD83, WGS 72, Hartebeesthoek94: two-digit years written out.
  return s.split(' ').filter(Boolean).map((w) => /^\d\d$/.test(w) ? `${Number(w) >= 20 ? 19 : 20}${w}` : w);
}

/**
 * How well a registry datum fits the file's: 3 the same, 2 a realisation of it (RGF 1993 →
 * RGF 1993 v1), 1 all its words, 0.5 a word in common (a year, an acronym), 0 nothing.
 */
function datumFit(file: string[], registry: string[]): number {
  if (!file.length || !registry.length) return 0;
  if (file.join(' ') === registry.join(' ')) return 3;
  if (file.length < registry.length && file.every((w, i) => registry[i] === w)) return 2;
  const theirs = new Set(registry);
  return file.every((w) => theirs.has(w)) ? 1 : file.some((w) => theirs.has(w)) ? 0.5 : 0;
}

/** A datum name that says nothing of the datum (GDAL writes these for proj4 definitions). */
const uninformative = (w: string[]) => !w.length || /unknown|unnamed|not specified|user defined|custom|none/.test(w.join(' '));

const words = (name: string) => new Set(name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));

// ---------------------------------------------------------------------------------------------
// The registry index

interface IndexEntry { code: number; name: string; canon: Canonical; datum: string[]; towgs84: number[] | null }

interface RegistryRecord { kind: string; name: string; proj4: string | null; wkt: string | null }

let registryIndex: Map<string, IndexEntry[]> | null = null;
let indexStats = { entries: 0, buildMs: 0 };

const towgs84Of = (values: Array<number | string> | undefined | null): number[] | null => {
  if (!values || !values.length) return null;
  const v = values.map(Number);
  while (v.length < 7) v.push(0);
  return v.every(Number.isFinite) ? v.slice(0, 7) : null;
};

function buildIndex(): Map<string, IndexEntry[]> {
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const all = JSON.parse(readFileSync(require.resolve('epsg-index/all.json'), 'utf8')) as Record<string, RegistryRecord>;
  const index = new Map<string, IndexEntry[]>();
  // Some 7000 CRSs share about 1000 datum names.
  const datums = new Map<string, string[]>();
  let entries = 0;
  for (const [code, e] of Object.entries(all)) {
    if (!e.proj4 || (e.kind !== 'CRS-PROJCRS' && e.kind !== 'CRS-GEOGCRS')) continue;
    let p: ProjObject;
    // A few methods proj4 lacks; those CRSs can only be named by code.
    try { p = projObject(e.proj4.replace(/\s*\+type=crs/, '')); } catch { continue; }
    const canon = canonicalOf(p);
    if (!canon) continue;
    // proj4 lacks a few ellipsoids (WGS 72, GSK-2011) and would read them as WGS 84: the WKT's axes decide.
    const spheroid = /\+ellps=/.test(e.proj4) && /SPHEROID\["[^"]*",([\d.eE+]+),([\d.eE+]+)/.exec(e.wkt ?? '');
    if (spheroid) { canon.a = Number(spheroid[1]); canon.rf = Number(spheroid[2]); }
    // Without a WKT the CRS's name says the datum (`MGI (Ferro)`, `ED50 / UTM zone 35N`).
    const datumName = /DATUM\["([^"]+)"/.exec(e.wkt ?? '')?.[1] ?? e.name.split(' / ')[0]!;
    let datum = datums.get(datumName);
    if (!datum) datums.set(datumName, datum = datumWords(datumName));
    const entry: IndexEntry = { code: Number(code), name: e.name, canon, datum, towgs84: towgs84Of(p.datum_params) };
    const key = keyOf(canon);
    const list = index.get(key);
    if (list) list.push(entry); else index.set(key, [entry]);
    entries++;
  }
  indexStats = { entries, buildMs: performance.now() - started };
  return index;
}

/** How many registry CRSs the parameter index holds and how long it took to build (0 before first use). */
export function crsIndexStats(): { entries: number; buildMs: number } {
  return { ...indexStats };
}

/** Builds the parameter index now rather than on the first match. */
export function warmCrsIndex(): void {
  registryIndex ??= buildIndex();
}

/** The registry also holds Esri's WKIDs (53000 and up); EPSG's own codes are below. */
const ESRI_CODES = 53000;
/** EPSG's twins of a CRS that differ only in axis order: `… (E-N)`, `… (N,E)`. */
const AXIS_TWIN = /\((E|N)[-,](N|E)\)/;

interface DatumEvidence { name: string; towgs84: number[] | null; crsName: string }

/** The registry CRS with these parameters and this datum, or null when none fits or several could. */
function matchParameters(canon: Canonical, evidence: DatumEvidence): IndexEntry | null {
  registryIndex ??= buildIndex();
  const candidates = (registryIndex.get(keyOf(canon)) ?? []).filter((e) => sameEllipsoid(e.canon, canon));
  if (!candidates.length) return null;
  const datum = datumWords(evidence.name);
  const rank = (e: IndexEntry) => datumFit(datum, e.datum);
  const best = Math.max(...candidates.map(rank));
  const pool = candidates.filter((e) => rank(e) === best);
  if (best < 1) {
    // No datum name fits: the single CRS with these parameters is taken only when the file's datum
    // is unnamed or shares a word with it (Esri's D_European_1950 for EPSG's European_Datum_1950),
    // and a datum shift the file states agrees.
    if ((best === 0 && !uninformative(datum)) || pool.length !== 1) return null;
    const only = pool[0]!;
    if (evidence.towgs84 && only.towgs84 && evidence.towgs84.some((v, i) => Math.abs(v - only.towgs84![i]!) > 1e-3)) return null;
    return only;
  }
  // Several CRSs share parameters and datum (realisations, axis-order twins, Esri's own copies):
  // EPSG's codes before Esri's, then the closest name, then a name without an axis order, then the oldest code.
  const own = words(evidence.crsName);
  const similarity = (e: IndexEntry) => {
    const theirs = words(e.name);
    const shared = [...theirs].filter((w) => own.has(w)).length;
    return shared / (own.size + theirs.size - shared || 1);
  };
  const order = (e: IndexEntry): [number, number, number, number] => [e.code < ESRI_CODES ? 0 : 1, -similarity(e), AXIS_TWIN.test(e.name) ? 1 : 0, e.code];
  const ranked = pool.map((e) => ({ e, o: order(e) }));
  ranked.sort((x, y) => x.o[0] - y.o[0] || x.o[1] - y.o[1] || x.o[2] - y.o[2] || x.o[3] - y.o[3]);
  return ranked[0]!.e;
}

// ---------------------------------------------------------------------------------------------
// WKT 1 written from parameters (for WKT 2 and proj4 definitions that match nothing)

const num = (v: number) => String(Number(v.toPrecision(15)));

function wkt1Of(canon: Canonical, name: string, datumName: string, towgs84: number[] | null): string | null {
  const ellipsoid = `SPHEROID["${canon.rf === 0 ? 'Sphere' : 'unnamed'}",${num(canon.a)},${num(canon.rf)}]`;
  const shift = towgs84 ? `,TOWGS84[${towgs84.map(num).join(',')}]` : '';
  const geogcs = `GEOGCS["${canon.method === 'longlat' ? name : datumName}",DATUM["${datumName}",${ellipsoid}${shift}],PRIMEM["${canon.pm ? 'unnamed' : 'Greenwich'}",${num(canon.pm)}],UNIT["degree",0.0174532925199433]]`;
  if (canon.method === 'longlat') return geogcs;
  const P = canon.params;
  const fe = (P.x0 ?? 0) / canon.unit, fn = (P.y0 ?? 0) / canon.unit;
  let projection: string, list: Array<[string, number]>;
  const tail: Array<[string, number]> = [['false_easting', fe], ['false_northing', fn]];
  switch (canon.method) {
    case 'tmerc': projection = 'Transverse_Mercator'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail]; break;
    case 'merc': projection = 'Mercator_1SP'; list = [['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail]; break;
    case 'lcc':
      if (Math.abs(P.lat1! - P.lat2!) < 1e-12 && Math.abs(P.lat1! - P.lat0!) < 1e-12) {
        projection = 'Lambert_Conformal_Conic_1SP'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail];
      } else {
        if (Math.abs(P.k0! - 1) > 1e-12) return null;
        projection = 'Lambert_Conformal_Conic_2SP'; list = [['standard_parallel_1', P.lat1!], ['standard_parallel_2', P.lat2!], ['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ...tail];
      }
      break;
    case 'laea': projection = 'Lambert_Azimuthal_Equal_Area'; list = [['latitude_of_center', P.lat0!], ['longitude_of_center', P.long0!], ...tail]; break;
    case 'aea': projection = 'Albers_Conic_Equal_Area'; list = [['standard_parallel_1', P.lat1!], ['standard_parallel_2', P.lat2!], ['latitude_of_center', P.lat0!], ['longitude_of_center', P.long0!], ...tail]; break;
    case 'stere':
      if (Math.abs(Math.abs(P.lat0!) - 90) < 1e-9) {
        // GDAL's WKT 1: latitude_of_origin is the latitude of true scale (variant B), or the pole with a scale factor (variant A).
        projection = 'Polar_Stereographic';
        list = canon.latTs !== undefined && Math.abs(Math.abs(canon.latTs) - 90) > 1e-9
          ? [['latitude_of_origin', canon.latTs], ['central_meridian', P.long0!], ['scale_factor', 1], ...tail]
          : [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail];
      } else {
        projection = 'Stereographic'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail];
      }
      break;
    case 'sterea': projection = 'Oblique_Stereographic'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['scale_factor', P.k0!], ...tail]; break;
    case 'somerc': projection = 'Hotine_Oblique_Mercator_Azimuth_Center'; list = [['latitude_of_center', P.lat0!], ['longitude_of_center', P.long0!], ['azimuth', 90], ['rectified_grid_angle', 90], ['scale_factor', P.k0!], ...tail]; break;
    case 'omerc-a': case 'omerc-b':
      projection = canon.method === 'omerc-a' ? 'Hotine_Oblique_Mercator' : 'Hotine_Oblique_Mercator_Azimuth_Center';
      list = [['latitude_of_center', P.lat0!], ['longitude_of_center', P.longc!], ['azimuth', P.alpha!], ['rectified_grid_angle', P.gamma!], ['scale_factor', P.k0!], ...tail];
      break;
    case 'cass': projection = 'Cassini_Soldner'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ...tail]; break;
    case 'eqc': projection = 'Equirectangular'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ['standard_parallel_1', P.lat_ts!], ...tail]; break;
    case 'poly': projection = 'Polyconic'; list = [['latitude_of_origin', P.lat0!], ['central_meridian', P.long0!], ...tail]; break;
    case 'aeqd': projection = 'Azimuthal_Equidistant'; list = [['latitude_of_center', P.lat0!], ['longitude_of_center', P.long0!], ...tail]; break;
    default: return null;
  }
  if (list.some(([, v]) => v === undefined || !Number.isFinite(v))) return null;
  const unitName = Math.abs(canon.unit - 1) < 1e-12 ? 'metre' : Math.abs(canon.unit - 1200 / 3937) < 1e-12 ? 'US survey foot' : Math.abs(canon.unit - 0.3048) < 1e-12 ? 'foot' : 'unnamed';
  return `PROJCS["${name}",${geogcs},PROJECTION["${projection}"],${list.map(([k, v]) => `PARAMETER["${k}",${num(v)}]`).join(',')},UNIT["${unitName}",${num(canon.unit)}]]`;
}

// ---------------------------------------------------------------------------------------------
// Resolution

/** Checks that proj4 can carry a point near the projection's centre to WGS 84 and back. */
function checkTransform(def: string, canon: Canonical, source: string): void {
  const lon = canon.params.long0 ?? canon.params.longc ?? 0;
  const lat = Math.max(-85, Math.min(85, canon.params.lat0 ?? 0));
  let ok = false, detail = 'it gives no coordinates';
  try {
    const converter = proj4(def, 'EPSG:4326');
    const xy = converter.inverse([lon, lat]);
    const back = converter.forward(xy);
    ok = [...xy, ...back].every(Number.isFinite) && Math.abs(back[0]! - lon) < 1e-6 && Math.abs(back[1]! - lat) < 1e-6;
    if (!ok && [...xy].every(Number.isFinite)) detail = 'points do not come back where they started';
  } catch (e) { detail = typeof e === 'string' ? e : (e as Error).message; }
  if (!ok) fail(source, `proj4 cannot transform with the coordinate system (${detail})`);
}

/** Method names proj4 does not know, as the names it knows for the same method. */
function renameMethods(wkt: string): string {
  return wkt.replace(/((?:PROJECTION|METHOD)\[\s*")(Mercator_2SP|Mercator \(variant B\))"/i, '$1Mercator"');
}

const shiftOf = (p: ProjObject) => p.datum_params ? ` +towgs84=${p.datum_params.join(',')}` : '';

/** A projection rebuilt from a proj4 definition of its method and `p`'s offsets, ellipsoid, unit and datum shift. */
function rebuild(p: ProjObject, method: string, ellipsoid = ` +a=${p.a} +b=${p.b}`): ProjObject {
  const pm = p.from_greenwich ? ` +pm=${p.from_greenwich * DEG}` : '';
  return projObject(`${method} +x_0=${p.x0 ?? 0} +y_0=${p.y0 ?? 0}${ellipsoid}${pm} +to_meter=${p.to_meter ?? 1}${shiftOf(p)}`);
}

/** What proj4 reads wrongly from some WKT, rebuilt as the WKT means it. */
function fixQuirks(p: ProjObject, crs: WktNode): ProjObject {
  const deg = (radians: number | undefined) => (radians ?? 0) * DEG;
  const name = p.projName ?? '';
  if (p.names?.[0] === 'Mercator') {
    // WKT 2's Popular Visualisation Pseudo Mercator is spherical whatever the ellipsoid says.
    if (/pseudo.?mercator/i.test(name) && p.a !== p.b) return rebuild(p, `+proj=merc +lon_0=${deg(p.long0)}`, ` +a=${p.a} +b=${p.a}`);
    // A Mercator with a standard parallel (Esri's Mercator, OGC's Mercator_2SP): proj4 reads the
    // parallel as lat1 and draws at scale 1 on the equator; it needs lat_ts.
    if (p.lat_ts === undefined && p.lat1 && !/1SP|Variant_A|Auxiliary/i.test(name)) return rebuild(p, `+proj=merc +lat_ts=${deg(p.lat1)} +lon_0=${deg(p.long0)}`);
  }
  // proj4 takes Esri's Stereographic_North_Pole for the oblique stereographic; it is the polar one with a latitude of true scale.
  if (name === 'Stereographic_North_Pole') return rebuild(p, `+proj=stere +lat_0=90 +lat_ts=${deg(p.lat1 ?? p.lat0 ?? Math.PI / 2)} +lon_0=${deg(p.long0)}`);
  // proj4 does not read WKT 2's `Azimuth of initial line` (`… at projection centre`) of a Hotine oblique Mercator.
  if (p.names?.[0] === 'Hotine_Oblique_Mercator' && p.alpha === undefined) {
    const conversion = childOf(crs, 'CONVERSION') ?? crs;
    const azimuth = conversion.args.find((a): a is WktNode => isNode(a) && a.keyword === 'PARAMETER' && /azimuth/i.test(String(a.args[0])));
    if (azimuth) {
      const gamma = p.rectified_grid_angle !== undefined ? ` +gamma=${deg(p.rectified_grid_angle)}` : '';
      return rebuild(p, `+proj=omerc${p.no_off ? ' +no_uoff' : ''} +lat_0=${deg(p.lat0)} +lonc=${deg(p.longc ?? p.long0)} +alpha=${Number(azimuth.args[1])}${gamma} +k=${p.k0 ?? 1}`);
    }
  }
  return p;
}

function fromWkt(text: string, source: string): ResolvedCrs {
  let root: WktNode;
  try { root = parseWktTree(text); } catch (e) { fail(source, `the coordinate system is not valid WKT (${(e as Error).message})`); }
  const crs = horizontalCrs(root, source);
  const code = topLevelEpsg(crs);
  if (code !== null && lookupEpsg(code)) return byCode(code, source);
  const crsText = text.slice(crs.start, crs.end);
  let parsed: ProjObject;
  try { parsed = projObject(renameMethods(crsText)); } catch (e) { fail(source, `proj4 cannot read the WKT (${(e as Error).message})`); }
  const p = fixQuirks(parsed, crs);
  const canon = canonicalOf(p);
  if (!canon) fail(source, 'the WKT is a geocentric CRS or has a unit proj4 does not know');
  const datumNode = findNode(crs, ['DATUM', 'GEODETICDATUM', 'TRF', 'ENSEMBLE']);
  const towgs84 = towgs84Of(datumNode && childOf(datumNode, 'TOWGS84')?.args.map(Number)) ?? boundShift(root);
  const name = typeof crs.args[0] === 'string' ? crs.args[0] : 'unnamed';
  const datumName = typeof datumNode?.args[0] === 'string' ? datumNode.args[0] : 'unknown';
  const match = matchParameters(canon, { name: datumName, towgs84, crsName: name });
  if (match) return byCode(match.code, source, 'parameters');
  // The file's own WKT 1 when proj4 reads it right; otherwise WKT 1 written from what it means.
  const wkt1 = (crs.keyword === 'PROJCS' || crs.keyword === 'GEOGCS') && p === parsed
    ? crsText
    : wkt1Of(canon, name, datumName, towgs84 ?? towgs84Of(p.datum_params)) ?? crsText;
  checkTransform(wkt1, canon, source);
  return { sr: { wkt: wkt1 }, epsg: null, name, wkt: wkt1, matchedBy: 'custom' };
}

/** proj4 `+datum=` names, spelt as the registry's WKT spells the datum. */
const PROJ4_DATUMS: Record<string, string> = {
  wgs84: 'WGS_1984', nad83: 'North_American_Datum_1983', nad27: 'North_American_Datum_1927', osgb36: 'OSGB_1936',
  potsdam: 'Deutsches_Hauptdreiecksnetz', ch1903: 'CH1903', ggrs87: 'Greek_Geodetic_Reference_System_1987', nzgd49: 'New_Zealand_Geodetic_Datum_1949',
};

function fromProj4(def: string, source: string): ResolvedCrs {
  if (!def.startsWith('+')) fail(source, 'a proj4 definition starts with +proj=');
  let p: ProjObject;
  try { p = projObject(def.replace(/\s*\+type=crs/, '')); } catch (e) { fail(source, `proj4 cannot read the definition (${(e as Error).message})`); }
  const canon = canonicalOf(p);
  if (!canon) fail(source, 'the definition is geocentric or has a unit proj4 does not know');
  const datumKey = /\+datum=(\S+)/.exec(def)?.[1]?.toLowerCase();
  const datumName = (datumKey && PROJ4_DATUMS[datumKey]) ?? 'unknown';
  const towgs84 = /\+towgs84=/.test(def) ? towgs84Of(p.datum_params) : null;
  const match = matchParameters(canon, { name: datumName, towgs84, crsName: '' });
  if (match) return byCode(match.code, source, 'parameters');
  const name = 'unnamed';
  // A method without a WKT 1 writer keeps the proj4 text, which proj4 and GDAL both read.
  const wkt1 = wkt1Of(canon, name, datumName, towgs84 ?? towgs84Of(p.datum_params)) ?? def;
  checkTransform(wkt1, canon, source);
  return { sr: { wkt: wkt1 }, epsg: null, name, wkt: wkt1, matchedBy: 'custom' };
}

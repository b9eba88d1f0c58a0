/**
 * The coordinate system of a GeoTIFF from its GeoKeys: an EPSG code (ProjectedCSTypeGeoKey,
 * GeographicTypeGeoKey), or, for a user-defined system (32767), WKT built from the projection
 * keys — or the Esri PE string GDAL sometimes writes in the citation, or the SRS of GDAL's
 * `.aux.xml` beside the file — resolved with `resolveCrs` so a known system gets its EPSG code.
 * @module terrain/geotiff-crs
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolveCrs, type ResolvedCrs } from '../geo/crs-match.js';
import { lookupEpsg } from '../geo/spatial-reference.js';

/** The GeoKeys as geotiff.js parses them, by name. */
export type GeoKeys = Partial<Record<string, unknown>>;

/** GeoTIFF's code for "user-defined". */
const USER_DEFINED = 32767;

/** Raised when the GeoKeys say too little, or something Quadrangle cannot use. */
export class GeoTiffCrsError extends Error {}

/** EPSG ellipsoids by code: semi-major axis and inverse flattening (0 for a sphere). */
const ELLIPSOIDS: Record<number, [string, number, number]> = {
  7001: ['Airy 1830', 6377563.396, 299.3249646], 7002: ['Airy Modified 1849', 6377340.189, 299.3249646],
  7003: ['Australian National Spheroid', 6378160, 298.25], 7004: ['Bessel 1841', 6377397.155, 299.1528128],
  7008: ['Clarke 1866', 6378206.4, 294.978698213898], 7011: ['Clarke 1880 (IGN)', 6378249.2, 293.466021293627],
  7012: ['Clarke 1880 (RGS)', 6378249.145, 293.465], 7019: ['GRS 1980', 6378137, 298.257222101],
  7022: ['International 1924', 6378388, 297], 7024: ['Krassowsky 1940', 6378245, 298.3],
  7030: ['WGS 84', 6378137, 298.257223563], 7035: ['Sphere', 6371000, 0], 7036: ['GRS 1967', 6378160, 298.247167427],
  7043: ['WGS 72', 6378135, 298.26], 7059: ['Popular Visualisation Sphere', 6378137, 0],
};

/** EPSG prime meridians by code, degrees east of Greenwich. */
const PRIME_MERIDIANS: Record<number, number> = {
  8901: 0, 8902: -9.0754862, 8903: 2.33722917, 8904: -74.08091667, 8905: -3.687938888888889, 8906: 12.45233333333333,
  8907: 7.439583333333333, 8908: 106.8077194444444, 8909: -17.66666666666667, 8910: 4.367975, 8911: 18.05827777777778, 8912: 23.7163375, 8913: 10.72291666666667,
};

/** EPSG linear units by code, metres per unit. */
const LINEAR_UNITS: Record<number, [string, number]> = {
  9001: ['metre', 1], 9002: ['foot', 0.3048], 9003: ['US survey foot', 1200 / 3937], 9005: ["Clarke's foot", 0.3047972654],
  9036: ['kilometre', 1000], 9014: ['fathom', 1.8288], 9030: ['nautical mile', 1852], 9031: ['German legal metre', 1.0000135965], 9037: ['Clarke\'s yard', 0.9143917962],
};

/** Angular units that are degrees (9102 degree, 9122 degree supplier-defined). */
const DEGREES = new Set([9102, 9122]);

/** GeoTIFF coordinate transformation codes (ProjCoordTransGeoKey) Quadrangle can write as WKT. */
const TRANSFORMS: Record<number, string> = {
  1: 'Transverse Mercator', 3: 'Oblique Mercator', 7: 'Mercator', 8: 'Lambert Conformal Conic (2SP)', 9: 'Lambert Conformal Conic (1SP)',
  10: 'Lambert Azimuthal Equal Area', 11: 'Albers Equal Area', 12: 'Azimuthal Equidistant', 14: 'Stereographic',
  15: 'Polar Stereographic', 16: 'Oblique Stereographic', 17: 'Equirectangular', 18: 'Cassini-Soldner', 22: 'Polyconic',
};
/** Names of the codes GeoTIFF defines but Quadrangle does not write, for the error. */
const OTHER_TRANSFORMS: Record<number, string> = {
  2: 'Transverse Mercator (modified Alaska)', 4: 'Oblique Mercator (Laborde)', 5: 'Oblique Mercator (Rosenmund)',
  6: 'Oblique Mercator (spherical)', 13: 'Equidistant Conic', 19: 'Gnomonic', 20: 'Miller Cylindrical', 21: 'Orthographic', 23: 'Robinson',
  24: 'Sinusoidal', 25: 'Van der Grinten', 26: 'New Zealand Map Grid', 27: 'Transverse Mercator (south oriented)', 28: 'Cylindrical Equal Area',
};

const num = (v: number) => String(Number(v.toPrecision(15)));
const quote = (s: string) => s.replace(/"/g, '');

function numberKey(keys: GeoKeys, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = keys[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** A `Name = value|…` field of GDAL's GeogCitationGeoKey (`GCS Name = …|Datum = …|`). */
const citationField = (citation: unknown, field: string): string | undefined =>
  typeof citation === 'string' ? new RegExp(`(?:^|\\|)${field} = ([^|]+)`).exec(citation)?.[1]?.trim() : undefined;

/** The Esri PE string GDAL writes into a citation for systems the keys cannot hold. */
function esriPeString(keys: GeoKeys): string | null {
  for (const k of ['PCSCitationGeoKey', 'GTCitationGeoKey', 'GeogCitationGeoKey']) {
    const v = keys[k];
    const m = typeof v === 'string' ? /ESRI PE String = (.*)$/s.exec(v) : null;
    if (m) return m[1]!.replace(/\|$/, '').trim();
  }
  return null;
}

/** The SRS of GDAL's `<file>.aux.xml`, if it has one. */
function auxXmlSrs(path: string): string | null {
  const aux = `${path}.aux.xml`;
  if (!existsSync(aux)) return null;
  const m = /<SRS[^>]*>([\s\S]*?)<\/SRS>/.exec(readFileSync(aux, 'utf8'));
  if (!m) return null;
  return m[1]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim() || null;
}

/** GEOGCS WKT of the keys' geographic system: a registry code, a datum code, or the ellipsoid's axes. */
function geographicWkt(keys: GeoKeys, path: string): string {
  const angular = numberKey(keys, 'GeogAngularUnitsGeoKey') ?? 9102;
  if (!DEGREES.has(angular)) throw new GeoTiffCrsError(`${path}: angular unit EPSG:${angular} (GeogAngularUnitsGeoKey) is not supported; only degrees are`);
  const code = numberKey(keys, 'GeographicTypeGeoKey');
  const registryGeogcs = (c: number | undefined) => {
    const wkt = c !== undefined ? lookupEpsg(c)?.wkt : undefined;
    return wkt && wkt.startsWith('GEOGCS[') ? wkt : null;
  };
  if (code !== undefined && code !== USER_DEFINED) {
    const wkt = registryGeogcs(code);
    if (!wkt) throw new GeoTiffCrsError(`${path}: GeographicTypeGeoKey names EPSG:${code}, which is not a geographic CRS of the EPSG registry`);
    return wkt;
  }
  const citation = keys.GeogCitationGeoKey;
  const datumCode = numberKey(keys, 'GeogGeodeticDatumGeoKey');
  const pmCode = numberKey(keys, 'GeogPrimeMeridianGeoKey');
  const pm = numberKey(keys, 'GeogPrimeMeridianLongGeoKey') ?? (pmCode !== undefined ? PRIME_MERIDIANS[pmCode] : 0);
  if (pm === undefined) throw new GeoTiffCrsError(`${path}: prime meridian EPSG:${pmCode} (GeogPrimeMeridianGeoKey) is not known`);
  // A known datum: EPSG numbers a datum's geographic CRS 2000 below it (6326 → 4326).
  if (datumCode !== undefined && datumCode !== USER_DEFINED && pm === 0) {
    const wkt = registryGeogcs(datumCode - 2000);
    if (wkt) return wkt;
  }
  const ellipsoidCode = numberKey(keys, 'GeogEllipsoidGeoKey');
  let [ellipsoidName, a, rf] = ellipsoidCode !== undefined && ellipsoidCode !== USER_DEFINED ? ELLIPSOIDS[ellipsoidCode] ?? ['', NaN, NaN] : ['', NaN, NaN];
  const major = numberKey(keys, 'GeogSemiMajorAxisGeoKey'), minor = numberKey(keys, 'GeogSemiMinorAxisGeoKey'), inverse = numberKey(keys, 'GeogInvFlatteningGeoKey');
  if (major !== undefined) {
    a = major;
    rf = inverse ?? (minor !== undefined ? (minor === major ? 0 : major / (major - minor)) : NaN);
  }
  if (!Number.isFinite(a) || !Number.isFinite(rf)) {
    throw new GeoTiffCrsError(`${path}: the GeoKeys define no ellipsoid Quadrangle knows (GeogEllipsoidGeoKey ${ellipsoidCode ?? 'missing'}, no semi-major axis)`);
  }
  const datumName = quote(citationField(citation, 'Datum') ?? 'unknown');
  ellipsoidName = quote(citationField(citation, 'Ellipsoid') ?? (ellipsoidName || 'unnamed'));
  const towgs84 = keys.GeogTOWGS84GeoKey as ArrayLike<number> | undefined;
  const shift = towgs84 && (towgs84.length === 3 || towgs84.length === 7) ? `,TOWGS84[${[...Array.from(towgs84), 0, 0, 0, 0].slice(0, 7).map(num).join(',')}]` : '';
  const name = quote(citationField(citation, 'GCS Name') ?? 'unknown');
  return `GEOGCS["${name}",DATUM["${datumName}",SPHEROID["${ellipsoidName}",${num(a)},${num(rf)}]${shift}],PRIMEM["${pm === 0 ? 'Greenwich' : 'unnamed'}",${num(pm)}],UNIT["degree",0.0174532925199433]]`;
}

/** PROJECTION and PARAMETERs of a GeoTIFF projection, in GDAL's WKT 1 names. */
function projectionWkt(keys: GeoKeys, path: string, unit: number): string {
  const projection = numberKey(keys, 'ProjectionGeoKey');
  // EPSG's UTM conversions: 16001–16060 north, 16101–16160 south.
  if (projection !== undefined && projection !== USER_DEFINED && (numberKey(keys, 'ProjCoordTransGeoKey') ?? USER_DEFINED) === USER_DEFINED) {
    const zone = projection % 100, south = projection >= 16101 && projection <= 16160;
    if ((projection >= 16001 && projection <= 16060) || south) {
      return `PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",${zone * 6 - 183}],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",${num(500000 / unit)}],PARAMETER["false_northing",${num((south ? 10000000 : 0) / unit)}]`;
    }
    throw new GeoTiffCrsError(`${path}: ProjectionGeoKey EPSG:${projection} is not a conversion Quadrangle knows (only UTM zones)`);
  }
  const ct = numberKey(keys, 'ProjCoordTransGeoKey');
  if (ct === undefined || !(ct in TRANSFORMS)) {
    const what = ct === undefined ? 'no ProjCoordTransGeoKey' : `ProjCoordTransGeoKey ${ct} (${OTHER_TRANSFORMS[ct] ?? 'unknown'})`;
    throw new GeoTiffCrsError(`${path}: the user-defined projection has ${what}, which Quadrangle cannot use`);
  }
  const angle = (...names: string[]) => numberKey(keys, ...names) ?? 0;
  const natLat = angle('ProjNatOriginLatGeoKey', 'ProjFalseOriginLatGeoKey', 'ProjCenterLatGeoKey');
  const natLon = angle('ProjNatOriginLongGeoKey', 'ProjFalseOriginLongGeoKey', 'ProjCenterLongGeoKey', 'ProjStraightVertPoleLongGeoKey');
  const centerLat = angle('ProjCenterLatGeoKey', 'ProjNatOriginLatGeoKey', 'ProjFalseOriginLatGeoKey');
  const centerLon = angle('ProjCenterLongGeoKey', 'ProjNatOriginLongGeoKey', 'ProjFalseOriginLongGeoKey');
  const falseLat = angle('ProjFalseOriginLatGeoKey', 'ProjNatOriginLatGeoKey', 'ProjCenterLatGeoKey');
  const falseLon = angle('ProjFalseOriginLongGeoKey', 'ProjNatOriginLongGeoKey', 'ProjCenterLongGeoKey');
  const scale = numberKey(keys, 'ProjScaleAtNatOriginGeoKey', 'ProjScaleAtCenterGeoKey') ?? 1;
  const fe = numberKey(keys, 'ProjFalseEastingGeoKey', 'ProjFalseOriginEastingGeoKey', 'ProjCenterEastingGeoKey') ?? 0;
  const fn = numberKey(keys, 'ProjFalseNorthingGeoKey', 'ProjFalseOriginNorthingGeoKey', 'ProjCenterNorthingGeoKey') ?? 0;
  const sp1 = angle('ProjStdParallel1GeoKey'), sp2 = numberKey(keys, 'ProjStdParallel2GeoKey') ?? sp1;
  const offsets: Array<[string, number]> = [['false_easting', fe], ['false_northing', fn]];
  const [name, params]: [string, Array<[string, number]>] = (() => {
    switch (ct) {
      case 1: return ['Transverse_Mercator', [['latitude_of_origin', natLat], ['central_meridian', natLon], ['scale_factor', scale]]];
      // GDAL writes Hotine variant A (azimuth at the natural origin) as CT_ObliqueMercator.
      case 3: return ['Hotine_Oblique_Mercator', [['latitude_of_center', centerLat], ['longitude_of_center', centerLon], ['azimuth', angle('ProjAzimuthAngleGeoKey')],
        ['rectified_grid_angle', numberKey(keys, 'ProjRectifiedGridAngleGeoKey') ?? angle('ProjAzimuthAngleGeoKey')], ['scale_factor', scale]]];
      case 7: return keys.ProjStdParallel1GeoKey !== undefined
        ? ['Mercator_2SP', [['standard_parallel_1', sp1], ['central_meridian', natLon]]]
        : ['Mercator_1SP', [['central_meridian', natLon], ['scale_factor', scale]]];
      case 8: return ['Lambert_Conformal_Conic_2SP', [['standard_parallel_1', sp1], ['standard_parallel_2', sp2], ['latitude_of_origin', falseLat], ['central_meridian', falseLon]]];
      case 9: return ['Lambert_Conformal_Conic_1SP', [['latitude_of_origin', natLat], ['central_meridian', natLon], ['scale_factor', scale]]];
      case 10: return ['Lambert_Azimuthal_Equal_Area', [['latitude_of_center', centerLat], ['longitude_of_center', centerLon]]];
      case 11: return ['Albers_Conic_Equal_Area', [['standard_parallel_1', sp1], ['standard_parallel_2', sp2], ['latitude_of_center', falseLat], ['longitude_of_center', falseLon]]];
      case 12: return ['Azimuthal_Equidistant', [['latitude_of_center', centerLat], ['longitude_of_center', centerLon]]];
      case 14: return ['Stereographic', [['latitude_of_origin', centerLat], ['central_meridian', centerLon], ['scale_factor', scale]]];
      // GDAL's convention: latitude_of_origin holds the latitude of true scale (or the pole, with a scale factor).
      case 15: return ['Polar_Stereographic', [['latitude_of_origin', natLat], ['central_meridian', natLon], ['scale_factor', scale]]];
      case 16: return ['Oblique_Stereographic', [['latitude_of_origin', natLat], ['central_meridian', natLon], ['scale_factor', scale]]];
      case 17: return ['Equirectangular', [['latitude_of_origin', centerLat], ['central_meridian', centerLon], ['standard_parallel_1', sp1]]];
      case 18: return ['Cassini_Soldner', [['latitude_of_origin', natLat], ['central_meridian', natLon]]];
      default: return ['Polyconic', [['latitude_of_origin', natLat], ['central_meridian', natLon]]];
    }
  })();
  // Mercator_2SP is read by proj4 only as Esri spells it.
  const projectionName = name === 'Mercator_2SP' ? 'Mercator' : name;
  return `PROJECTION["${projectionName}"],${[...params, ...offsets].map(([k, v]) => `PARAMETER["${k}",${num(v)}]`).join(',')}`;
}

/** WKT 1 of a user-defined projected system, from its GeoKeys. */
function projectedWkt(keys: GeoKeys, path: string): string {
  const unitCode = numberKey(keys, 'ProjLinearUnitsGeoKey') ?? 9001;
  const [unitName, unit] = unitCode === USER_DEFINED
    ? ['unnamed', numberKey(keys, 'ProjLinearUnitSizeGeoKey') ?? NaN]
    : LINEAR_UNITS[unitCode] ?? ['', NaN];
  if (!Number.isFinite(unit) || unit <= 0) throw new GeoTiffCrsError(`${path}: linear unit EPSG:${unitCode} (ProjLinearUnitsGeoKey) is not known`);
  const citation = keys.PCSCitationGeoKey ?? keys.GTCitationGeoKey;
  const name = quote(typeof citation === 'string' && citation ? citation.replace(/\|$/, '') : 'unknown');
  return `PROJCS["${name}",${geographicWkt(keys, path)},${projectionWkt(keys, path, unit)},UNIT["${unitName}",${num(unit)}]]`;
}

/**
 * The coordinate system a GeoTIFF's keys declare, matched to an EPSG code where one fits.
 * Throws GeoTiffCrsError (or SpatialReferenceError from `resolveCrs`) naming `path` when the keys
 * say nothing usable.
 */
export function geoTiffCrs(keys: GeoKeys | null, path: string): ResolvedCrs {
  const k = keys ?? {};
  const model = numberKey(k, 'GTModelTypeGeoKey');
  const projected = numberKey(k, 'ProjectedCSTypeGeoKey'), geographic = numberKey(k, 'GeographicTypeGeoKey');
  if (model === 3) throw new GeoTiffCrsError(`${path}: the GeoTIFF is in a geocentric coordinate system, which cannot be used for maps`);
  const isProjected = model === 1 || (model === undefined && projected !== undefined);
  const isGeographic = model === 2 || (model === undefined && projected === undefined && geographic !== undefined);
  if (isProjected && projected !== undefined && projected !== USER_DEFINED) return resolveCrs({ epsg: projected }, path);
  if (isGeographic && geographic !== undefined && geographic !== USER_DEFINED) return resolveCrs({ epsg: geographic }, path);
  const pe = esriPeString(k);
  if (pe) return resolveCrs({ wkt: pe }, path);
  try {
    if (isProjected) return resolveCrs({ wkt: projectedWkt(k, path) }, path);
    if (isGeographic) return resolveCrs({ wkt: geographicWkt(k, path) }, path);
  } catch (e) {
    // Keys GDAL could not fully write may come with the system in its .aux.xml.
    const aux = auxXmlSrs(path);
    if (aux) return resolveCrs({ wkt: aux }, `${path}.aux.xml`);
    throw e;
  }
  const aux = auxXmlSrs(path);
  if (aux) return resolveCrs({ wkt: aux }, `${path}.aux.xml`);
  throw new GeoTiffCrsError(`${path}: the GeoTIFF names no coordinate system (no GTModelTypeGeoKey, ProjectedCSTypeGeoKey or GeographicTypeGeoKey)`);
}

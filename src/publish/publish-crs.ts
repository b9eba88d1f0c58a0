/**
 * Turns the CRS a user's file states into the `gpkg_spatial_ref_sys` row the importer writes:
 * matched to an EPSG code by `geo/crs-match` (organisation EPSG, srs_id = the code), or else kept
 * as a custom definition under its own srs_id from 100000 up (organisation NONE), one per
 * distinct WKT in a GeoPackage. A file that states no CRS is refused rather than guessed.
 * @module publish/publish-crs
 */
import { basename } from 'node:path';
import { resolveCrs } from '../geo/crs-match.js';
import { lookupEpsg } from '../geo/spatial-reference.js';
import type { ResolvedSrs } from '../ingest/import-to-geopackage.js';
import type { RawCrs } from '../ingest/vector-layer.js';

/** First srs_id given to a coordinate system no EPSG code fits. */
export const FIRST_CUSTOM_SRS_ID = 100000;

/** `ESRI:102100`, `urn:ogc:def:crs:ESRI::102100`, `EPSG:27700` as an identifier: the code. */
const IDENTIFIER_CODE = /^(?:urn:ogc:def:crs:)?(EPSG|ESRI)::?(?:[\d.]*:)?(\d+)$/i;

/**
 * A resolver for `importVectorFiles`: one per GeoPackage, so custom srs_ids are numbered within
 * it. Throws an Error whose message names the file and the problem.
 */
export function publishCrsResolver(): (raw: RawCrs, file: string) => ResolvedSrs {
  const custom = new Map<string, number>();
  let next = FIRST_CUSTOM_SRS_ID;
  return (raw, file) => {
    if (!raw) throw new Error(`${file} states no coordinate reference system${/\.shp$/i.test(file) ? ` (no ${basename(file).replace(/\.shp$/i, '.prj')} beside it)` : ''}: add one, e.g. with ogr2ogr -a_srs EPSG:<code>`);
    let input: { epsg?: number; wkt?: string };
    if (raw.epsg !== undefined) input = { epsg: raw.epsg };
    else if (raw.wkt) input = { wkt: raw.wkt };
    else {
      const m = IDENTIFIER_CODE.exec(raw.identifier?.trim() ?? '');
      if (!m) throw new Error(`${file}: the coordinate reference system '${(raw.identifier ?? '').slice(0, 120)}' is not one Quadrangle knows (give an EPSG code or WKT)`);
      input = { epsg: Number(m[2]) };
    }
    const resolved = resolveCrs(input, raw.source || file);
    if (resolved.epsg !== null) {
      return { srsId: resolved.epsg, organization: 'EPSG', organizationCoordsysId: resolved.epsg, definition: resolved.wkt, name: resolved.name };
    }
    let id = custom.get(resolved.wkt);
    if (id === undefined) {
      // Never an srs_id an EPSG code of this GeoPackage could also take.
      while (lookupEpsg(next)) next++;
      id = next++;
      custom.set(resolved.wkt, id);
    }
    return { srsId: id, organization: 'NONE', organizationCoordsysId: id, definition: resolved.wkt, name: resolved.name, description: `From ${basename(file)}` };
  };
}

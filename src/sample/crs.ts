/**
 * The sample region's coordinate reference system, WGS 84 / UTM zone 30N (EPSG:32630),
 * and conversions to and from WGS 84 longitude/latitude (degrees).
 * @module sample/crs
 */
import proj4 from 'proj4';
import type { Envelope } from '../geo/geometry.js';

/** EPSG code of the sample region's CRS, WGS 84 / UTM zone 30N. */
export const SAMPLE_SRID = 32630;

/** The sample region: 60 × 60 km of the west Highlands, EPSG:32630 metres. */
export const SAMPLE_EXTENT: Envelope = { xmin: 340000, ymin: 6280000, xmax: 400000, ymax: 6340000 };

/** EPSG:32630 as OGC WKT 1 (as GDAL writes it into gpkg_spatial_ref_sys). */
export const EPSG_32630_WKT =
  'PROJCS["WGS 84 / UTM zone 30N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-3],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32630"]]';

const UTM30N = '+proj=utm +zone=30 +datum=WGS84 +units=m +no_defs';
const converter = proj4('WGS84', UTM30N);

/** [lon, lat] degrees (WGS 84) → [x, y] EPSG:32630 metres. */
export function lonLatToUtm(lon: number, lat: number): [number, number] {
  const [x, y] = converter.forward([lon, lat]);
  return [x!, y!];
}

/** [x, y] EPSG:32630 metres → [lon, lat] degrees (WGS 84). */
export function utmToLonLat(x: number, y: number): [number, number] {
  const [lon, lat] = converter.inverse([x, y]);
  return [lon!, lat!];
}

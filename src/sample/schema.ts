/**
 * Feature tables of the sample region GeoPackage: names, geometry types and attribute
 * fields (MGCP/TDS-style feature codes and upper-case field names). Geometries are in
 * EPSG:32630 metres, rounded to 0.1 m.
 * @module sample/schema
 */
import type { Geometry } from '../geo/geometry.js';
import type { GpkgField, GpkgGeometryType } from '../data/geopackage/geopackage-writer.js';

/** An attribute value. */
export type SampleValue = string | number | null;

/** One generated feature: geometry plus attributes keyed by field name. */
export interface SampleFeature {
  geometry: Geometry;
  properties: Record<string, SampleValue>;
}

/** A feature table: name, title (gpkg_contents identifier), description, geometry type and fields. */
export interface SampleTable {
  table: string;
  title: string;
  description: string;
  geometryType: GpkgGeometryType;
  fields: GpkgField[];
}

const text = (name: string): GpkgField => ({ name, type: 'TEXT' });
const int = (name: string): GpkgField => ({ name, type: 'INTEGER' });
const real = (name: string): GpkgField => ({ name, type: 'REAL' });
const F_CODE = text('F_CODE');

const sheetFields = [text('NRN'), text('NAME'), text('SERIES'), int('SCALE'), text('EDITION'), real('LAT_S'), real('LAT_N'), real('LON_W'), real('LON_E')];

/** Every table, in the order they are written. */
export const SAMPLE_TABLES: SampleTable[] = [
  { table: 'place_names', title: 'Place Names', description: 'Named places: settlements, localities, hills and waters (ZD040).', geometryType: 'POINT', fields: [F_CODE, text('NAM'), text('TYPE'), int('POP'), int('PRIORITY')] },
  { table: 'spot_heights', title: 'Spot Heights', description: 'Surveyed heights: summits, cols and heights along roads (CA030). ZVH in metres above mean sea level.', geometryType: 'POINT', fields: [F_CODE, real('ZVH'), text('TYPE')] },
  { table: 'buildings', title: 'Buildings', description: 'Building footprints (AL013). FFN feature function, HGT height in metres.', geometryType: 'POLYGON', fields: [F_CODE, int('FFN'), real('HGT')] },
  { table: 'railways', title: 'Railways', description: 'Railway lines (AN010). RGC gauge category, TRS number of tracks.', geometryType: 'LINESTRING', fields: [F_CODE, text('NAM'), int('RGC'), int('TRS')] },
  { table: 'roads', title: 'Roads', description: 'Road links between junctions (AP030). RTY road type, RTN route number, WID width in metres.', geometryType: 'LINESTRING', fields: [F_CODE, text('CLASS'), int('RTY'), text('RTN'), text('NAM'), text('SURFACE'), real('WID')] },
  { table: 'watercourses', title: 'Watercourses', description: 'Rivers and streams between confluences, drawn downstream (BH140). HYP hydrologic persistence, ORD Strahler order, WID width in metres.', geometryType: 'LINESTRING', fields: [F_CODE, text('NAM'), int('HYP'), int('ORD'), real('WID')] },
  { table: 'lakes', title: 'Lakes', description: 'Freshwater lochs (BH080). ZVH surface elevation in metres, AREA_KM2 surface area.', geometryType: 'POLYGON', fields: [F_CODE, text('NAM'), real('ZVH'), real('AREA_KM2')] },
  { table: 'coastline', title: 'Coastline', description: 'Mean-sea-level coastline, the 0 m contour of the DEM (BA010). SLT shoreline type.', geometryType: 'LINESTRING', fields: [F_CODE, int('SLT')] },
  { table: 'sea', title: 'Sea', description: 'Sea areas (BA040): the open sound and the sea lochs.', geometryType: 'MULTIPOLYGON', fields: [F_CODE, text('NAM')] },
  { table: 'builtup_areas', title: 'Built-up Areas', description: 'Built-up areas of towns and villages (AL020).', geometryType: 'POLYGON', fields: [F_CODE, text('NAM'), text('TYPE'), int('POP')] },
  { table: 'vegetation', title: 'Vegetation', description: 'Land cover: forest (EC015), moorland (EB010), scrub (EB020) and marsh (ED010). VEG vegetation characteristic.', geometryType: 'POLYGON', fields: [F_CODE, text('CLASS'), int('VEG')] },
  { table: 'admin_boundaries', title: 'Administrative Boundaries', description: 'Council area boundaries (FA000). BST boundary status; NAM_LEFT/NAM_RIGHT the areas left and right of the line direction.', geometryType: 'LINESTRING', fields: [F_CODE, int('BST'), text('NAM_LEFT'), text('NAM_RIGHT'), int('ADMIN_LEVEL')] },
  { table: 'admin_areas', title: 'Administrative Areas', description: 'Council areas (FA001), land and inland water.', geometryType: 'MULTIPOLYGON', fields: [F_CODE, text('NAM'), int('ADMIN_LEVEL')] },
  { table: 'sheets_tm25', title: 'Sheet Index TM25', description: 'Sheet index of the 1:25 000 series, 7.5′ × 7.5′ sheets.', geometryType: 'POLYGON', fields: sheetFields },
  { table: 'sheets_tm50', title: 'Sheet Index TM50', description: 'Sheet index of the 1:50 000 series, 15′ × 15′ sheets.', geometryType: 'POLYGON', fields: sheetFields },
  { table: 'sheets_tm100', title: 'Sheet Index TM100', description: 'Sheet index of the 1:100 000 series, 30′ × 30′ sheets.', geometryType: 'POLYGON', fields: sheetFields },
];

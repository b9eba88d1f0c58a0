import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { FIRST_CUSTOM_SRS_ID, publishCrsResolver } from './publish-crs.js';

const hasGdal = spawnSync('gdalsrsinfo', ['--version']).status === 0;
const CUSTOM = 'PROJCS["Local TM",GEOGCS["GCS_GRS_1980",DATUM["D_unknown",SPHEROID["GRS80",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",10.5],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",600000],PARAMETER["false_northing",-4000000],UNIT["Meter",1]]';

describe('publishCrsResolver', () => {
  it('gives an EPSG row to a code, and to an identifier naming one', () => {
    const resolve = publishCrsResolver();
    const bng = resolve({ epsg: 27700, source: 'a.fgb' }, 'a.fgb');
    assert.deepEqual([bng.srsId, bng.organization, bng.organizationCoordsysId], [27700, 'EPSG', 27700]);
    assert.match(bng.definition, /British National Grid/);
    assert.equal(resolve({ identifier: 'urn:ogc:def:crs:ESRI::102100', source: 'b.geojson' }, 'b.geojson').srsId, 3857, "Esri's Web Mercator is EPSG:3857");
  });

  it('matches a .prj without a code to its EPSG code', { skip: !hasGdal && 'GDAL is not installed' }, () => {
    const prj = execFileSync('gdalsrsinfo', ['--single-line', '-o', 'wkt_esri', 'EPSG:27700']).toString().trim();
    assert.equal(publishCrsResolver()({ wkt: prj, source: 'c.prj' }, 'c.shp').srsId, 27700);
  });

  it('numbers custom systems from 100000, one srs_id per definition', () => {
    const resolve = publishCrsResolver();
    const a = resolve({ wkt: CUSTOM, source: 'x.prj' }, 'x.shp');
    const b = resolve({ wkt: CUSTOM, source: 'y.prj' }, 'y.shp');
    assert.ok(a.srsId >= FIRST_CUSTOM_SRS_ID);
    assert.equal(a.srsId, b.srsId);
    assert.equal(a.organization, 'NONE');
    assert.match(a.definition, /Transverse_Mercator|TM/);
  });

  it('refuses a file without a CRS, naming the missing .prj', () => {
    assert.throws(() => publishCrsResolver()(null, '/data/roads.shp'), /roads\.shp states no coordinate reference system \(no roads\.prj beside it\)/);
    assert.throws(() => publishCrsResolver()({ identifier: 'urn:x:y', source: 'z.geojson' }, 'z.geojson'), /z\.geojson: the coordinate reference system 'urn:x:y' is not one/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { crsIndexStats, resolveCrs, warmCrsIndex } from './crs-match.js';
import { getTransform } from './projection.js';
import { esriUnits, isGeographic, projDefinition, SpatialReferenceError } from './spatial-reference.js';

const hasGdal = spawnSync('gdalsrsinfo', ['--version']).status === 0;
const skip = !hasGdal && 'GDAL is not installed';

/** The CRS as GDAL writes it: `wkt_esri` (a shapefile's .prj), `wkt1`, `wkt2`. */
const gdalWkt = (srs: string, format: 'wkt_esri' | 'wkt1' | 'wkt2') =>
  execFileSync('gdalsrsinfo', ['--single-line', '-o', format, srs]).toString().trim();

/** The same WKT without the CRS's own EPSG code, so only its parameters can match it. */
const withoutCode = (wkt: string) => wkt.replace(/,(AUTHORITY\["EPSG","\d+"\]|ID\["EPSG",\d+\])\]$/, ']');

/** Points carried by GDAL from `srs` to WGS 84 longitude/latitude. */
function gdalToWgs84(srs: string, points: number[][]): number[][] {
  const out = execFileSync('gdaltransform', ['-s_srs', srs, '-t_srs', 'EPSG:4326', '-output_xy'], { input: points.map((p) => p.join(' ')).join('\n') + '\n' });
  return out.toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
}

const CODES = [27700, 32630, 4326, 3857, 3035, 2154, 26910, 28992, 31467, 2056, 3413, 4269];

describe('resolveCrs matches the WKT GDAL writes', { skip }, () => {
  for (const code of CODES) {
    test(`EPSG:${code} as Esri .prj, WKT 1 and WKT 2, with and without its code`, () => {
      const esri = gdalWkt(`EPSG:${code}`, 'wkt_esri');
      const wkt1 = gdalWkt(`EPSG:${code}`, 'wkt1');
      const wkt2 = gdalWkt(`EPSG:${code}`, 'wkt2');
      for (const [form, wkt, by] of [['esri', esri, 'parameters'], ['wkt1', wkt1, 'authority'], ['wkt1 without code', withoutCode(wkt1), 'parameters'],
        ['wkt2', wkt2, 'authority'], ['wkt2 without code', withoutCode(wkt2), 'parameters']] as const) {
        if (form.endsWith('without code')) assert.notEqual(wkt, form.startsWith('wkt1') ? wkt1 : wkt2, 'the code was taken out');
        const r = resolveCrs({ wkt }, `${code}.prj`);
        assert.equal(r.epsg, code, `${form}: ${r.name}`);
        assert.equal(r.matchedBy, by, form);
        assert.deepEqual(r.sr, { wkid: code, latestWkid: code });
        assert.match(r.wkt, /^(PROJCS|GEOGCS)\[/);
      }
    });
  }

  test('the parameter index builds once, quickly', () => {
    warmCrsIndex();
    const { entries, buildMs } = crsIndexStats();
    assert.ok(entries > 6000, `${entries} registry CRSs`);
    assert.ok(buildMs > 0 && buildMs < 5000, `${buildMs} ms`);
  });

  test('a shapefile .prj written by ogr2ogr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quadrangle-crs-'));
    try {
      for (const code of [27700, 2154, 32630]) {
        const shp = join(dir, `roads-${code}.shp`);
        execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-a_srs', `EPSG:${code}`, shp, '/vsistdin/', '-nln', `roads-${code}`],
          { input: JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 1 }, geometry: { type: 'Point', coordinates: [1, 2] } }] }) });
        const prj = readFileSync(shp.replace(/\.shp$/, '.prj'), 'utf8');
        assert.doesNotMatch(prj, /AUTHORITY\[|\bID\[/);
        assert.equal(resolveCrs({ wkt: prj }, `roads-${code}.prj`).epsg, code);
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('datum names decide between CRSs that share parameters', () => {
    // NAD83 and WGS 84 have the same geographic parameters (GRS 80 and WGS 84 differ by 0.1 mm).
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:4269', 'wkt_esri') }, 'a').epsg, 4269);
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:4258', 'wkt_esri') }, 'b').epsg, 4258);
    // NAD83(HARN) and NAD83(CSRS) share the state plane and UTM parameters of NAD83.
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:2769', 'wkt_esri') }, 'c').epsg, 2769);
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:3157', 'wkt_esri') }, 'd').epsg, 3157);
    // US survey feet must agree: the state plane zone in feet is not the one in metres.
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:2227', 'wkt_esri') }, 'e').epsg, 2227);
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:26943', 'wkt_esri') }, 'f').epsg, 26943);
    // A datum nobody knows, on the parameters of UTM zone 30N: not silently WGS 84.
    const odd = gdalWkt('EPSG:32630', 'wkt_esri').replace('D_WGS_1984', 'D_Island_Survey_2019');
    assert.equal(resolveCrs({ wkt: odd }, 'g').matchedBy, 'custom');
  });

  test('the horizontal part of a compound CRS, and Esri\'s Web Mercator code', () => {
    assert.equal(resolveCrs({ wkt: gdalWkt('EPSG:7405', 'wkt1') }, 'compound').epsg, 27700);
    assert.equal(resolveCrs({ wkt: withoutCode(gdalWkt('EPSG:7405', 'wkt1')).replace(/,AUTHORITY\["EPSG","27700"\]/, '') }, 'compound').epsg, 27700);
    const esriWebMercator = gdalWkt('EPSG:3857', 'wkt_esri').replace(/\]$/, ',AUTHORITY["ESRI","102100"]]');
    assert.equal(resolveCrs({ wkt: esriWebMercator }, 'web').matchedBy, 'authority');
  });
});

describe('resolveCrs keeps a user-defined projection as a custom system', { skip }, () => {
  const PROJ = '+proj=tmerc +lat_0=12.5 +lon_0=-3.25 +k=0.99955 +x_0=123456.7 +y_0=-54321 +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +units=m +no_defs';
  const points = [[130000, -40000], [123456.7, -54321], [-20000, 250000]];

  for (const form of ['wkt_esri', 'wkt1', 'wkt2', 'proj4'] as const) {
    test(`${form}: transforms as GDAL does`, () => {
      const text = form === 'proj4' ? PROJ : gdalWkt(PROJ, form);
      const r = resolveCrs(form === 'proj4' ? { proj4: PROJ } : { wkt: text }, `custom.${form}`);
      assert.equal(r.matchedBy, 'custom');
      assert.equal(r.epsg, null);
      assert.deepEqual(r.sr, { wkt: r.wkt });
      assert.match(r.wkt, /^PROJCS\[.*PROJECTION\["Transverse_Mercator"\]/);
      const t = getTransform(r.sr, { wkid: 4326 })!;
      // Esri's .prj has no TOWGS84, so GDAL reads it without the datum shift too.
      const expected = gdalToWgs84(form === 'proj4' ? PROJ : text, points);
      points.forEach((p, i) => {
        const got = t(p);
        assert.ok(Math.abs(got[0]! - expected[i]![0]!) < 1e-8 && Math.abs(got[1]! - expected[i]![1]!) < 1e-8, `${p} → ${got} vs GDAL ${expected[i]}`);
      });
      // GDAL reads the WKT written for it as the same system.
      const viaGdal = gdalToWgs84(r.wkt, points);
      points.forEach((p, i) => assert.ok(Math.abs(viaGdal[i]![0]! - expected[i]![0]!) < 1e-9 && Math.abs(viaGdal[i]![1]! - expected[i]![1]!) < 1e-9, `${viaGdal[i]} vs ${expected[i]}`));
    });
  }

  test('flows through projDefinition, isGeographic and esriUnits', () => {
    const r = resolveCrs({ wkt: gdalWkt(PROJ, 'wkt2') }, 'custom.wkt2');
    assert.equal(projDefinition(r.sr), r.wkt);
    assert.equal(isGeographic(r.sr), false);
    assert.equal(esriUnits(r.sr), 'esriMeters');
    const feet = resolveCrs({ wkt: gdalWkt(`${PROJ.replace('+units=m', '+units=us-ft')}`, 'wkt2') }, 'feet.wkt2');
    assert.equal(feet.matchedBy, 'custom');
    assert.match(feet.wkt, /UNIT\["US survey foot",0\.3048006096012/);
    assert.equal(esriUnits(feet.sr), 'esriFeet');
    const geographic = resolveCrs({ wkt: gdalWkt('+proj=longlat +a=6378000 +rf=300 +no_defs', 'wkt2') }, 'geog.wkt2');
    assert.equal(geographic.matchedBy, 'custom');
    assert.equal(isGeographic(geographic.sr), true);
    assert.equal(esriUnits(geographic.sr), 'esriDecimalDegrees');
  });
});

describe('resolveCrs refuses what it cannot use, naming the file', () => {
  const rejects = (input: Parameters<typeof resolveCrs>[0], pattern: RegExp) =>
    assert.throws(() => resolveCrs(input, 'parcels.prj'), (e: unknown) => e instanceof SpatialReferenceError && /^parcels\.prj: /.test(e.message) && pattern.test(e.message));

  test('codes not in the registry', () => {
    rejects({ epsg: 999999 }, /EPSG:999999 is not a horizontal coordinate reference system/);
    rejects({ epsg: 5703 }, /EPSG:5703/); // a vertical CRS
    assert.equal(resolveCrs({ epsg: 27700 }, 'x').name, 'OSGB36 / British National Grid');
    assert.equal(resolveCrs({ epsg: 102100 }, 'x').epsg, 3857);
  });

  test('text that is not usable WKT', () => {
    rejects({ wkt: 'PROJCS["broken",GEOGCS["x"' }, /not valid WKT/);
    rejects({ wkt: 'hello' }, /not valid WKT/);
    rejects({ wkt: 'PROJCS["odd",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Imaginary_Projection"],UNIT["metre",1]]' }, /proj4 cannot read the WKT/);
    rejects({ wkt: 'GEOCCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["metre",1]]' }, /geocentric/);
    rejects({ wkt: 'VERT_CS["Newlyn",VERT_DATUM["Ordnance Datum Newlyn",2005],UNIT["metre",1]]' }, /vertical/);
    rejects({ proj4: 'tmerc please' }, /proj4 definition/);
    rejects({}, /no coordinate system/);
  });
});


import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { getTransform } from './projection.js';
import { lookupEpsg } from './spatial-reference.js';

/** lon, lat of a point as GDAL (PROJ, with no grid files installed) transforms it. */
function gdalToWgs84(epsg: number, x: number, y: number): [number, number] {
  const out = execFileSync('gdaltransform', ['-s_srs', `EPSG:${epsg}`, '-t_srs', 'EPSG:4326', '-output_xy'], { input: `${x} ${y}\n` }).toString();
  const [lon, lat] = out.trim().split(/\s+/).map(Number);
  return [lon!, lat!];
}

describe('registry definitions that name grid files', () => {
  it('British National Grid transforms through the OSGB36 Helmert shift, as PROJ does without OSTN15', () => {
    assert.match(lookupEpsg(27700)!.proj4, /\+towgs84=446\.448/);
    const [lon, lat] = getTransform({ wkid: 27700 }, { wkid: 4326 })!([530015, 180415]);
    const [glon, glat] = gdalToWgs84(27700, 530015, 180415);
    assert.ok(Math.abs(lat! - glat) < 1e-6 && Math.abs(lon! - glon) < 1e-6, `${lat} ${lon} vs ${glat} ${glon}`);
  });

  it('a datum with no known shift drops its grid and still transforms', () => {
    assert.doesNotMatch(lookupEpsg(2017)!.proj4, /nadgrids/);
    const p = getTransform({ wkid: 2017 }, { wkid: 4326 })!([300000, 5000000]);
    assert.ok(p.every(Number.isFinite), String(p));
  });
});

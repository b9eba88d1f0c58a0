/**
 * GDAL's WMS driver in ArcGIS (AGS) mode as a real export client: it tiles the request into
 * export calls and writes a GeoTIFF whose georeferencing must match the requested window.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.close(); });

describe('GDAL WMS driver (AGS mode)', () => {
  it('writes a GeoTIFF of the map whose georeferencing matches the window', async () => {
    const xml = join(server.dataDir, 'ags.xml');
    for (const imageFormat of ['', '<ImageFormat>image/png</ImageFormat>']) {
      writeFileSync(xml, `<GDAL_WMS><Service name="AGS"><ServerUrl>${server.base}/services/Topo/SampleRegion/MapServer</ServerUrl>
        <BBoxOrder>xyXY</BBoxOrder><SRS>EPSG:32630</SRS><Transparent>FALSE</Transparent>${imageFormat}</Service>
        <DataWindow><UpperLeftX>340000</UpperLeftX><UpperLeftY>6340000</UpperLeftY><LowerRightX>400000</LowerRightX><LowerRightY>6280000</LowerRightY>
        <SizeX>1200</SizeX><SizeY>1200</SizeY></DataWindow><BlockSizeX>600</BlockSizeX><BlockSizeY>600</BlockSizeY><BandsCount>3</BandsCount></GDAL_WMS>`);
      const tif = join(server.dataDir, 'map.tif');
      await run('gdal_translate', ['-q', '-of', 'GTiff', xml, tif]);
      const info = (await run('gdalinfo', [tif])).stdout;
      assert.match(info, /Size is 1200, 1200/);
      assert.match(info, /Origin = \(340000\.0+,6340000\.0+\)/);
      assert.match(info, /Pixel Size = \(50\.0+,-50\.0+\)/);
      assert.match(info, /ID\["EPSG",32630\]/);
      // The region's north-west corner is open sea: the sea fill.
      const sea = (await run('gdallocationinfo', ['-valonly', '-geoloc', tif, '340500', '6339500'])).stdout.trim().split('\n').map(Number);
      assert.deepEqual(sea, [190, 225, 245]);
    }
  });
});

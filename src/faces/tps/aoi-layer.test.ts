import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLayerPath } from './aoi-layer.js';

describe('parseLayerPath', () => {
  it('splits layer URLs of services in a folder and in the root folder', () => {
    assert.deepEqual(parseLayerPath('/arcgis/rest/services/Topo/SampleRegion/MapServer/15', 'arcgis'), { folder: 'Topo', name: 'SampleRegion', layerId: 15 });
    assert.deepEqual(parseLayerPath('/arcgis/rest/services/Region/MapServer/0/', 'arcgis'), { folder: '', name: 'Region', layerId: 0 });
    assert.deepEqual(parseLayerPath('/arcgis/rest/services/T%6Fpo/Region/MapServer/3', 'arcgis'), { folder: 'Topo', name: 'Region', layerId: 3 });
  });

  it('refuses anything else', () => {
    for (const path of [
      '/other/rest/services/Topo/SampleRegion/MapServer/15', '/arcgis/rest/services/Topo/SampleRegion/FeatureServer/15',
      '/arcgis/rest/services/Topo/SampleRegion/MapServer', '/arcgis/rest/services/Topo/SampleRegion/MapServer/x',
      '/arcgis/rest/services/a/b/c/MapServer/1', '/arcgis/rest/services/../x/MapServer/1', '/arcgis/rest/services/Topo/%E0%A4%A/MapServer/1',
    ]) assert.equal(parseLayerPath(path, 'arcgis'), null, path);
  });
});

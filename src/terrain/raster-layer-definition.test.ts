import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validateServiceDefinition, type LayerDefinition } from '../catalog/service-definition.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';

/** Problems the validator finds in the sample service plus one extra layer. */
function issuesWith(layer: Partial<LayerDefinition> & Record<string, unknown>): string[] {
  const def = sampleServiceDefinition();
  def.layers.push({ id: 99, name: 'Terrain', type: 'Raster Layer', ...layer } as LayerDefinition);
  return validateServiceDefinition(def).map((i) => `${i.path.replace(/^layers\[\d+\]/, '')} ${i.message}`);
}

describe('Raster Layer definitions', () => {
  it('accept the sample terrain layers', () => {
    assert.deepEqual(validateServiceDefinition(sampleServiceDefinition()), []);
  });

  it('need a DEM path and a known rendering with options in range', () => {
    assert.match(issuesWith({}).join(), /\.raster is required/);
    assert.match(issuesWith({ raster: { path: '', render: 'slope' } as never }).join(), /\.raster\.path is required.*\.raster\.render must be one of hillshade, elevation, dem/);
    assert.match(issuesWith({ raster: { path: 'a.tif', render: 'hillshade', azimuth: 400 } }).join(), /azimuth must be a number from 0 to 360/);
    assert.match(issuesWith({ raster: { path: 'a.tif', render: 'elevation', stops: [[0, [1, 2]]] as never } }).join(), /stops must be a list/);
    assert.deepEqual(issuesWith({ raster: { path: 'a.tif', render: 'hillshade', multidirectional: true, zFactor: 2 } }), []);
  });
});

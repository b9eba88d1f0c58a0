import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ownServiceKey, ownServiceRef } from './own-services.js';

describe('ownServiceRef', () => {
  const bases = ['https://maps.example.org/arcgis', 'http://127.0.0.1:6080/arcgis'];

  it('names services under a base URL, with folder and sublayer', () => {
    assert.deepEqual(ownServiceRef('https://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer', bases), { folder: 'Topo', name: 'SampleRegion', type: 'MapServer', layerId: null, jobId: null });
    assert.equal(ownServiceRef('https://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer/jobs/j0123', bases)?.jobId, 'j0123');
    assert.deepEqual(ownServiceRef('http://127.0.0.1:6080/arcgis/rest/services/Roads/MapServer/3?token=x', bases), { folder: '', name: 'Roads', type: 'MapServer', layerId: 3, jobId: null });
    assert.deepEqual(ownServiceRef('https://MAPS.example.org/arcgis/rest/services/Topo/Region/FeatureServer/0', bases)?.type, 'FeatureServer');
    assert.equal(ownServiceKey({ folder: 'Topo', name: 'SampleRegion' }), 'Topo/SampleRegion');
  });

  it('leaves other hosts, ports, schemes and paths alone', () => {
    for (const url of [
      'https://maps.example.org.evil.net/arcgis/rest/services/Topo/SampleRegion/MapServer',
      'http://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer',
      'http://127.0.0.1:6081/arcgis/rest/services/Roads/MapServer',
      'https://maps.example.org/other/rest/services/Roads/MapServer',
      'https://maps.example.org/arcgis/rest/info',
      'https://maps.example.org/arcgis/rest/services/a/b/c/MapServer',
      'not a url',
    ]) assert.equal(ownServiceRef(url, bases), null, url);
  });
});

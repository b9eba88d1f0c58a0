import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateLibrary } from '../../layout/template-library.js';
import { sampleProducts } from '../../production/sample-products.js';
import { applyProductChanges } from './product-update.js';

const library = new TemplateLibrary();
const tm50 = () => sampleProducts(library).find((p) => p.name === 'TM50')!;

describe('applyProductChanges', () => {
  it('replaces simple properties and leaves the rest', () => {
    const before = tm50();
    const after = applyProductChanges(before, { description: 'New', enabled: false, sheetIDField: 'SHEET' }, library);
    assert.deepEqual([after.description, after.enabled, after.sheetIDField], ['New', false, 'SHEET']);
    assert.deepEqual(after.operations, before.operations);
    assert.equal(before.description, 'Topographic Map 1:50,000', 'the stored product is not changed in place');
  });

  it('adds, updates and removes versions by name, checking them like addProduct does', () => {
    const op = tm50().operations[0]!.id;
    let p = applyProductChanges(tm50(), { productVersions: { operation: 'add', versions: [{ name: 'Draft', template: 'TM50_Layout', excludedOperations: [op.toLowerCase()] }] } }, library);
    assert.deepEqual(p.productVersions[1], { name: 'Draft', template: 'TM50_Layout', excludedOperations: [op] });
    p = applyProductChanges(p, { productVersions: { operation: 'update', versions: [{ name: 'Draft', template: 'TM25_Layout' }] } }, library);
    assert.deepEqual(p.productVersions[1], { name: 'Draft', template: 'TM25_Layout' });
    p = applyProductChanges(p, { productVersions: { operation: 'remove', versions: ['TDS_7_1'] } }, library);
    assert.deepEqual(p.productVersions.map((v) => v.name), ['Draft']);
    assert.throws(() => applyProductChanges(p, { productVersions: { operation: 'remove', versions: ['Draft'] } }, library), /must keep at least one version/);
    assert.throws(() => applyProductChanges(p, { productVersions: { operation: 'add', versions: [{ name: 'Draft', template: 'TM50_Layout' }] } }, library), /version 'Draft' already exists/);
    assert.throws(() => applyProductChanges(p, { productVersions: { operation: 'update', versions: [{ name: 'Final', template: 'TM50_Layout' }] } }, library), /version 'Final' does not exist/);
    assert.throws(() => applyProductChanges(p, { productVersions: { operation: 'add', versions: [{ name: 'X', template: 'Nope' }] } }, library), /productVersions\[1\]\.template: unknown layout template 'Nope'/);
    assert.throws(() => applyProductChanges(p, { productVersions: { operation: 'rename', versions: [] } }, library), /operation must be add, update or remove/);
  });

  it('adds, updates and removes ancillary layers matched on their URL', () => {
    const layer = 'https://maps.example.org/arcgis/rest/services/Ops/MapServer/2';
    let p = applyProductChanges(tm50(), { ancillaryLayers: { operation: 'add', layers: [layer] } }, library);
    assert.deepEqual(p.ancillaryLayers, [{ layer, map: 'BaseMap', layerIndex: 0 }]);
    p = applyProductChanges(p, { ancillaryLayers: { operation: 'update', layers: [{ layer, map: 'Inset', layerIndex: 2 }] } }, library);
    assert.deepEqual(p.ancillaryLayers, [{ layer, map: 'Inset', layerIndex: 2 }]);
    assert.throws(() => applyProductChanges(p, { ancillaryLayers: { operation: 'add', layers: [{ layer }] } }, library), /already exists/);
    assert.throws(() => applyProductChanges(p, { ancillaryLayers: { operation: 'add', layers: [{ layer: 'x', layerIndex: -1 }] } }, library), /ancillaryLayers\.layers\[0\]\.layerIndex/);
    p = applyProductChanges(p, { ancillaryLayers: { operation: 'remove', layers: [{ layer }] } }, library);
    assert.deepEqual(p.ancillaryLayers, []);
    assert.throws(() => applyProductChanges(p, { ancillaryLayers: { operation: 'remove', layers: [layer] } }, library), /is not one of the product's/);
  });
});

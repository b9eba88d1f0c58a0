import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EsriFieldType } from '../data/feature-source.js';
import { SAMPLE_TABLES } from '../sample/schema.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import { defaultDrawingInfo, layerStyle, type StyleLayerInfo } from './default-style.js';
import { layerHue } from './default-symbols.js';
import { findNameField } from './name-labels.js';
import { sampleStyles } from './topographic-style.js';

const S: EsriFieldType = 'esriFieldTypeString';
const I: EsriFieldType = 'esriFieldTypeInteger';
const field = (name: string, type: EsriFieldType = S) => ({ name, type });
const layer = (over: Partial<StyleLayerInfo>): StyleLayerInfo => ({ name: 'Layer', table: 'layer', geometryType: 'esriGeometryPolygon', fields: [field('OBJECTID', 'esriFieldTypeOID')], index: 0, ...over });
const sample = (table: string) => sampleServiceDefinition().layers.find((l) => l.source && 'table' in l.source && l.source.table === table)!;

describe('findNameField', () => {
  it('finds a name field without case, preferring the well-known names', () => {
    assert.equal(findNameField([field('id', I), field('name')]), 'name');
    assert.equal(findNameField([field('Label'), field('NAM')]), 'NAM');
    assert.equal(findNameField([field('TITLE'), field('descr')]), 'TITLE');
    assert.equal(findNameField([field('ROAD_NAME'), field('kind')]), 'ROAD_NAME');
    assert.equal(findNameField([field('NAME', I), field('code')]), null, 'only string fields name features');
    assert.equal(findNameField([field('code'), field('height', I)]), null);
  });
});

describe('default style', () => {
  it('draws each geometry type with its own symbol', () => {
    const symbol = (geometryType: StyleLayerInfo['geometryType']) => (defaultDrawingInfo(layer({ geometryType })).renderer as { symbol: Record<string, unknown> }).symbol;
    assert.deepEqual([symbol('esriGeometryPoint').type, symbol('esriGeometryPoint').style], ['esriSMS', 'esriSMSCircle']);
    assert.deepEqual([symbol('esriGeometryPolyline').type, symbol('esriGeometryPolyline').style], ['esriSLS', 'esriSLSSolid']);
    const fill = symbol('esriGeometryPolygon');
    assert.equal(fill.type, 'esriSFS');
    assert.equal((fill.outline as { type: string }).type, 'esriSLS', 'polygons have an outline');
  });

  it('gives neighbouring layers different colours, the same each time', () => {
    const color = (index: number) => JSON.stringify((defaultDrawingInfo(layer({ index, geometryType: 'esriGeometryPolyline' })).renderer as { symbol: { color: number[] } }).symbol.color);
    const colors = Array.from({ length: 8 }, (_, i) => color(i));
    assert.equal(new Set(colors).size, 8);
    assert.deepEqual(colors, Array.from({ length: 8 }, (_, i) => color(i)));
    // Hues of consecutive layers are far apart.
    for (let i = 0; i < 7; i++) {
      const d = Math.abs(layerHue(i) - layerHue(i + 1)) % 360;
      assert.ok(Math.min(d, 360 - d) > 60, `layers ${i} and ${i + 1}`);
    }
  });

  it('labels the features by their name field, and not at all without one', () => {
    const labelled = defaultDrawingInfo(layer({ geometryType: 'esriGeometryPolyline', fields: [field('Nom')] }));
    assert.equal(labelled.labelingInfo?.length, 1);
    assert.equal(labelled.labelingInfo![0]!.labelExpression, '[Nom]');
    assert.equal(labelled.labelingInfo![0]!.labelPlacement, 'esriServerLinePlacementAboveAlong');
    assert.equal(defaultDrawingInfo(layer({ fields: [field('code')] })).labelingInfo, null);
    const style = layerStyle(layer({ fields: [field('code'), field('name')] }));
    assert.deepEqual([style.basedOn, style.displayField], [null, 'name']);
  });
});

describe('topographic style', () => {
  it('knows the feature codes of every sample table that has an F_CODE field', () => {
    const withCodes = SAMPLE_TABLES.filter((t) => t.fields.some((f) => f.name === 'F_CODE')).map((t) => t.table);
    const styles = sampleStyles();
    for (const table of withCodes) assert.ok((styles.find((s) => s.table === table)?.codes.size ?? 0) > 0, table);
    assert.deepEqual([...styles.find((s) => s.table === 'vegetation')!.codes].sort(), ['EB010', 'EB020', 'EC015', 'ED010']);
  });

  it("reuses a sample layer's drawingInfo for a table of the same name", () => {
    const style = layerStyle(layer({ table: 'roads', geometryType: 'esriGeometryPolyline', fields: [field('CLASS'), field('RTN'), field('NAM')] }));
    assert.equal(style.basedOn, 'Roads');
    assert.deepEqual(style.drawingInfo, sample('roads').drawingInfo);
    assert.equal(style.displayField, 'RTN');
  });

  it('matches by F_CODE values, whatever the table is called', () => {
    const style = layerStyle(layer({ table: 'my_lochs', geometryType: 'esriGeometryPolygon', fields: [field('f_code'), field('nam')], featureCodes: ['BH080'] }));
    assert.equal(style.basedOn, 'Lakes');
    assert.deepEqual(style.drawingInfo.renderer, sample('lakes').drawingInfo!.renderer);
    assert.equal(style.fieldAliases?.f_code, 'Feature code', 'aliases follow the data\'s spelling');
    const veg = layerStyle(layer({ table: 'landcover', fields: [field('F_CODE'), field('CLASS')], featureCodes: ['EC015', 'EB010', 'XX999'] }));
    assert.equal(veg.basedOn, 'Vegetation');
    const vegRenderer = veg.drawingInfo.renderer as Record<string, unknown>;
    assert.deepEqual(vegRenderer.uniqueValueInfos, sample('vegetation').drawingInfo!.renderer!.uniqueValueInfos);
    // The sample lists every class it has; a user's other classes are drawn, not hidden.
    assert.equal((vegRenderer.defaultSymbol as { type: string }).type, 'esriSFS');
    assert.equal(sample('vegetation').drawingInfo!.renderer!.defaultSymbol, null, "the sample's own definition is untouched");
    const places = layerStyle(layer({ table: 'names', geometryType: 'esriGeometryPoint', fields: [field('F_CODE'), field('NAM'), field('TYPE')], featureCodes: ['ZD040'] }));
    assert.equal(places.basedOn, 'Place names');
    assert.equal(places.drawingInfo.labelingInfo?.length, sample('place_names').drawingInfo!.labelingInfo!.length);
  });

  it('falls back to the default when the geometry, the codes or the renderer fields do not fit', () => {
    // Roads without CLASS: the sample's unique-value renderer has nothing to read.
    assert.equal(layerStyle(layer({ table: 'roads', geometryType: 'esriGeometryPolyline', fields: [field('NAM')] })).basedOn, null);
    // Lakes as points.
    assert.equal(layerStyle(layer({ table: 'lakes', geometryType: 'esriGeometryPoint', fields: [field('NAM')] })).basedOn, null);
    // F_CODE values the sample does not use.
    assert.equal(layerStyle(layer({ table: 'x', fields: [field('F_CODE')], featureCodes: ['XX999'] })).basedOn, null);
  });

  it('keeps only the label classes whose fields the layer has', () => {
    // Place names without TYPE cannot use the renderer; with TYPE but without NAM the labels fall back to none.
    const noName = layerStyle(layer({ table: 'place_names', geometryType: 'esriGeometryPoint', fields: [field('F_CODE'), field('TYPE')] }));
    assert.equal(noName.basedOn, 'Place names');
    assert.equal(noName.drawingInfo.labelingInfo, null);
    // Roads whose RTN is missing: the sample's label reads RTN, so the name field labels instead.
    const roads = layerStyle(layer({ table: 'roads', geometryType: 'esriGeometryPolyline', fields: [field('CLASS'), field('name')] }));
    assert.deepEqual(roads.drawingInfo.labelingInfo?.map((c) => c.labelExpression), ['[name]']);
    assert.deepEqual(roads.drawingInfo.renderer, sample('roads').drawingInfo!.renderer);
  });
});

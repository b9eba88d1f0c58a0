import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateLibrary } from '../layout/template-library.js';
import { OPERATION_TYPE_NAMES, OPERATION_TYPES } from './operation-catalogue.js';
import { parameterDataType, readVersionRequest, validateProductDefinition, type ProductDefinition } from './product-definition.js';
import { ProductDefinitionError } from './production-errors.js';

const library = new TemplateLibrary();

/** The example of tps.md §5.5. */
function example(): Record<string, any> {
  return {
    version: 0, name: 'TM50', type: 'TM', gridType: 'TM50', description: 'Topographic Map 1:50,000', sheetIDField: 'NRN',
    productVersions: [{ name: 'TDS_7_1', template: 'TM50_Layout' }],
    resources: [{ name: 'Contours', type: 'number', value: '20' }],
    operations: [
      { id: '0A6D790A-CF72-4FA6-B49E-ACC4E87ED24F', name: 'Extract', type: 'ExtractData', parameters: [{ name: 'buffer', value: '500' }] },
      { id: '7F04D744-1098-4588-B11F-B28EBE001A5B', name: 'Layout', type: 'ApplyLayout' },
      { id: 'A14B17A5-1C96-4050-9C2A-10FD3723AC63', name: 'Grid', type: 'BuildGrid' },
      { id: '864461C6-D318-43E0-BA21-E23F2DED9457', name: 'Contours', type: 'GenerateContours', parameters: [{ name: 'contour_interval', value: '[Contours]' }] },
      { id: '336E5A61-E135-43E2-8293-2A44A6D445CF', name: 'Hillshade', type: 'GenerateHillshade' },
      { id: '637F9D57-1CA6-4615-A3D4-A9DEA09EC9BD', name: 'Spot heights', type: 'GenerateSpotHeights' },
      { id: 'B598F6C0-4EBC-4BA6-93CC-4B34826B2D0F', name: 'Elevation guide', type: 'ElevationGuide' },
      { id: 'B1660F57-C6B4-4DF1-AACC-C8B0099B26AC', name: 'Adjoining sheets', type: 'AdjoiningSheets' },
      { id: '9BD30CB5-9E58-4D66-BE94-37CA7487776B', name: 'Declination', type: 'Declination' },
      { id: 'F810CAC9-5008-4454-A646-88560EC42048', name: 'Surrounds', type: 'UpdateSurrounds', parameters: [{ name: 'series_name', value: 'TOPOGRAPHIC MAP 1:50,000' }] },
      { id: 'D3EBC865-55DE-4B41-A963-84517549C68F', name: 'Export', type: 'Export' },
    ],
    enabled: true, raster: 'dem/region.tif', ancillaryLayers: [],
  };
}

const validate = (doc: unknown, existingNames?: string[]): ProductDefinition =>
  validateProductDefinition(doc, { library, existingNames, now: new Date(Date.UTC(2025, 2, 11, 9, 12, 40, 500)) });

/** The messages a definition is refused with. */
function refusal(doc: unknown, existingNames?: string[]): string[] {
  try { validate(doc, existingNames); } catch (e) {
    assert.ok(e instanceof ProductDefinitionError, String(e));
    assert.equal(e.code, 400);
    assert.equal(e.message, e.messages.join('; '));
    return e.messages;
  }
  assert.fail('the definition was accepted');
}

/** The example with one change. */
function changed(change: (d: Record<string, any>) => void): Record<string, any> {
  const d = example();
  change(d);
  return d;
}

describe('operation catalogue', () => {
  it('lists the eleven operation types of §5.4 with their parameters and defaults', () => {
    assert.deepEqual(OPERATION_TYPE_NAMES, ['ExtractData', 'ApplyLayout', 'BuildGrid', 'GenerateContours', 'GenerateHillshade', 'GenerateSpotHeights',
      'ElevationGuide', 'AdjoiningSheets', 'Declination', 'UpdateSurrounds', 'Export']);
    const contours = Object.fromEntries(OPERATION_TYPES.GenerateContours.parameters.map((p) => [p.name, [p.dataType, p.default]]));
    assert.deepEqual(contours, {
      raster: ['string', '[Raster]'], contour_interval: ['double', { derived: 'grid.contourInterval' }], index_every: ['integer', '5'],
      units: ['string', { derived: 'grid.contourUnits' }], base: ['double', '0'], supplementary: ['boolean', 'false'], smooth_tolerance: ['double', '0.2'],
      min_length: ['double', '2'], crowding_distance: ['double', '0.3'], label_index: ['boolean', 'true'],
    });
    assert.deepEqual(OPERATION_TYPES.UpdateSurrounds.parameters.map((p) => p.name), ['sheet_name_field', 'series_name', 'series_number', 'edition', 'notes', 'legend']);
    assert.equal(parameterDataType('UpdateSurrounds', 'notes'), 'json');
    assert.equal(parameterDataType('Export', 'resolution'), 'integer');
    assert.equal(parameterDataType('Export', 'dpi'), undefined);
  });
});

describe('validateProductDefinition', () => {
  it('accepts the §5.5 example and fills the defaults of §5.1', () => {
    const p = validate(example());
    assert.equal(p.name, 'TM50');
    assert.equal(p.type, 'TM');
    assert.equal(p.definitionType, 'MapProduct');
    assert.equal(p.extractionDatabase, 'TM.gpkg');
    assert.equal(p.featureDataset, '');
    assert.equal(p.enabled, true);
    assert.equal(p.lastModified, '2025-03-11T09:12:40Z');
    assert.equal(p.operations.length, 11);
    assert.deepEqual(p.operations[3], {
      id: '864461C6-D318-43E0-BA21-E23F2DED9457', name: 'Contours', type: 'GenerateContours', description: '',
      parameters: [{ name: 'contour_interval', value: '[Contours]' }],
    });
    assert.deepEqual(p.operations[1]!.parameters, []);
    assert.deepEqual(p.resources, [{ name: 'Contours', type: 'number', value: '20' }]);
    assert.deepEqual(p.productVersions, [{ name: 'TDS_7_1', template: 'TM50_Layout' }]);
  });

  it('normalises: TDS is TM, GUIDs upper-case or created, Esri resource types mapped, grid name as the library spells it', () => {
    const p = validate(changed((d) => {
      d.type = 'TDS';
      d.gridType = 'tm50';
      d.enabled = 'False';
      d.operations[0].id = '{0a6d790a-cf72-4fa6-b49e-acc4e87ed24f}';
      delete d.operations[1].id;
      d.operations[2].parameters = [{ name: 'label_style', value: 'full' }, { name: 'grid_interval', value: 1000 }];
      d.operations[3].parameters.push({ name: 'supplementary', value: true });
      d.resources = [
        { name: 'Contours', type: 'number', value: 20 },
        { name: 'Text', type: 1, value: 'a' }, { name: 'Roads', type: 2, value: 'https://x/MapServer/4' },
        { name: 'Ws', type: 3, value: 'w' }, { name: 'Lay', type: 6, value: 'TM50_Layout' }, { name: 'Other', type: 9, value: 'o' },
      ];
      d.productVersions = [{ name: 'TDS_7_1', template: 'TM50_Layout.pagx', extractionDatabase: 'tds71', excludedOperations: ['336e5a61-e135-43e2-8293-2a44a6d445cf'] }];
      d.ancillaryLayers = ['https://host/arcgis/rest/services/Ops/MapServer/2', { layer: 'https://host/x/MapServer/3', featureClass: 'Obstacles', layerIndex: '2' }];
    }));
    assert.equal(p.type, 'TM');
    assert.equal(p.extractionDatabase, 'TM.gpkg');
    assert.equal(p.gridType, 'TM50');
    assert.equal(p.enabled, false);
    assert.equal(p.operations[0]!.id, '0A6D790A-CF72-4FA6-B49E-ACC4E87ED24F');
    assert.match(p.operations[1]!.id, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.deepEqual(p.operations[2]!.parameters, [{ name: 'label_style', value: 'full' }, { name: 'grid_interval', value: 1000 }]);
    assert.deepEqual(p.operations[3]!.parameters[1], { name: 'supplementary', value: 'true' });
    assert.deepEqual(p.resources.map((r) => [r.name, r.type, r.value]), [
      ['Contours', 'number', '20'], ['Text', 'string', 'a'], ['Roads', 'layer', 'https://x/MapServer/4'], ['Ws', 'workspace', 'w'], ['Lay', 'layout', 'TM50_Layout'], ['Other', 'string', 'o'],
    ]);
    assert.deepEqual(p.productVersions[0], { name: 'TDS_7_1', template: 'TM50_Layout.pagx', extractionDatabase: 'tds71.gpkg', excludedOperations: ['336E5A61-E135-43E2-8293-2A44A6D445CF'] });
    assert.deepEqual(p.ancillaryLayers, [
      { layer: 'https://host/arcgis/rest/services/Ops/MapServer/2', map: 'BaseMap', layerIndex: 0 },
      { layer: 'https://host/x/MapServer/3', featureClass: 'Obstacles', map: 'BaseMap', layerIndex: 2 },
    ]);
    // Two definitions without ids get different GUIDs.
    const again = validate(changed((d) => { delete d.operations[1].id; }));
    assert.notEqual(again.operations[1]!.id, p.operations[1]!.id);
  });

  it('refuses a duplicate product name with the wording of §6', () => {
    assert.deepEqual(refusal(example(), ['TM25', 'TM50']), ['Product name already exists: TM50 (productDefinition.name)']);
    // Names match case-sensitively, as products/<name> does.
    assert.equal(validate(example(), ['tm50']).name, 'TM50');
  });

  it('refuses an unknown operation type with the wording of §6', () => {
    assert.deepEqual(refusal(changed((d) => { d.operations[3].type = 'Contour'; })), ["productDefinition.operations[3].type: unknown operation type 'Contour'"]);
  });

  it('refuses an unknown grid definition, listing the known ones', () => {
    assert.deepEqual(refusal(changed((d) => { d.gridType = 'TM75'; })),
      ["productDefinition.gridType: unknown grid definition 'TM75' (known: CTM25, CTM50, JOG250, TM100, TM25, TM50, USTopo24)"]);
  });

  it('refuses an unknown layout template in a version', () => {
    const [message] = refusal(changed((d) => { d.productVersions.push({ name: 'MGCP', template: 'MTM50_Layout.pagx' }); }));
    assert.match(message!, /^productDefinition\.productVersions\[1\]\.template: unknown layout template 'MTM50_Layout\.pagx' \(known: A3 Landscape, .*TM50_Layout.*\)$/);
  });

  it('refuses an unknown parameter name, naming the type and its parameters', () => {
    assert.deepEqual(refusal(changed((d) => { d.operations[4].parameters = [{ name: 'sun_angle', value: '30' }]; })),
      ["productDefinition.operations[4].parameters[0].name: unknown parameter 'sun_angle' for GenerateHillshade (expected one of raster, azimuth, altitude, z_factor, opacity)"]);
  });

  it('refuses parameter values of the wrong type or out of range', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.operations[0].parameters = [{ name: 'buffer', value: 'wide' }, { name: 'clip', value: 'yes' }];
      d.operations[4].parameters = [{ name: 'opacity', value: 1.5 }];
      d.operations[6].parameters = [{ name: 'bands', value: '2.5' }, { name: 'method', value: 'jenks' }];
      d.operations[9].parameters.push({ name: 'notes', value: '{not json' });
      d.operations[10].parameters = [{ name: 'format', value: 'aprx' }, { name: 'resolution', value: null }];
    })), [
      "productDefinition.operations[0].parameters[0].value: buffer must be a number, got 'wide'",
      "productDefinition.operations[0].parameters[1].value: clip must be 'true' or 'false', got 'yes'",
      'productDefinition.operations[4].parameters[0].value: opacity must be from 0 to 1, got 1.5',
      "productDefinition.operations[6].parameters[0].value: bands must be an integer, got '2.5'",
      "productDefinition.operations[6].parameters[1].value: method must be one of quantile, equal_interval, got 'jenks'",
      "productDefinition.operations[9].parameters[1].value: notes must be a JSON object, got '{not json'",
      "productDefinition.operations[10].parameters[0].value: format must be one of pdf, tiff, png, jpg, svg, package, got 'aprx'",
      'productDefinition.operations[10].parameters[1].value: resolution must be a string or a number, got null',
    ]);
  });

  it('type-checks a value given through one of the product\'s resources', () => {
    assert.deepEqual(refusal(changed((d) => { d.resources = [{ name: 'Contours', type: 'string', value: 'twenty' }]; })),
      ["productDefinition.operations[3].parameters[0].value: contour_interval must be a number, got 'twenty'"]);
  });

  it('refuses references to unknown resources and malformed brackets, accepts built-ins and [[', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.operations[3].parameters = [{ name: 'contour_interval', value: '[Contour]' }];
      d.operations[9].parameters = [{ name: 'series_name', value: 'MAP [Series' }, { name: 'edition', value: 'Ed. []' }];
    })), [
      "productDefinition.operations[3].parameters[0].value: unknown resource '[Contour]': neither one of the product's resources (Contours) nor a built-in one",
      "productDefinition.operations[9].parameters[0].value: '[' at position 5 has no closing ']' (write '[[' for a literal '[')",
      "productDefinition.operations[9].parameters[1].value: empty reference '[]' at position 5",
    ]);
    // Built-in names are exact: [raster] is not [Raster].
    assert.match(refusal(changed((d) => { d.operations[4].parameters = [{ name: 'raster', value: '[raster]' }]; }))[0]!, /unknown resource '\[raster\]'/);
    const ok = validate(changed((d) => {
      d.operations[9].parameters = [{ name: 'series_name', value: '[[TM] [ProductName] 1:[Scale]' }, { name: 'edition', value: '[JobDate]' }];
    }));
    assert.equal(ok.operations[9]!.parameters[0]!.value, '[[TM] [ProductName] 1:[Scale]');
  });

  it('refuses resources that reuse built-in names, duplicates and bad types', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.resources = [
        { name: 'Contours', type: 'number', value: '20' }, { name: 'Raster', type: 'raster', value: 'x.tif' }, { name: 'sheetid', type: 'string', value: 'x' },
        { name: 'contours', type: 'number', value: '10' }, { name: 'Dem', type: 'image', value: 'x' }, { name: 'Spacing', type: 'number', value: 'wide' },
        { name: 'A]B', type: 'string', value: '' },
      ];
    })), [
      "productDefinition.resources[1].name: 'Raster' is a built-in resource name and cannot be reused",
      "productDefinition.resources[2].name: 'sheetid' is a built-in resource name and cannot be reused",
      "productDefinition.resources[3].name: duplicate resource name 'contours'",
      'productDefinition.resources[4].type: must be one of string, number, layer, raster, workspace, layout, got "image"',
      "productDefinition.resources[5].value: must be a number for a number resource, got 'wide'",
      "productDefinition.resources[6].name: must be 1–128 characters without '[' or ']'",
    ]);
  });

  it('refuses bad names, duplicate versions, operation ids and types, and missing required properties', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.name = 'TM50/Bad';
      d.productVersions.push({ name: 'tds_7_1', template: 'TM50_Layout' });
      d.operations[1].id = d.operations[0].id.toLowerCase();
      d.operations[2].id = 'not-a-guid';
      d.operations.push({ name: 'Export again', type: 'Export' });
      delete d.operations[5].name;
      delete d.sheetIDField;
    })), [
      "productDefinition.name: must be 1–128 letters, digits, spaces, '_', '-' or '.'",
      'productDefinition.sheetIDField: is required: the AOI field that identifies a sheet (e.g. NRN)',
      'productDefinition.operations[1].id: duplicate operation id 0A6D790A-CF72-4FA6-B49E-ACC4E87ED24F',
      'productDefinition.operations[2].id: must be a GUID, got "not-a-guid"',
      'productDefinition.operations[5].name: is required: the display name',
      'productDefinition.operations[11].type: a product has at most one Export operation (operations[10] is one)',
      "productDefinition.productVersions[1].name: duplicate version name 'tds_7_1'",
    ]);
    assert.deepEqual(refusal({ name: 'X' }), [
      'productDefinition.type: is required (one of MTM, TM, JOG, CTM, Custom)',
      'productDefinition.gridType: is required (one of CTM25, CTM50, JOG250, TM100, TM25, TM50, USTopo24)',
      'productDefinition.sheetIDField: is required: the AOI field that identifies a sheet (e.g. NRN)',
      'productDefinition.operations: must be an array of at least one operation',
      'productDefinition.productVersions: must be an array of at least one {name, template}',
    ]);
    assert.deepEqual(refusal(changed((d) => { d.type = 'Atlas'; d.version = 2; d.name = 'x'.repeat(129); })), [
      'productDefinition.version: must be 0 (the only serialization version)',
      "productDefinition.name: must be 1–128 letters, digits, spaces, '_', '-' or '.'",
      "productDefinition.type: unknown product type 'Atlas' (expected one of MTM, TM, JOG, CTM, Custom, or TDS for TM)",
    ]);
    assert.deepEqual(refusal('TM50'), ['productDefinition: must be a JSON object']);
  });

  it('refuses overrides and exclusions of operations the product does not have, and bad override values', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.productVersions[0].operationOverrides = [
        { id: '864461C6-D318-43E0-BA21-E23F2DED9457', parameters: [{ name: 'contour_interval', value: '25' }, { name: 'azimuth', value: '300' }] },
        { id: '11111111-2222-3333-4444-555555555555', parameters: [] },
        { id: 'A14B17A5-1C96-4050-9C2A-10FD3723AC63', parameters: [{ name: 'grid', value: 'TM75' }] },
      ];
      d.productVersions[0].excludedOperations = ['336E5A61-E135-43E2-8293-2A44A6D445CF', 'nonsense'];
      d.productVersions[0].extractionDatabase = '../escape.gpkg';
    })), [
      'productDefinition.productVersions[0].extractionDatabase: must be a GeoPackage file name, not a path',
      "productDefinition.productVersions[0].operationOverrides[0].parameters[1].name: unknown parameter 'azimuth' for GenerateContours (expected one of raster, contour_interval, index_every, units, base, supplementary, smooth_tolerance, min_length, crowding_distance, label_index)",
      'productDefinition.productVersions[0].operationOverrides[1].id: no operation has id 11111111-2222-3333-4444-555555555555',
      "productDefinition.productVersions[0].operationOverrides[2].parameters[0].value: unknown grid definition 'TM75' (known: CTM25, CTM50, JOG250, TM100, TM25, TM50, USTopo24)",
      'productDefinition.productVersions[0].excludedOperations[1]: must be an operation GUID, got "nonsense"',
    ]);
  });

  it('refuses a database parameter that is a path, and a literal template the library lacks', () => {
    assert.deepEqual(refusal(changed((d) => {
      d.operations[0].parameters = [{ name: 'database', value: '/etc/passwd' }];
      d.operations[1].parameters = [{ name: 'template', value: 'Nowhere' }];
    })).map((m) => m.replace(/ \(known: .*\)$/, '')), [
      'productDefinition.operations[0].parameters[0].value: database must be a file name in the job folder (letters, digits, spaces, _ - .), not a path',
      "productDefinition.operations[1].parameters[0].value: unknown layout template 'Nowhere'",
    ]);
  });

  it('names messages after the parameter it is given', () => {
    try {
      validateProductDefinition(changed((d) => { d.gridType = 'X'; }), { library, parameter: 'definition' });
      assert.fail('accepted');
    } catch (e) {
      assert.match((e as ProductDefinitionError).messages[0]!, /^definition\.gridType: unknown grid definition 'X'/);
    }
  });
});

describe('readVersionRequest', () => {
  it("reads generateProduct's productVersion object against the product", () => {
    const product = validate(example());
    assert.deepEqual(readVersionRequest({
      name: 'TDS_7_1', excludedOperations: ['b598f6c0-4ebc-4ba6-93cc-4b34826b2d0f'],
      operationOverrides: [{ id: 'F810CAC9-5008-4454-A646-88560EC42048', parameters: [{ name: 'edition', value: 2 }] }],
    }, product, library), {
      name: 'TDS_7_1', excludedOperations: ['B598F6C0-4EBC-4BA6-93CC-4B34826B2D0F'],
      operationOverrides: [{ id: 'F810CAC9-5008-4454-A646-88560EC42048', parameters: [{ name: 'edition', value: 2 }] }],
    });
    assert.throws(() => readVersionRequest({ name: 'TDS_7_1', operationOverrides: [{ id: 'F810CAC9-5008-4454-A646-88560EC42048', parameters: [{ name: 'legend', value: 'some' }] }] }, product, library),
      (e: ProductDefinitionError) => e.messages[0] === "productVersion.operationOverrides[0].parameters[0].value: legend must be one of auto, full, got 'some'");
  });
});

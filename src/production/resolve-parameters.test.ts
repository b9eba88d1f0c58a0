import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TemplateLibrary } from '../layout/template-library.js';
import { defaultSheetParameters } from '../sheet/sheet-parameters.js';
import { validateProductDefinition, type ProductDefinition } from './product-definition.js';
import { ProductDefinitionError, ProductParameterError } from './production-errors.js';
import { ReferenceSyntaxError, splitReferences, substituteReferences, UnknownReferenceError } from './resource-references.js';
import { effectiveVersion, findOperationId, planProduction, readOutputSettings, type JobContext } from './resolve-parameters.js';

const library = new TemplateLibrary();
const JOB_DATE = new Date(Date.UTC(2025, 2, 12, 18, 45, 9));
const JOB_FOLDER = join('/srv', 'quadrangle', 'jobs', '22AEBB64');

const ID = {
  extract: '0A6D790A-CF72-4FA6-B49E-ACC4E87ED24F', layout: '7F04D744-1098-4588-B11F-B28EBE001A5B', grid: 'A14B17A5-1C96-4050-9C2A-10FD3723AC63',
  contours: '864461C6-D318-43E0-BA21-E23F2DED9457', hillshade: '336E5A61-E135-43E2-8293-2A44A6D445CF', spots: '637F9D57-1CA6-4615-A3D4-A9DEA09EC9BD',
  guide: 'B598F6C0-4EBC-4BA6-93CC-4B34826B2D0F', adjoining: 'B1660F57-C6B4-4DF1-AACC-C8B0099B26AC', declination: '9BD30CB5-9E58-4D66-BE94-37CA7487776B',
  surrounds: 'F810CAC9-5008-4454-A646-88560EC42048', export: 'D3EBC865-55DE-4B41-A963-84517549C68F',
};

/** The §5.5 example, with changes. */
function product(change: (d: Record<string, any>) => void = () => {}): ProductDefinition {
  const d: Record<string, any> = {
    version: 0, name: 'TM50', type: 'TM', gridType: 'TM50', sheetIDField: 'NRN',
    productVersions: [{ name: 'TDS_7_1', template: 'TM50_Layout' }],
    resources: [{ name: 'Contours', type: 'number', value: '20' }],
    operations: [
      { id: ID.extract, name: 'Extract', type: 'ExtractData', parameters: [{ name: 'buffer', value: '500' }] },
      { id: ID.layout, name: 'Layout', type: 'ApplyLayout' },
      { id: ID.grid, name: 'Grid', type: 'BuildGrid' },
      { id: ID.contours, name: 'Contours', type: 'GenerateContours', parameters: [{ name: 'contour_interval', value: '[Contours]' }] },
      { id: ID.hillshade, name: 'Hillshade', type: 'GenerateHillshade' },
      { id: ID.spots, name: 'Spot heights', type: 'GenerateSpotHeights' },
      { id: ID.guide, name: 'Elevation guide', type: 'ElevationGuide' },
      { id: ID.adjoining, name: 'Adjoining sheets', type: 'AdjoiningSheets' },
      { id: ID.declination, name: 'Declination', type: 'Declination' },
      { id: ID.surrounds, name: 'Surrounds', type: 'UpdateSurrounds', parameters: [{ name: 'series_name', value: 'TOPOGRAPHIC MAP 1:50,000' }] },
      { id: ID.export, name: 'Export', type: 'Export' },
    ],
    raster: 'dem/region.tif',
  };
  change(d);
  return validateProductDefinition(d, { library });
}

const context = (over: Partial<JobContext> = {}): JobContext => ({
  aoiLayer: 'https://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer/15',
  aoiGeometry: { rings: [[[0, 0], [0, 1], [1, 1], [0, 0]]], spatialReference: { wkid: 32630 } },
  sheetId: 'V795X12345', outputType: 'PDF', exportName: 'V795X12345', jobFolder: JOB_FOLDER, jobDate: JOB_DATE, ...over,
});

const op = (d: Record<string, any>, id: string) => d.operations.find((o: { id: string }) => o.id === id);

describe('resource references', () => {
  it('splits text and references, with [[ as a literal [', () => {
    assert.deepEqual(splitReferences('[[A] is [B]!'), [{ text: '[A] is ' }, { ref: 'B' }, { text: '!' }]);
    assert.deepEqual(splitReferences('plain ] text'), [{ text: 'plain ] text' }]);
    assert.deepEqual(splitReferences(''), [{ text: '' }]);
    assert.throws(() => splitReferences('[A'), ReferenceSyntaxError);
    assert.throws(() => splitReferences('x [] y'), ReferenceSyntaxError);
    assert.throws(() => splitReferences('[A[B]'), ReferenceSyntaxError);
  });

  it('gives an exact reference its value unchanged and writes references inside text as text', () => {
    const values: Record<string, unknown> = { Scale: 50000, AOIGeometry: { rings: [] }, SheetID: null, Name: 'TM50' };
    const lookup = (n: string) => values[n] as never;
    assert.equal(substituteReferences('[Scale]', lookup), 50000);
    assert.deepEqual(substituteReferences('[AOIGeometry]', lookup), { rings: [] });
    assert.equal(substituteReferences('[SheetID]', lookup), null);
    assert.equal(substituteReferences('1:[Scale] [Name] sheet [SheetID]/[AOIGeometry] [[x]', lookup), '1:50000 TM50 sheet /{"rings":[]} [x]');
    assert.equal(substituteReferences('[[Scale]', lookup), '[Scale]');
    assert.throws(() => substituteReferences('a [Nope] b', lookup), (e: UnknownReferenceError) => e.reference === 'Nope' && e.message === "unknown resource '[Nope]'");
  });
});

describe('planProduction', () => {
  it('maps the §5.5 example onto the sheet parameters and the job steps', () => {
    const plan = planProduction(product(), { library, version: 'TDS_7_1', context: context() });
    const grid = library.grid('TM50')!;
    const expected = defaultSheetParameters(grid, JOB_DATE);
    expected.adjoining!.labelField = 'NRN';
    expected.declination!.date = new Date(Date.UTC(2025, 2, 12));
    expected.surrounds.seriesName = 'TOPOGRAPHIC MAP 1:50,000';
    assert.deepEqual(plan.sheet, expected);
    assert.equal(plan.sheet.contours!.interval, 20);
    assert.deepEqual(plan.steps.map((s) => s.type), ['ExtractData', 'ApplyLayout', 'BuildGrid', 'GenerateContours', 'GenerateHillshade', 'GenerateSpotHeights',
      'ElevationGuide', 'AdjoiningSheets', 'Declination', 'UpdateSurrounds', 'Export']);
    assert.deepEqual(plan.extract, { layers: '*', buffer: 500, clip: true, database: join(JOB_FOLDER, 'TM.gpkg') });
    assert.deepEqual(plan.layout, { template: 'TM50_Layout', map: 'BaseMap', missingLayers: 'warn' });
    assert.deepEqual(plan.buildGrid, { definition: 'TM50', map: 'BaseMap' });
    assert.deepEqual(plan.rasters, { contours: 'dem/region.tif', hillshade: 'dem/region.tif', spotHeights: 'dem/region.tif', elevationGuide: 'dem/region.tif' });
    assert.equal(plan.spotHeightUnits, 'meters');
    assert.equal(plan.adjoiningIndexLayer, context().aoiLayer);
    assert.equal(plan.declinationModel, 'WMM');
    assert.deepEqual(plan.export, { format: 'pdf', resolution: 300, imageQuality: 90, compression: 'deflate', georeference: true, embedFonts: true, layersAndAttributes: 'layers' });
    assert.equal(plan.template, 'TM50_Layout');
    assert.equal(plan.resources.get('Scale'), 50000);
    assert.equal(plan.resources.get('JobDate'), '2025-03-12');
    assert.equal(plan.resources.get('Contours'), 20);
  });

  it("applies a version's overrides and exclusions, then the request's on top", () => {
    const p = product((d) => {
      d.productVersions = [
        { name: 'TDS_7_1', template: 'TM50_Layout' },
        {
          name: 'TRD_4_5', template: 'TM50_Layout.pagx', extractionDatabase: 'trd45',
          operationOverrides: [
            { id: ID.contours, parameters: [{ name: 'contour_interval', value: '25' }, { name: 'index_every', value: '4' }] },
            { id: ID.hillshade, parameters: [{ name: 'azimuth', value: '300' }] },
            { id: ID.surrounds, parameters: [{ name: 'edition', value: '3-NGA' }, { name: 'notes', value: '{"Imprint":"Printed 2025"}' }] },
          ],
          excludedOperations: [ID.guide, ID.spots],
        },
      ];
    });
    const plan = planProduction(p, { library, version: 'TRD_4_5', context: context() });
    assert.equal(plan.sheet.contours!.interval, 25);
    assert.equal(plan.sheet.contours!.indexEvery, 4);
    assert.equal(plan.sheet.hillshade!.azimuth, 300);
    assert.equal(plan.sheet.elevationGuide, null);
    assert.equal(plan.sheet.spotHeights, null);
    assert.equal(plan.rasters.spotHeights, null);
    assert.deepEqual(plan.sheet.surrounds.notes, { Imprint: 'Printed 2025' });
    assert.equal(plan.sheet.surrounds.edition, '3-NGA');
    assert.equal(plan.steps.length, 9);
    assert.ok(!plan.steps.some((s) => s.id === ID.guide || s.id === ID.spots));
    assert.equal(plan.extract!.database, join(JOB_FOLDER, 'trd45.gpkg'));
    // The version without overrides keeps the definition's values.
    assert.equal(planProduction(p, { library, version: 'TDS_7_1', context: context() }).sheet.contours!.interval, 20);

    // The request's productVersion object: its values win, its exclusions add to the version's.
    const asked = planProduction(p, {
      library, context: context(),
      version: JSON.stringify({
        name: 'TRD_4_5', extractionDatabase: 'mine.gpkg', excludedOperations: [ID.declination.toLowerCase()],
        operationOverrides: [{ id: ID.contours, parameters: [{ name: 'contour_interval', value: 50 }] }],
      }),
    });
    assert.equal(asked.sheet.contours!.interval, 50);
    assert.equal(asked.sheet.contours!.indexEvery, 4);
    assert.equal(asked.sheet.declination, null);
    assert.equal(asked.sheet.spotHeights, null);
    assert.equal(asked.steps.length, 8);
    assert.equal(asked.extract!.database, join(JOB_FOLDER, 'mine.gpkg'));
  });

  it('leaves out steps the product has no operation for', () => {
    const p = product((d) => { d.operations = d.operations.filter((o: { type: string }) => ['ApplyLayout', 'BuildGrid', 'Export'].includes(o.type)); d.resources = []; });
    const plan = planProduction(p, { library, version: 'TDS_7_1', context: context({ outputType: 'png' }) });
    assert.deepEqual([plan.sheet.contours, plan.sheet.hillshade, plan.sheet.spotHeights, plan.sheet.elevationGuide, plan.sheet.adjoining, plan.sheet.declination],
      [null, null, null, null, null, null]);
    assert.ok(plan.sheet.grid);
    assert.equal(plan.extract, null);
    assert.equal(plan.export!.format, 'png');
    assert.deepEqual(plan.steps.map((s) => s.name), ['Layout', 'Grid', 'Export']);
  });

  it('reads booleans, numbers from strings and contour units with their synonyms', () => {
    const p = product((d) => {
      op(d, ID.contours).parameters = [{ name: 'supplementary', value: 'TRUE' }, { name: 'label_index', value: 'False' }, { name: 'index_every', value: ' 10 ' },
        { name: 'base', value: '-5.5' }, { name: 'units', value: 'Metres' }, { name: 'smooth_tolerance', value: 0 }];
      op(d, ID.grid).parameters = [{ name: 'grid_interval', value: '2000' }, { name: 'label_style', value: 'FULL' }, { name: 'adjacent_zone', value: 'none' }];
    });
    const { sheet } = planProduction(p, { library, version: 'TDS_7_1', context: context() });
    assert.deepEqual(sheet.contours, {
      interval: 20, indexEvery: 10, units: 'meters', base: -5.5, supplementary: true, smoothTolerance: 0, minLength: 2, crowdingDistance: 0.3, labelIndex: false,
    });
    assert.deepEqual(sheet.grid, { gridInterval: 2000, tickMinutes: 1, crossMinutes: 5, labelStyle: 'full', adjacentZone: 'none' });
  });

  it('converts the default contour interval to feet as a usual interval, and spot heights follow the contours', () => {
    const feet = product((d) => { op(d, ID.contours).parameters = [{ name: 'units', value: 'ft' }]; });
    const plan = planProduction(feet, { library, version: 'TDS_7_1', context: context() });
    // 20 m is 65.6 ft: the nearest of the 1-2-2.5-5 series is 50 ft.
    assert.equal(plan.sheet.contours!.units, 'feet');
    assert.equal(plan.sheet.contours!.interval, 50);
    assert.equal(plan.spotHeightUnits, 'feet');
    // USTopo24 counts in feet by default; 20 ft stays 20 ft, and metres give 5 m.
    const us = product((d) => { d.gridType = 'USTopo24'; d.resources = []; op(d, ID.contours).parameters = []; d.productVersions[0].template = 'TM25_Layout'; });
    const usPlan = planProduction(us, { library, version: 'TDS_7_1', context: context() });
    assert.deepEqual([usPlan.sheet.contours!.units, usPlan.sheet.contours!.interval, usPlan.spotHeightUnits], ['feet', 20, 'feet']);
    const usMetres = product((d) => { d.gridType = 'USTopo24'; d.resources = []; op(d, ID.contours).parameters = [{ name: 'units', value: 'meters' }]; });
    assert.equal(planProduction(usMetres, { library, version: 'TDS_7_1', context: context() }).sheet.contours!.interval, 5);
  });

  it('takes BuildGrid defaults from the grid definition its grid parameter names', () => {
    const p = product((d) => { op(d, ID.grid).parameters = [{ name: 'grid', value: 'tm100' }]; });
    const plan = planProduction(p, { library, version: 'TDS_7_1', context: context() });
    assert.deepEqual(plan.sheet.grid, { gridInterval: 10000, tickMinutes: 5, crossMinutes: 10, labelStyle: 'principal', adjacentZone: 'ticks' });
    assert.equal(plan.buildGrid!.definition, 'TM100');
    assert.equal(plan.grid.scale, 50000);
  });

  it('substitutes built-in resources in text and refuses values that only fail at run time, naming the operation', () => {
    const p = product((d) => {
      op(d, ID.surrounds).parameters = [{ name: 'series_name', value: '[ProductName] 1:[Scale] — sheet [SheetID] ([[draft])' }, { name: 'edition', value: '[JobDate]' }];
    });
    const plan = planProduction(p, { library, version: 'TDS_7_1', context: context() });
    assert.equal(plan.sheet.surrounds.seriesName, 'TM50 1:50000 — sheet V795X12345 ([draft])');
    assert.equal(plan.sheet.surrounds.edition, '2025-03-12');
    // A custom AOI has no sheet ID: in text it is empty.
    assert.equal(planProduction(p, { library, version: 'TDS_7_1', context: context({ sheetId: null }) }).sheet.surrounds.seriesName, 'TM50 1:50000 — sheet  ([draft])');

    const bad = product((d) => { op(d, ID.contours).parameters = [{ name: 'contour_interval', value: '[SheetID]' }]; });
    assert.throws(() => planProduction(bad, { library, version: 'TDS_7_1', context: context() }),
      (e: ProductParameterError) => e.code === 400 && e.message === "GenerateContours 'Contours': contour_interval must be a number, got 'V795X12345'");
    const badDate = product((d) => { op(d, ID.declination).parameters = [{ name: 'date', value: '2025-02-30' }]; });
    assert.throws(() => planProduction(badDate, { library, version: 'TDS_7_1', context: context() }), /Declination 'Declination': date must be a real ISO date, got '2025-02-30'/);
    const badFormat = product();
    assert.throws(() => planProduction(badFormat, { library, version: 'TDS_7_1', context: context({ outputType: 'aprx' }) }), /Export 'Export': format must be one of pdf, tiff, png, jpg, svg, package, got 'aprx'/);
  });

  it('lays outputSettings over the Export operation', () => {
    assert.deepEqual(readOutputSettings('Draft'), { resolution: 150 });
    assert.deepEqual(readOutputSettings(undefined), {});
    assert.deepEqual(readOutputSettings('{"resolution":"600","georeference":"false","imageCompression":"LZW"}'), { resolution: 600, georeference: false, imageCompression: 'lzw' });
    assert.throws(() => readOutputSettings({ dpi: 300 }), /^ProductParameterError: outputSettings: unknown key 'dpi'/);
    assert.throws(() => readOutputSettings({ resolution: 5000 }), /outputSettings: resolution must be from 72 to 1200, got 5000/);
    assert.throws(() => readOutputSettings('poster'), /outputSettings: unknown preset 'poster' \(known: default, draft, high\)/);
    const p = product((d) => { op(d, ID.export).parameters = [{ name: 'resolution', value: '200' }, { name: 'compression', value: 'none' }]; });
    const plan = planProduction(p, { library, version: 'TDS_7_1', context: context({ outputType: 'tiff' }), outputSettings: readOutputSettings({ resolution: 600 }) });
    assert.deepEqual([plan.export!.format, plan.export!.resolution, plan.export!.compression], ['tiff', 600, 'none']);
  });

  it('keeps the extraction GeoPackage inside the job folder', () => {
    const p = product((d) => { op(d, ID.extract).parameters = [{ name: 'database', value: 'other.gpkg' }, { name: 'layers', value: '3, Roads ,,5' }, { name: 'clip', value: 'false' }]; });
    assert.deepEqual(planProduction(p, { library, version: 'TDS_7_1', context: context() }).extract,
      { layers: ['3', 'Roads', '5'], buffer: 0, clip: false, database: join(JOB_FOLDER, 'other.gpkg') });
    const escape = product((d) => { op(d, ID.extract).parameters = [{ name: 'database', value: '[ExportName]' }]; });
    assert.throws(() => planProduction(escape, { library, version: 'TDS_7_1', context: context({ exportName: '../../etc/x' }) }), /ExtractData 'Extract': database must lie in the job folder/);
  });

  it('refuses an unknown version or a bad request object, naming productVersion', () => {
    const p = product();
    assert.throws(() => effectiveVersion(p, 'TRD_4_5', library), (e: ProductParameterError) => e.message === "productVersion: unknown version 'TRD_4_5' of product 'TM50' (known: TDS_7_1)");
    assert.equal(findOperationId(p, `{${ID.hillshade.toLowerCase()}}`), ID.hillshade);
    assert.equal(findOperationId(p, '12345678-1234-1234-1234-123456789012'), undefined);
    assert.throws(() => effectiveVersion(p, '{"name":', library), /productVersion: not a version name or valid JSON/);
    assert.throws(() => effectiveVersion(p, { name: 'TDS_7_1', excludedOperations: ['12345678-1234-1234-1234-123456789012'] }, library),
      (e: ProductDefinitionError) => e.messages[0] === 'productVersion.excludedOperations[0]: no operation has id 12345678-1234-1234-1234-123456789012');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Point } from '../../geo/geometry.js';
import { PrintRequestError } from '../web-map.js';
import { parseCsv, resolveCsvLayer, sniffDelimiter } from './csv-layer.js';
import { contextOf, drawFrame, featureLayers, featuresOf, frameOf, layerOf, startServer, type TestServer } from './layer-test-fixture.js';

/** 1 km of Web Mercator at the origin, 100 px wide. */
const frame = frameOf({ xmin: 0, ymin: 0, xmax: 1000, ymax: 1000 }, { wkid: 3857 }, 100, 100);
/** Degrees at the equator per Web Mercator metre (near the origin). */
const DEG = 1 / 111319.49;

const FILES: Record<string, string> = {
  // BOM, CRLF, quoted delimiters, a doubled quote and a line break inside quotes.
  'sites.csv': `\ufeffName,Y_COORD,X_COORD,Count\r\n"Mill, old",${500 * DEG},${500 * DEG},3\r\n"Say ""hi""\nthere",${200 * DEG},${800 * DEG},12\r\nNowhere,,,1\r\n`,
  'semicolon.csv': `name;latitude;longitude\nA;${(700 * DEG).toFixed(6).replace('.', ',')};${(300 * DEG).toFixed(6).replace('.', ',')}\n`,
  'tabs.txt': `lat\tlon\tnote\n${500 * DEG}\t${500 * DEG}\ta|b\n`,
  'nolocation.csv': 'a,b\n1,2\n',
};

let server: TestServer;
before(async () => {
  server = await startServer((url) => {
    const file = FILES[url.pathname.slice(1)];
    return file === undefined ? { status: 404, type: 'text/plain', body: '' } : { type: 'text/csv', body: file };
  });
});
after(() => server.close());

const csvLayer = (file: string, json: Record<string, unknown> = {}) => layerOf('csv', { url: `${server.base}/${file}`, ...json }, { title: 'Sites' });
const near = (p: number[], x: number, y: number) => Math.abs(p[0]! - x) < 0.5 && Math.abs(p[1]! - y) < 0.5;

describe('parseCsv and sniffDelimiter', () => {
  it('reads RFC 4180 quoting', () => {
    assert.deepEqual(parseCsv('a,"b,c","d""e"\r\n"f\ng",,h\n\n', ','), [['a', 'b,c', 'd"e'], ['f\ng', '', 'h']]);
    assert.deepEqual(parseCsv('x;y\n1;2', ';'), [['x', 'y'], ['1', '2']]);
  });

  it('picks the delimiter the header uses most, outside quotes', () => {
    assert.equal(sniffDelimiter('"a;b;c",d,e\n1;2;3'), ',');
    assert.equal(sniffDelimiter('a;b;c\n'), ';');
    assert.equal(sniffDelimiter('a\tb\tc'), '\t');
    assert.equal(sniffDelimiter('a|b'), '|');
    assert.equal(sniffDelimiter('single'), ',');
  });
});

describe('resolveCsvLayer', () => {
  it('draws the rows as WGS 84 points in the frame SR with the default symbol, typed attributes, and warns about rows without coordinates', async () => {
    const context = contextOf(frame);
    const { layers, legend } = await resolveCsvLayer(csvLayer('sites.csv', { locationInfo: { latitudeFieldName: 'Y_COORD', longitudeFieldName: 'X_COORD' } }), context);
    const features = layers.flatMap(featuresOf);
    assert.deepEqual(features.map((f) => [f.attributes.Name, f.attributes.Count]), [['Mill, old', 3], ['Say "hi"\nthere', 12]]);
    assert.ok(near((features[0]!.geometry as Point).coordinates, 500, 500), String((features[0]!.geometry as Point).coordinates));
    assert.ok(near((features[1]!.geometry as Point).coordinates, 800, 200));
    assert.deepEqual(context.warnings, ["Layer 'Sites': 1 of 3 rows have no valid coordinates and are not drawn"]);
    const at = await drawFrame(frame, layers);
    assert.deepEqual(at(50, 50), [226, 119, 40, 255]);
    assert.deepEqual(at(20, 20), [255, 255, 255, 255]);
    assert.deepEqual(legend.map((g) => [g.subLayerId, g.title, g.entries.length]), [[null, 'Sites', 1]]);
  });

  it('sniffs the delimiter, guesses coordinate fields and reads decimal commas', async () => {
    const { layers } = await resolveCsvLayer(csvLayer('semicolon.csv'), contextOf(frame));
    const [feature] = layers.flatMap(featuresOf);
    assert.equal(feature!.attributes.name, 'A');
    assert.ok(near((feature!.geometry as Point).coordinates, 300, 700), String((feature!.geometry as Point).coordinates));
  });

  it('uses columnDelimiter, the layer renderer and its labels with showLabels', async () => {
    const renderer = { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [0, 0, 255, 255], size: 10 } };
    const labelingInfo = [{ labelExpression: '[note]' }];
    const { layers } = await resolveCsvLayer(csvLayer('tabs.txt', { columnDelimiter: '\t', showLabels: true, layerDefinition: { drawingInfo: { renderer, labelingInfo } } }), contextOf(frame));
    const [layer] = featureLayers(layers);
    assert.deepEqual(featuresOf(layer!).map((f) => f.attributes.note), ['a|b']);
    assert.deepEqual(layer!.drawingInfo.labelingInfo, labelingInfo);
    assert.deepEqual((await drawFrame(frame, layers))(50, 50), [0, 0, 255, 255]);
  });

  it('fails without coordinate fields or file, naming the layer', async () => {
    await assert.rejects(resolveCsvLayer(csvLayer('nolocation.csv'), contextOf(frame)),
      (e: unknown) => e instanceof PrintRequestError && /^Layer 'Sites': the CSV file has no latitude and longitude fields/.test(e.message));
    await assert.rejects(resolveCsvLayer(csvLayer('missing.csv'), contextOf(frame)), /Layer 'Sites': .*missing\.csv answered HTTP 404/);
  });
});

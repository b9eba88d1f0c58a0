import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { strFromU8, unzipSync } from 'fflate';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
before(async () => { server = await startTestServer(); ms = `${server.base}/services/Topo/SampleRegion/MapServer`; });
after(async () => { await server.close(); });

const KMZ = 'application/vnd.google-earth.kmz';

async function get(url: string, params: Record<string, string> = {}): Promise<Response> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return fetch(u);
}

/** The files of a KMZ answer, after checking its type. */
async function unzipKmz(res: Response): Promise<Record<string, Uint8Array>> {
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), KMZ);
  return unzipSync(new Uint8Array(await res.arrayBuffer()));
}

/** Checks the KML is well-formed (declaration, one root, balanced tags, only known entities) and returns it. */
function wellFormedKml(bytes: Uint8Array): string {
  const kml = strFromU8(bytes);
  assert.match(kml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<kml xmlns="http:\/\/www\.opengis\.net\/kml\/2\.2">/);
  const stack: string[] = [];
  let roots = 0;
  for (const [, close, name, , selfClosing] of kml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    else if (!selfClosing) { if (stack.length === 0) roots++; stack.push(name!); }
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.equal(roots, 1, 'one root element');
  assert.doesNotMatch(kml.replace(/<[^>]*>/g, ''), /<|>|&(?!amp;|lt;|gt;|quot;|apos;)/, 'text is escaped');
  return kml;
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const text = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => decode(m[1]!));
const networkLinks = (kml: string) => [...kml.matchAll(/<NetworkLink>[\s\S]*?<\/NetworkLink>/g)].map((m) => m[0]);

describe('generateKml', () => {
  it('returns a KMZ whose network link points back at mapImage.kmz and refreshes when the view stops', async () => {
    const files = await unzipKmz(await get(`${ms}/generateKml`, { docName: 'Roads & "rivers"', layers: '4,5', layerOptions: 'composite' }));
    assert.deepEqual(Object.keys(files), ['doc.kml']);
    const kml = wellFormedKml(files['doc.kml']!);
    assert.equal(text(kml, 'name')[0], 'Roads & "rivers"');
    const links = networkLinks(kml);
    assert.equal(links.length, 1);
    assert.deepEqual(text(links[0]!, 'refreshMode'), ['onChange']);
    assert.deepEqual(text(links[0]!, 'viewRefreshMode'), ['onStop']);
    const href = new URL(text(links[0]!, 'href')[0]!);
    assert.equal(`${href.origin}${href.pathname}`, `${ms}/kml/mapImage.kmz`);
    assert.equal(href.searchParams.get('layers'), 'show:4,5');
  });

  it('writes one link per layer for separateImage, and falls back to composite for nonComposite', async () => {
    const separate = wellFormedKml((await unzipKmz(await get(`${ms}/generateKml`, { docName: 'x', layers: '4,5', layerOptions: 'separateImage' })))['doc.kml']!);
    const links = networkLinks(separate);
    assert.deepEqual(links.map((l) => text(l, 'name')[0]), ['Roads', 'Watercourses']);
    assert.deepEqual(links.map((l) => new URL(text(l, 'href')[0]!).searchParams.get('layers')), ['show:4', 'show:5']);
    const nonComposite = wellFormedKml((await unzipKmz(await get(`${ms}/generateKml`, { docName: 'x', layers: '4,5', layerOptions: 'nonComposite' })))['doc.kml']!);
    assert.equal(networkLinks(nonComposite).length, 1);
    assert.equal(new URL(text(nonComposite, 'href')[0]!).searchParams.get('layers'), 'show:4,5');
  });

  it('is the root f=kmz for the layers visible by default, named after the service', async () => {
    const root = await getJson(ms);
    const byId = new Map<number, any>(root.layers.map((l: any) => [l.id, l]));
    const visible = (l: any): boolean => l.defaultVisibility && (l.parentLayerId < 0 || visible(byId.get(l.parentLayerId)));
    const expected = root.layers.filter((l: any) => l.subLayerIds === null && visible(l)).map((l: any) => l.id);
    const kml = wellFormedKml((await unzipKmz(await get(ms, { f: 'kmz' })))['doc.kml']!);
    assert.equal(text(kml, 'name')[0], 'SampleRegion');
    assert.equal(new URL(text(kml, 'href')[0]!).searchParams.get('layers'), `show:${expected.join(',')}`);
    assert.ok(expected.length > 5 && !expected.includes(14), expected.join(','));
  });

  it('answers 400 with the envelope for a missing docName or layers, an unknown layer or a bad option', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ layers: '1' }, /'docName' parameter is required/],
      [{ docName: 'x' }, /'layers' parameter is required/],
      [{ docName: 'x', layers: '1,99' }, /The requested layer \(layerId: 99\) was not found/],
      [{ docName: 'x', layers: 'roads' }, /The requested layer \(layerId: roads\) was not found/],
      [{ docName: 'x', layers: '1', layerOptions: 'vector' }, /'layerOptions'/],
    ];
    for (const [params, re] of cases) {
      const res = await get(`${ms}/generateKml`, params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = await res.json() as { error: { code: number; details: string[] } };
      assert.equal(body.error.code, 400);
      assert.match(body.error.details.join(' '), re, JSON.stringify(params));
    }
  });
});

describe('kml/mapImage.kmz', () => {
  it('draws the BBOX Google Earth appends as a transparent PNG ground overlay inside the KMZ', async () => {
    const town = await getJson(`${ms}/0/query`, { where: "TYPE IN ('City','Town')", orderByFields: 'POP DESC', resultRecordCount: 1, outSR: 4326, outFields: 'NAM' });
    const { x, y } = town.features[0].geometry;
    const [west, south, east, north] = [x - 0.06, y - 0.03, x + 0.06, y + 0.03];
    // As the network link fetches it: its own href with BBOX appended by the client.
    const href = `${ms}/kml/mapImage.kmz?layers=show:0,4,9&BBOX=${west},${south},${east},${north}`;
    const files = await unzipKmz(await fetch(href));
    assert.deepEqual(Object.keys(files), ['doc.kml', 'files/map.png']);
    const kml = wellFormedKml(files['doc.kml']!);
    assert.match(kml, /<GroundOverlay>/);
    assert.deepEqual(text(kml, 'href'), ['files/map.png']);
    const png = files['files/map.png']!;
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG');
    const image = await loadImage(Buffer.from(png));
    assert.deepEqual([image.width, image.height], [1024, 512], 'the box’s aspect in degrees');
    const canvas = createCanvas(image.width, image.height).getContext('2d');
    canvas.drawImage(image, 0, 0);
    const alpha = canvas.getImageData(0, 0, image.width, image.height).data.filter((_, i) => i % 4 === 3);
    assert.ok(alpha.some((a) => a === 0) && alpha.filter((a) => a === 255).length > 1000, 'roads and built-up areas drawn over a transparent background');
    // The drawn box may be widened by under a pixel to keep pixels square.
    const pixel = (east - west) / image.width;
    const box = Object.fromEntries(['north', 'south', 'east', 'west'].map((k) => [k, Number(text(kml, k)[0])]));
    for (const [k, v] of Object.entries({ north, south, east, west })) assert.ok(Math.abs(box[k]! - v) <= pixel, `${k}: ${box[k]} vs ${v}`);
  });

  it('draws the service extent without a BBOX, and refuses a bad BBOX or format', async () => {
    const kml = wellFormedKml((await unzipKmz(await get(`${ms}/kml/mapImage.kmz`, { layers: 'show:8' })))['doc.kml']!);
    const [north, south, east, west] = ['north', 'south', 'east', 'west'].map((k) => Number(text(kml, k)[0]));
    assert.ok(west! > -7 && east! < -3 && south! > 55 && north! < 59, kml);
    for (const [params, re] of [[{ BBOX: '1,2,3' }, /'BBOX'/], [{ BBOX: '3,2,1,4' }, /'BBOX'/], [{ format: 'pdf' }, /'format'/], [{ layers: 'only:1' }, /'layers'/]] as const) {
      const res = await get(`${ms}/kml/mapImage.kmz`, params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.match(((await res.json()) as { error: { details: string[] } }).error.details.join(' '), re);
    }
  });
});

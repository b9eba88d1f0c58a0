/**
 * Shared by the tests of composing and writing prints: the built-in layout templates, a small
 * web map of 30 × 20 km in UTM 32N, and a resolver that draws each layer as a square, so a
 * print can be composed without fetching anything.
 * @module printing/print-test-fixture
 */
import type { RenderLayer } from '../carto/map-request.js';
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import type { LayoutTemplate } from '../layout/layout-template.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { composePrint, type ComposedPrint, type ComposePrintOptions } from './compose-print.js';
import { layerOf } from './layers/layer-test-fixture.js';
import type { PrintContext, PrintFrame, ResolvedPrintLayer } from './print-layer.js';
import type { WebMap, WebMapLayer, WebMapLayoutOptions, WebMapOptions } from './web-map.js';

/** The built-in layout templates. */
export const templates = new TemplateLibrary();

/** A copy of the built-in template `name`, free to change. */
export const printTemplate = (name: string): LayoutTemplate => templates.template(name)!;

export const UTM32: SpatialReference = { wkid: 32632, latestWkid: 32632 };
/** 30 × 20 km around (295000, 5510000), UTM 32N: near Saarbrücken, west of the zone's central meridian. */
const EXTENT: Envelope = { xmin: 280000, ymin: 5500000, xmax: 310000, ymax: 5520000 };
const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];

/** A feature collection layer titled by its id. */
export const testLayer = (id: string, extra: Partial<WebMapLayer> = {}): WebMapLayer => layerOf('featureCollection', {}, { id, title: id, ...extra });

/** What a test web map may change: its map and layout options in part, anything else whole. */
export type TestWebMapOptions = { mapOptions?: Partial<WebMapOptions>; layout?: Partial<WebMapLayoutOptions> } & Partial<Omit<WebMap, 'mapOptions' | 'layout'>>;

/** `EXTENT` in UTM 32N at its own scale, with one operational layer 'Survey area', title 'Hochwald', author and copyright at 96 dpi. */
export function testWebMap(options: TestWebMapOptions = {}): WebMap {
  const { mapOptions, layout, ...rest } = options;
  return {
    mapOptions: {
      extent: EXTENT, extentSr: UTM32, scale: null, rotation: 0, spatialReference: UTM32, time: null,
      background: [255, 255, 255, 255], showAttribution: false, ...mapOptions,
    },
    operationalLayers: [testLayer('Survey area')], baseMapLayers: [], baseMapTitle: '', dpi: 96, outputSize: [800, 1100],
    layout: {
      titleText: 'Hochwald', authorText: 'Survey unit', copyrightText: '© Region survey',
      scaleBar: { metricUnit: 'esriKilometers', metricLabel: '', nonMetricUnit: 'esriMiles', nonMetricLabel: '' },
      customTextElements: {}, legendLayers: null, hiddenElements: [], ...layout,
    },
    ...rest,
  };
}

/** A filled square of `half` map units about the frame's centre (the requested extent's centre), in the frame's SR. */
function square(frame: PrintFrame, half: number, color: number[]): RenderLayer {
  const cx = (frame.extent.xmin + frame.extent.xmax) / 2, cy = (frame.extent.ymin + frame.extent.ymax) / 2;
  return {
    id: 0, geometryType: 'esriGeometryPolygon',
    drawingInfo: { renderer: { type: 'simple', symbol: { type: 'esriSFS', style: 'esriSFSSolid', color } } },
    features: [{ attributes: {}, geometry: { type: 'Polygon', coordinates: [[[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half], [cx - half, cy + half], [cx - half, cy - half]]] } }],
  };
}

/**
 * Resolves every layer to a red square over the middle third of the frame, with one legend
 * group and credits; a layer whose title starts with `base` becomes a blue square over the
 * whole frame. Records what it was given.
 */
export function fakeResolver(): { calls: { layer: WebMapLayer; frame: PrintFrame }[]; resolve(layer: WebMapLayer, context: PrintContext): Promise<ResolvedPrintLayer> } {
  const calls: { layer: WebMapLayer; frame: PrintFrame }[] = [];
  const resolve = async (l: WebMapLayer, context: PrintContext): Promise<ResolvedPrintLayer> => {
    calls.push({ layer: l, frame: context.frame });
    const { frame } = context;
    if (l.title.startsWith('base')) {
      const whole = Math.max(frame.view.xmax - frame.view.xmin, frame.view.ymax - frame.view.ymin);
      return { layers: [square(frame, whole, BLUE)], legend: [{ subLayerId: null, title: l.title, entries: [{ label: 'Base', symbol: { type: 'esriSFS', style: 'esriSFSSolid', color: BLUE }, geometryType: 'polygon' }] }], credits: 'Base tiles' };
    }
    const half = (frame.extent.xmax - frame.extent.xmin) / 6;
    return {
      layers: [square(frame, half, RED)],
      legend: [
        { subLayerId: 0, title: l.title, entries: [{ label: 'Red area', symbol: { type: 'esriSFS', style: 'esriSFSSolid', color: RED }, geometryType: 'polygon' }] },
        { subLayerId: 1, title: 'Empty sublayer', entries: [] },
      ],
      credits: `${l.title} credits`,
    };
  };
  return { calls, resolve };
}

/** What composePrint needs to print `map` on a built-in template through `resolver`; nothing is fetched and no own service found. */
export function printOptions(map: WebMap, templateName = 'A4 Landscape', resolver = fakeResolver()): ComposePrintOptions {
  return {
    webMap: map, template: printTemplate(templateName), resolveLayer: resolver.resolve,
    fetcher: { fetch: () => Promise.reject(new Error('no fetching in these tests')) }, ownServices: { resolve: async () => null },
  };
}

/** `map` composed on a built-in template through `resolver`. */
export const composeTestPrint = (map: WebMap, templateName?: string, resolver?: ReturnType<typeof fakeResolver>): Promise<ComposedPrint> =>
  composePrint(printOptions(map, templateName, resolver));

/**
 * A web map composed into a printed page (printing.md §11, §12): the map frame's extent and scale
 * from `mapOptions`, every visible layer resolved and drawn by the map engine into the layout
 * template's `WEBMAP_MAP_FRAME`, and the template's elements filled from `layoutOptions` (title,
 * author, copyright, custom text, legend, scale bar, north arrow). `MAP_ONLY` prints the map
 * alone at `exportOptions.outputSize`. Also describes the templates for Get Layout Templates Info (§9).
 * @module printing/compose-print
 */
import { buildDisplayList } from '../carto/build-display-list.js';
import type { DisplayItem, DisplayList, Rgba } from '../carto/display-list.js';
import type { MapCrs, MapRequestLayer } from '../carto/map-request.js';
import { ViewTransform } from '../carto/view-transform.js';
import type { Envelope } from '../geo/geometry.js';
import { inScaleRange, mapScale, metresPerUnit } from '../geo/map-scale.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import { canonicalWkid, isGeographic, lookupEpsg, type SpatialReference } from '../geo/spatial-reference.js';
import { POINTS_PER_UNIT, type LayoutElement, type LayoutTemplate, type MapFrameTemplate } from '../layout/layout-template.js';
import { boxInPoints } from '../sheet/compose-sheet.js';
import { mm, PageText, PALETTE, rect, type PageBox } from '../sheet/page-drawing.js';
import { drawImageElement, drawRuleElement, drawTextElement } from '../sheet/surrounds/basic-elements.js';
import { drawLegend, type LegendEntry } from '../sheet/surrounds/legend.js';
import { drawNorthArrow } from '../sheet/surrounds/north-arrow.js';
import { drawScaleBars, scaleText, type ScaleBarUnit } from '../sheet/surrounds/scale-bars.js';
import type { Fetcher, OwnServices, PrintContext, PrintFrame, PrintLayerResolver, ResolvedPrintLayer } from './print-layer.js';
import { PrintRequestError, type WebMap, type WebMapLayer, type WebMapLayoutOptions } from './web-map.js';

/** What a print is composed from. */
export interface ComposePrintOptions {
  webMap: WebMap;
  /** The layout; the one named `MAP_ONLY` prints the map alone. */
  template: LayoutTemplate;
  /** Turns each visible layer, in draw order, into layers the map engine draws. */
  resolveLayer: PrintLayerResolver;
  fetcher: Fetcher;
  ownServices: OwnServices;
  /** Called before each layer: 'Drawing layer 3 of 7' and the fraction done. A promise it returns is awaited. */
  onProgress?: (message: string, fraction: number) => void | Promise<void>;
}

/** A composed print, ready for `writePrint`. */
export interface ComposedPrint {
  /** The page in points (dpi 72), background opaque. */
  page: DisplayList;
  frame: PrintFrame;
  /** The map frame on the page, pt. */
  frameBox: PageBox;
  /** Map position (frame SR) of a page position in pt; affine, rotation included. */
  toMap(x: number, y: number): [number, number];
  /** Messages for the job: skipped layers, what resolvers and the map engine could not honour. */
  warnings: string[];
  /** MAP_ONLY: the raster size in px (`exportOptions.outputSize`); null for layout templates. */
  pixelSize: [number, number] | null;
}

/** The name of the map frame a print draws into (printing.md §11). */
const WEBMAP_MAP_FRAME = 'WEBMAP_MAP_FRAME';

/** Whether the template is the bare map (printing.md §11). */
const isMapOnly = (template: LayoutTemplate): boolean => template.name.toUpperCase() === 'MAP_ONLY';

/** The template's map frame: `WEBMAP_MAP_FRAME`, else the first. */
const printFrameTemplate = (template: LayoutTemplate): MapFrameTemplate =>
  template.mapFrames.find((f) => f.name === WEBMAP_MAP_FRAME) ?? template.mapFrames[0]!;

const WGS84: SpatialReference = { wkid: 4326 };
const WHITE: Rgba = PALETTE.white;
/** Text size of the attribution line, pt. */
const ATTRIBUTION_SIZE = 7;

/** The EPSG code of an SR, when the registry knows it (null for one known only as WKT). */
export function epsgOf(sr: SpatialReference): number | null {
  const wkid = sr.latestWkid ?? sr.wkid;
  if (wkid === undefined) return null;
  const code = canonicalWkid(wkid);
  return lookupEpsg(code) ? code : null;
}

/** `color` laid on white: page backgrounds are opaque (printing.md §10). */
function onWhite(color: readonly number[]): Rgba {
  const a = (color[3] ?? 255) / 255;
  const mix = (c: number) => Math.round(c * a + 255 * (1 - a));
  return [mix(color[0]!), mix(color[1]!), mix(color[2]!), 255];
}

/** Where the map lies on the page and what it shows. */
interface FrameLayout {
  frame: PrintFrame;
  frameBox: PageBox;
  /** Top-left corner of the map image on the page, pt; the image is `frame.width` × `frame.height` px at 72 / dpi pt each. */
  origin: [number, number];
  view: ViewTransform;
}

/**
 * The map frame: the image covers the frame box (its size rounded up to whole px, centred on the
 * box), showing the requested extent's centre at the requested scale, or the whole extent
 * grown to the box's shape.
 */
function layOutFrame(webMap: WebMap, frameBox: PageBox, imageSize: [number, number] | null, fixedScale: number | null): FrameLayout {
  const { mapOptions: mo, dpi } = webMap;
  const sr = mo.spatialReference;
  const boxW = (frameBox.width * dpi) / 72, boxH = (frameBox.height * dpi) / 72;
  // Whole pixels covering the box; a hair of float error does not add a column.
  const [width, height] = imageSize ?? [Math.max(1, Math.ceil(boxW - 1e-6)), Math.max(1, Math.ceil(boxH - 1e-6))];
  const requested = transformEnvelope(mo.extent, mo.extentSr ? getTransform(mo.extentSr, sr) : null);
  const cx = (requested.xmin + requested.xmax) / 2, cy = (requested.ymin + requested.ymax) / 2;
  const scaleGiven = fixedScale ?? mo.scale;
  // Map units per pixel.
  const upp = scaleGiven
    ? (scaleGiven * 0.0254) / dpi / metresPerUnit(sr)
    : Math.max((requested.xmax - requested.xmin) / boxW, (requested.ymax - requested.ymin) / boxH);
  if (!(upp > 0 && Number.isFinite(upp) && Number.isFinite(cx) && Number.isFinite(cy))) {
    throw new PrintRequestError(['mapOptions.extent is empty or cannot be projected into the map\'s spatial reference']);
  }
  const extent: Envelope = { xmin: cx - (width * upp) / 2, xmax: cx + (width * upp) / 2, ymin: cy - (height * upp) / 2, ymax: cy + (height * upp) / 2 };
  const view = new ViewTransform(extent, width, height, mo.rotation);
  const frame: PrintFrame = {
    spatialReference: sr, extent, view: view.view, width, height, dpi,
    scale: scaleGiven ?? mapScale(extent, width, dpi, sr), rotation: mo.rotation, time: mo.time,
  };
  const s = 72 / dpi;
  const origin: [number, number] = [frameBox.x + frameBox.width / 2 - (width * s) / 2, frameBox.y + frameBox.height / 2 - (height * s) / 2];
  return { frame, frameBox, origin, view };
}

/**
 * Degrees counter-clockwise the north arrow turns: the map's rotation, plus, in a projected SR,
 * the angle from grid north to true north at the frame centre.
 */
function northArrowRotation(frame: PrintFrame): number {
  const sr = frame.spatialReference;
  if (isGeographic(sr)) return frame.rotation;
  const toLonLat = getTransform(sr, WGS84), fromLonLat = getTransform(WGS84, sr);
  if (!toLonLat || !fromLonLat) return frame.rotation;
  const cx = (frame.extent.xmin + frame.extent.xmax) / 2, cy = (frame.extent.ymin + frame.extent.ymax) / 2;
  const [lon, lat] = toLonLat([cx, cy]);
  // A step towards the pole, taken southwards and turned round right at it.
  const step = lat! > 89.9 ? -1e-3 : 1e-3;
  const [nx, ny] = fromLonLat([lon!, lat! + step]);
  const dx = (nx! - cx) * Math.sign(step), dy = (ny! - cy) * Math.sign(step);
  const clockwise = (Math.atan2(dx, dy) * 180) / Math.PI;
  return Number.isFinite(clockwise) ? frame.rotation - clockwise : frame.rotation;
}

/** A resolved layer with where it came from. */
interface Drawn { layer: WebMapLayer; operational: boolean; resolved: ResolvedPrintLayer }

/**
 * The legend rows: the operational layers' groups top layer first, filtered by legendOptions.
 * drawLegend has no group headings, so a row's label names its group: `Group: label`, or the
 * group title alone when the label is empty or repeats it.
 */
function legendEntries(drawn: Drawn[], legendLayers: WebMapLayoutOptions['legendLayers']): LegendEntry[] {
  const entries: LegendEntry[] = [];
  for (const { layer, resolved } of drawn.filter((d) => d.operational).reverse()) {
    const listed = legendLayers === null ? { subLayerIds: null } : legendLayers.find((l) => String(l.id) === layer.id);
    if (!listed) continue;
    const wanted = listed.subLayerIds && new Set(listed.subLayerIds.map(String));
    for (const group of resolved.legend) {
      if (wanted && group.subLayerId !== null && !wanted.has(String(group.subLayerId))) continue;
      for (const e of group.entries) {
        entries.push({ ...e, label: !e.label || e.label === group.title ? group.title : `${group.title}: ${e.label}` });
      }
    }
  }
  return entries;
}

const METRIC_UNITS: Record<WebMapLayoutOptions['scaleBar']['metricUnit'], ScaleBarUnit> = { esriMeters: 'meters', esriKilometers: 'kilometers' };
const NON_METRIC_UNITS: Record<WebMapLayoutOptions['scaleBar']['nonMetricUnit'], ScaleBarUnit> = {
  esriFeet: 'feet', esriYards: 'yards', esriMiles: 'miles', esriNauticalMiles: 'nauticalMiles',
};

/** The bars of a scale bar element: each of the template's metric bars in scaleBarOptions' metric unit, the others in its non-metric unit. */
function scaleBarUnits(element: LayoutElement, options: WebMapLayoutOptions['scaleBar']): { units: ScaleBarUnit[]; labels: string[] } {
  const metric = METRIC_UNITS[options.metricUnit], nonMetric = NON_METRIC_UNITS[options.nonMetricUnit];
  const units: ScaleBarUnit[] = [], labels: string[] = [];
  for (const u of element.units ?? ['kilometers', 'miles']) {
    const isMetric = u === 'kilometers' || u === 'meters';
    const unit = isMetric ? metric : nonMetric;
    if (units.includes(unit)) continue;
    units.push(unit);
    labels.push(isMetric ? options.metricLabel : options.nonMetricLabel);
  }
  return { units, labels };
}

/** What the layout's elements are filled from. */
interface ElementData {
  webMap: WebMap;
  frame: PrintFrame;
  text: PageText;
  legend: LegendEntry[];
  /** Values of the `{Token}` placeholders of text elements; absent ones are left empty. */
  tokens: Partial<Record<string, string>>;
  warn(message: string): void;
}

/** Draws one layout element; an element with nothing to show draws nothing. */
function drawElement(element: LayoutElement, box: PageBox, data: ElementData): DisplayItem[] {
  const layout = data.webMap.layout;
  switch (element.type) {
    case 'text': {
      const value = layout.customTextElements[element.name] ?? (element.text ?? '').replace(/\{(\w+)\}/g, (_, token: string) => data.tokens[token] ?? '');
      return drawTextElement(value, element, box, data.text);
    }
    case 'legend':
      return data.legend.length ? drawLegend({ title: 'Legend', entries: data.legend }, box, data.text) : [];
    case 'scaleBars':
      return drawScaleBars({ scale: data.frame.scale, ...scaleBarUnits(element, layout.scaleBar) }, box, data.text);
    case 'northArrow':
      return drawNorthArrow({ rotation: northArrowRotation(data.frame) }, box, data.text);
    case 'rule':
      return drawRuleElement(element, box);
    case 'image':
      return drawImageElement(element, box);
    default:
      // The topographic sheet's diagrams need a sheet's DEM, grid and index.
      data.warn(`The layout element '${element.name}' (${element.type}) is not drawn in prints.`);
      return [];
  }
}

/** The layers' credits in the bottom-right corner, over a translucent white box. */
function attribution(credits: string, page: { width: number; height: number }, text: PageText): DisplayItem[] {
  const pad = 2;
  const room = page.width - 4 * pad;
  if (room <= ATTRIBUTION_SIZE) return [];
  const p = text.paragraph(credits, 0, 0, room, { size: ATTRIBUTION_SIZE, align: 'right', color: [51, 51, 51, 255] });
  const w = Math.min(room, Math.max(...p.items.map((t) => t.width))) + 2 * pad, h = p.height + 2 * pad;
  const dx = page.width - pad - room, dy = page.height - h + pad;
  return [
    rect({ x: page.width - w, y: page.height - h, width: w, height: h }, [255, 255, 255, 179]),
    ...p.items.map((t) => ({ ...t, x: t.x + dx, y: t.y + dy })),
  ];
}

/** Composes the page: map frame, layers, and the template's elements. */
export async function composePrint(options: ComposePrintOptions): Promise<ComposedPrint> {
  const { webMap, template } = options;
  const { mapOptions: mo, dpi } = webMap;
  const progress = options.onProgress ?? (() => {});
  const warnings: string[] = [];
  const warn = (message: string) => { if (!warnings.includes(message)) warnings.push(message); };
  const mapOnly = isMapOnly(template);
  const frameTemplate = printFrameTemplate(template);

  // MAP_ONLY: the page measures outputSize / dpi inches and the frame fills it. A layout's page is
  // in whole points: GDAL rounds a PDF page's height, which would shift the georeferencing.
  const k = POINTS_PER_UNIT[template.page.units];
  const pageW = mapOnly ? (webMap.outputSize[0] * 72) / dpi : Math.round(template.page.width * k);
  const pageH = mapOnly ? (webMap.outputSize[1] * 72) / dpi : Math.round(template.page.height * k);
  const frameBox = mapOnly ? { x: 0, y: 0, width: pageW, height: pageH } : boxInPoints(template, frameTemplate.box);
  const layout = layOutFrame(webMap, frameBox, mapOnly ? webMap.outputSize : null, frameTemplate.scale ?? null);
  const { frame } = layout;

  const candidates = [
    ...webMap.baseMapLayers.map((layer) => ({ layer, operational: false })),
    ...webMap.operationalLayers.map((layer) => ({ layer, operational: true })),
  ].filter(({ layer }) => {
    if (layer.kind === 'unsupported') { warn(`Layer '${layer.title}': ${layer.typeName ?? 'such'} layers are not printed`); return false; }
    return inScaleRange(frame.scale, layer.minScale, layer.maxScale);
  });
  const context: PrintContext = { frame, fetcher: options.fetcher, ownServices: options.ownServices, warn };
  const drawn: Drawn[] = [];
  for (const [i, { layer, operational }] of candidates.entries()) {
    await progress(`Drawing layer ${i + 1} of ${candidates.length}`, i / candidates.length);
    drawn.push({ layer, operational, resolved: await options.resolveLayer(layer, context) });
  }
  // Renumbered in place: a raster layer's `paint` may live on its prototype, which a copy would lose.
  const layers: MapRequestLayer[] = drawn.flatMap((d) => d.resolved.layers);
  layers.forEach((l, i) => { l.id = i; });

  const epsg = epsgOf(frame.spatialReference);
  const crs: MapCrs = { epsg, geographic: isGeographic(frame.spatialReference) };
  const map = buildDisplayList({
    extent: frame.extent, width: frame.width, height: frame.height, dpi, rotation: frame.rotation,
    background: mo.background, layers, scale: frame.scale, crs,
  }, { warn });

  const s = 72 / dpi;
  const [ox, oy] = layout.origin;
  const { x, y, width, height } = frameBox;
  const frameItems: DisplayItem[] = [];
  // A layout's page stays white around the frame; MAP_ONLY's page is the frame's background.
  if (!mapOnly && mo.background[3] > 0) frameItems.push(rect(frameBox, mo.background));
  frameItems.push({ kind: 'group', transform: [s, 0, 0, s, ox, oy], items: map.items });
  const items: DisplayItem[] = [{ kind: 'clip', coords: Float64Array.of(x, y, x + width, y, x + width, y + height, x, y + height), offsets: Uint32Array.of(0, 4), items: frameItems }];
  if (frameTemplate.border !== false) items.push(rect(frameBox, null, { width: mm(0.2) }));

  const text = new PageText();
  const tokens: ElementData['tokens'] = {
    Title: webMap.layout.titleText, Author: webMap.layout.authorText, Copyright: webMap.layout.copyrightText,
    Scale: Math.round(frame.scale).toLocaleString('en-US'), ScaleText: scaleText(frame.scale),
  };
  const data: ElementData = { webMap, frame, text, legend: legendEntries(drawn, webMap.layout.legendLayers), tokens, warn };
  for (const element of template.elements) {
    if (webMap.layout.hiddenElements.includes(element.name)) continue;
    items.push(...drawElement(element, boxInPoints(template, element.box), data));
  }
  if (mapOnly && mo.showAttribution) {
    const credits = [...new Set(drawn.map((d) => d.resolved.credits?.trim()).filter((c): c is string => !!c).reverse())];
    if (credits.length) items.push(...attribution(credits.join(' | '), { width: pageW, height: pageH }, text));
  }

  return {
    page: { width: pageW, height: pageH, dpi: 72, background: mapOnly ? onWhite(mo.background) : WHITE, items },
    frame, frameBox,
    toMap: (px, py) => layout.view.toMap((px - ox) / s, (py - oy) / s),
    warnings,
    pixelSize: mapOnly ? [webMap.outputSize[0], webMap.outputSize[1]] : null,
  };
}

/** One entry of Get Layout Templates Info's `value` (printing.md §9); a type alias, so it passes as plain JSON. */
export type LayoutTemplateInfo = {
  layoutTemplate: string;
  pageSize: [number, number];
  pageUnits: 'CENTIMETER' | 'INCH';
  webMapFrameSize: [number, number];
  activeDataFrameSize: [number, number];
  layoutOptions: {
    hasTitleText: boolean; hasAuthorText: boolean; hasCopyrightText: boolean; hasLegend: boolean;
    customTextElements: Record<string, string>[];
  };
};

const STANDARD_TEXTS = ['Title', 'Author', 'Copyright'] as const;

/**
 * Describes the print templates: every template with a `WEBMAP_MAP_FRAME` (so not the
 * topographic sheet layouts) except MAP_ONLY, sizes in centimetres for mm templates and inches
 * otherwise, to 2 decimals; text elements other than Title, Author and Copyright are its custom
 * text elements, with their default text.
 */
export function layoutTemplatesInfo(templates: LayoutTemplate[]): LayoutTemplateInfo[] {
  const round = (v: number) => Math.round(v * 100) / 100;
  return templates
    .filter((t) => !isMapOnly(t) && t.mapFrames.some((f) => f.name === WEBMAP_MAP_FRAME))
    .map((t) => {
      const metric = t.page.units === 'mm';
      // Centimetres or inches per template unit.
      const k = metric ? 0.1 : POINTS_PER_UNIT[t.page.units] / 72;
      const box = printFrameTemplate(t).box;
      const frameSize: [number, number] = [round(box.width * k), round(box.height * k)];
      const texts = t.elements.filter((e) => e.type === 'text');
      const has = (name: (typeof STANDARD_TEXTS)[number]) => texts.some((e) => e.name === name || (e.text ?? '').includes(`{${name}}`));
      return {
        layoutTemplate: t.name,
        pageSize: [round(t.page.width * k), round(t.page.height * k)],
        pageUnits: metric ? 'CENTIMETER' : 'INCH',
        webMapFrameSize: frameSize,
        activeDataFrameSize: [...frameSize],
        layoutOptions: {
          hasTitleText: has('Title'), hasAuthorText: has('Author'), hasCopyrightText: has('Copyright'),
          hasLegend: t.elements.some((e) => e.type === 'legend'),
          customTextElements: texts.filter((e) => !(STANDARD_TEXTS as readonly string[]).includes(e.name)).map((e) => ({ [e.name]: e.text ?? '' })),
        },
      };
    });
}

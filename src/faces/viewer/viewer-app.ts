/// <reference lib="dom" />
/**
 * The map viewer's browser script, bundled with OpenLayers by esbuild (`viewer-bundle.ts`).
 * The server draws the map (`export`, through `ImageArcGISRest`); the script keeps a layer
 * list whose checkboxes become `layers=show:…`, identifies what is under a click, and keeps
 * the view in the URL (`#map=<resolution>/<x>/<y>`) so a reload or a shared link shows it.
 * @module faces/viewer/viewer-app
 */
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import { defaults as defaultControls } from 'ol/control/defaults.js';
import ScaleLine from 'ol/control/ScaleLine.js';
import type { Coordinate } from 'ol/coordinate.js';
import ImageLayer from 'ol/layer/Image.js';
import { get as getProjection } from 'ol/proj.js';
import { register } from 'ol/proj/proj4.js';
import ImageArcGISRest from 'ol/source/ImageArcGISRest.js';
import proj4 from 'proj4';
import type { ViewerConfig, ViewerLayer } from './viewer-config.js';

interface IdentifyResult { layerId: number; layerName: string; value: string; displayFieldName: string; attributes: Record<string, unknown> }
interface IdentifyAnswer { results?: IdentifyResult[]; error?: { message: string; details?: string[] } }

/** The DPI sent with every request, so server scales match the scales computed here. */
const DPI = 96;

const config = JSON.parse(document.getElementById('viewer-config')!.textContent!) as ViewerConfig;
proj4.defs(config.projection, config.proj4);
register(proj4);
const projection = getProjection(config.projection)!;

const checked = new Set(config.layers.filter((l) => l.defaultVisibility).map((l) => l.id));
const byId = new Map(config.layers.map((l) => [l.id, l]));

/** Whether a layer and all its group ancestors are switched on. */
function switchedOn(layer: ViewerLayer): boolean {
  for (let cur: ViewerLayer | undefined = layer; cur; cur = byId.get(cur.parentLayerId)) if (!checked.has(cur.id)) return false;
  return true;
}

/** Feature layers to draw: group IDs would drag in sublayers the user switched off. */
const shownIds = () => config.layers.filter((l) => l.subLayerIds === null && switchedOn(l)).map((l) => l.id);

const inScale = (l: ViewerLayer, scale: number) => (l.minScale === 0 || scale <= l.minScale) && (l.maxScale === 0 || scale >= l.maxScale);

const source = new ImageArcGISRest({
  url: config.serviceUrl, projection, ratio: 1.2,
  params: { layers: `show:${shownIds().join(',')}`, dpi: DPI },
  attributions: config.copyrightText || undefined,
});

const view = new View({ projection });
const map = new OlMap({
  target: 'map',
  layers: [new ImageLayer({ source })],
  view,
  controls: defaultControls().extend([new ScaleLine({ units: projection.getUnits() === 'degrees' ? 'degrees' : 'metric' })]),
});

/** The map scale (1:n) at the view's resolution, as the server computes it. */
const currentScale = () => (view.getResolution() ?? 0) * projection.getMetersPerUnit()! * DPI / 0.0254;

/** Restores the view from `#map=…`, or fits the service's initial extent. */
function restoreView(): void {
  const m = /^#map=([\d.e+-]+)\/([\d.e+-]+)\/([\d.e+-]+)$/.exec(location.hash);
  const [resolution, x, y] = m ? m.slice(1).map(Number) : [];
  if (resolution && resolution > 0 && Number.isFinite(x) && Number.isFinite(y)) {
    view.setCenter([x!, y!]);
    view.setResolution(resolution);
  } else {
    const e = config.initialExtent;
    view.fit([e.xmin, e.ymin, e.xmax, e.ymax], { size: map.getSize() });
  }
}

const layerList = document.getElementById('layers')!;
const results = document.getElementById('results')!;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

/** One list item per layer, sublayers nested under their group, in service order. */
function renderLayerList(parentId: number, into: HTMLElement): void {
  for (const layer of config.layers.filter((l) => l.parentLayerId === parentId)) {
    const item = element('li');
    item.dataset.layerId = String(layer.id);
    const label = element('label');
    const box = element('input');
    box.type = 'checkbox';
    box.checked = checked.has(layer.id);
    box.addEventListener('change', () => {
      if (box.checked) checked.add(layer.id); else checked.delete(layer.id);
      source.updateParams({ layers: `show:${shownIds().join(',')}` });
    });
    label.append(box, ` ${layer.name}`);
    item.append(label);
    if (layer.subLayerIds) {
      const sub = element('ul');
      renderLayerList(layer.id, sub);
      item.append(sub);
    }
    into.append(item);
  }
}

/** Greys out layers the server does not draw at the current scale. */
function markScaleRanges(): void {
  const scale = currentScale();
  for (const item of layerList.querySelectorAll<HTMLElement>('li[data-layer-id]')) {
    item.classList.toggle('out-of-scale', !inScale(byId.get(Number(item.dataset.layerId))!, scale));
  }
}

function showResults(answer: IdentifyAnswer): void {
  if (answer.error) {
    results.replaceChildren(element('p', [answer.error.message, ...(answer.error.details ?? [])].join(' '), 'error'));
    return;
  }
  const hits = answer.results ?? [];
  if (hits.length === 0) {
    results.replaceChildren(element('p', 'Nothing found here.', 'hint'));
    return;
  }
  results.replaceChildren(...hits.map((hit) => {
    const section = element('section', undefined, 'hit');
    section.append(element('h3', `${hit.layerName}: ${hit.value}`));
    const table = element('table');
    for (const [name, value] of Object.entries(hit.attributes)) {
      const row = element('tr');
      row.append(element('th', name), element('td', String(value)));
      table.append(row);
    }
    section.append(table);
    return section;
  }));
}

/** Counts identify calls, so a slow answer never replaces a newer one. */
let identifyCalls = 0;

async function identify(coordinate: Coordinate): Promise<void> {
  const call = ++identifyCalls;
  const scale = currentScale();
  const ids = shownIds().filter((id) => inScale(byId.get(id)!, scale));
  if (ids.length === 0) {
    results.replaceChildren(element('p', 'No layer is drawn at this scale.', 'hint'));
    return;
  }
  results.replaceChildren(element('p', 'Identifying…', 'hint'));
  const size = map.getSize()!;
  const query = new URLSearchParams({
    f: 'json', geometry: `${coordinate[0]},${coordinate[1]}`, geometryType: 'esriGeometryPoint', sr: String(config.wkid),
    // `all`, because the user's switches decide visibility here, not the service defaults.
    layers: `all:${ids.join(',')}`, tolerance: '5', returnGeometry: 'false',
    mapExtent: view.calculateExtent(size).join(','), imageDisplay: `${size[0]},${size[1]},${DPI}`,
  });
  let answer: IdentifyAnswer;
  try {
    answer = await (await fetch(`${config.serviceUrl}/identify?${query}`)).json() as IdentifyAnswer;
  } catch (e) {
    answer = { error: { message: `Identify failed: ${(e as Error).message}` } };
  }
  if (call === identifyCalls) showResults(answer);
}

renderLayerList(-1, layerList);
restoreView();
markScaleRanges();
map.on('singleclick', (event) => void identify(event.coordinate));
map.on('moveend', () => {
  markScaleRanges();
  const [x, y] = view.getCenter()!;
  const round = (v: number) => Number(v.toPrecision(10));
  history.replaceState(null, '', `#map=${round(view.getResolution()!)}/${round(x!)}/${round(y!)}`);
});

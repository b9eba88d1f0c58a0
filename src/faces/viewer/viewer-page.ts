/**
 * The map viewer page, the MapServer root's `f=jsapi` (mapserver.md §5): a full-window map with
 * a side panel, its configuration inlined as JSON for the bundled script.
 * @module faces/viewer/viewer-page
 */
import type { MapService } from '../../catalog/map-service.js';
import { canonicalWkid, projDefinition } from '../../geo/spatial-reference.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { escapeHtml } from '../../http/html/page.js';
import type { ServerContext } from '../../http/server.js';
import { serviceUrl } from '../mapserver/service-urls.js';
import { viewerAssets, type ViewerAssets } from './viewer-bundle.js';
import type { ViewerConfig, ViewerExtent, ViewerLayer } from './viewer-config.js';
import { staticUrl } from './viewer.route.js';

const STYLE = `html,body{height:100%;margin:0}body{display:flex;flex-direction:column;font:14px/1.4 "DejaVu Sans",Verdana,sans-serif;color:#222}
header{background:#2f4f3a;color:#fff;padding:8px 16px}header a{color:#fff;font-weight:bold;text-decoration:none}
#viewer{flex:1;display:flex;min-height:0}#map{flex:1;background:#fff}
#panel{width:320px;overflow:auto;border-left:1px solid #cfd5c8;background:#fafaf7;padding:0 12px 12px}
#panel h2{font-size:15px;color:#2f4f3a;margin:12px 0 4px}#panel ul{list-style:none;margin:0;padding-left:0}#panel ul ul{padding-left:18px}
#panel li.out-of-scale>label{color:#999}.hint{color:#666}.error{color:#a01010}
.hit h3{font-size:13px;margin:10px 0 2px}.hit table{border-collapse:collapse;width:100%;font-size:12px}
.hit th{text-align:left;font-weight:normal;color:#555;padding:1px 6px 1px 0;vertical-align:top}.hit td{padding:1px 0;word-break:break-word}`;

/** JSON that is safe inside a `<script>` element: no `<` can close it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** What the script needs to know about the service, from its root JSON. */
function viewerConfig(ctx: ServerContext, service: MapService, root: Record<string, unknown>): ViewerConfig {
  const sr = service.spatialReference;
  const wkid = sr.latestWkid ?? sr.wkid;
  // OpenLayers names projections by code, and ImageArcGISRest sends that code as bboxSR.
  if (wkid === undefined) throw new ArcGisError(400, 'Unable to complete operation.', ['the map viewer needs a service whose spatial reference has a WKID']);
  const code = canonicalWkid(wkid);
  return {
    serviceUrl: serviceUrl(ctx, service), projection: `EPSG:${code}`, proj4: projDefinition(sr), wkid: code,
    layers: root.layers as ViewerLayer[], initialExtent: root.initialExtent as ViewerExtent, copyrightText: String(root.copyrightText ?? ''),
  };
}

/** The viewer page for `service`; `root` is its root JSON. */
export async function renderViewerPage(ctx: ServerContext, service: MapService, root: Record<string, unknown>): Promise<string> {
  const config = viewerConfig(ctx, service, root);
  let assets: ViewerAssets;
  try {
    assets = await viewerAssets();
  } catch (e) {
    throw new ArcGisError(500, 'The map viewer could not be built.', [e instanceof Error ? e.message : String(e)]);
  }
  const title = `${service.path} (MapServer)`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} — map viewer</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(staticUrl(ctx, assets, 'ol.css'))}"><style>${STYLE}</style></head>
<body><header><a href="${escapeHtml(config.serviceUrl)}">${escapeHtml(title)}</a> — Quadrangle map viewer</header>
<div id="viewer"><div id="map"></div><aside id="panel"><h2>Layers</h2><ul id="layers"></ul>
<h2>Identify</h2><div id="results"><p class="hint">Click the map to see what is there.</p></div></aside></div>
<script id="viewer-config" type="application/json">${scriptJson(config)}</script>
<script src="${escapeHtml(staticUrl(ctx, assets, 'viewer.js'))}"></script></body></html>`;
}

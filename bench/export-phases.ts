/**
 * Where an export's time goes, measured in-process on the main thread (no HTTP, no worker):
 * reading and projecting the features (GeoPackage scan, WKB decoding), building the display list
 * (symbology, clipping, label placement), rasterizing it and encoding the PNG. Used by
 * bench/run.ts next to the MapServer comparison.
 */
import { MapService } from '../src/catalog/map-service.js';
import { DrawCache } from '../src/data/draw-cache.js';
import type { MapRequest, MapRequestLayer, RenderFeature } from '../src/carto/map-request.js';
import { buildDisplayList } from '../src/carto/build-display-list.js';
import { ViewTransform } from '../src/carto/view-transform.js';
import { mapScale } from '../src/geo/map-scale.js';
import type { Envelope } from '../src/geo/geometry.js';
import { exportLayers, renderMapLayers } from '../src/mapping/service-map-layers.js';
import { encodePng } from '../src/render/png-encoder.js';
import { rasterizePixels } from '../src/render/rasterize.js';
import { sampleServiceDefinition } from '../src/sample/sample-service.js';

export interface ExportPhases { features: number; read: number; displayList: number; rasterize: number; encode: number; total: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median milliseconds of each phase over `runs` draws (after one warm-up) of the sample service's
 * layers `ids` over `extent` at `width` × `height` px, 96 dpi, labels on.
 */
export async function timeExportPhases(dataDir: string, ids: number[], extent: Envelope, width: number, height: number, runs = 10): Promise<ExportPhases> {
  const def = sampleServiceDefinition();
  // Drawn as an operation thread draws: with its memory of features (data/draw-cache).
  const service = new MapService(def, 1, dataDir, new DrawCache(256 * 2 ** 20));
  await service.prepare();
  const sr = def.spatialReference;
  const scale = mapScale(extent, width, 96, sr);
  const view = new ViewTransform(extent, width, height).view;
  const samples: ExportPhases[] = [];
  for (let i = 0; i <= runs; i++) {
    let t = performance.now();
    const lazy = renderMapLayers(exportLayers(service, { mode: 'show', ids }), { layerDefs: new Map(), view, imageSr: sr, scale, drawCache: service.drawCache });
    // Materialise each layer's features: the GeoPackage scan, WKB decoding and projection.
    let features = 0;
    const layers: MapRequestLayer[] = lazy.map((l) => {
      if (l.kind === 'raster') return l;
      const list: RenderFeature[] = Array.from(l.features);
      features += list.length;
      return { ...l, features: list };
    });
    const read = performance.now() - t;
    t = performance.now();
    const request: MapRequest = { extent, width, height, dpi: 96, background: [255, 255, 255, 255], layers, scale };
    const list = buildDisplayList(request);
    const displayList = performance.now() - t;
    t = performance.now();
    // Reading the pixels back is part of drawing: the canvas may defer work until then.
    const data = await rasterizePixels(list, true);
    const raster = performance.now() - t;
    t = performance.now();
    await encodePng(data, width, height, { color: 'rgb' });
    const encode = performance.now() - t;
    if (i > 0) samples.push({ features, read, displayList, rasterize: raster, encode, total: read + displayList + raster + encode });
  }
  service.close();
  const pick = (k: keyof ExportPhases) => median(samples.map((s) => s[k]));
  return { features: pick('features'), read: pick('read'), displayList: pick('displayList'), rasterize: pick('rasterize'), encode: pick('encode'), total: pick('total') };
}

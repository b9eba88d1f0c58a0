/**
 * Draws one metatile of a service with the export machinery (the service's default layers,
 * features projected into the scheme's SR, labels placed once) and cuts it into tiles encoded
 * in the scheme's format (mapserver.md §10).
 * @module tiles/render-metatile
 */
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type { MapService } from '../catalog/map-service.js';
import { buildDisplayList } from '../carto/build-display-list.js';
import { exportLayers, loadRasterLayers, renderMapLayers } from '../mapping/service-map-layers.js';
import { quantize } from '../render/palette-quantizer.js';
import { encodePng } from '../render/png-encoder.js';
import { rasterize } from '../render/rasterize.js';
import { metatileTiles, type Metatile, type TileGrid } from './tile-grid.js';
import { DEFAULT_COMPRESSION_QUALITY, type TileInfo } from './tiling-scheme.js';

/** One tile of a metatile; `data` is `null` for a tile with nothing drawn on it. */
export interface RenderedTile { row: number; col: number; data: Buffer | null; ext: TileExtension }

/** File extensions of tile images. */
export type TileExtension = 'png' | 'jpg';

/**
 * Renders the metatile and returns its tiles, blank ones without bytes. A metatile with no
 * data near it is not drawn at all.
 */
export async function renderMetatile(service: MapService, grid: TileGrid, m: Metatile): Promise<RenderedTile[]> {
  const tiles = metatileTiles(m);
  const { info } = grid;
  if (!grid.hasData(m)) return tiles.map(({ row, col }) => ({ row, col, data: null, ext: blankExtension(info) }));
  const frame = grid.frame(m);
  const scale = m.lod.scale;
  const drawn = exportLayers(service, { mode: 'default' });
  const dems = await loadRasterLayers(service, drawn, scale);
  const layers = renderMapLayers(drawn, { layerDefs: new Map(), view: frame.extent, imageSr: info.spatialReference, scale, dems, drawCache: service.drawCache });
  const b = frame.buffer;
  const list = buildDisplayList(
    { extent: frame.extent, width: frame.width, height: frame.height, dpi: info.dpi, background: null, layers, scale },
    // Labels stay inside the metatile's own tiles: the neighbouring metatile is another render
    // that could not draw the rest of a label crossing its edge.
    { collision: { bounds: [b, b, frame.width - b, frame.height - b] } },
  );
  const canvas = await rasterize(list, false);
  const ctx = canvas.getContext('2d');
  return Promise.all(tiles.map(async ({ row, col }) => {
    const x = b + (col - m.minCol) * info.cols, y = b + (row - m.minRow) * info.rows;
    const image = ctx.getImageData(x, y, info.cols, info.rows).data;
    const pixels = new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
    const alpha = alphaSummary(pixels);
    if (alpha === 'clear') return { row, col, data: null, ext: blankExtension(info) };
    return { row, col, ...(await encodeTile(info, pixels, alpha === 'opaque', canvas, x, y)) };
  }));
}

/** Whether every pixel is transparent, every pixel opaque, or neither. */
function alphaSummary(pixels: Uint8Array): 'clear' | 'opaque' | 'mixed' {
  let any = false, all = true;
  for (let i = 3; i < pixels.length; i += 4) {
    const a = pixels[i]!;
    if (a !== 0) any = true;
    if (a !== 255) all = false;
    if (any && !all) return 'mixed';
  }
  return any ? 'opaque' : 'clear';
}

/** Where a blank tile's marker is kept: the extension of the scheme's transparent format. */
export function blankExtension(info: TileInfo): TileExtension {
  return info.format === 'JPEG' ? 'jpg' : 'png';
}

async function encodeTile(info: TileInfo, pixels: Uint8Array, opaque: boolean, source: Canvas, x: number, y: number): Promise<{ data: Buffer; ext: TileExtension }> {
  const { cols: w, rows: h } = info;
  if (info.format === 'JPEG' || (info.format === 'MIXED' && opaque)) {
    // JPEG has no alpha: lay the tile on white, as export does, so anti-aliased edges stay light.
    const tile = createCanvas(w, h);
    const ctx = tile.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(source, x, y, w, h, 0, 0, w, h);
    return { data: await tile.encode('jpeg', info.compressionQuality ?? DEFAULT_COMPRESSION_QUALITY), ext: 'jpg' };
  }
  if (info.format === 'PNG8') {
    const { indices, palette } = quantize(pixels);
    return { data: await encodePng(indices, w, h, { color: 'palette', palette }), ext: 'png' };
  }
  return { data: await encodePng(pixels, w, h, { color: 'rgba' }), ext: 'png' };
}

/**
 * Reduces an RGBA image to at most 256 colours for png8 (mapserver.md §6): exact when the
 * image has that few colours, else median cut over a histogram of colours at 5 bits per colour
 * channel and 3 bits of alpha. Each palette entry is the mean of the pixels it stands for, so
 * flat map colours come out exact; anti-aliased edges take their nearest box.
 * @module render/palette-quantizer
 */

/** Palette indices per pixel, and the palette as RGBA quadruples. */
export interface QuantizedImage { indices: Uint8Array; palette: Uint8Array }

const MAX_COLORS = 256;

/** Histogram key of a pixel: r5 g5 b5 a3. */
const keyOf = (r: number, g: number, b: number, a: number): number => ((r >> 3) << 13) | ((g >> 3) << 8) | ((b >> 3) << 3) | (a >> 5);
/** Channel values of a key, on the 0–255 scale of each channel's bucket, for choosing where to cut. */
const CHANNELS: readonly ((k: number) => number)[] = [(k) => (k >> 13) << 3, (k) => ((k >> 8) & 31) << 3, (k) => ((k >> 3) & 31) << 3, (k) => (k & 7) << 5];

/** Exact palette when the image has at most 256 distinct colours, else null. */
function exactPalette(rgba: Uint32Array): QuantizedImage | null {
  const index = new Map<number, number>();
  const indices = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i++) {
    const c = rgba[i]!;
    let k = index.get(c);
    if (k === undefined) {
      if (index.size === MAX_COLORS) return null;
      k = index.size;
      index.set(c, k);
    }
    indices[i] = k;
  }
  const palette = new Uint8Array(index.size * 4);
  new Uint32Array(palette.buffer).set([...index.keys()]);
  return { indices, palette };
}

/** A box of histogram keys, and the spread of each channel inside it. */
interface Box { keys: number[]; count: number; spread: number; channel: number }

function box(keys: number[], counts: Uint32Array): Box {
  let count = 0, spread = -1, channel = 0;
  for (const k of keys) count += counts[k]!;
  CHANNELS.forEach((value, c) => {
    let min = 255, max = 0;
    for (const k of keys) { const v = value(k); if (v < min) min = v; if (v > max) max = v; }
    if (max - min > spread) { spread = max - min; channel = c; }
  });
  return { keys, count, spread, channel };
}

/** Splits a box at the pixel-weighted median of its widest channel. */
function split(b: Box, counts: Uint32Array): [Box, Box] {
  const value = CHANNELS[b.channel]!;
  const keys = b.keys.slice().sort((x, y) => value(x) - value(y));
  let acc = 0, cut = 1;
  for (let i = 0; i < keys.length - 1; i++) {
    acc += counts[keys[i]!]!;
    cut = i + 1;
    if (acc * 2 >= b.count) break;
  }
  return [box(keys.slice(0, cut), counts), box(keys.slice(cut), counts)];
}

/**
 * Quantises RGBA pixels (not premultiplied) to a palette of at most 256 entries.
 * @param pixels width × height × 4 bytes.
 */
export function quantize(pixels: Uint8Array): QuantizedImage {
  const rgba = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.byteLength / 4);
  const exact = exactPalette(rgba);
  if (exact) return exact;
  const size = 1 << 18;
  const counts = new Uint32Array(size);
  const sums = new Float64Array(size * 4);
  const keys = new Uint32Array(rgba.length);
  for (let i = 0, p = 0; i < rgba.length; i++, p += 4) {
    const k = keyOf(pixels[p]!, pixels[p + 1]!, pixels[p + 2]!, pixels[p + 3]!);
    keys[i] = k;
    counts[k]!++;
    for (let c = 0; c < 4; c++) sums[k * 4 + c]! += pixels[p + c]!;
  }
  const used: number[] = [];
  for (let k = 0; k < size; k++) if (counts[k]) used.push(k);
  const boxes = [box(used, counts)];
  while (boxes.length < MAX_COLORS) {
    // Split where it helps most: many pixels over a wide range of colour.
    let best = -1, score = 0;
    boxes.forEach((b, i) => { if (b.keys.length > 1 && b.count * b.spread > score) { score = b.count * b.spread; best = i; } });
    if (best < 0) break;
    boxes.splice(best, 1, ...split(boxes[best]!, counts));
  }
  const palette = new Uint8Array(boxes.length * 4);
  const entryOf = new Uint8Array(size);
  boxes.forEach((b, i) => {
    const total = [0, 0, 0, 0];
    for (const k of b.keys) {
      entryOf[k] = i;
      for (let c = 0; c < 4; c++) total[c]! += sums[k * 4 + c]!;
    }
    for (let c = 0; c < 4; c++) palette[i * 4 + c] = Math.round(total[c]! / b.count);
  });
  const indices = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i++) indices[i] = entryOf[keys[i]!]!;
  return { indices, palette };
}

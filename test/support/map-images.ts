/**
 * Helpers for tests that look at the pixels Quadrangle draws.
 */
import assert from 'node:assert/strict';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { pointInRing } from '../../src/geo/esri-json.js';
import { getJson } from './test-server.js';

/** A decoded image: size, RGBA bytes and a reader of one pixel. */
export interface DecodedImage { width: number; height: number; data: Uint8ClampedArray; at(x: number, y: number): number[] }

/** Decodes PNG, JPEG or GIF bytes to RGBA. */
export async function decodeImage(bytes: Buffer | ArrayBuffer): Promise<DecodedImage> {
  const img = await loadImage(Buffer.from(bytes as ArrayBuffer));
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return { width: img.width, height: img.height, data, at: (x, y) => [...data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)] };
}

/** GETs `<ms>/export` with `f=image` and the given parameters. */
export function exportImage(ms: string, params: Record<string, string | number | boolean>): Promise<Response> {
  const u = new URL(`${ms}/export`);
  for (const [k, v] of Object.entries({ f: 'image', ...params })) u.searchParams.set(k, String(v));
  return fetch(u);
}

/** A point well inside the sample's largest lake (over 60 m from its shore), found from its geometry. */
export async function pointInLargestLake(ms: string): Promise<[number, number]> {
  const r = await getJson(`${ms}/6/query`, { where: '1=1', orderByFields: 'AREA_KM2 DESC', resultRecordCount: 1, outFields: 'AREA_KM2' });
  const rings: number[][][] = r.features[0].geometry.rings;
  const xs = rings[0]!.map((p) => p[0]!), ys = rings[0]!.map((p) => p[1]!);
  let best: [number, number] = [0, 0], bestD = -1;
  for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
    const x = Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * i) / 40, y = Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * j) / 40;
    if (!rings.every((ring, k) => pointInRing(x, y, ring) === (k === 0))) continue;
    const d = Math.min(...rings.flat().map((p) => Math.hypot(p[0]! - x, p[1]! - y)));
    if (d > bestD) { bestD = d; best = [x, y]; }
  }
  assert.ok(bestD > 60, 'the lake has an interior');
  return best;
}

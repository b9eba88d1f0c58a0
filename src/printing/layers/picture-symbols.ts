/**
 * Picture symbols (esriPMS, esriPFS) that name their image by `url` instead of carrying
 * `imageData`, as clients often send them: the map engine reads only inline images
 * (mapserver.md §15.3), so a print reads each image once — from a `data:` URL, or through the
 * Fetcher under printing.md §13 — and inlines it.
 * @module printing/layers/picture-symbols
 */
import type { PrintContext } from '../print-layer.js';
import type { WebMapLayer } from '../web-map.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An inline image: base64 data and its media type. */
interface InlineImage { imageData: string; contentType: string }

/** The absolute URL of a picture symbol's image still to inline, or null. */
function pictureUrl(v: Json, base: string | null): string | null {
  if ((v.type !== 'esriPMS' && v.type !== 'esriPFS') || (typeof v.imageData === 'string' && v.imageData) || typeof v.url !== 'string' || !v.url) return null;
  if (v.url.startsWith('data:')) return v.url;
  try { return new URL(v.url, base ?? undefined).href; } catch { return null; }
}

/** Calls `visit` on every object inside `v`. */
function eachObject(v: unknown, visit: (o: Json) => void): void {
  if (Array.isArray(v)) v.forEach((x) => eachObject(x, visit));
  else if (isObject(v)) { visit(v); Object.values(v).forEach((x) => eachObject(x, visit)); }
}

/** A `data:` URL's image, when it is base64. */
function dataUrlImage(url: string): InlineImage | null {
  const m = /^data:([^;,]*)(?:;[^;,]*)*;base64,(.*)$/s.exec(url);
  return m ? { contentType: m[1] || 'image/png', imageData: m[2]! } : null;
}

const host = (url: string): string | null => { try { return new URL(url).host; } catch { return null; } };

/** Reads one image; an answer that is not an image leaves the symbol without one, with a warning. */
async function readImage(url: string, layer: WebMapLayer, context: PrintContext): Promise<InlineImage | null> {
  if (url.startsWith('data:')) return dataUrlImage(url);
  // The layer's token goes only to the layer's own host (printing.md §13 rule 5).
  const token = layer.url && host(layer.url) === host(url) ? layer.token : undefined;
  const answer = await context.fetcher.fetch(url, { layer: layer.title, token });
  if (answer.status === 200 && answer.contentType.startsWith('image/')) return { imageData: answer.body.toString('base64'), contentType: answer.contentType };
  context.warn(`Layer '${layer.title}': the picture symbol image ${url} could not be read (HTTP ${answer.status}, ${answer.contentType || 'no media type'}); it is not drawn`);
  return null;
}

/**
 * A copy of `value` (renderers, symbols, features) whose picture symbols carry their images
 * inline. Relative URLs resolve against `base` (a feature layer's `<url>/images/`) and are left
 * alone without one. A refused fetch rejects with the Fetcher's `PrintRequestError`.
 */
export async function inlinePictureSymbols<T>(value: T, layer: WebMapLayer, context: PrintContext, base: string | null = null): Promise<T> {
  const urls = new Set<string>();
  eachObject(value, (o) => { const url = pictureUrl(o, base); if (url) urls.add(url); });
  if (!urls.size) return value;
  const images = new Map(await Promise.all([...urls].map(async (url) => [url, await readImage(url, layer, context)] as const)));
  const rebuild = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rebuild);
    if (!isObject(v)) return v;
    const out: Json = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x)]));
    const url = pictureUrl(v, base);
    const image = url ? images.get(url) : null;
    return image ? { ...out, ...image } : out;
  };
  return rebuild(value) as T;
}

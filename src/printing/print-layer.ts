/**
 * What turns one web map layer into layers the map engine draws: the map frame being printed,
 * the ways out to data (this server's own map services, in-process; other hosts, through a
 * `Fetcher` that enforces printing.md §13) and what a resolver hands back.
 * @module printing/print-layer
 */
import type { MapRequestLayer } from '../carto/map-request.js';
import type { MapService } from '../catalog/map-service.js';
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import type { LegendEntry } from '../sheet/surrounds/legend.js';
import type { WebMapLayer } from './web-map.js';

/** The map frame being drawn. */
export interface PrintFrame {
  /** The output SR every layer is drawn in. */
  spatialReference: SpatialReference;
  /** Map units that map onto the whole image before rotation (as `MapRequest.extent`). */
  extent: Envelope;
  /** Envelope of what the image shows, rotation included: the area to fetch or read. */
  view: Envelope;
  /** Frame size in px at `dpi`. */
  width: number;
  height: number;
  dpi: number;
  /** Scale denominator of the printed map. */
  scale: number;
  /** Degrees counter-clockwise. */
  rotation: number;
  /** Time extent, epoch ms, or null. */
  time: [number, number] | null;
}

/** An answer from another host. */
export interface FetchedResource {
  /** The URL finally answered (after redirects). */
  url: string;
  status: number;
  /** Lower-case media type without parameters, '' when absent. */
  contentType: string;
  body: Buffer;
}

/** How a fetch is made. */
export interface FetchOptions {
  /** The layer's title, named in refusals (`Layer '<title>': …`). */
  layer: string;
  /** Sent as the `token` parameter to this URL's host only, never after a redirect to another host. */
  token?: string;
  /** [GET] POST sends `form` as application/x-www-form-urlencoded. */
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
}

/**
 * Fetches from hosts other than this server, within printing.md §13 (allow-list, refused
 * address ranges, schemes, redirects, timeouts, sizes, the job's byte budget). A refusal or a
 * failure rejects with a `PrintRequestError` naming the layer and the reason; an HTTP error
 * status resolves (the caller decides).
 */
export interface Fetcher {
  fetch(url: string, options: FetchOptions): Promise<FetchedResource>;
}

/** A map service of this server that a layer URL names. */
export interface OwnServiceTarget {
  service: MapService;
  /** The sublayer in the URL (`…/MapServer/3`), or null for the service itself. */
  layerId: number | null;
}

/** This server's own map services, resolved in-process (printing.md §13 rule 1). */
export interface OwnServices {
  /**
   * The service `url` names, or null when the URL is not one of this server's. Rejects with a
   * `PrintRequestError` when it is, but the service does not exist, is stopped or may not be
   * used by the print's caller (or with the layer's token).
   */
  resolve(url: string, layer: WebMapLayer): Promise<OwnServiceTarget | null>;
}

/** What a resolver works with. */
export interface PrintContext {
  frame: PrintFrame;
  fetcher: Fetcher;
  ownServices: OwnServices;
  /** Adds a warning message to the print (a skipped sublayer, an ignored key). */
  warn(message: string): void;
}

/** One legend group: a layer's (or sublayer's) title and its symbols. */
export interface PrintLegendGroup {
  /** Sublayer ID (map services) or WMS layer name, matched against legendOptions `subLayerIds`; null for the layer as a whole. */
  subLayerId: number | string | null;
  title: string;
  entries: LegendEntry[];
}

/** A web map layer made drawable. */
export interface ResolvedPrintLayer {
  /**
   * Layers for the map engine, bottom first, in the frame's SR, the web map layer's opacity
   * already applied (as `transparency`). Their `id`s need only be unique within this list:
   * the composer renumbers them.
   */
  layers: MapRequestLayer[];
  legend: PrintLegendGroup[];
  /** Credits shown when `showAttribution` is set. */
  credits?: string;
}

/** Resolves one layer; rejects with `PrintRequestError` when it cannot be drawn. */
export type PrintLayerResolver = (layer: WebMapLayer, context: PrintContext) => Promise<ResolvedPrintLayer>;

/** Combines a layer's own transparency (percent) with a web map opacity (0–1), as percent. */
export function withOpacity(transparency: number | undefined, opacity: number): number {
  return 100 - (100 - (transparency ?? 0)) * opacity;
}

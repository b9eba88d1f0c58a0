/**
 * The ExportWebMap JSON (printing.md §12) as the print engine reads it, after
 * `parseWebMap` (parse-web-map.ts) has checked and normalised what a client sent: every layer
 * carries its `kind`, numbers are numbers, defaults are filled in. Layer objects keep the
 * client's own keys in `json`, so layer resolvers read the type-specific keys from there.
 * @module printing/web-map
 */
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';

/** What an operational or basemap layer is, whatever key (`layerType`, `type`, `url`) told us. */
export type WebMapLayerKind =
  /** `ArcGISMapServiceLayer`: a dynamic map service. */
  | 'mapService'
  /** `ArcGISTiledMapServiceLayer`, or a basemap layer given only by a MapServer `url`. */
  | 'tiledMapService'
  /** `ArcGISFeatureLayer`: …/FeatureServer/n or …/MapServer/n. */
  | 'featureLayer'
  /** `ArcGISImageServiceLayer`. */
  | 'imageService'
  /** `ArcGISTiledImageServiceLayer`. */
  | 'tiledImageService'
  /** `WebTiledLayer` with a `urlTemplate` (or `templateUrl`). */
  | 'webTiled'
  /** `OpenStreetMap` basemap layer (tiles from tile.openstreetmap.org unless `url` says otherwise). */
  | 'openStreetMap'
  | 'wms'
  | 'wmts'
  /** `type: "image"`: a client image over an extent. */
  | 'image'
  /** A layer with `featureCollection`: client graphics. */
  | 'featureCollection'
  | 'csv'
  /** Skipped with a warning (printing.md §12.4): VectorTileLayer, WFS, KML, Bing. */
  | 'unsupported';

/** One layer of `operationalLayers` or `baseMap.baseMapLayers`. */
export interface WebMapLayer {
  kind: WebMapLayerKind;
  /** The client's `id`, or `layer<N>` (N its position) when it sent none. */
  id: string;
  /** `title`, else `id`; used in the legend and in messages (`Layer '<title>': …`). */
  title: string;
  /** Absolute http(s) URL, when the layer has one. */
  url?: string;
  /** Token for this layer's host only (printing.md §13 rule 5). */
  token?: string;
  /** 0–1. */
  opacity: number;
  /** Scale range: the layer is skipped outside it; 0 means no limit. */
  minScale: number;
  maxScale: number;
  /** Added to every request for the layer. */
  customParameters: Record<string, string>;
  /** For `unsupported`: the type name, for the warning. */
  typeName?: string;
  /** The client's layer object as sent (type-specific keys: visibleLayers, layers, urlTemplate, featureCollection, …). */
  json: Record<string, unknown>;
}

/** `mapOptions`, normalised. */
export interface WebMapOptions {
  /** The extent as sent; `extentSr` is its own SR if it had one. */
  extent: Envelope;
  extentSr: SpatialReference | null;
  /** Scale denominator to draw at, centred on the extent's centre. */
  scale: number | null;
  /** Degrees counter-clockwise. */
  rotation: number;
  /** The output SR: `spatialReference`, else the extent's, else the first basemap layer's, else Web Mercator (102100). */
  spatialReference: SpatialReference;
  /** `[t]` or `[t0, t1]` as [t0, t1], epoch ms. */
  time: [number, number] | null;
  /** RGBA 0–255; default white. */
  background: [number, number, number, number];
  showAttribution: boolean;
}

/** `layoutOptions`, normalised (every key optional in the JSON). */
export interface WebMapLayoutOptions {
  titleText: string;
  authorText: string;
  copyrightText: string;
  scaleBar: {
    metricUnit: 'esriMeters' | 'esriKilometers';
    metricLabel: string;
    nonMetricUnit: 'esriFeet' | 'esriYards' | 'esriMiles' | 'esriNauticalMiles';
    nonMetricLabel: string;
  };
  /** Element name → text. */
  customTextElements: Record<string, string>;
  /** null: every visible layer; else only the listed layers (`subLayerIds` null = all sublayers). */
  legendLayers: { id: string; subLayerIds: (number | string)[] | null }[] | null;
  /** Element names whose `visible` is false. */
  hiddenElements: string[];
}

/** A whole web map. */
export interface WebMap {
  mapOptions: WebMapOptions;
  /** Draw order: first drawn at the bottom. */
  operationalLayers: WebMapLayer[];
  /** Drawn below every operational layer, first at the bottom. */
  baseMapLayers: WebMapLayer[];
  baseMapTitle: string;
  /** `exportOptions.dpi`, 1–600, default 96. */
  dpi: number;
  /** `exportOptions.outputSize` in px, each side 1–8192, default [800, 1100]; MAP_ONLY only. */
  outputSize: [number, number];
  layout: WebMapLayoutOptions;
}

/**
 * A request the print engine refuses or cannot carry out because of what it asks for: answered
 * as 400 `Error executing tool.` with `details` (printing.md §15), or a failed job with these
 * messages. Server faults are other errors.
 */
export class PrintRequestError extends Error {
  constructor(readonly details: string[]) {
    super(details.join(' '));
    this.name = 'PrintRequestError';
  }
}

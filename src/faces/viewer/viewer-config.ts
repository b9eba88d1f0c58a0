/**
 * What the server tells the map viewer's browser script, inlined in the viewer page as JSON.
 * Shared by the page (server) and the script (browser), so both agree on its shape.
 * @module faces/viewer/viewer-config
 */

/** A layer entry of the MapServer root JSON, as far as the viewer reads it (mapserver.md §5). */
export interface ViewerLayer {
  id: number;
  name: string;
  parentLayerId: number;
  defaultVisibility: boolean;
  subLayerIds: number[] | null;
  minScale: number;
  maxScale: number;
}

/** An Esri envelope without its spatial reference (always the service's here). */
export interface ViewerExtent { xmin: number; ymin: number; xmax: number; ymax: number }

export interface ViewerConfig {
  /** The MapServer URL, a path on the page's own origin. */
  serviceUrl: string;
  /** The OpenLayers projection code of the service's spatial reference, `EPSG:<code>`. */
  projection: string;
  /** The proj4 definition of that reference, so OpenLayers can project to and from it. */
  proj4: string;
  /** The WKID sent to `identify` as `sr`. */
  wkid: number;
  /** The root JSON's `layers`. */
  layers: ViewerLayer[];
  /** Where the map opens unless the URL says otherwise. */
  initialExtent: ViewerExtent;
  /** The service's copyright text, shown as the map's attribution. */
  copyrightText: string;
}

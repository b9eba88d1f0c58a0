/**
 * Layout templates: JSON documents that place map frames and surround elements on a page
 * (topographic-sheet.md §1–§3; printing layouts of printing.md). Lengths are in the page's
 * `units`, measured from the page's top-left corner, y down. `validateLayoutTemplate`
 * (layout-schema.ts) checks a document against these types.
 * @module layout/layout-template
 */

/** Units of every length in a template. */
export type LayoutUnits = 'mm' | 'in' | 'pt';

/** A rectangle on the page, top-left corner first, in the template's units. */
export interface LayoutBox { x: number; y: number; width: number; height: number }

/**
 * How a map frame gets its extent:
 * - `sheet`: the sheet's own outline (a standard sheet's meridians and parallels, or a custom
 *   AOI) at the frame's scale, centred in the box; the box is the largest frame the page holds.
 * - `fit`: the requested extent (a web map's, for printing) fills the box, scale following.
 */
export type FrameExtentRule = 'sheet' | 'fit';

/** A map frame. */
export interface MapFrameTemplate {
  /** Unique in the template; `BaseMap` is the main map operations write into. */
  name: string;
  box: LayoutBox;
  extent: FrameExtentRule;
  /** Fixed scale denominator; absent, the product's (sheet) or the request's (fit) scale. */
  scale?: number;
  /**
   * Map CRS: `utm`, the UTM zone (WGS 84) of the frame centre; `map`, the service's or web
   * map's own SR; or an EPSG code. Default `utm` for `sheet` frames, `map` for `fit` frames.
   */
  crs?: 'utm' | 'map' | number;
  /** Draw the UTM grid, graticule and collar values around this frame (sheet frames). */
  grid?: boolean;
  /** Outline the frame with a 0.2 mm neatline. Default true. */
  border?: boolean;
}

/** Font of a text element. */
export interface LayoutFont {
  /** Size in pt. */
  size: number;
  family?: 'DejaVu Sans' | 'DejaVu Serif';
  weight?: 'normal' | 'bold';
  style?: 'normal' | 'italic';
  /** CSS hex colour, e.g. `#000000`. */
  color?: string;
}

/**
 * Kinds of surround element. Each is drawn inside its box:
 * - `text`: `text` with `{Token}` placeholders filled from the sheet (see `TEXT_TOKENS`), one or
 *   more lines, wrapped to the box width; `align` and `verticalAlign` place it in the box.
 * - `scaleBars`: bar scales in `units` (default kilometres, statute miles, nautical miles).
 * - `legend`: symbols of the feature classes on the map (or every class, `full`).
 * - `declinationDiagram`, `elevationGuide`, `adjoiningSheets`, `boundariesDiagram`,
 *   `gridReferenceBox`: the diagrams of topographic-sheet.md §9–§12.
 * - `northArrow`: a north arrow (printing layouts).
 * - `rule`: a horizontal or vertical line along the box (width or height 0), or a rectangle.
 * - `image`: a PNG or JPEG from `source` (a data: URL), e.g. a unit emblem.
 */
export type LayoutElementType =
  | 'text' | 'scaleBars' | 'legend' | 'declinationDiagram' | 'elevationGuide' | 'adjoiningSheets'
  | 'boundariesDiagram' | 'gridReferenceBox' | 'northArrow' | 'rule' | 'image';

/** A surround element. */
export interface LayoutElement {
  /** Unique in the template; UpdateSurrounds `notes` and printing's customTextElements address elements by name. */
  name: string;
  type: LayoutElementType;
  box: LayoutBox;
  /** Map frame the element describes (scale bars, legend, diagrams). Default `BaseMap`, or the only frame. */
  map?: string;
  /** `text`: the text, with `{Token}` placeholders. */
  text?: string;
  font?: LayoutFont;
  align?: 'left' | 'center' | 'right';
  verticalAlign?: 'top' | 'middle' | 'bottom';
  /** `scaleBars`: units of the bars, top first. */
  units?: ('kilometers' | 'miles' | 'nauticalMiles' | 'yards' | 'feet' | 'meters')[];
  /** `rule`: line width in mm (default 0.2). */
  lineWidth?: number;
  /** `image`: data: URL of a PNG or JPEG. */
  source?: string;
  /** Optional elements (topographic-sheet.md §3) may be left empty without a warning. */
  optional?: boolean;
}

/** A whole layout. */
export interface LayoutTemplate {
  /** Unique in the library, e.g. `TM50_Layout`, `A4 Portrait`, `MAP_ONLY`. */
  name: string;
  description?: string;
  page: { width: number; height: number; units: LayoutUnits };
  /** Printable margins; elements stay inside them. */
  margins: { top: number; right: number; bottom: number; left: number };
  /** At least one; the first is the main map unless one is named `BaseMap`. */
  mapFrames: MapFrameTemplate[];
  elements: LayoutElement[];
}

/**
 * The placeholders a `text` element may use; unknown ones are refused by the validator.
 * Sheet values come from the product and AOI, printing values from layoutOptions.
 */
export const TEXT_TOKENS = [
  'SheetName', 'SheetID', 'SeriesName', 'SeriesNumber', 'Edition', 'Scale', 'ScaleText', 'ProductName',
  'ContourInterval', 'ContourNote', 'GridNote', 'ProjectionNote', 'SpheroidNote', 'HorizontalDatumNote',
  'VerticalDatumNote', 'ControlNote', 'PreparationNote', 'PrintingNote', 'UnitImprint', 'AdjacentZoneNote',
  'Date', 'Year', 'Title', 'Author', 'Copyright',
] as const;

/** A text placeholder name. */
export type TextToken = (typeof TEXT_TOKENS)[number];

/** Points per template unit. */
export const POINTS_PER_UNIT: Record<LayoutUnits, number> = { mm: 72 / 25.4, in: 72, pt: 1 };

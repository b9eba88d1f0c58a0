/**
 * The display list: what carto hands to the render backends. Plain data in pixel units of the
 * output image (origin top-left, y down, angles in degrees counter-clockwise on screen), so
 * every backend (raster, PDF, SVG) draws exactly the same geometry.
 * @module carto/display-list
 */

/** A colour as red, green, blue and alpha, each 0–255. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/** Line ends, as in canvas and SVG. */
export type LineCap = 'butt' | 'round' | 'square';
/** Line corners, as in canvas and SVG. */
export type LineJoin = 'miter' | 'round' | 'bevel';

/** How a line is stroked; lengths in px. */
export interface StrokeStyle {
  color: Rgba;
  /** Line width in px. */
  width: number;
  /** Alternating on/off lengths in px, already corrected for the caps; empty for a solid line. */
  dash: readonly number[];
  cap: LineCap;
  join: LineJoin;
}

/** Parallel hatch lines filling an area (esriSFS hatch styles). */
export interface HatchStyle {
  color: Rgba;
  /** Width of each hatch line in px. */
  width: number;
  /** Distance between neighbouring lines in px, measured across them. */
  spacing: number;
  /** Direction of each family of lines, degrees counter-clockwise from east. */
  angles: readonly number[];
}

/** An encoded raster image (PNG, JPEG, …) with its drawn size. */
export interface PictureStyle {
  /** The encoded image file. */
  data: Uint8Array;
  contentType: string;
  /** Drawn width in px. */
  width: number;
  /** Drawn height in px. */
  height: number;
}

/**
 * Lines or polygons sharing one style, drawn as one path: fill (or hatch, or picture), then stroke.
 * Polygon rings are oriented so that the non-zero rule gives each feature the even-odd result
 * while overlapping features of one batch still union instead of cancelling.
 */
export interface PathItem {
  kind: 'path';
  /** x, y pairs in px. */
  coords: Float64Array;
  /** Running point offsets: part i spans points `offsets[i]` to `offsets[i + 1]` (so one more entry than parts). */
  offsets: Uint32Array;
  /** Rings (true) or open lines (false). */
  closed: boolean;
  fill: Rgba | null;
  hatch: HatchStyle | null;
  /** Tiled picture fill (esriPFS), anchored at the image origin. */
  picture: PictureStyle | null;
  stroke: StrokeStyle | null;
  /** 0–1, multiplies every colour's alpha (layer transparency). */
  opacity: number;
}

/** Simple marker shapes (esriSMS styles). */
export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle' | 'cross' | 'x';

/** Simple markers of one style at many points. */
export interface MarkerItem {
  kind: 'marker';
  shape: MarkerShape;
  /** Marker centres, x, y pairs in px (offsets already applied). */
  points: Float64Array;
  /** Marker size (diameter of the circle, side of the square) in px. */
  size: number;
  /** Per-point sizes in px overriding `size` (size visual variable), or null. */
  sizes: Float64Array | null;
  /** Degrees counter-clockwise. */
  angle: number;
  /** Per-point angles overriding `angle`, or null. */
  angles: Float64Array | null;
  fill: Rgba | null;
  stroke: StrokeStyle | null;
  opacity: number;
}

/** One picture (esriPMS) drawn centred at many points. */
export interface ImageItem {
  kind: 'image';
  picture: PictureStyle;
  /** Image centres, x, y pairs in px. */
  points: Float64Array;
  /** Per-point scale factors of the picture (size visual variable), or null. */
  scales: Float64Array | null;
  /** Degrees counter-clockwise. */
  angle: number;
  angles: Float64Array | null;
  opacity: number;
}

/** A font as resolved by carto: a registered family, so measurement and drawing agree. */
export interface FontSpec {
  family: string;
  /** Font size in px. */
  size: number;
  style: 'normal' | 'italic' | 'oblique';
  weight: 'normal' | 'bold';
  decoration: 'none' | 'underline' | 'line-through';
  kerning: boolean;
}

/** A halo around label glyphs. */
export interface Halo {
  color: Rgba;
  /** Halo width in px outside the glyph outline (the stroke is twice as wide). */
  width: number;
}

/** A box behind a label (esriTS backgroundColor / borderLineColor), in the label's own frame. */
export interface TextBox {
  /** Left, top, right, bottom in px relative to the text anchor, before rotation. */
  x0: number; y0: number; x1: number; y1: number;
  fill: Rgba | null;
  stroke: StrokeStyle | null;
}

/** A straight label. */
export interface TextItem {
  kind: 'text';
  text: string;
  /** Anchor in px: on the alphabetic baseline, at the left, centre or right end per `align`. */
  x: number;
  y: number;
  /** Degrees counter-clockwise about the anchor. */
  angle: number;
  align: 'left' | 'center' | 'right';
  /** Advance width in px, as measured by carto (used for decorations). */
  width: number;
  font: FontSpec;
  color: Rgba;
  halo: Halo | null;
  box: TextBox | null;
  opacity: number;
}

/** A label bent along a line: one glyph per code point, each with its own origin and angle. */
export interface TextPathItem {
  kind: 'textPath';
  /** The whole label, for backends that keep text searchable. */
  text: string;
  /** Code points of `text`, one per glyph. */
  glyphs: string[];
  /** Left end of each glyph's baseline in px. */
  xs: Float64Array;
  ys: Float64Array;
  /** Degrees counter-clockwise of each glyph. */
  angles: Float64Array;
  font: FontSpec;
  color: Rgba;
  halo: Halo | null;
  opacity: number;
}

/** Pixels covering the whole image (terrain), drawn at their size with the layer's opacity. */
export interface RasterItem {
  kind: 'raster';
  /** Equal to the list's size. */
  width: number;
  height: number;
  /** RGBA, straight alpha, row-major, top row first. */
  pixels: Uint8ClampedArray;
  opacity: number;
  /** [blend='normal'] How the pixels combine with what is below: `multiply` darkens (hillshade under a topographic map). */
  blend?: 'normal' | 'multiply';
}

/**
 * Items drawn only inside a region (mapserver.md §6 `clipping`): the backends clip to the rings,
 * filled with the even-odd rule, draw the items, and lift the clip again.
 */
export interface ClipItem {
  kind: 'clip';
  /** Ring vertices, x, y pairs in px. */
  coords: Float64Array;
  /** Running point offsets: ring i spans points `offsets[i]` to `offsets[i + 1]`. */
  offsets: Uint32Array;
  /** Drawn bottom to top inside the region. */
  items: DisplayItem[];
}

/**
 * Items drawn in their own coordinate space, placed by an affine transform: how a page puts a
 * map frame (a display list of its own, at its own resolution) and its diagrams in place.
 */
export interface GroupItem {
  kind: 'group';
  /** [a, b, c, d, e, f]: outer x = a·x + c·y + e, outer y = b·x + d·y + f. */
  transform: readonly [number, number, number, number, number, number];
  /** Drawn bottom to top in the group's space. */
  items: DisplayItem[];
}

/** Anything a display list draws. */
export type DisplayItem = PathItem | MarkerItem | ImageItem | TextItem | TextPathItem | RasterItem | ClipItem | GroupItem;
/** The item kinds, each with its own draw function in every backend. */
export type DisplayItemKind = DisplayItem['kind'];

/** A whole map ready to draw: items bottom to top. */
export interface DisplayList {
  /** Image width in px. */
  width: number;
  /** Image height in px. */
  height: number;
  /** Resolution the px sizes were computed for; a PDF page is width × 72 / dpi pt wide. */
  dpi: number;
  /** Null for transparent. */
  background: Rgba | null;
  items: DisplayItem[];
}

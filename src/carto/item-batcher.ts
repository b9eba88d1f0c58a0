/**
 * Groups a layer's features drawn with the same symbol into runs, one display-list item each, so
 * a backend makes one fill or stroke call per run instead of one per feature. A feature joins the
 * latest run of its symbol unless a later run (another symbol) already drew where it lies
 * (DrawOrderGrid); then it opens a new run. Overlapping features therefore keep their data order,
 * while features that do not overlap are drawn together.
 * @module carto/item-batcher
 */
import type { DisplayItem } from './display-list.js';
import { DrawOrderGrid } from './draw-order-grid.js';
import { PixelPathBuffer } from './pixel-path-buffer.js';
import type { FillStyle, MarkerStyle, PictureMarkerStyle } from './symbol-codec.js';

/**
 * Parts (or points) per run. Skia strokes many tiny subpaths fastest in paths of a few hundred:
 * 45,000 building outlines take 85 ms in runs of 100–300 and 130–180 ms as one path.
 */
const MAX_RUN_PARTS = 256;
/**
 * Fills without a stroke gain from longer runs: 12,653 one-pixel buildings filled in runs of
 * 1,024 parts take 20 ms, in runs of 256 33 ms, in runs of 4,096 28 ms.
 */
const MAX_FILL_RUN_PARTS = 1024;

/** Largest box of line segments recorded at once in the draw-order grid, px (about its cell size). */
const FOOTPRINT_SPAN_PX = 16;

/** Paint of a path run: a fill style, or a bare stroke for lines. */
export type PathPaint = Pick<FillStyle, 'fill' | 'hatch' | 'picture' | 'stroke'>;

interface PathRun { kind: 'path'; closed: boolean; paint: PathPaint; buffer: PixelPathBuffer }
interface PointRun {
  kind: 'marker' | 'image';
  style: MarkerStyle | PictureMarkerStyle;
  points: number[];
  /** Per-point sizes (markers, px) or scales (pictures), and angles; null until one differs from the symbol's. */
  sizes: number[] | null;
  angles: number[] | null;
}
type Run = PathRun | PointRun;

/** Builds the items of one layer; `flush` must be called at the end. */
export class ItemBatcher {
  /** Where the next line or polygon feature is transformed, before it joins a run. */
  readonly scratch = new PixelPathBuffer();
  private readonly runs: Run[] = [];
  /** Latest run of each key, apart for areas, lines and points (a line symbol may draw polygon outlines too). */
  private readonly latestArea = new Map<string, number>();
  private readonly latestLine = new Map<string, number>();
  private readonly latestPoint = new Map<string, number>();
  private readonly grid: DrawOrderGrid;
  private readonly boxes: number[] = [];

  /**
   * @param items where finished items go, in draw order.
   * @param width image width in px.
   * @param height image height in px.
   * @param opacity the layer's opacity, 0–1.
   */
  constructor(private readonly items: DisplayItem[], width: number, height: number, private readonly opacity: number) {
    this.grid = new DrawOrderGrid(width, height);
  }

  /**
   * Moves the feature held in `scratch` into a run of lines (`closed` false) or polygons.
   * @param margin px around the geometry that the paint covers (half the stroke width).
   */
  commitPath(key: string, closed: boolean, paint: PathPaint, margin: number): void {
    this.boxes.length = 0;
    this.scratch.footprint(this.boxes, margin, closed, FOOTPRINT_SPAN_PX);
    const run = this.runFor(closed ? this.latestArea : this.latestLine, key, () => ({ kind: 'path', closed, paint, buffer: new PixelPathBuffer() }));
    this.scratch.moveFeatureTo((this.runs[run] as PathRun).buffer);
  }

  /**
   * Adds a marker or picture centred at (x, y) px.
   * @param size px for markers, scale factor for pictures; null for the symbol's own.
   * @param angle degrees counter-clockwise; null for the symbol's own.
   * @param radius half the symbol's drawn extent, px.
   */
  point(key: string, style: MarkerStyle | PictureMarkerStyle, x: number, y: number, size: number | null, angle: number | null, radius: number): void {
    this.boxes.length = 0;
    this.boxes.push(x - radius, y - radius, x + radius, y + radius);
    const kind = style.kind === 'marker' ? 'marker' : 'image';
    const r = this.runs[this.runFor(this.latestPoint, key, () => ({ kind, style, points: [], sizes: null, angles: null }))] as PointRun;
    const n = r.points.length / 2;
    const ownSize = style.kind === 'marker' ? style.size : 1;
    if (size !== null && size !== ownSize && !r.sizes) r.sizes = new Array<number>(n).fill(ownSize);
    if (angle !== null && angle !== style.angle && !r.angles) r.angles = new Array<number>(n).fill(style.angle);
    r.points.push(x, y);
    r.sizes?.push(size ?? ownSize);
    r.angles?.push(angle ?? style.angle);
  }

  /** Turns every run into an item, in draw order. */
  flush(): void {
    for (const run of this.runs) {
      if (run.kind === 'path') {
        if (run.buffer.empty) continue;
        const { coords, offsets } = run.buffer.take();
        const { fill, hatch, picture, stroke } = run.paint;
        this.items.push({ kind: 'path', coords, offsets, closed: run.closed, fill, hatch, picture, stroke, opacity: this.opacity });
        continue;
      }
      const points = Float64Array.from(run.points);
      const sizes = run.sizes && Float64Array.from(run.sizes);
      const angles = run.angles && Float64Array.from(run.angles);
      const s = run.style;
      if (s.kind === 'marker') {
        this.items.push({ kind: 'marker', shape: s.shape, points, size: s.size, sizes, angle: s.angle, angles, fill: s.fill, stroke: s.stroke, opacity: this.opacity });
      } else {
        this.items.push({ kind: 'image', picture: s.picture, points, scales: sizes, angle: s.angle, angles, opacity: this.opacity });
      }
    }
    this.runs.length = 0;
    for (const m of [this.latestArea, this.latestLine, this.latestPoint]) m.clear();
  }

  /** Whether a run holds as many parts (or points) as one Skia call draws fastest. */
  private full(run: Run): boolean {
    if (run.kind !== 'path') return run.points.length / 2 >= MAX_RUN_PARTS;
    return run.buffer.parts >= (run.paint.stroke ? MAX_RUN_PARTS : MAX_FILL_RUN_PARTS);
  }

  /**
   * The run for a feature covering `this.boxes`: the latest run with `key` when no later run drew
   * in those boxes, else a new one. Marks the boxes with the chosen run.
   */
  private runFor(latestRun: Map<string, number>, key: string, open: () => Run): number {
    const boxes = this.boxes;
    let latest = -1;
    for (let i = 0; i < boxes.length; i += 4) latest = Math.max(latest, this.grid.latest(boxes[i]!, boxes[i + 1]!, boxes[i + 2]!, boxes[i + 3]!));
    let run = latestRun.get(key) ?? -1;
    if (run < 0 || latest > run || this.full(this.runs[run]!)) {
      run = this.runs.length;
      this.runs.push(open());
      latestRun.set(key, run);
    }
    for (let i = 0; i < boxes.length; i += 4) this.grid.mark(boxes[i]!, boxes[i + 1]!, boxes[i + 2]!, boxes[i + 3]!, run);
    return run;
  }
}

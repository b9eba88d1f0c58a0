/**
 * Label collision detection on a uniform grid, after MapLibre's CollisionIndex: a label first
 * asks whether all its boxes fit (`fits`) and only then records them (`insert`), so the parts of
 * one label (glyph boxes along a line) land together or not at all.
 * @module carto/collision-index
 */

/** Options of a collision index. */
export interface CollisionIndexOptions {
  /**
   * [cellSize=32] Grid cell edge in px. Smaller cells mean fewer boxes to test per query but more
   * cells to visit per box; labels are a few dozen px, so a cell of that order visits 1–4 cells.
   */
  cellSize?: number;
  /**
   * [whole image] Box (x0, y0, x1, y1 px) placed labels must lie in. A metatile confines its
   * labels to its tiles, so no label crosses into a neighbour drawn by another render.
   */
  bounds?: readonly [number, number, number, number];
}

/**
 * Axis-aligned boxes in px (`x0, y0, x1, y1` quadruples) over a `width` × `height` image. Boxes
 * that are placed must lie wholly inside the image, so no label is cut by its edge; obstacles
 * (point symbols) may overhang it.
 */
export class CollisionIndex {
  private readonly cellSize: number;
  private readonly bounds: readonly [number, number, number, number];
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: number[][];
  private boxes = new Float64Array(1024);
  private owners = new Int32Array(256);
  private count = 0;

  /**
   * @param width image width in px.
   * @param height image height in px.
   */
  constructor(readonly width: number, readonly height: number, options: CollisionIndexOptions = {}) {
    this.cellSize = options.cellSize ?? 32;
    this.bounds = options.bounds ?? [0, 0, width, height];
    this.cols = Math.max(1, Math.ceil(width / this.cellSize));
    this.rows = Math.max(1, Math.ceil(height / this.cellSize));
    this.cells = Array.from({ length: this.cols * this.rows }, () => []);
  }

  /** Number of boxes inserted. */
  get size(): number {
    return this.count;
  }

  /**
   * True when every box lies inside the image (or `bounds`) and overlaps no inserted box,
   * except boxes inserted for `ignoreOwner` when it is 0 or more (a label may cover its own point symbol).
   * @param boxes x0, y0, x1, y1 quadruples in px.
   */
  fits(boxes: ArrayLike<number>, ignoreOwner = -1): boolean {
    const [bx0, by0, bx1, by1] = this.bounds;
    for (let i = 0; i < boxes.length; i += 4) {
      const x0 = boxes[i]!, y0 = boxes[i + 1]!, x1 = boxes[i + 2]!, y1 = boxes[i + 3]!;
      if (x0 < bx0 || y0 < by0 || x1 > bx1 || y1 > by1) return false;
      if (this.hits(x0, y0, x1, y1, ignoreOwner)) return false;
    }
    return true;
  }

  /**
   * Records boxes; call after `fits` said yes (obstacles may be inserted without asking).
   * @param owner an id (0 or more) shared by the boxes of one feature, or −1 for none.
   */
  insert(boxes: ArrayLike<number>, owner = -1): void {
    for (let i = 0; i < boxes.length; i += 4) {
      const x0 = boxes[i]!, y0 = boxes[i + 1]!, x1 = boxes[i + 2]!, y1 = boxes[i + 3]!;
      const [c0, r0, c1, r1] = this.cellRange(x0, y0, x1, y1);
      if (c0 > c1 || r0 > r1) continue;
      const id = this.add(x0, y0, x1, y1, owner);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.cells[r * this.cols + c]!.push(id);
    }
  }

  private hits(x0: number, y0: number, x1: number, y1: number, ignoreOwner: number): boolean {
    const [c0, r0, c1, r1] = this.cellRange(x0, y0, x1, y1);
    const b = this.boxes;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        for (const id of this.cells[r * this.cols + c]!) {
          const o = id * 4;
          if (x0 < b[o + 2]! && b[o]! < x1 && y0 < b[o + 3]! && b[o + 1]! < y1 && (ignoreOwner < 0 || this.owners[id] !== ignoreOwner)) return true;
        }
      }
    }
    return false;
  }

  /** Grid cells a box touches, clamped to the grid; empty (c0 > c1) when it misses the image. */
  private cellRange(x0: number, y0: number, x1: number, y1: number): [number, number, number, number] {
    const s = this.cellSize;
    return [
      Math.max(0, Math.floor(x0 / s)), Math.max(0, Math.floor(y0 / s)),
      Math.min(this.cols - 1, Math.floor(x1 / s)), Math.min(this.rows - 1, Math.floor(y1 / s)),
    ];
  }

  private add(x0: number, y0: number, x1: number, y1: number, owner: number): number {
    if (this.count * 4 + 4 > this.boxes.length) {
      const boxes = new Float64Array(this.boxes.length * 2);
      boxes.set(this.boxes);
      this.boxes = boxes;
      const owners = new Int32Array(this.owners.length * 2);
      owners.set(this.owners);
      this.owners = owners;
    }
    const o = this.count * 4;
    this.boxes[o] = x0;
    this.boxes[o + 1] = y0;
    this.boxes[o + 2] = x1;
    this.boxes[o + 3] = y1;
    this.owners[this.count] = owner;
    return this.count++;
  }
}

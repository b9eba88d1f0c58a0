/**
 * A coarse grid over the image remembering, per cell, the latest run (batch) that drew there.
 * It lets the batcher put a feature into an earlier run of its own symbol when nothing drawn by
 * a later run could overlap it, so drawing runs instead of features changes no visible order.
 * @module carto/draw-order-grid
 */

/** Per-cell latest run index over a `width` × `height` px image. */
export class DrawOrderGrid {
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: Int32Array;
  private readonly scratch = new Int32Array(4);

  /**
   * @param cellSize [16] cell edge in px: finer cells find more runs to join but cost more marks
   * for large features.
   */
  constructor(width: number, height: number, private readonly cellSize = 16) {
    this.cols = Math.max(1, Math.ceil(width / cellSize));
    this.rows = Math.max(1, Math.ceil(height / cellSize));
    this.cells = new Int32Array(this.cols * this.rows).fill(-1);
  }

  /** The latest run index recorded in any cell the box (px) touches, or −1. */
  latest(x0: number, y0: number, x1: number, y1: number): number {
    const { cols, cells } = this;
    const r = this.range(x0, y0, x1, y1);
    const c0 = r[0]!, r0 = r[1]!, c1 = r[2]!, r1 = r[3]!;
    let max = -1;
    for (let row = r0; row <= r1; row++) for (let i = row * cols + c0, e = row * cols + c1; i <= e; i++) if (cells[i]! > max) max = cells[i]!;
    return max;
  }

  /** Records that `run` draws in the cells the box (px) touches. */
  mark(x0: number, y0: number, x1: number, y1: number, run: number): void {
    const { cols, cells } = this;
    const r = this.range(x0, y0, x1, y1);
    const c0 = r[0]!, r0 = r[1]!, c1 = r[2]!, r1 = r[3]!;
    for (let row = r0; row <= r1; row++) for (let i = row * cols + c0, e = row * cols + c1; i <= e; i++) if (cells[i]! < run) cells[i] = run;
  }

  /** Cell columns and rows a box covers (c0, r0, c1, r1), clamped to the grid; empty when c0 > c1 or r0 > r1. Reused. */
  private range(x0: number, y0: number, x1: number, y1: number): Int32Array {
    const s = this.cellSize, r = this.scratch;
    r[0] = Math.max(0, Math.floor(x0 / s));
    r[1] = Math.max(0, Math.floor(y0 / s));
    r[2] = Math.min(this.cols - 1, Math.floor(x1 / s));
    r[3] = Math.min(this.rows - 1, Math.floor(y1 / s));
    return r;
  }
}

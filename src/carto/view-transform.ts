/**
 * Map units to image pixels: the extent fills the image (y flipped), then the image content
 * turns counter-clockwise about its centre by the request's rotation (mapserver.md §6).
 * @module carto/view-transform
 */
import type { Envelope } from '../geo/geometry.js';

/** The affine map → pixel transform of one map image. */
export class ViewTransform {
  /** px = a·x + c·y + e, py = b·x + d·y + f. */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
  /** Map units covered by the image, rotation included: the envelope to fetch features in. */
  readonly view: Envelope;

  /**
   * @param extent map units shown across the whole image before rotation.
   * @param width image width in px.
   * @param height image height in px.
   * @param rotation degrees counter-clockwise about the image centre.
   */
  constructor(extent: Envelope, width: number, height: number, rotation = 0) {
    const sx = width / (extent.xmax - extent.xmin);
    const sy = height / (extent.ymax - extent.ymin);
    const t = (rotation * Math.PI) / 180;
    const cos = Math.cos(t), sin = Math.sin(t);
    const cx = width / 2, cy = height / 2;
    // Unrotated: u = (x − xmin)·sx, v = (ymax − y)·sy. A visual counter-clockwise turn in y-down
    // pixels is u' = cx + (u−cx)·cos + (v−cy)·sin, v' = cy − (u−cx)·sin + (v−cy)·cos.
    this.a = sx * cos;
    this.b = -sx * sin;
    this.c = -sy * sin;
    this.d = -sy * cos;
    const u0 = -extent.xmin * sx - cx, v0 = extent.ymax * sy - cy;
    this.e = cx + u0 * cos + v0 * sin;
    this.f = cy - u0 * sin + v0 * cos;
    const corners = [[0, 0], [width, 0], [0, height], [width, height]].map(([px, py]) => this.toMap(px!, py!));
    this.view = {
      xmin: Math.min(...corners.map((p) => p[0]!)), ymin: Math.min(...corners.map((p) => p[1]!)),
      xmax: Math.max(...corners.map((p) => p[0]!)), ymax: Math.max(...corners.map((p) => p[1]!)),
    };
  }

  /** Pixel x of a map position. */
  x(x: number, y: number): number {
    return this.a * x + this.c * y + this.e;
  }

  /** Pixel y of a map position. */
  y(x: number, y: number): number {
    return this.b * x + this.d * y + this.f;
  }

  /** The map position at a pixel, as [x, y] in map units. */
  toMap(px: number, py: number): [number, number] {
    const det = this.a * this.d - this.b * this.c;
    const dx = px - this.e, dy = py - this.f;
    return [(this.d * dx - this.c * dy) / det, (this.a * dy - this.b * dx) / det];
  }
}

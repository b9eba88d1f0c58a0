/**
 * Layers held in memory for drawing. A map export or metatile reads every feature in view, and
 * for file-backed layers most of that time is SQLite stepping through the R-tree and copying
 * geometry blobs, then decoding WKB — on every draw of the same data. Within one rendering
 * thread, a layer that fits the thread's budget is read once, decoded, and indexed with
 * Flatbush; later draws search the index. Where clauses still run in the source (once per
 * distinct clause, remembered as a set of IDs), so the answers are exactly the source's.
 *
 * Only sources that can tell when their data changed (`FeatureSource.dataVersion`) are held;
 * a change seen there drops the copy. Rows handed out are shared: callers must not modify them.
 * @module data/draw-cache
 */
import Flatbush from 'flatbush';
import type { Envelope, Geometry } from '../geo/geometry.js';
import { geometryEnvelope } from '../geo/geometry.js';
import type { FeatureRow, FeatureSource, ScanRequest } from './feature-source.js';
import type { WhereNode } from './where/index.js';

/** Rough heap bytes of a decoded position ([x, y] array and its doubles) and of a row's fixed part. */
const BYTES_PER_POSITION = 64;
const BYTES_PER_ROW = 160;
const BYTES_PER_ATTRIBUTE = 40;
/** Distinct where clauses remembered per layer (definition expressions, layerDefs in use). */
const WHERE_SETS = 16;

interface Snapshot {
  version: number;
  rows: FeatureRow[];
  /** Flatbush over `rows` with geometry; `indexed[i]` is the position in `rows` of index item i. */
  index: Flatbush | null;
  indexed: Uint32Array;
  bytes: number;
  /** Object IDs meeting a where clause, by the clause's JSON. */
  whereIds: Map<string, Set<number>>;
}

/** Positions in a geometry, for the memory estimate. */
function positions(g: Geometry): number {
  switch (g.type) {
    case 'Point': return 1;
    case 'MultiPoint': case 'LineString': return g.coordinates.length;
    case 'MultiLineString': case 'Polygon': { let n = 0; for (const p of g.coordinates) n += p.length; return n; }
    case 'MultiPolygon': { let n = 0; for (const poly of g.coordinates) for (const r of poly) n += r.length; return n; }
  }
}

/**
 * The layers one thread holds, within a byte budget shared by all of them; the least recently
 * drawn layer makes room for a new one. A budget of 0 holds nothing.
 */
export class DrawCache {
  private readonly snapshots = new Map<FeatureSource, Snapshot>();
  /** Sources found too large for the budget, with the data version they were measured at. */
  private readonly tooLarge = new WeakMap<FeatureSource, number>();
  private used = 0;

  constructor(readonly budgetBytes: number) {}

  /** Bytes held now (estimated). */
  get bytes(): number { return this.used; }

  /**
   * Rows of `source` whose envelope meets `request.bbox` and that meet `request.where`, in
   * object ID order, as `source.scan` would give them with every field and geometry. Requests
   * that need more than that (paging, ordering, object IDs, fewer fields), and sources that do
   * not fit or cannot report changes, are passed to the source.
   */
  scan(source: FeatureSource, request: ScanRequest): Iterable<FeatureRow> {
    const plain = request.geometry && !request.orderBy?.length && request.offset === undefined && request.limit === undefined
      && !request.objectIds && request.fields.length === source.schema.fields.length;
    const snapshot = plain ? this.snapshot(source) : null;
    if (!snapshot) return source.scan(request);
    const ids = request.where ? this.whereIds(source, snapshot, request.where) : null;
    return this.search(snapshot, request.bbox, ids);
  }

  /** Drops what is held of `source` (call before closing it). */
  release(source: FeatureSource): void {
    const held = this.snapshots.get(source);
    if (!held) return;
    this.snapshots.delete(source);
    this.used -= held.bytes;
  }

  private *search(snapshot: Snapshot, bbox: Envelope | undefined, ids: Set<number> | null): Iterable<FeatureRow> {
    if (!bbox) {
      for (const row of snapshot.rows) if (!ids || ids.has(row.id)) yield row;
      return;
    }
    if (!snapshot.index) return;
    // Index items were added in row order, so sorting the hits restores object ID order.
    const hits = Uint32Array.from(snapshot.index.search(bbox.xmin, bbox.ymin, bbox.xmax, bbox.ymax)).sort();
    for (let i = 0; i < hits.length; i++) {
      const row = snapshot.rows[snapshot.indexed[hits[i]!]!]!;
      if (!ids || ids.has(row.id)) yield row;
    }
  }

  private whereIds(source: FeatureSource, snapshot: Snapshot, where: WhereNode): Set<number> {
    const key = JSON.stringify(where);
    let ids = snapshot.whereIds.get(key);
    if (ids) {
      snapshot.whereIds.delete(key);
    } else {
      ids = new Set<number>();
      for (const row of source.scan({ where, fields: [], geometry: false })) ids.add(row.id);
      if (snapshot.whereIds.size >= WHERE_SETS) snapshot.whereIds.delete(snapshot.whereIds.keys().next().value!);
    }
    snapshot.whereIds.set(key, ids);
    return ids;
  }

  /** The source's rows in memory, read now if they fit; null when they cannot be held. */
  private snapshot(source: FeatureSource): Snapshot | null {
    if (this.budgetBytes <= 0 || !source.dataVersion) return null;
    const version = source.dataVersion();
    const held = this.snapshots.get(source);
    if (held) {
      this.snapshots.delete(source);
      if (held.version === version) {
        this.snapshots.set(source, held); // most recently used last
        return held;
      }
      this.used -= held.bytes;
    }
    if (this.tooLarge.get(source) === version) return null;
    const snapshot = this.load(source, version);
    if (!snapshot) { this.tooLarge.set(source, version); return null; }
    for (const [other, s] of this.snapshots) {
      if (this.used + snapshot.bytes <= this.budgetBytes) break;
      this.snapshots.delete(other);
      this.used -= s.bytes;
    }
    this.snapshots.set(source, snapshot);
    this.used += snapshot.bytes;
    return snapshot;
  }

  private load(source: FeatureSource, version: number): Snapshot | null {
    const fields = source.schema.fields.map((f) => f.name);
    const rows: FeatureRow[] = [];
    const envelopes: Envelope[] = [];
    const indexedRows: number[] = [];
    let bytes = 0;
    for (const row of source.scan({ fields, geometry: true })) {
      bytes += BYTES_PER_ROW + fields.length * BYTES_PER_ATTRIBUTE + (row.geometry ? positions(row.geometry) * BYTES_PER_POSITION : 0);
      if (bytes > this.budgetBytes) return null;
      const envelope = row.geometry ? row.envelope ?? geometryEnvelope(row.geometry) : null;
      if (envelope && envelope.xmin <= envelope.xmax && envelope.ymin <= envelope.ymax) {
        envelopes.push(envelope);
        indexedRows.push(rows.length);
      }
      rows.push(row);
    }
    let index: Flatbush | null = null;
    if (envelopes.length) {
      index = new Flatbush(envelopes.length);
      for (const e of envelopes) index.add(e.xmin, e.ymin, e.xmax, e.ymax);
      index.finish();
      bytes += index.data.byteLength;
    }
    return { version, rows, index, indexed: Uint32Array.from(indexedRows), bytes, whereIds: new Map() };
  }
}

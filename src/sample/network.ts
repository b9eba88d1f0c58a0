/**
 * Road network topology: splits links where they cross or where one ends on another (so every
 * junction is a shared node), then merges links through pseudo-nodes (nodes joining exactly
 * two links with the same attributes), giving one feature per junction-to-junction link.
 * Coordinates in map metres, already rounded to 0.1 m; new nodes are rounded the same way.
 * @module sample/network
 */
import type { Position } from '../geo/geometry.js';
import { crossingParameter, distanceToSegment } from './polyline.js';
import type { RoadLink } from './roads.js';

const BUCKET = 100;

interface Cut {
  /** Segment index within the link and parameter along it. */
  segment: number;
  t: number;
  point: Position;
}

const round = (v: number) => Math.round(v * 10) / 10;
const pointKey = (p: Position) => `${p[0]},${p[1]}`;

/** Returns the links split at every junction and merged through pseudo-nodes. */
export function buildNetwork(links: RoadLink[]): RoadLink[] {
  const buckets = new Map<number, number[]>(); // bucket → packed (link, segment)
  const pack = (link: number, seg: number) => link * 100000 + seg;
  links.forEach((link, li) => {
    for (let s = 1; s < link.line.length; s++) {
      const a = link.line[s - 1]!, b = link.line[s]!;
      for (let gy = Math.floor(Math.min(a[1]!, b[1]!) / BUCKET); gy <= Math.floor(Math.max(a[1]!, b[1]!) / BUCKET); gy++) {
        for (let gx = Math.floor(Math.min(a[0]!, b[0]!) / BUCKET); gx <= Math.floor(Math.max(a[0]!, b[0]!) / BUCKET); gx++) {
          const key = gy * 100003 + gx;
          let list = buckets.get(key);
          if (!list) { list = []; buckets.set(key, list); }
          list.push(pack(li, s - 1));
        }
      }
    }
  });
  const cuts: Cut[][] = links.map(() => []);
  const seen = new Set<string>();
  for (const list of buckets.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const p = list[i]!, q = list[j]!;
        const la = Math.floor(p / 100000), sa = p % 100000, lb = Math.floor(q / 100000), sb = q % 100000;
        if (la === lb && Math.abs(sa - sb) <= 1) continue;
        const id = p < q ? `${p}:${q}` : `${q}:${p}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const A = links[la]!.line, B = links[lb]!.line;
        const a0 = A[sa]!, a1 = A[sa + 1]!, b0 = B[sb]!, b1 = B[sb + 1]!;
        const t = crossingParameter(a0[0]!, a0[1]!, a1[0]!, a1[1]!, b0[0]!, b0[1]!, b1[0]!, b1[1]!);
        if (t < 0) continue;
        const point: Position = [round(a0[0]! + t * (a1[0]! - a0[0]!)), round(a0[1]! + t * (a1[1]! - a0[1]!))];
        const u = Math.hypot(point[0]! - b0[0]!, point[1]! - b0[1]!) / Math.max(1e-9, Math.hypot(b1[0]! - b0[0]!, b1[1]! - b0[1]!));
        cuts[la]!.push({ segment: sa, t, point });
        cuts[lb]!.push({ segment: sb, t: u, point });
      }
    }
  }
  // Ends of one link lying on another (T-junctions).
  links.forEach((link, li) => {
    for (const end of [link.line[0]!, link.line[link.line.length - 1]!]) {
      const key = Math.floor(end[1]! / BUCKET) * 100003 + Math.floor(end[0]! / BUCKET);
      for (const packed of buckets.get(key) ?? []) {
        const lb = Math.floor(packed / 100000), sb = packed % 100000;
        if (lb === li) continue;
        const B = links[lb]!.line;
        const b0 = B[sb]!, b1 = B[sb + 1]!;
        // 0.08 m: a point computed on the segment is at most 0.071 m off it after rounding to 0.1 m.
        if (distanceToSegment(end[0]!, end[1]!, b0[0]!, b0[1]!, b1[0]!, b1[1]!) > 0.08) continue;
        const len = Math.hypot(b1[0]! - b0[0]!, b1[1]! - b0[1]!);
        const t = len > 0 ? Math.hypot(end[0]! - b0[0]!, end[1]! - b0[1]!) / len : 0;
        if ((sb === 0 && t < 1e-9) || (sb === B.length - 2 && t > 1 - 1e-9)) continue;
        cuts[lb]!.push({ segment: sb, t, point: [end[0]!, end[1]!] });
      }
    }
  });

  const pieces: RoadLink[] = [];
  links.forEach((link, li) => {
    const list = cuts[li]!.sort((p, q) => p.segment - q.segment || p.t - q.t);
    if (list.length === 0) { pieces.push(link); return; }
    let current: Position[] = [link.line[0]!];
    let c = 0;
    for (let s = 0; s < link.line.length - 1; s++) {
      while (c < list.length && list[c]!.segment === s) {
        const cut = list[c++]!;
        const last = current[current.length - 1]!;
        if (last[0] !== cut.point[0] || last[1] !== cut.point[1]) current.push(cut.point);
        if (current.length >= 2) pieces.push({ ...link, line: current });
        current = [cut.point];
      }
      const next = link.line[s + 1]!;
      const last = current[current.length - 1]!;
      if (last[0] !== next[0] || last[1] !== next[1]) current.push(next);
    }
    if (current.length >= 2) pieces.push({ ...link, line: current });
  });
  return mergePseudoNodes(pieces);
}

function sameAttributes(a: RoadLink, b: RoadLink): boolean {
  return a.roadClass === b.roadClass && a.rtn === b.rtn && a.name === b.name && a.surface === b.surface && a.width === b.width;
}

/** Joins pairs of links meeting at nodes of degree two with identical attributes. */
function mergePseudoNodes(links: RoadLink[]): RoadLink[] {
  const alive = links.map((l) => ({ ...l, line: l.line.slice() }));
  const removed = new Uint8Array(alive.length);
  const at = new Map<string, number[]>();
  const attach = (k: number) => {
    const line = alive[k]!.line;
    for (const p of [line[0]!, line[line.length - 1]!]) {
      const key = pointKey(p);
      let list = at.get(key);
      if (!list) { list = []; at.set(key, list); }
      list.push(k);
    }
  };
  alive.forEach((_, k) => attach(k));
  const keys = [...at.keys()].sort();
  for (const key of keys) {
    const list = at.get(key)!.filter((k) => !removed[k]);
    if (list.length !== 2 || list[0] === list[1]) continue;
    const [i, j] = list as [number, number];
    const a = alive[i]!, b = alive[j]!;
    if (!sameAttributes(a, b)) continue;
    // Orient both so that a ends and b starts at the shared node.
    if (pointKey(a.line[0]!) === key) a.line.reverse();
    if (pointKey(b.line[b.line.length - 1]!) === key) b.line.reverse();
    if (pointKey(a.line[a.line.length - 1]!) !== key || pointKey(b.line[0]!) !== key) continue;
    a.line = a.line.concat(b.line.slice(1));
    removed[j] = 1;
    // b's far end now belongs to a.
    const far = at.get(pointKey(a.line[a.line.length - 1]!))!;
    far[far.indexOf(j)] = i;
    at.set(key, []);
  }
  return alive.filter((_, k) => !removed[k]);
}

/**
 * Streets of the towns and villages: an irregular grid around each centre, rotated to the road
 * through it, jittered and gently warped, clipped to a noisy disc sized by population and to
 * dry, buildable ground, thinned, and kept only where it connects to the road network. Streets
 * on the same grid line share a name. Coordinates in map metres.
 * @module sample/streets
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { createNoise, fbm } from './noise.js';
import { crossingParameter, distanceToSegment, roundLine } from './polyline.js';
import { deriveSeed, Random } from './prng.js';
import { sampleBilinear } from './raster.js';
import { ROAD_CLASSES, type RoadLink } from './roads.js';
import type { Settlement } from './settlements.js';

interface Segment { ax: number; ay: number; bx: number; by: number }

/** Rural road segments near a point. */
function nearbySegments(roads: RoadLink[], x: number, y: number, radius: number): Segment[] {
  const out: Segment[] = [];
  for (const road of roads) {
    for (let k = 1; k < road.line.length; k++) {
      const a = road.line[k - 1]!, b = road.line[k]!;
      if (distanceToSegment(x, y, a[0]!, a[1]!, b[0]!, b[1]!) <= radius) out.push({ ax: a[0]!, ay: a[1]!, bx: b[0]!, by: b[1]! });
    }
  }
  return out;
}

/** Lays out the streets of every town and village; returns them as 'Street' links. */
export function layoutStreets(land: Landscape, settlements: Settlement[], roads: RoadLink[], names: NameGenerator): RoadLink[] {
  const random = new Random(deriveSeed(land.seed, 'streets'));
  const warp = createNoise(land.seed, 'street-warp');
  const extent = createNoise(land.seed, 'street-extent');
  const { grid, dem, slope } = land;
  const water = Float32Array.from(land.water);
  const links: RoadLink[] = [];

  const dryAt = (x: number, y: number) => sampleBilinear(grid, water, x, y) < 0.01;
  settlements.forEach((town, index) => {
    if (town.type === 'Hamlet') return;
    const near = nearbySegments(roads, town.x, town.y, town.radius * 1.3);
    // Align the grid with the road nearest the centre.
    let theta = random.range(0, Math.PI);
    let best = Infinity;
    for (const s of near) {
      const d = distanceToSegment(town.x, town.y, s.ax, s.ay, s.bx, s.by);
      if (d < best && Math.hypot(s.bx - s.ax, s.by - s.ay) > 1) { best = d; theta = Math.atan2(s.by - s.ay, s.bx - s.ax); }
    }
    const ux = Math.cos(theta), uy = Math.sin(theta);
    const spacing = town.type === 'Town' ? random.range(80, 100) : random.range(95, 120);
    const radius = town.radius;
    const k = Math.ceil((radius * 1.25) / spacing);
    const side = 2 * k + 1;
    const centreZ = sampleBilinear(grid, dem, town.x, town.y);
    const reach = (x: number, y: number) => {
      const phi = Math.atan2(y - town.y, x - town.x);
      return radius * (0.7 + 0.6 * (0.5 + 0.5 * fbm(extent, Math.cos(phi) * 1.4 + index * 7.1, Math.sin(phi) * 1.4, 2)));
    };
    // Lattice nodes, jittered and warped; null where unbuildable.
    const nodes: (Position | null)[] = [];
    for (let j = -k; j <= k; j++) {
      for (let i = -k; i <= k; i++) {
        const u = i * spacing + random.range(-0.15, 0.15) * spacing;
        const v = j * spacing + random.range(-0.15, 0.15) * spacing;
        let x = town.x + u * ux - v * uy, y = town.y + u * uy + v * ux;
        x += 0.25 * spacing * fbm(warp, x / 900, y / 900, 2);
        y += 0.25 * spacing * fbm(warp, x / 900 + 50, y / 900, 2);
        const ok = Math.hypot(x - town.x, y - town.y) <= reach(x, y) && dryAt(x, y)
          && sampleBilinear(grid, slope, x, y) < 0.26 && sampleBilinear(grid, dem, x, y) < centreZ + 80;
        nodes.push(ok ? [x, y] : null);
      }
    }
    const drop = town.type === 'Town' ? 0.08 : 0.22;
    type Edge = { a: number; b: number; line: number };
    const edges: Edge[] = [];
    const streetOk = (p: Position, q: Position) => {
      const len = Math.hypot(q[0]! - p[0]!, q[1]! - p[1]!);
      for (let t = 0; t <= len; t += 10) {
        const x = p[0]! + ((q[0]! - p[0]!) * t) / len, y = p[1]! + ((q[1]! - p[1]!) * t) / len;
        if (!dryAt(x, y) || sampleBilinear(grid, slope, x, y) > 0.3) return false;
      }
      if (Math.abs(sampleBilinear(grid, dem, q[0]!, q[1]!) - sampleBilinear(grid, dem, p[0]!, p[1]!)) / len > 0.15) return false;
      // Skip streets that would run along a rural road (the road is the street there).
      const mx = (p[0]! + q[0]!) / 2, my = (p[1]! + q[1]!) / 2;
      const dx = (q[0]! - p[0]!) / len, dy = (q[1]! - p[1]!) / len;
      for (const s of near) {
        const sl = Math.hypot(s.bx - s.ax, s.by - s.ay);
        if (sl === 0) continue;
        const cos = Math.abs((dx * (s.bx - s.ax) + dy * (s.by - s.ay)) / sl);
        if (cos > 0.85 && distanceToSegment(mx, my, s.ax, s.ay, s.bx, s.by) < 45) return false;
        if (distanceToSegment(p[0]!, p[1]!, s.ax, s.ay, s.bx, s.by) < 12 || distanceToSegment(q[0]!, q[1]!, s.ax, s.ay, s.bx, s.by) < 12) return false;
      }
      return true;
    };
    for (let j = 0; j < side; j++) {
      for (let i = 0; i < side; i++) {
        const a = j * side + i;
        const p = nodes[a];
        if (!p) continue;
        const outer = Math.hypot(p[0]! - town.x, p[1]! - town.y) / radius > 0.7 ? 0.15 : 0;
        if (i + 1 < side && nodes[a + 1] && !random.chance(drop + outer) && streetOk(p, nodes[a + 1]!)) edges.push({ a, b: a + 1, line: j });
        if (j + 1 < side && nodes[a + side] && !random.chance(drop + outer) && streetOk(p, nodes[a + side]!)) edges.push({ a, b: a + side, line: side + i });
      }
    }
    // Keep the parts of the grid that meet a rural road.
    const parent = new Int32Array(side * side).map((_, i) => i);
    const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
    for (const e of edges) parent[find(e.a)] = find(e.b);
    const linked = new Set<number>();
    for (const e of edges) {
      const p = nodes[e.a]!, q = nodes[e.b]!;
      if (near.some((s) => crossingParameter(p[0]!, p[1]!, q[0]!, q[1]!, s.ax, s.ay, s.bx, s.by) >= 0)) linked.add(find(e.a));
    }
    // Join stranded parts of the grid to the nearest road by a short connecting street.
    const connectors: Position[][] = [];
    const groups = new Map<number, number[]>();
    for (const e of edges) {
      const root = find(e.a);
      if (linked.has(root)) continue;
      if (!groups.has(root)) groups.set(root, []);
      groups.get(root)!.push(e.a, e.b);
    }
    for (const [root, members] of groups) {
      let best: { node: Position; point: Position; d: number } | null = null;
      for (const m of members) {
        const p = nodes[m]!;
        for (const sg of near) {
          const dx = sg.bx - sg.ax, dy = sg.by - sg.ay;
          const len2 = dx * dx + dy * dy;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((p[0]! - sg.ax) * dx + (p[1]! - sg.ay) * dy) / len2)) : 0;
          const point: Position = [sg.ax + t * dx, sg.ay + t * dy];
          const d = Math.hypot(point[0]! - p[0]!, point[1]! - p[1]!);
          if (d > 15 && (!best || d < best.d)) best = { node: p, point, d };
        }
      }
      if (best && best.d < 160 && streetOk(best.node, best.point)) {
        linked.add(root);
        connectors.push([best.node, best.point]);
      }
    }
    const lineNames = new Map<number, string>();
    const streetNames = names.streets(4 * side, town.name);
    let nextName = 0;
    for (const e of edges) {
      if (!linked.has(find(e.a))) continue;
      if (!lineNames.has(e.line)) lineNames.set(e.line, random.chance(town.type === 'Town' ? 0.8 : 0.45) ? streetNames[nextName++]! : '');
      const name = lineNames.get(e.line)!;
      links.push({ line: roundLine([nodes[e.a]!, nodes[e.b]!]), roadClass: 'Street', rtn: null, name: name || null, surface: 'Paved', width: ROAD_CLASSES.Street.width });
    }
    for (const line of connectors) links.push({ line: roundLine(line), roadClass: 'Street', rtn: null, name: null, surface: 'Paved', width: ROAD_CLASSES.Street.width });
  });
  return links;
}

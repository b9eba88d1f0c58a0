/**
 * Place names (ZD040): settlements, hills, waters and localities (glens, straths, islands,
 * farms) gathered from the other generators, with a priority from 1 (most important) to 5.
 * @module sample/place-names
 */
import type { Position } from '../geo/geometry.js';
import type { NamedIsland, SeaLoch } from './coast.js';
import type { NamedLake } from './lakes.js';
import type { NameGenerator } from './names.js';
import type { SampleFeature } from './schema.js';
import type { Settlement } from './settlements.js';
import type { Summit } from './spot-heights.js';
import type { Farmstead } from './buildings.js';
import type { NamedRiver } from './watercourses.js';

/** TYPE values of the place_names table. */
export type PlaceType = 'City' | 'Town' | 'Village' | 'Hamlet' | 'Locality' | 'Peak' | 'Water';

/** A named place, map metres. */
export interface PlaceName {
  name: string;
  type: PlaceType;
  position: Position;
  population: number;
  priority: number;
  /** Tie-break within a priority: population for settlements, height or area otherwise. */
  weight: number;
}

/** Hills with at least this prominence are named, m. */
const NAMED_PROMINENCE = 120;
/** At most this many farms are named. */
const NAMED_FARMS = 60;

/** The generators' outputs that carry names. */
export interface PlaceSources {
  settlements: Settlement[];
  summits: Summit[];
  lakes: NamedLake[];
  seaLochs: SeaLoch[];
  openSea: { name: string; label: Position };
  islands: NamedIsland[];
  rivers: NamedRiver[];
  farms: Farmstead[];
}

/** Gathers the named places, naming hills, glens and farms on the way. */
export function collectPlaceNames(sources: PlaceSources, names: NameGenerator): PlaceName[] {
  const places: PlaceName[] = [];
  for (const s of sources.settlements) {
    places.push({ name: s.name, type: s.type, position: [s.x, s.y], population: s.population, priority: s.priority, weight: s.population });
  }
  for (const hill of sources.summits) {
    if (hill.prominence < NAMED_PROMINENCE) continue;
    places.push({ name: names.hill(hill.height), type: 'Peak', position: hill.position, population: 0, priority: hill.height >= 900 ? 2 : hill.height >= 600 ? 3 : 4, weight: hill.height });
  }
  places.push({ name: sources.openSea.name, type: 'Water', position: sources.openSea.label, population: 0, priority: 2, weight: 1e6 });
  for (const loch of sources.seaLochs) {
    places.push({ name: loch.name, type: 'Water', position: loch.label, population: 0, priority: loch.main ? 2 : 3, weight: loch.areaKm2 });
  }
  for (const lake of sources.lakes) {
    places.push({ name: lake.name, type: 'Water', position: lake.label, population: 0, priority: lake.areaKm2 >= 2 ? 2 : lake.areaKm2 >= 0.5 ? 3 : 4, weight: lake.areaKm2 });
  }
  for (const island of sources.islands) {
    places.push({ name: island.name, type: 'Locality', position: island.label, population: 0, priority: island.areaKm2 >= 5 ? 3 : 4, weight: island.areaKm2 });
  }
  for (const river of sources.rivers) {
    // The glen (or, where the river is slow on a plain, the strath) it drains.
    places.push({ name: names.valley(river.stem, river.gradient < 0.004), type: 'Locality', position: river.middle, population: 0, priority: river.areaKm2 >= 100 ? 3 : 4, weight: river.areaKm2 });
  }
  // Name a scatter of farms, well apart so names do not crowd along one road.
  const named: Farmstead[] = [];
  for (const farm of sources.farms) {
    if (named.length >= NAMED_FARMS) break;
    if (named.some((f) => Math.hypot(f.x - farm.x, f.y - farm.y) < 1500)) continue;
    named.push(farm);
    places.push({ name: names.settlement(), type: 'Locality', position: [farm.x, farm.y], population: 0, priority: 5, weight: 0 });
  }
  return places;
}

/** Place name point features (ZD040). */
export function placeNameFeatures(places: PlaceName[]): SampleFeature[] {
  return places.map((p) => ({
    geometry: { type: 'Point', coordinates: [Math.round(p.position[0]! * 10) / 10, Math.round(p.position[1]! * 10) / 10] },
    properties: { F_CODE: 'ZD040', NAM: p.name, TYPE: p.type, POP: p.population, PRIORITY: p.priority },
  }));
}

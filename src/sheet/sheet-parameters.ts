/**
 * The parameters of the sheet's production steps, with the defaults of tps.md §5.4. The
 * Topographic Production Service fills them from a product's operations; the CLI from flags.
 * Lengths in mm are millimetres on paper at the sheet's scale.
 * @module sheet/sheet-parameters
 */
import type { GridDefinition } from '../layout/grid-definition.js';

/** BuildGrid. */
export interface GridParameters {
  gridInterval: number;
  tickMinutes: number;
  crossMinutes: number;
  labelStyle: 'principal' | 'full';
  adjacentZone: 'ticks' | 'none';
}

/** GenerateContours. */
export interface ContourParameters {
  interval: number;
  indexEvery: number;
  units: 'meters' | 'feet';
  base: number;
  supplementary: boolean;
  /** mm */
  smoothTolerance: number;
  /** mm */
  minLength: number;
  /** mm */
  crowdingDistance: number;
  labelIndex: boolean;
}

/** GenerateHillshade. */
export interface HillshadeParameters { azimuth: number; altitude: number; zFactor: number; opacity: number; multidirectional: boolean }

/** GenerateSpotHeights. */
export interface SpotHeightParameters { count: number; minSpacing: number; includeSummits: boolean; includeDepressions: boolean }

/** ElevationGuide. */
export interface ElevationGuideParameters { bands: number; method: 'quantile' | 'equal_interval'; includeSpotHeights: boolean; includeHydrography: boolean }

/** AdjoiningSheets. */
export interface AdjoiningParameters { ring: number; labelField: string | null }

/** Declination. */
export interface DeclinationParameters { date: Date; rounding: number; mils: boolean; annualChange: boolean }

/** UpdateSurrounds. */
export interface SurroundParameters {
  sheetNameField: string;
  seriesName: string;
  seriesNumber: string;
  edition: string;
  /** Layout element name → text replacing the element's own. */
  notes: Record<string, string>;
  legend: 'auto' | 'full';
}

/** Every step's parameters; a step set to null is skipped (a version's excludedOperations). */
export interface SheetParameters {
  grid: GridParameters | null;
  contours: ContourParameters | null;
  hillshade: HillshadeParameters | null;
  spotHeights: SpotHeightParameters | null;
  elevationGuide: ElevationGuideParameters | null;
  adjoining: AdjoiningParameters | null;
  declination: DeclinationParameters | null;
  surrounds: SurroundParameters;
}

/** The defaults of tps.md §5.4 for a grid definition, on `date`. */
export function defaultSheetParameters(grid: GridDefinition, date: Date): SheetParameters {
  return {
    grid: { gridInterval: grid.gridInterval, tickMinutes: grid.graticule.tickMinutes, crossMinutes: grid.graticule.crossMinutes, labelStyle: 'principal', adjacentZone: 'ticks' },
    contours: {
      interval: grid.contourInterval, indexEvery: 5, units: grid.contourUnits, base: 0, supplementary: false,
      smoothTolerance: 0.2, minLength: 2, crowdingDistance: 0.3, labelIndex: true,
    },
    hillshade: { azimuth: 315, altitude: 45, zFactor: 1, opacity: 0.4, multidirectional: false },
    spotHeights: { count: 40, minSpacing: 20, includeSummits: true, includeDepressions: true },
    elevationGuide: { bands: 3, method: 'quantile', includeSpotHeights: true, includeHydrography: true },
    adjoining: { ring: 1, labelField: null },
    declination: { date, rounding: 0.5, mils: true, annualChange: true },
    surrounds: { sheetNameField: 'NAME', seriesName: '', seriesNumber: '', edition: '1', notes: {}, legend: 'auto' },
  };
}

/**
 * Magnetic declination from the World Magnetic Model and the three north angles a sheet's
 * declination diagram prints (topographic-sheet.md §9): grid convergence, declination, and the
 * G–M angle between grid and magnetic north in degrees and mils, with the annual change.
 * @module geo/declination
 */
import geomagnetism from 'geomagnetism';
import { gridConvergence } from './utm.js';

/** Declination of a point on a date, degrees east of true north (negative west). */
export interface MagneticDeclination {
  declination: number;
  /** Degrees per year the declination changes by (positive: moving east). */
  annualChange: number;
  /** The WMM edition used, e.g. `WMM-2025`. */
  model: string;
  /** False when the date lies outside every installed model's validity (the caller warns). */
  modelValid: boolean;
}

type WmmModel = ReturnType<typeof geomagnetism.model>;
/** Fields of a WMM model the package sets but does not declare. */
interface WmmCoefficients { main_field_coeff_h: number[]; secular_var_coeff_g: number[] }

/** Decimal year as the package counts it (365-day years from 1 January UTC). */
function decimalYear(date: Date): number {
  const y = date.getUTCFullYear();
  return y + (date.getTime() - Date.UTC(y, 0, 1)) / (1000 * 3600 * 24 * 365);
}

/** A date after every model the package may ship, so asking for it yields the newest one. */
const FAR_FUTURE = new Date(Date.UTC(2200, 0, 1));

/**
 * The model of `date`. Outside every model's validity the newest model is extrapolated to the
 * date (topographic-sheet.md §9), before the first model as after the last; the package's own
 * console warning is held back, the caller warns through `valid`.
 */
function modelFor(date: Date): { model: WmmModel; valid: boolean } {
  try {
    return { model: geomagnetism.model(date), valid: true };
  } catch {
    const warn = console.error;
    console.error = () => {};
    let newest: WmmModel;
    try {
      newest = geomagnetism.model(FAR_FUTURE, { allowOutOfBoundsModel: true });
    } finally {
      console.error = warn;
    }
    return { model: advance(newest, decimalYear(date) - decimalYear(FAR_FUTURE)), valid: false };
  }
}

/**
 * The same model moved on by `years` along its own secular variation, so the annual change comes
 * from one edition even where the date a year on would select the next one.
 */
function advance(m: WmmModel, years: number): WmmModel {
  const c = m as WmmModel & WmmCoefficients;
  const next = Object.assign(Object.create(Object.getPrototypeOf(m) as object) as WmmModel, m);
  next.main_field_coeff_g = m.main_field_coeff_g.map((g, i) => g + years * (c.secular_var_coeff_g[i] ?? 0));
  (next as WmmModel & WmmCoefficients).main_field_coeff_h = c.main_field_coeff_h.map((h, i) => h + years * (m.secular_var_coeff_h[i] ?? 0));
  return next;
}

/** Magnetic declination at a WGS 84 point on `date`, with its annual change. */
export function magneticDeclination(lon: number, lat: number, date: Date): MagneticDeclination {
  if (!Number.isFinite(date.getTime())) throw new RangeError('invalid date');
  const { model, valid } = modelFor(date);
  const declination = model.point([lat, lon]).decl;
  const nextYear = advance(model, 1).point([lat, lon]).decl;
  let annualChange = nextYear - declination;
  if (annualChange > 180) annualChange -= 360;
  if (annualChange < -180) annualChange += 360;
  return { declination, annualChange, model: model.name, modelValid: valid };
}

/** Mils in a full circle (NATO). */
export const MILS_PER_CIRCLE = 6400;

/** What `northAngles` needs: the sheet centre, its UTM zone and the date of the declination. */
export interface NorthAnglesInput {
  lon: number;
  lat: number;
  zone: number;
  date: Date;
  /** Step the G–M angle is rounded to, degrees. Default ½°. */
  rounding?: number;
}

/** The values of a declination diagram; angles in degrees, positive east. */
export interface NorthAngles {
  /** True north to grid north. */
  gridConvergence: number;
  /** True north to magnetic north. */
  declination: number;
  /** Degrees per year the declination changes by. */
  annualChange: number;
  /** Grid north to magnetic north: declination − convergence. */
  gmAngle: number;
  /** `gmAngle` rounded to `rounding`. */
  gmAngleRounded: number;
  /** `gmAngle` in mils, to the nearest 10. */
  gmMils: number;
  magneticEastOfGrid: boolean;
  model: string;
  modelValid: boolean;
  /** Year of the date (UTC), for the note. */
  year: number;
}

/** Grid convergence, declination and the G–M angle at a sheet centre (topographic-sheet.md §9). */
export function northAngles({ lon, lat, zone, date, rounding = 0.5 }: NorthAnglesInput): NorthAngles {
  if (!(rounding > 0)) throw new RangeError('rounding must be positive');
  const convergence = gridConvergence(lon, lat, zone);
  const mag = magneticDeclination(lon, lat, date);
  const gmAngle = mag.declination - convergence;
  const roundTo = (v: number, step: number) => Math.round(v / step) * step + 0;
  return {
    gridConvergence: convergence,
    declination: mag.declination,
    annualChange: mag.annualChange,
    gmAngle,
    gmAngleRounded: roundTo(gmAngle, rounding),
    gmMils: roundTo((gmAngle * MILS_PER_CIRCLE) / 360, 10),
    magneticEastOfGrid: gmAngle > 0,
    model: mag.model,
    modelValid: mag.modelValid,
    year: date.getUTCFullYear(),
  };
}

/**
 * A user's files sorted and checked before anything is written: each file's format is judged
 * by its content (shapefile, GeoJSON and FlatGeobuf are imported; a GeoPackage is listed and
 * copied as it is), and the DEM's header is read. Anything unreadable is refused here with a
 * message naming the file, so a bad input never leaves a half-published service behind.
 * @module publish/publish-inputs
 */
import { resolve } from 'node:path';
import { inspectGeoPackage, type GeoPackageFeatureTable } from '../ingest/geopackage-inspect.js';
import { IngestError } from '../ingest/ingest-error.js';
import { detectVectorFormat } from '../ingest/open-vector-file.js';
import { DemFormatError, readDemInfo, type DemInfo } from '../terrain/dem-source.js';
import { PublishError } from './publish-error.js';

export interface PublishInputs {
  /** Files to import into the service's GeoPackage (absolute paths). */
  vectors: string[];
  /** GeoPackages to copy, with their feature tables. */
  geopackages: { file: string; tables: GeoPackageFeatureTable[] }[];
  dem: { file: string; info: DemInfo } | null;
}

/** Turns an ingest or DEM error into a PublishError; anything else passes through. */
export function asPublishError(e: unknown, file: string): unknown {
  if (e instanceof PublishError) return e;
  if (e instanceof IngestError) return new PublishError(e.file, e.message);
  if (e instanceof DemFormatError) return new PublishError(file, e.message);
  return e;
}

/** Sorts and checks `files` (and the DEM); throws PublishError naming the first bad file. */
export async function readPublishInputs(files: readonly string[], dem?: string): Promise<PublishInputs> {
  const inputs: PublishInputs = { vectors: [], geopackages: [], dem: null };
  const seen = new Set<string>();
  for (const given of files) {
    const file = resolve(given);
    if (seen.has(file)) continue;
    seen.add(file);
    try {
      if ((await detectVectorFormat(file)) === 'geopackage') {
        const tables = inspectGeoPackage(file);
        if (tables.length === 0) throw new PublishError(given, `${given} has no feature tables to publish`);
        const undefinedSrs = tables.find((t) => !t.srs || t.srs.definition.trim().toLowerCase() === 'undefined');
        if (undefinedSrs) throw new PublishError(given, `${given}: table '${undefinedSrs.table}' has no coordinate reference system (srs_id ${undefinedSrs.srs?.srsId ?? '?'} is undefined)`);
        inputs.geopackages.push({ file, tables });
      } else {
        inputs.vectors.push(file);
      }
    } catch (e) { throw asPublishError(e, given); }
  }
  if (dem !== undefined) {
    try {
      inputs.dem = { file: resolve(dem), info: await readDemInfo(resolve(dem)) };
    } catch (e) { throw asPublishError(e, dem); }
  }
  if (!inputs.vectors.length && !inputs.geopackages.length && !inputs.dem) throw new PublishError('FILE', 'nothing to publish: give vector files (shapefile, GeoJSON, FlatGeobuf, GeoPackage) or a DEM');
  return inputs;
}

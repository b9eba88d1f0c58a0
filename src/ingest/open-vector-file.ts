/**
 * Picks the reader for a user's file by its content, not only its name: a shapefile's .shp
 * starts with file code 9994, FlatGeobuf with "fgb\x03fgb", a GeoPackage with the SQLite
 * signature, GeoJSON with `{`. The extension only decides for .shp (whose reader then checks
 * the content, so a text file named .shp is refused as "not a shapefile") and for the other
 * members of a shapefile, which are pointed back to the .shp.
 * @module ingest/open-vector-file
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { isFlatGeobufMagic, openFlatGeobuf } from './flatgeobuf-reader.js';
import { openGeoJson } from './geojson-reader.js';
import { isSqliteMagic } from './geopackage-inspect.js';
import { IngestError } from './ingest-error.js';
import { openShapefile, SHAPEFILE_FILE_CODE } from './shapefile-reader.js';
import type { VectorLayerSource } from './vector-layer.js';

export type VectorFormat = 'shapefile' | 'geojson' | 'flatgeobuf' | 'geopackage';

const SHAPEFILE_MEMBERS = new Set(['.shx', '.dbf', '.prj', '.cpg', '.sbn', '.sbx', '.qix', '.xml']);

/** The format of the file at `path`, judged by its first bytes (and the .shp extension). */
export async function detectVectorFormat(path: string): Promise<VectorFormat> {
  const ext = extname(path).toLowerCase();
  if (SHAPEFILE_MEMBERS.has(ext)) throw new IngestError(path, `${path} is one of a shapefile's companion files: import the shapefile by its .shp file`);
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, 64, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new IngestError(path, `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (ext === '.shp') return 'shapefile'; // the reader checks the signature and names the problem
  if (head.length >= 4 && head.readInt32BE(0) === SHAPEFILE_FILE_CODE) {
    throw new IngestError(path, `${path} has a shapefile signature but not the .shp extension: import the shapefile by its .shp file`);
  }
  if (isFlatGeobufMagic(head)) return 'flatgeobuf';
  if (isSqliteMagic(head)) return 'geopackage';
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) return 'geojson';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new IngestError(path, `${path} is a zip archive: extract it and import the files inside`);
  }
  throw new IngestError(path, `${path} is not a vector format Quadrangle imports (shapefile .shp, GeoJSON, FlatGeobuf)${head.length === 0 ? ': the file is empty' : ''}`);
}

/** Opens a user's vector file as layers. GeoPackages are refused: they are served in place. */
export async function openVectorFile(path: string): Promise<VectorLayerSource[]> {
  switch (await detectVectorFormat(path)) {
    case 'shapefile': return [await openShapefile(path)];
    case 'geojson': return openGeoJson(path);
    case 'flatgeobuf': return openFlatGeobuf(path);
    case 'geopackage':
      throw new IngestError(path, `${path} is a GeoPackage: GeoPackages are published in place, not imported (inspectGeoPackage lists its tables)`);
  }
}

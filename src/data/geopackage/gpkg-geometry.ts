/**
 * GeoPackage binary geometry: the `GP` header (version, flags, srs_id, optional envelope)
 * followed by WKB. OGC 12-128r18 §2.1.3.
 * @module data/geopackage/gpkg-geometry
 */
import type { Envelope, Geometry } from '../../geo/geometry.js';
import { geometryEnvelope } from '../../geo/geometry.js';
import { decodeWkb, encodeWkb, WkbError } from '../../geo/wkb.js';

/**
 * Encodes a geometry as a GeoPackage blob with an [minx, maxx, miny, maxy] envelope
 * (envelope code 1), little-endian, as GDAL writes it. Points carry no envelope.
 */
export function encodeGpkgGeometry(g: Geometry, srsId: number): Buffer {
  const wkb = encodeWkb(g);
  const withEnvelope = g.type !== 'Point';
  const header = Buffer.alloc(8 + (withEnvelope ? 32 : 0));
  header.write('GP', 0, 'ascii');
  header.writeUInt8(0, 2); // version 1
  header.writeUInt8((withEnvelope ? 1 << 1 : 0) | 1, 3); // envelope code, little-endian
  header.writeInt32LE(srsId, 4);
  if (withEnvelope) {
    const e = geometryEnvelope(g);
    header.writeDoubleLE(e.xmin, 8);
    header.writeDoubleLE(e.xmax, 16);
    header.writeDoubleLE(e.ymin, 24);
    header.writeDoubleLE(e.ymax, 32);
  }
  return Buffer.concat([header, wkb]);
}

/** Byte length of each envelope code's envelope (codes 0–4). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

export interface DecodedGpkgGeometry {
  srsId: number;
  /** The header's envelope, when it has one. */
  envelope: Envelope | null;
  /** `null` for an empty geometry. */
  geometry: Geometry | null;
}

/** Decodes a GeoPackage geometry blob. Throws WkbError on anything malformed. */
export function decodeGpkgGeometry(blob: Uint8Array): DecodedGpkgGeometry {
  if (blob.byteLength < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new WkbError('not a GeoPackage geometry');
  const flags = blob[3]!;
  const le = (flags & 1) === 1;
  const empty = (flags & 0x10) !== 0;
  const envelopeCode = (flags >> 1) & 0x7;
  const envBytes = ENVELOPE_BYTES[envelopeCode];
  if (envBytes === undefined) throw new WkbError(`invalid envelope code ${envelopeCode}`);
  if (blob.byteLength < 8 + envBytes) throw new WkbError('GeoPackage geometry is truncated');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const srsId = view.getInt32(4, le);
  const envelope = envBytes
    ? { xmin: view.getFloat64(8, le), xmax: view.getFloat64(16, le), ymin: view.getFloat64(24, le), ymax: view.getFloat64(32, le) }
    : null;
  const geometry = empty ? null : decodeWkb(blob, 8 + envBytes);
  return { srsId, envelope, geometry };
}

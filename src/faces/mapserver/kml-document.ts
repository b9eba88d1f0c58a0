/**
 * KML documents and KMZ archives for `generateKml` and `kml/mapImage.kmz` (mapserver.md §9):
 * a network link back to the service, and the ground overlay it fetches. Plain text in,
 * bytes out; nothing here knows HTTP.
 * @module faces/mapserver/kml-document
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { Envelope } from '../../geo/geometry.js';

/** The MIME type of a KMZ archive. */
export const KMZ_TYPE = 'application/vnd.google-earth.kmz';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element or attribute. */
function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

const kml = (document: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n${document}\n</Document>\n</kml>\n`;

/** One network link: its name in the KML client and the absolute URL it fetches. */
export interface KmlLink { name: string; href: string }

/**
 * A document of network links that reload their image when the view stops moving: Google
 * Earth then appends `BBOX=west,south,east,north` of the view to each `href`.
 */
export function networkLinkKml(docName: string, links: KmlLink[]): string {
  return kml([
    `<name>${escapeXml(docName)}</name>`, '<open>1</open>',
    ...links.map((l) => `<NetworkLink>
  <name>${escapeXml(l.name)}</name>
  <visibility>1</visibility>
  <Link>
    <href>${escapeXml(l.href)}</href>
    <refreshMode>onChange</refreshMode>
    <viewRefreshMode>onStop</viewRefreshMode>
    <viewRefreshTime>1</viewRefreshTime>
  </Link>
</NetworkLink>`),
  ].join('\n'));
}

/** A ground overlay draping `imagePath` (a file in the same KMZ) over a WGS 84 box. */
export function groundOverlayKml(name: string, imagePath: string, box: Envelope): string {
  return kml(`<name>${escapeXml(name)}</name>
<GroundOverlay>
  <name>${escapeXml(name)}</name>
  <Icon><href>${escapeXml(imagePath)}</href></Icon>
  <LatLonBox>
    <north>${box.ymax}</north>
    <south>${box.ymin}</south>
    <east>${box.xmax}</east>
    <west>${box.xmin}</west>
  </LatLonBox>
</GroundOverlay>`);
}

/**
 * Zips a KML document as `doc.kml`, first in the archive as KML clients expect, with any
 * files it refers to. Images are stored, not deflated: they are compressed already.
 */
export function kmz(docKml: string, files: Record<string, Uint8Array> = {}): Uint8Array {
  const entries: Zippable = { 'doc.kml': strToU8(docKml) };
  for (const [path, data] of Object.entries(files)) entries[path] = [data, { level: 0 }];
  return zipSync(entries);
}

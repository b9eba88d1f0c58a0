/**
 * The default symbols of published layers: a circle marker, a solid line or a light fill with an
 * outline, in a colour taken from the layer's position in its service (golden-angle steps
 * around the colour wheel), so neighbouring layers never look alike and the same files always
 * draw the same map.
 * @module publish/default-symbols
 */
import type { EsriGeometryType } from '../geo/esri-json.js';

type Rgba = [number, number, number, number];

/** HSL (degrees, 0–1, 0–1) to RGB bytes. */
function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

/** The layer's hue: golden-angle steps from a blue, so neighbours in the service never look alike. */
export function layerHue(index: number): number {
  return (210 + index * 137.508) % 360;
}

const sls = (color: Rgba, width: number) => ({ type: 'esriSLS', style: 'esriSLSSolid', color, width });

/** The default symbol of a geometry type in the layer's colour. */
export function defaultSymbol(geometryType: EsriGeometryType, index: number): Record<string, unknown> {
  const hue = layerHue(index);
  const strong: Rgba = [...hsl(hue, 0.7, 0.42), 255];
  const dark: Rgba = [...hsl(hue, 0.6, 0.28), 255];
  switch (geometryType) {
    case 'esriGeometryPoint':
    case 'esriGeometryMultipoint':
      return { type: 'esriSMS', style: 'esriSMSCircle', color: strong, size: 7, angle: 0, xoffset: 0, yoffset: 0, outline: sls([255, 255, 255, 255], 1) };
    case 'esriGeometryPolyline':
      return sls(strong, 1.5);
    default:
      // Light, partly transparent fills let the layers below (and the hillshade) show through.
      return { type: 'esriSFS', style: 'esriSFSSolid', color: [...hsl(hue, 0.55, 0.78), 160], outline: sls(dark, 0.8) };
  }
}

/**
 * `identify` and `find` over HTTP (mapserver.md §7–8).
 * @module faces/mapserver/identify.route
 */
import type { RouteContext } from './mapserver-face.js';
import { registerOperationRoute } from './operation-route.js';

const bool = (value: string) => ({ kind: 'select' as const, options: value === 'true' ? ['true', 'false'] : ['false', 'true'], value });

export function registerIdentifyAndFindRoutes(routes: RouteContext): void {
  registerOperationRoute(routes, {
    name: 'identify', title: 'Identify', capability: 'Query', required: ['geometry'],
    form: [
      { name: 'geometry', kind: 'textarea' },
      { name: 'geometryType', kind: 'select', options: ['esriGeometryPoint', 'esriGeometryMultipoint', 'esriGeometryPolyline', 'esriGeometryPolygon', 'esriGeometryEnvelope'] },
      { name: 'sr' }, { name: 'layers', value: 'top' }, { name: 'layerDefs', kind: 'textarea' }, { name: 'tolerance', value: '3' },
      { name: 'mapExtent' }, { name: 'imageDisplay', value: '800,600,96' }, { name: 'returnGeometry', ...bool('true') },
      { name: 'maxAllowableOffset' }, { name: 'geometryPrecision' }, { name: 'returnUnformattedValues', ...bool('false') }, { name: 'returnFieldName', ...bool('false') },
    ],
  });
  registerOperationRoute(routes, {
    name: 'find', title: 'Find', capability: 'Data', required: ['searchText'],
    form: [
      { name: 'searchText' }, { name: 'contains', ...bool('true') }, { name: 'searchFields' }, { name: 'sr' }, { name: 'layers' },
      { name: 'layerDefs', kind: 'textarea' }, { name: 'returnGeometry', ...bool('true') }, { name: 'maxAllowableOffset' }, { name: 'geometryPrecision' },
      { name: 'returnUnformattedValues', ...bool('false') }, { name: 'returnFieldName', ...bool('false') },
    ],
  });
}

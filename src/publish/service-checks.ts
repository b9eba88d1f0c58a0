/**
 * The checks a definition passes before it reaches the catalog — the same the Administrator API
 * makes (`ServiceAdmin.create`): the definition is validated whole, then opened as the server
 * opens it (`MapService`: every feature source, every DEM header, paths confined to the data
 * directory). A service that passes can be served; one that does not is never written.
 * @module publish/service-checks
 */
import { MapService } from '../catalog/map-service.js';
import { validateServiceDefinition, type ServiceDefinition } from '../catalog/service-definition.js';
import { resolveDataPath } from '../data/source-registry.js';
import type { Envelope } from '../geo/geometry.js';

/** A check that failed: `layerId` is the layer whose data could not be opened, if any. */
export class ServiceCheckError extends Error {
  constructor(message: string, readonly layerId: number | null = null) {
    super(message);
  }
}

/**
 * Validates `definition` and opens every layer's data from `dataDir`; resolves to the service's
 * full extent (service SR), or null when no layer has one. Throws ServiceCheckError.
 */
export async function checkServiceDefinition(definition: ServiceDefinition, dataDir: string): Promise<Envelope | null> {
  const issues = validateServiceDefinition(definition);
  if (issues.length) throw new ServiceCheckError(`the service definition is invalid: ${issues.slice(0, 5).map((i) => `${i.path} ${i.message}`).join('; ')}`);
  const service = new MapService(definition, 0, dataDir);
  try {
    await service.prepare();
    for (const layer of definition.layers) {
      if (layer.type === 'Group Layer') continue;
      try {
        if (layer.type === 'Raster Layer' && layer.raster) resolveDataPath(dataDir, layer.raster.path);
        service.layer(layer.id);
      } catch (e) {
        throw new ServiceCheckError(`the data of layer ${layer.id} ('${layer.name}') cannot be opened: ${(e as Error).message}`, layer.id);
      }
    }
    try {
      return service.fullExtent();
    } catch (e) {
      throw new ServiceCheckError(`the extent of the layers cannot be brought into the service's spatial reference: ${(e as Error).message}`);
    }
  } finally { service.close(); }
}

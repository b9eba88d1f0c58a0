/**
 * A map service ready to answer requests: its definition plus its layers' feature sources,
 * opened on first use and closed when the definition changes. Raster layers' DEM headers are
 * read once, asynchronously, by `prepare`, so layers can still be described synchronously.
 * @module catalog/map-service
 */
import type { DrawCache } from '../data/draw-cache.js';
import type { FeatureSource, FieldInfo } from '../data/feature-source.js';
import { FeatureQueryError } from '../data/feature-source.js';
import { openFeatureSource, resolveDataPath } from '../data/source-registry.js';
import type { Envelope } from '../geo/geometry.js';
import { emptyEnvelope, isEmptyEnvelope } from '../geo/geometry.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { openDemSource, readDemInfo, type DemInfo, type DemSource } from '../terrain/dem-source.js';
import type { LayerDefinition, RasterLayerConfig, ServiceDefinition } from './service-definition.js';

/** A Raster Layer's DEM: its configuration, resolved file and header. */
export interface RasterLayerData {
  config: RasterLayerConfig;
  /** Absolute path, confined to the data directory. */
  path: string;
  info: DemInfo;
}

/** A layer with its opened source and the field list as clients see it (aliases applied). */
export interface MapLayer {
  definition: LayerDefinition;
  /** `null` for group and raster layers. */
  source: FeatureSource | null;
  /** The DEM of a Raster Layer. */
  raster?: RasterLayerData;
  fields: FieldInfo[];
  displayField: string;
  /** In the layer's own SR. */
  extent: Envelope | null;
  /** The layer's SR (the source's), which may differ from the service's. */
  spatialReference: SpatialReference;
}

export const DEFAULT_MAX_RECORD_COUNT = 2000;
export const DEFAULT_MAX_IMAGE_SIZE = 4096;

export class MapService {
  private readonly layers = new Map<number, MapLayer>();
  private fullExtentCache: Envelope | null | undefined;
  private readonly rasters = new Map<number, RasterLayerData>();
  /** Memoised response bodies that depend only on the definition (root JSON and the like). */
  readonly memo = new Map<string, unknown>();

  /**
   * @param drawCache where exports and tiles of this thread keep features in memory (null: read
   * every draw from the sources)
   */
  constructor(readonly definition: ServiceDefinition, readonly revision: number, private readonly dataDir: string, readonly drawCache: DrawCache | null = null) {}

  get path(): string { return this.definition.folder ? `${this.definition.folder}/${this.definition.serviceName}` : this.definition.serviceName; }
  get maxRecordCount(): number { return this.definition.maxRecordCount ?? DEFAULT_MAX_RECORD_COUNT; }
  get spatialReference(): SpatialReference { return this.definition.spatialReference; }

  layerDefinition(id: number): LayerDefinition | undefined {
    return this.definition.layers.find((l) => l.id === id);
  }

  /**
   * Reads the headers of the raster layers' DEMs. The service manager calls it once after
   * construction; a DEM that cannot be read is reported by `layer` instead.
   */
  async prepare(): Promise<void> {
    await Promise.all(this.definition.layers.map(async (def) => {
      if (def.type !== 'Raster Layer' || !def.raster) return;
      try {
        const path = resolveDataPath(this.dataDir, def.raster.path);
        this.rasters.set(def.id, { config: def.raster, path, info: await readDemInfo(path) });
      } catch { /* left for layer() to report */ }
    }));
  }

  /** The DEM samples of a raster layer, read whole on first use and shared within the process. */
  async dem(layer: MapLayer): Promise<DemSource> {
    if (!layer.raster) throw new FeatureQueryError(`layer ${layer.definition.id} is not a raster layer`);
    return openDemSource(layer.raster.path);
  }

  private rasterLayer(def: LayerDefinition): MapLayer {
    const raster = this.rasters.get(def.id);
    if (!raster) throw new FeatureQueryError(`the elevation model of layer ${def.id} cannot be read`);
    return { definition: def, source: null, raster, fields: [], displayField: '', extent: raster.info.extent, spatialReference: raster.info.spatialReference };
  }

  /** Opens the layer's source on first use. Throws when the source cannot be opened. */
  layer(id: number): MapLayer | undefined {
    const cached = this.layers.get(id);
    if (cached) return cached;
    const def = this.layerDefinition(id);
    if (!def) return undefined;
    if (def.type === 'Raster Layer') {
      const layer = this.rasterLayer(def);
      this.layers.set(id, layer);
      return layer;
    }
    const source = def.source ? openFeatureSource(def.source, this.dataDir) : null;
    const aliases = def.fieldAliases ?? {};
    const fields = source ? source.schema.fields.map((f) => ({ ...f, alias: aliases[f.name] ?? f.alias })) : [];
    const displayField = def.displayField && fields.some((f) => f.name === def.displayField)
      ? def.displayField
      : fields.find((f) => f.type === 'esriFieldTypeString')?.name ?? source?.schema.objectIdField ?? '';
    const layer: MapLayer = {
      definition: def, source, fields, displayField,
      extent: source?.extent() ?? null,
      spatialReference: source?.schema.spatialReference ?? this.spatialReference,
    };
    this.layers.set(id, layer);
    return layer;
  }

  /**
   * Like `layer`, but a layer whose source cannot be opened (a file removed since publishing)
   * yields `undefined`, so service-wide answers still list the others.
   */
  tryLayer(id: number): MapLayer | undefined {
    try { return this.layer(id); } catch { return undefined; }
  }

  /** Layer extent in the service's SR. */
  layerExtentInServiceSr(layer: MapLayer): Envelope | null {
    if (!layer.extent) return null;
    return transformEnvelope(layer.extent, getTransform(layer.spatialReference, this.spatialReference));
  }

  /** Union of the layers' extents in the service SR. */
  fullExtent(): Envelope | null {
    if (this.fullExtentCache !== undefined) return this.fullExtentCache;
    const e = emptyEnvelope();
    for (const def of this.definition.layers) {
      const layer = this.tryLayer(def.id);
      const le = layer && this.layerExtentInServiceSr(layer);
      if (!le) continue;
      e.xmin = Math.min(e.xmin, le.xmin); e.ymin = Math.min(e.ymin, le.ymin);
      e.xmax = Math.max(e.xmax, le.xmax); e.ymax = Math.max(e.ymax, le.ymax);
    }
    this.fullExtentCache = isEmptyEnvelope(e) ? null : e;
    return this.fullExtentCache;
  }

  close(): void {
    for (const l of this.layers.values()) {
      if (l.source) this.drawCache?.release(l.source);
      l.source?.close();
    }
    this.layers.clear();
  }
}

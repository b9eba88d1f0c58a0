/**
 * Keeps MapService runtimes for the definitions in a CatalogStore. A runtime is reused while
 * its definition's revision is unchanged; the store is asked again at most every
 * `refreshMs`, so a change made elsewhere is seen within that time.
 * @module catalog/service-manager
 */
import type { CatalogStore } from './catalog-store.js';
import type { DrawCache } from '../data/draw-cache.js';
import { MapService } from './map-service.js';

interface Entry { service: MapService | null; checkedAt: number }

export class ServiceManager {
  private readonly entries = new Map<string, Entry>();

  private readonly refreshMs: number;
  private readonly drawCache: DrawCache | null;

  /**
   * @param options.refreshMs how long a runtime is trusted before the store is asked again (default 2000)
   * @param options.drawCache this thread's memory for drawing, shared by its services' layers
   */
  constructor(readonly store: CatalogStore, private readonly dataDir: string, options: { refreshMs?: number; drawCache?: DrawCache } = {}) {
    this.refreshMs = options.refreshMs ?? 2000;
    this.drawCache = options.drawCache ?? null;
  }

  /** The started or stopped service at folder/name, or null when none exists. */
  async get(folder: string, name: string): Promise<MapService | null> {
    const key = `${folder}/${name}`;
    const entry = this.entries.get(key);
    const now = Date.now();
    if (entry && now - entry.checkedAt < this.refreshMs) return entry.service;
    const stored = await this.store.getService(folder, name);
    let service = entry?.service ?? null;
    if (!stored) { service?.close(); service = null; }
    else if (!service || service.revision !== stored.revision) {
      service?.close();
      service = new MapService(stored.definition, stored.revision, this.dataDir, this.drawCache);
      await service.prepare();
    }
    this.entries.set(key, { service, checkedAt: now });
    return service;
  }

  /** Forget a cached runtime, e.g. after this node changed the definition. */
  invalidate(folder: string, name: string): void {
    const key = `${folder}/${name}`;
    this.entries.get(key)?.service?.close();
    this.entries.delete(key);
  }

  close(): void {
    for (const e of this.entries.values()) e.service?.close();
    this.entries.clear();
  }
}

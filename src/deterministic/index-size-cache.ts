/**
 * LRU cache of per-ordinal INDEX file sizes (spec 01 §9.4), keyed by SHA256(signatures ‖ 0x00 ‖
 * u32be(ic) ‖ u32be(max)). Regenerating index files means zstd-compressing `rq_ids_max` payloads, so
 * the challenger caches the sizes per ticket metadata. In-memory state only; no I/O.
 */
import { INDEX_SIZE_CACHE_CAPACITY } from './constants.js';
import { indexSizeCacheKey } from './artifacts.js';
import { checkCount } from './validate.js';

export class IndexSizeCache {
  private readonly entries = new Map<string, readonly bigint[]>();
  private readonly capacity: number;

  constructor(capacity = INDEX_SIZE_CACHE_CAPACITY) {
    this.capacity = checkCount(capacity, 'capacity');
  }

  get size(): number {
    return this.entries.size;
  }

  private static key(signatures: string, rqIdsIc: bigint, rqIdsMax: bigint): string {
    return Buffer.from(indexSizeCacheKey(signatures, rqIdsIc, rqIdsMax)).toString('hex');
  }

  get(signatures: string, rqIdsIc: bigint, rqIdsMax: bigint): readonly bigint[] | undefined {
    const k = IndexSizeCache.key(signatures, rqIdsIc, rqIdsMax);
    const v = this.entries.get(k);
    if (v !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.entries.delete(k);
      this.entries.set(k, v);
    }
    return v;
  }

  set(signatures: string, rqIdsIc: bigint, rqIdsMax: bigint, sizes: readonly bigint[]): void {
    const k = IndexSizeCache.key(signatures, rqIdsIc, rqIdsMax);
    this.entries.delete(k);
    this.entries.set(k, [...sizes]);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Sizes from the cache, or computed by `compute` and stored. */
  getOrCompute(signatures: string, rqIdsIc: bigint, rqIdsMax: bigint, compute: () => readonly bigint[]): readonly bigint[] {
    const hit = this.get(signatures, rqIdsIc, rqIdsMax);
    if (hit !== undefined) return hit;
    const sizes = compute();
    this.set(signatures, rqIdsIc, rqIdsMax, sizes);
    return sizes;
  }
}

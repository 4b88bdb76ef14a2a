/**
 * Artefact key and size of a selected (ticket, class, ordinal) (spec 04 §2.5 steps 5–6). INDEX sizes come
 * from regenerated index files, memoised per metadata in the 256-entry LRU of spec 01 §9.4; a non-zero
 * size of a content-verified local copy replaces the metadata size.
 */
import {
  IndexSizeCache, StorageProofArtifactClass, challengeArtifactSize, indexFileBytes, resolveArtifactKey, resolveArtifactSize,
} from '../deterministic/index.js';
import { zstdCompress } from '../cascade/zstd.js';
import { errorMessage } from '../util/errors.js';
import { TicketFlowError, type TicketInfo } from './tickets.js';

/** Size of the local, content-verified copy of an artefact; undefined when not held. */
export type StoredSizeProvider = (key: string) => Promise<bigint | undefined>;

export class ArtefactResolver {
  private readonly indexSizes = new IndexSizeCache();

  constructor(private readonly storedSize?: StoredSizeProvider) {}

  key(t: TicketInfo, cls: StorageProofArtifactClass, ordinal: number): string {
    try {
      return resolveArtifactKey(t.meta, cls, ordinal, zstdCompress);
    } catch (err) {
      throw new TicketFlowError('resolve_key', `resolve artifact key: ${errorMessage(err)}`, { cause: err });
    }
  }

  async size(t: TicketInfo, cls: StorageProofArtifactClass, ordinal: number, key: string): Promise<bigint> {
    let fallback: bigint;
    try {
      if (cls === StorageProofArtifactClass.INDEX) {
        const sigs = t.meta.signatures ?? '';
        const sizes = this.indexSizes.getOrCompute(sigs, t.meta.rqIdsIc, t.meta.rqIdsMax, () => {
          const n = Number(t.meta.rqIdsMax & 0xffff_ffffn);
          return Array.from({ length: n }, (_, i) => BigInt(indexFileBytes(t.meta, i, zstdCompress).length));
        });
        const s = sizes[ordinal];
        fallback = s ?? resolveArtifactSize(t.fileSizeKbs, t.meta, cls, ordinal, zstdCompress);
      } else {
        fallback = resolveArtifactSize(t.fileSizeKbs, t.meta, cls, ordinal, zstdCompress);
      }
    } catch (err) {
      throw new TicketFlowError('resolve_size', `resolve artifact size: ${errorMessage(err)}`, { cause: err });
    }
    if (!this.storedSize) return fallback;
    let stored: bigint | undefined;
    try {
      stored = await this.storedSize(key);
    } catch {
      stored = undefined; // an unreadable local copy keeps the metadata size
    }
    return challengeArtifactSize(fallback, stored);
  }
}

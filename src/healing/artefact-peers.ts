/**
 * Peer artefact exchange used by self-healing, over lumera-alts gRPC (`supernode.HealArtefactService`):
 * fetch blobs by key from a holder, and store a VERIFIED heal op's rebuilt artefacts on a holder.
 * The healer and finalizer depend only on the `ArtefactPeers` interface.
 */
import type * as grpc from '@grpc/grpc-js';
import { HealArtefactServiceClient, type FetchArtefactsResponse } from '../gen/supernode/heal_artefacts.js';
import { streamStoreArtefacts, type ArtefactBlob } from '../cascade/store-stream.js';
import type { PeerDialer } from '../transport/peer-dialer.js';
import { blake3Base58 } from '../cascade/hash.js';
import { InvalidArgumentError } from '../util/errors.js';

/** Most keys in one fetch request (the server refuses more). */
export const MAX_FETCH_KEYS = 1000;
/** Largest single artefact accepted (symbols are 65 532 bytes; ID files are a few MB at most). */
export const MAX_ARTEFACT_BYTES = 3 * 1024 * 1024;

export { MESSAGE_TARGET_BYTES, type ArtefactBlob } from '../cascade/store-stream.js';

export interface ArtefactPeers {
  /**
   * Asks `holder` for `keys` (≤ MAX_FETCH_KEYS) and hands each blob it has to `onBlob` as it arrives
   * (already checked: content hashes to its key; anything else is dropped). Resolves with the count delivered.
   */
  fetch(holder: string, actionId: string, keys: readonly string[], onBlob: (blob: ArtefactBlob) => Promise<void>, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<number>;
  /** Stores `blobs` (in order: ID files before symbols) of heal op `healOpId` on `holder`; resolves with the count stored. */
  store(holder: string, healOpId: bigint, blobs: AsyncIterable<ArtefactBlob>, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<number>;
}

/** The production implementation over the pooled peer dialer. */
export class GrpcArtefactPeers implements ArtefactPeers {
  constructor(private readonly dialer: PeerDialer, private readonly defaultTimeoutMs = 120_000) {}

  async fetch(holder: string, actionId: string, keys: readonly string[], onBlob: (blob: ArtefactBlob) => Promise<void>, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<number> {
    if (keys.length === 0) return 0;
    if (keys.length > MAX_FETCH_KEYS) throw new InvalidArgumentError('keys', `must hold at most ${MAX_FETCH_KEYS} keys, got ${keys.length}`);
    const client = await this.dialer.client<HealArtefactServiceClient>(holder, HealArtefactServiceClient as unknown as grpc.ServiceClientConstructor);
    const call = client.fetchArtefacts({ actionId, keys: [...keys] }, { deadline: Date.now() + (opts.timeoutMs ?? this.defaultTimeoutMs) });
    const wanted = new Set(keys);
    call.on('error', () => undefined); // the iterator reports errors; a late CANCELLED must not go uncaught
    const onAbort = () => call.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let delivered = 0;
    try {
      for await (const msg of call as AsyncIterable<FetchArtefactsResponse>) {
        for (const a of msg.artefacts) {
          if (!wanted.has(a.key) || blake3Base58(a.data) !== a.key) continue; // never trust a peer's bytes
          wanted.delete(a.key);
          await onBlob({ key: a.key, data: a.data });
          delivered++;
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    return delivered;
  }

  async store(holder: string, healOpId: bigint, blobs: AsyncIterable<ArtefactBlob>, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<number> {
    const client = await this.dialer.client<HealArtefactServiceClient>(holder, HealArtefactServiceClient as unknown as grpc.ServiceClientConstructor);
    return streamStoreArtefacts(client, { healOpId }, blobs, { signal: opts.signal, timeoutMs: opts.timeoutMs ?? this.defaultTimeoutMs });
  }
}

/**
 * The one client of `supernode.HealArtefactService/StoreArtefacts` (lumera-alts): used by a cascade upload
 * (scope = the action, on the first message) and by a healer publishing a VERIFIED heal op (scope = the
 * heal op). Blobs are batched to about 1 MiB per message and written with backpressure; the holder
 * authorises the call by our handshake identity and recomputes every key.
 */
import * as grpc from '@grpc/grpc-js';
import type { HealArtefactServiceClient, StoreArtefactsRequest, StoreArtefactsResponse } from '../gen/supernode/heal_artefacts.js';

/** Target payload of one streamed message (both directions); grpc-js's default receive limit is 4 MiB. */
export const MESSAGE_TARGET_BYTES = 1024 * 1024;

export interface ArtefactBlob {
  key: string;
  data: Uint8Array;
}

/** What the first message names: the action of an upload, or the heal op being published. */
export type StoreScope = { actionId: string } | { healOpId: bigint };

export interface StoreStreamOptions {
  /** Deadline of the whole stream. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called after each message is handed to the transport, with the bytes it carried. */
  onSent?: (bytes: number) => void;
}

type Outcome = { ok: true; res: StoreArtefactsResponse } | { ok: false; err: unknown };

function isRefusal(err: unknown): err is grpc.ServiceError {
  const code = (err as Partial<grpc.ServiceError> | undefined)?.code;
  return typeof code === 'number' && code !== grpc.status.CANCELLED;
}

/**
 * Streams `blobs` (ID files first, then symbols) to the holder behind `client`; resolves with the count it
 * stored. Rejects with the holder's refusal (a grpc ServiceError) when the holder ended the call, since that
 * says more than the write that failed after it; otherwise with what failed here.
 */
export async function streamStoreArtefacts(client: HealArtefactServiceClient, scope: StoreScope, blobs: AsyncIterable<ArtefactBlob> | Iterable<ArtefactBlob>, opts: StoreStreamOptions): Promise<number> {
  let settle!: (o: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => (settle = resolve));
  const call = client.storeArtefacts({ deadline: Date.now() + opts.timeoutMs }, (err: grpc.ServiceError | null, res?: StoreArtefactsResponse) => {
    settle(err || !res ? { ok: false, err: err ?? new Error('empty response') } : { ok: true, res });
  });
  // The call can end (refused, cancelled, past its deadline) while we are still writing: stop writing
  // then, and never wait for a 'drain' that an ended call does not emit.
  let ended = false;
  void done.then(() => (ended = true));
  const onAbort = () => call.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let batch: ArtefactBlob[] = [];
    let bytes = 0;
    let first = true;
    const flush = async () => {
      const msg: StoreArtefactsRequest = {
        healOpId: first && 'healOpId' in scope ? scope.healOpId : 0n,
        actionId: first && 'actionId' in scope ? scope.actionId : '',
        artefacts: batch.map((b) => ({ key: b.key, data: b.data })),
      };
      const sent = bytes;
      first = false;
      batch = [];
      bytes = 0;
      if (ended) return;
      if (!call.write(msg)) await Promise.race([new Promise<void>((resolve) => call.once('drain', resolve)), done]);
      opts.onSent?.(sent);
    };
    for await (const b of blobs) {
      if (ended) break;
      batch.push(b);
      bytes += b.data.length;
      if (bytes >= MESSAGE_TARGET_BYTES) await flush();
    }
    if (!ended && (batch.length > 0 || first)) await flush();
    call.end();
  } catch (err) {
    call.cancel();
    const r = await done;
    throw !r.ok && isRefusal(r.err) ? r.err : err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const r = await done;
  if (!r.ok) throw r.err;
  return r.res.stored;
}

/**
 * Client side of a cascade upload over `supernode.HealArtefactService/StoreArtefacts` (lumera-alts): one
 * client stream per holder, `action_id` on the first message, blobs batched to about 1 MiB per message and
 * written with backpressure. The holder authorises the call by our handshake identity
 * (src/cascade/upload-policy.ts) and recomputes every key.
 */
import type * as grpc from '@grpc/grpc-js';
import { HealArtefactServiceClient, type StoreArtefactsRequest, type StoreArtefactsResponse } from '../gen/supernode/heal_artefacts.js';
import { MESSAGE_TARGET_BYTES, type ArtefactBlob } from '../healing/artefact-peers.js';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';

/** What the upload needs from the pooled dialer (src/transport/peer-dialer.ts). */
export interface ClientDialer {
  client<T extends grpc.Client>(account: string, ctor: grpc.ServiceClientConstructor): Promise<T>;
}

export class UploadTransferError extends SupernodeError {
  constructor(message: string, details: { holder: string; actionId: string }, options?: { cause?: unknown }) {
    super('CASCADE_UPLOAD_STORE_FAILED', message, details, options);
  }
}

export interface StoreOptions {
  /** Deadline of the whole stream. Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after each message is handed to the transport, with the bytes it carried. */
  onSent?: (bytes: number) => void;
}

/** Streams `blobs` (ID files first, then symbols) of `actionId` to `holder`; resolves with the count stored. */
export async function storeOnHolder(dialer: ClientDialer, holder: string, actionId: string, blobs: AsyncIterable<ArtefactBlob> | Iterable<ArtefactBlob>, opts: StoreOptions = {}): Promise<number> {
  if (typeof actionId !== 'string' || !/^[0-9]{1,64}$/.test(actionId)) throw new InvalidArgumentError('actionId', 'must be a decimal action id');
  const where = { holder, actionId };
  const client = await dialer.client<HealArtefactServiceClient>(holder, HealArtefactServiceClient as unknown as grpc.ServiceClientConstructor);
  let settle!: (r: { ok: true; res: StoreArtefactsResponse } | { ok: false; err: unknown }) => void;
  const done = new Promise<{ ok: true; res: StoreArtefactsResponse } | { ok: false; err: unknown }>((resolve) => (settle = resolve));
  const call = client.storeArtefacts({ deadline: Date.now() + (opts.timeoutMs ?? 120_000) }, (err: grpc.ServiceError | null, res?: StoreArtefactsResponse) => {
    settle(err || !res ? { ok: false, err: err ?? new Error('empty response') } : { ok: true, res });
  });
  // A refused call ends the stream early; writes after that must not hang on 'drain'.
  let ended = false;
  void done.then(() => (ended = true));
  const onAbort = () => call.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let batch: ArtefactBlob[] = [];
    let bytes = 0;
    let first = true;
    const flush = async () => {
      const msg: StoreArtefactsRequest = { healOpId: 0n, actionId: first ? actionId : '', artefacts: batch };
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
    // The holder's own refusal (when it ended the call first) says more than our failed write.
    const r = await done;
    const cause = !r.ok && typeof (r.err as Partial<grpc.ServiceError>).code === 'number' && (r.err as grpc.ServiceError).code !== 1 ? r.err : err;
    throw new UploadTransferError(`store on ${holder} for action ${actionId}: ${(cause as Partial<grpc.ServiceError>).details ?? (cause as Error).message}`, where, { cause });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const r = await done;
  if (!r.ok) {
    const e = r.err as Partial<grpc.ServiceError>;
    throw new UploadTransferError(`store on ${holder} for action ${actionId}: ${e.details ?? (r.err as Error).message}`, where, { cause: r.err });
  }
  return r.res.stored;
}

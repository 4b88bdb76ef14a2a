/**
 * Client side of a cascade upload over `supernode.HealArtefactService/StoreArtefacts` (lumera-alts): one
 * client stream per holder with `action_id` on the first message (store-stream.ts). The holder authorises
 * the call by our handshake identity (src/cascade/upload-policy.ts) and recomputes every key.
 */
import type * as grpc from '@grpc/grpc-js';
import { HealArtefactServiceClient } from '../gen/supernode/heal_artefacts.js';
import { streamStoreArtefacts, type ArtefactBlob, type StoreStreamOptions } from './store-stream.js';
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

/** As StoreStreamOptions; the deadline defaults to 120 s. */
export type StoreOptions = Omit<StoreStreamOptions, 'timeoutMs'> & { timeoutMs?: number };

/** Streams `blobs` (ID files first, then symbols) of `actionId` to `holder`; resolves with the count stored. */
export async function storeOnHolder(dialer: ClientDialer, holder: string, actionId: string, blobs: AsyncIterable<ArtefactBlob> | Iterable<ArtefactBlob>, opts: StoreOptions = {}): Promise<number> {
  if (typeof actionId !== 'string' || !/^[0-9]{1,64}$/.test(actionId)) throw new InvalidArgumentError('actionId', 'must be a decimal action id');
  const client = await dialer.client<HealArtefactServiceClient>(holder, HealArtefactServiceClient as unknown as grpc.ServiceClientConstructor);
  try {
    return await streamStoreArtefacts(client, { actionId }, blobs, { ...opts, timeoutMs: opts.timeoutMs ?? 120_000 });
  } catch (err) {
    const e = err as Partial<grpc.ServiceError>;
    throw new UploadTransferError(`store on ${holder} for action ${actionId}: ${e.details ?? (err as Error).message}`, { holder, actionId }, { cause: err });
  }
}

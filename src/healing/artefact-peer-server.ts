/**
 * Server side of `supernode.HealArtefactService`.
 *
 * FetchArtefacts: any registered supernode (peer type 2, verified by the handshake) may read blobs this node
 * holds; every blob is served only after the store's content check. Responses are batched to ~1 MiB and
 * written with backpressure.
 *
 * StoreArtefacts: only the healer of a heal op the chain marks VERIFIED may push, and only artefacts of that
 * op's action: its index files and layout files (ids regenerated from the on-chain metadata) and the symbols
 * listed in a layout file already received in the same call. Each blob's key is computed here.
 *
 * Cascade uploads (heal_op_id 0, action_id set) and reads by non-supernode accounts (client downloads)
 * follow the rules of src/cascade/upload-policy.ts, with the same key checks.
 */
import * as grpc from '@grpc/grpc-js';
import type {
  FetchArtefactsRequest, FetchArtefactsResponse, HealArtefactServiceServer, StoreArtefactsRequest, StoreArtefactsResponse,
} from '../gen/supernode/heal_artefacts.js';
import { HealOpStatus } from '../gen/lumera/audit/v1/audit.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import { callerOf, type Caller } from '../transport/caller.js';
import { ArtefactPolicyError, authoriseAccountFetch, authoriseUpload } from '../cascade/upload-policy.js';
import type { Layout } from '../cascade/layout.js';
import { ArtefactStore, parseArtefactKey } from '../store/artefacts.js';
import type { ArtefactRecord } from '../store/artefact-index.js';
import { indexFromSignatures } from '../cascade/action-artefacts.js';
import { indexFiles, parseLayoutFile } from '../cascade/id-files.js';
import { blake3Base58 } from '../cascade/hash.js';
import { errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { MAX_ARTEFACT_BYTES, MAX_FETCH_KEYS } from './artefact-peers.js';
import type { HealChain } from './chain.js';

export interface ArtefactPeerServerOptions {
  /** The local store, or a getter when the store is opened after the server is built. */
  store: ArtefactStore | (() => ArtefactStore);
  chain: Pick<HealChain, 'getHealOp' | 'getAction'>;
  /** This node's account. */
  self: string;
  logger?: Logger;
  /** Called after the blobs of each message are stored, with what they are (the daemon indexes key → action). */
  onStored?: (actionId: string, records: ArtefactRecord[]) => void | Promise<void>;
}

/** Keys read concurrently and sent as one message (16 symbols ≈ 1 MiB). */
const READ_GROUP = 16;

function statusError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

function waitDrain(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    call.on('cancelled', done);
  });
}

export function createArtefactPeerService(opts: ArtefactPeerServerOptions): HealArtefactServiceServer {
  const log = opts.logger ?? silentLogger();
  const storeOf = (): ArtefactStore => (typeof opts.store === 'function' ? opts.store() : opts.store);

  const fetchArtefacts = async (call: grpc.ServerWritableStream<FetchArtefactsRequest, FetchArtefactsResponse>) => {
    let caller: Caller;
    try {
      caller = callerOf(call);
    } catch (err) {
      call.emit('error', statusError(grpc.status.UNAUTHENTICATED, errorMessage(err)));
      return;
    }
    const keys = call.request?.keys ?? [];
    if (keys.length === 0 || keys.length > MAX_FETCH_KEYS) {
      call.emit('error', statusError(grpc.status.INVALID_ARGUMENT, `keys must hold 1..${MAX_FETCH_KEYS} entries, got ${keys.length}`));
      return;
    }
    for (const k of keys) {
      try {
        parseArtefactKey(k, 'keys');
      } catch (err) {
        call.emit('error', statusError(grpc.status.INVALID_ARGUMENT, errorMessage(err)));
        return;
      }
    }
    if (caller.peerType !== 2) {
      // A client account reads only keys of an action it may download (src/cascade/upload-policy.ts).
      try {
        const readLocal = async (k: string) => ((await storeOf().has(k)) ? storeOf().get(k) : undefined);
        const allowed = await authoriseAccountFetch(opts.chain, caller, call.request?.actionId, (k) => readLocal(k).catch(() => undefined));
        const outside = keys.find((k) => !allowed.has(k));
        if (outside !== undefined) throw new ArtefactPolicyError(grpc.status.PERMISSION_DENIED, `key ${outside} is not an artefact of action ${call.request?.actionId}`);
      } catch (err) {
        call.emit('error', err instanceof ArtefactPolicyError ? err : statusError(grpc.status.INTERNAL, errorMessage(err)));
        return;
      }
    }
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
    });
    // Blobs are read (and content-checked) a group at a time, concurrently, so the disk round trips of one
    // group overlap instead of leaving the stream idle between messages.
    const read = async (key: string): Promise<{ key: string; data: Uint8Array } | undefined> => {
      try {
        if (!(await storeOf().has(key))) return undefined;
        return { key, data: await storeOf().get(key) };
      } catch (err) {
        log.warn({ key, err: errorMessage(err) }, 'artefact not served (read or content check failed)');
        return undefined;
      }
    };
    try {
      for (let i = 0; i < keys.length && !cancelled; i += READ_GROUP) {
        const group = (await Promise.all(keys.slice(i, i + READ_GROUP).map(read))).filter((x): x is { key: string; data: Uint8Array } => x !== undefined);
        if (group.length === 0 || cancelled) continue;
        if (!call.write({ artefacts: group })) await waitDrain(call);
      }
      if (!cancelled) call.end();
    } catch (err) {
      call.emit('error', statusError(grpc.status.INTERNAL, `fetch artefacts: ${errorMessage(err)}`));
    }
  };

  const storeArtefacts = (call: grpc.ServerReadableStream<StoreArtefactsRequest, StoreArtefactsResponse>, callback: grpc.sendUnaryData<StoreArtefactsResponse>) => {
    let caller: Caller;
    try {
      caller = callerOf(call);
    } catch (err) {
      callback(statusError(grpc.status.UNAUTHENTICATED, errorMessage(err)));
      return;
    }
    void (async () => {
      let allowedIds: Set<string> | undefined;
      let layoutIds: Set<string> | undefined;
      const symbols = new Set<string>();
      let actionId = '';
      let checkLayout: ((layout: Layout) => void) | undefined;
      let stored = 0;
      try {
        for await (const msg of call as AsyncIterable<StoreArtefactsRequest>) {
          if (!allowedIds) {
            // heal_op_id set: heal publish (supernode healer only); 0: cascade upload (src/cascade/upload-policy.ts).
            if (msg.healOpId && caller.peerType !== 2) throw statusError(grpc.status.UNAUTHENTICATED, `caller ${caller.address} is not a supernode`);
            const auth: { ids: Set<string>; layoutIds: Set<string>; actionId: string; checkLayout?: (layout: Layout) => void } = msg.healOpId ? await authoriseStore(opts, caller.address, msg.healOpId) : await authoriseUpload(opts.chain, caller, msg.actionId);
            allowedIds = auth.ids;
            layoutIds = auth.layoutIds;
            actionId = auth.actionId;
            checkLayout = auth.checkLayout;
          }
          const records: ArtefactRecord[] = [];
          for (const a of msg.artefacts) {
            if (a.data.length === 0 || a.data.length > MAX_ARTEFACT_BYTES) throw statusError(grpc.status.INVALID_ARGUMENT, `artefact ${a.key} has ${a.data.length} bytes (1..${MAX_ARTEFACT_BYTES})`);
            const key = blake3Base58(a.data);
            if (key !== a.key) throw statusError(grpc.status.INVALID_ARGUMENT, `artefact ${a.key} hashes to ${key}`);
            if (layoutIds!.has(key)) {
              const layout = parseLayoutFile(a.data, { actionId }).layout;
              checkLayout?.(layout);
              for (const s of layout.blocks[0]!.symbols) symbols.add(s);
            } else if (!allowedIds.has(key) && !symbols.has(key)) {
              throw statusError(grpc.status.PERMISSION_DENIED, `artefact ${key} is not an artefact of action ${actionId} (ID files must precede their symbols)`);
            }
            await storeOf().put(a.data);
            records.push({ key, kind: layoutIds!.has(key) ? 'layout' : allowedIds.has(key) ? 'index' : 'symbol', size: a.data.length });
            stored++;
          }
          if (records.length > 0) await opts.onStored?.(actionId, records);
        }
        if (!allowedIds) throw statusError(grpc.status.INVALID_ARGUMENT, 'empty store request');
        callback(null, { stored });
      } catch (err) {
        const e = err as Partial<grpc.ServiceError>;
        callback(typeof e.code === 'number' && e.details !== undefined ? (err as grpc.ServiceError) : statusError(grpc.status.INTERNAL, `store artefacts: ${errorMessage(err)}`));
      }
    })();
  };

  return { fetchArtefacts, storeArtefacts };
}

async function authoriseStore(opts: ArtefactPeerServerOptions, caller: string, healOpId: bigint): Promise<{ ids: Set<string>; layoutIds: Set<string>; actionId: string }> {
  if (!healOpId) throw statusError(grpc.status.INVALID_ARGUMENT, 'missing heal_op_id');
  let op;
  try {
    op = await opts.chain.getHealOp(healOpId);
  } catch (err) {
    throw statusError(grpc.status.UNAVAILABLE, `heal op ${healOpId}: ${errorMessage(err)}`);
  }
  if (!op) throw statusError(grpc.status.NOT_FOUND, `heal op ${healOpId} not found`);
  if (op.status !== HealOpStatus.HEAL_OP_STATUS_VERIFIED) throw statusError(grpc.status.FAILED_PRECONDITION, `heal op ${healOpId} is not VERIFIED`);
  if (op.healerSupernodeAccount.trim() !== caller) throw statusError(grpc.status.PERMISSION_DENIED, `caller "${caller}" is not the healer of heal op ${healOpId}`);
  const action = await opts.chain.getAction(op.ticketId);
  if (!action) throw statusError(grpc.status.NOT_FOUND, `action ${op.ticketId} not found`);
  if (!action.superNodes.some((s) => s.trim() === opts.self)) throw statusError(grpc.status.FAILED_PRECONDITION, `this supernode is not a holder of action ${op.ticketId}`);
  const meta = CascadeMetadata.decode(action.metadata);
  const index = indexFromSignatures(meta.signatures, { actionId: op.ticketId });
  const ids = new Set(indexFiles(meta.signatures, meta.rqIdsIc, meta.rqIdsMax).map((f) => f.id));
  const layoutIds = new Set(index.layout_ids);
  return { ids, layoutIds, actionId: op.ticketId };
}

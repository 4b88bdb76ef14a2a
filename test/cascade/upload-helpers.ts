/** Shared pieces of the cascade upload/download tests: a real encoded action and fake chain/peers. */
import { createHash } from 'node:crypto';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { ActionType } from '../../src/gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { signingKeyFromPrivateKey, type SigningKey } from '../../src/chain/keys.js';
import { encodeBytes } from '../../src/cascade/codec.js';
import { dataHashB64 } from '../../src/cascade/hash.js';
import { buildActionIdFiles } from '../../src/cascade/action-artefacts.js';
import { signCascadeLayout } from '../../src/cascade/signatures.js';
import { makeFile } from '../../src/cascade/patterns.js';
import type { Layout } from '../../src/cascade/layout.js';
import type { IdFile } from '../../src/cascade/id-files.js';
import type { ArtefactBlob, ArtefactPeers } from '../../src/healing/artefact-peers.js';

export function keyOf(label: string): SigningKey {
  return signingKeyFromPrivateKey(new Uint8Array(createHash('sha256').update(`cascade upload test ${label}`).digest()));
}

export interface TestAction {
  action: Action;
  meta: CascadeMetadata;
  data: Uint8Array;
  layout: Layout;
  layoutFiles: IdFile[];
  indexFiles: IdFile[];
  /** Symbol id → packet, in layout order. */
  symbols: Map<string, Uint8Array>;
  /** Every artefact: layout files, index files, symbols. */
  blobs: Map<string, Uint8Array>;
}

/** A cascade action over `size` pseudo-random bytes, signed by `creator`, in `state` (DONE: rq_ids_ids set). */
export function makeTestAction(o: { creator: SigningKey; actionId?: string; size?: number; state?: ActionState; superNodes?: string[]; public?: boolean; rqIdsMax?: bigint; seed?: number }): TestAction {
  const data = makeFile({ size: o.size ?? 200_000, pattern: 'xorshift32', seed: o.seed ?? 7 });
  const { layout, packets } = encodeBytes(data);
  const rqIdsIc = 17n;
  const rqIdsMax = o.rqIdsMax ?? 3n;
  const signed = signCascadeLayout(layout, (m) => o.creator.sign(m).subarray(0, 64), rqIdsIc, rqIdsMax);
  const ids = buildActionIdFiles({ signatures: signed.signatures, rqIdsIc, rqIdsMax }, layout);
  const state = o.state ?? ActionState.ACTION_STATE_DONE;
  const done = state === ActionState.ACTION_STATE_DONE || state === ActionState.ACTION_STATE_APPROVED;
  const meta: CascadeMetadata = CascadeMetadata.fromPartial({
    dataHash: dataHashB64(data), fileName: 'f.bin', rqIdsIc, rqIdsMax, signatures: signed.signatures, public: o.public ?? true,
    rqIdsIds: done ? ids.rqIdsIds : [],
  });
  const action: Action = {
    creator: o.creator.address, actionID: o.actionId ?? '42', actionType: ActionType.ACTION_TYPE_CASCADE, metadata: CascadeMetadata.encode(meta).finish(),
    price: '1ulume', expirationTime: 0n, state, blockHeight: 5n, superNodes: o.superNodes ?? [], fileSizeKbs: BigInt(Math.ceil(data.length / 1024)), appPubkey: new Uint8Array(),
  };
  const symbols = new Map(layout.blocks[0]!.symbols.map((id, i) => [id, packets[i]!]));
  const blobs = new Map<string, Uint8Array>([...ids.layoutFiles, ...ids.indexFiles].map((f) => [f.id, f.bytes]));
  for (const [k, v] of symbols) blobs.set(k, v);
  return { action, meta, data, layout, layoutFiles: ids.layoutFiles, indexFiles: ids.indexFiles, symbols, blobs };
}

/** ArtefactPeers over in-memory holders; a holder set to `down` fails every call. Serves bytes unchecked. */
export class FakePeers implements Pick<ArtefactPeers, 'fetch'> {
  readonly holders = new Map<string, Map<string, Uint8Array>>();
  readonly down = new Set<string>();
  readonly calls: Array<{ holder: string; keys: number }> = [];

  fetch(holder: string, _actionId: string, keys: readonly string[], onBlob: (b: ArtefactBlob) => Promise<void>): Promise<number> {
    this.calls.push({ holder, keys: keys.length });
    if (this.down.has(holder)) return Promise.reject(new Error(`14 UNAVAILABLE: ${holder} is down`));
    const h = this.holders.get(holder) ?? new Map<string, Uint8Array>();
    return (async () => {
      let n = 0;
      for (const k of keys) {
        const v = h.get(k);
        if (!v) continue;
        await onBlob({ key: k, data: v });
        n++;
      }
      return n;
    })();
  }
}

/** The read side downloads need, over a fixed action list and supernode list. */
export function fakeDownloadChain(actions: Action[], supernodes: string[]) {
  return {
    getAction: async (id: string) => actions.find((a) => a.actionID === id),
    listSupernodes: async () => supernodes.map((s) => ({ supernodeAccount: s }) as never),
  };
}

/**
 * Registers bytes already in memory as a Cascade action in one step, without the peer upload: RaptorQ
 * encode, layout and index signed by the creator, MsgRequestAction, MsgFinalizeAction by a supernode. Returns
 * every artefact so the caller can place them itself (the demo's and tests' "file already stored" start).
 * Real clients use `uploadCascadeFile`, which also stores the artefacts on the holders.
 */
import type { LumeraClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import { encodeBytes } from './codec.js';
import { dataHashB64 } from './hash.js';
import { indexFiles, indexJson, layoutB64, layoutFiles } from './id-files.js';

export interface RegisteredCascadeAction {
  actionId: string;
  /** key → bytes for every index file, layout file and symbol. */
  artefacts: Map<string, Uint8Array>;
  /** The index-file ids (`rq_ids_ids`). */
  indexIds: string[];
}

export async function registerCascadeAction(o: {
  data: Uint8Array;
  fileName: string;
  /** Client signing as the creator (pays and signs the layout and index). */
  creator: LumeraClient;
  creatorKey: SigningKey;
  /** Client of the supernode that finalizes. */
  finalizer: LumeraClient;
  /** Random by default, as a client would pick it. */
  rqIdsIc?: bigint;
}): Promise<RegisteredCascadeAction> {
  const { layout, packets } = encodeBytes(o.data);
  const sign = (text: string) => Buffer.from(o.creatorKey.sign(new TextEncoder().encode(text))).toString('base64');
  const max = (await o.creator.getActionParams()).maxRaptorQSymbols;
  const ic = o.rqIdsIc ?? BigInt(1 + Math.floor(Math.random() * 1000));
  const lb64 = layoutB64(layout);
  const layoutSig = sign(lb64);
  const lFiles = layoutFiles(lb64, layoutSig, ic, max);
  const indexB64 = Buffer.from(indexJson({ layout_ids: lFiles.map((f) => f.id), layout_signature: layoutSig, version: 1 })).toString('base64');
  const signatures = `${indexB64}.${sign(indexB64)}`;
  const req = await o.creator.requestAction({
    actionType: 'CASCADE',
    metadata: JSON.stringify({ data_hash: dataHashB64(o.data), file_name: o.fileName, rq_ids_ic: ic.toString(), signatures, public: true }),
    price: '1000000ulume',
    expirationTime: BigInt(Math.floor(Date.now() / 1000) + 3 * 86_400),
    fileSizeKbs: BigInt(Math.ceil(o.data.length / 1024)),
  });
  const iFiles = indexFiles(signatures, ic, max);
  await o.finalizer.finalizeAction({ actionId: req.actionId, actionType: 'CASCADE', metadata: JSON.stringify({ rq_ids_ids: iFiles.map((f) => f.id) }) });
  const artefacts = new Map<string, Uint8Array>([...lFiles, ...iFiles].map((f) => [f.id, f.bytes]));
  layout.blocks[0]!.symbols.forEach((id, i) => artefacts.set(id, packets[i]!));
  return { actionId: req.actionId, artefacts, indexIds: iFiles.map((f) => f.id) };
}

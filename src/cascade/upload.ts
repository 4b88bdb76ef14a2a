/**
 * `uploadCascadeFile`: the client side of a cascade registration (spec 05 §1.1) on a network of our nodes.
 *
 * 1. RaptorQ-encode the file (worker thread; §4.2 parameters), sign the layout and the index with the
 *    creator key against the chain's current `max_raptor_q_symbols` (§1.5–§1.7), build the layout and index
 *    files (§1.6, §1.8).
 * 2. MsgRequestAction with CascadeMetadata{data_hash, file_name, rq_ids_ic, signatures, public}.
 * 3. Store the artefacts on the holders over lumera-alts (StoreArtefacts with action_id): every holder gets
 *    all ID files, and each symbol goes to the `symbolReplicas` holders closest to its key by the DHT
 *    distance of spec 05 §1.3 (XOR of BLAKE3(account bytes) with the key), like the Go P2P placement.
 *    Holders are the finalizer (it becomes the chain's `Action.super_nodes`) plus the next ACTIVE top
 *    supernodes of the action's block height. A holder that keeps failing is dropped and its symbols are
 *    re-placed on the others (and a spare). Storing comes before finalizing, as in the Go register flow, so
 *    a DONE action always has its data on the network.
 * 4. MsgFinalizeAction{rq_ids_ids} signed by a top-10 supernode (the chain only accepts finalizers from that
 *    list, spec 02 §6.5) — the caller supplies the finalizer(s); the action must then read DONE with the
 *    finalizer in `super_nodes` (a rejected finalization is a successful tx that only records evidence).
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import bs58 from 'bs58';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { FinalizeActionInput, LumeraClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import { ActionState, actionStateToJSON } from '../gen/lumera/action/v1/action_state.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import type { ArtefactBlob } from '../healing/artefact-peers.js';
import { InvalidArgumentError, SupernodeError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { buildActionIdFiles } from './action-artefacts.js';
import { blake3 } from './hash.js';
import { encodeFile } from './jobs.js';
import { checkFileSize } from './params.js';
import { signCascadeLayout } from './signatures.js';
import { storeOnHolder, type ClientDialer } from './upload-transfer.js';

export type UploadChain = Pick<LumeraClient, 'getActionParams' | 'getActionFee' | 'getAccount' | 'requestAction' | 'getAction' | 'getTopSupernodesForBlock' | 'submitMessages'>;

/** A supernode able to sign MsgFinalizeAction (on the devnet: a supernode key from its keyring). */
export interface Finalizer {
  address: string;
  finalize(input: FinalizeActionInput): Promise<unknown>;
}

export interface UploadProgress {
  phase: 'encode' | 'request' | 'store' | 'finalize';
  /** Bytes (store) or steps (other phases) done so far, and the total. */
  done: number;
  total: number;
}

export interface UploadOptions {
  filePath: string;
  chain: UploadChain;
  /** The creator key: signs the layout, the index and MsgRequestAction (through `chain`). */
  creator: Pick<SigningKey, 'address' | 'sign'>;
  /** Dialer over lumera-alts, identified as the creator. */
  dialer: ClientDialer;
  /** Supernodes that may finalize; the first one in the action's top-10 ACTIVE list is used. */
  finalizers: readonly Finalizer[];
  /** Holders (finalizer included). Default 3, capped by the ACTIVE top-10 list. */
  holders?: number;
  /**
   * Holders per symbol. Default 1: RaptorQ itself is the redundancy (≈ 6× the file in symbols, any K + a few
   * decode), so with three holders each holds ≈ 2K symbols and any one of them suffices for files over
   * 64 KiB, at a sixth of the traffic of full copies.
   */
  symbolReplicas?: number;
  fileName?: string;
  /** CascadeMetadata.public; default true. */
  public?: boolean;
  /** Parent of the temporary encode directory. Default os.tmpdir(). */
  workDir?: string;
  storeTimeoutMs?: number;
  progress?: (p: UploadProgress) => void;
  logger?: Logger;
}

export interface UploadResult {
  actionId: string;
  finalizer: string;
  holders: string[];
  dataHashB64: string;
  fileSize: number;
  symbols: number;
  /** The index ids submitted at finalize. */
  rqIdsIds: string[];
  storedBytes: number;
}

export class CascadeUploadError extends SupernodeError {}

const TOP_FINALIZERS = 10;
const STORE_ATTEMPTS = 2;

function positiveInt(name: string, v: number, max: number): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new InvalidArgumentError(name, `must be an integer in [1, ${max}], got ${v}`);
  return v;
}

/** XOR distance of BLAKE3(account bytes) and a 32-byte key, as a comparable hex string (spec 05 §1.3). */
function distance(accountHash: Uint8Array, key: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 32; i++) out += ((accountHash[i] ?? 0) ^ (key[i] ?? 0)).toString(16).padStart(2, '0');
  return out;
}

/** For each symbol, the `replicas` holders closest to its key. Exported for tests. */
export function placeSymbols(holders: readonly string[], symbols: readonly string[], replicas: number): Map<string, string[]> {
  const hashes = holders.map((h) => ({ h, hash: blake3(Buffer.from(h, 'utf8')) }));
  const out = new Map<string, string[]>(holders.map((h) => [h, []]));
  for (const id of symbols) {
    const key = bs58.decode(id);
    const ranked = hashes.map((x) => ({ h: x.h, d: distance(x.hash, key) })).sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0));
    for (const r of ranked.slice(0, replicas)) out.get(r.h)!.push(id);
  }
  return out;
}

async function primeCreatorPubkey(chain: UploadChain, creator: string): Promise<void> {
  const acct = await chain.getAccount(creator);
  if (!acct) throw new CascadeUploadError('CASCADE_UPLOAD_NO_ACCOUNT', `creator ${creator} has no account on chain (fund it first)`, { creator });
  if (acct.pubkey) return;
  // MsgRequestAction verifies the index signature with the creator's on-chain key, which the chain only
  // records with the account's first signed tx: send it one (1 ulume to itself).
  const value = MsgSend.encode({ fromAddress: creator, toAddress: creator, amount: [{ denom: 'ulume', amount: '1' }] }).finish();
  await chain.submitMessages([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value }]);
}

export async function uploadCascadeFile(o: UploadOptions): Promise<UploadResult> {
  const log = o.logger ?? silentLogger();
  const progress = o.progress ?? (() => undefined);
  if (typeof o.filePath !== 'string' || o.filePath === '') throw new InvalidArgumentError('filePath', 'must be a path');
  if (o.finalizers.length === 0) throw new InvalidArgumentError('finalizers', 'must name at least one supernode able to finalize');
  const holderCount = positiveInt('holders', o.holders ?? 3, TOP_FINALIZERS);
  const replicas = Math.min(positiveInt('symbolReplicas', o.symbolReplicas ?? 1, TOP_FINALIZERS), holderCount);
  const fileName = o.fileName ?? basename(o.filePath);
  if (fileName.trim() === '') throw new InvalidArgumentError('fileName', 'must not be empty');
  const size = (await stat(o.filePath)).size;
  checkFileSize(size, { artefact: o.filePath });

  const work = await mkdtemp(join(o.workDir ?? tmpdir(), 'cascade-upload-'));
  try {
    progress({ phase: 'encode', done: 0, total: 1 });
    const params = await o.chain.getActionParams();
    const rqIdsMax = params.maxRaptorQSymbols;
    const enc = await encodeFile(o.filePath, join(work, 'symbols'));
    const rqIdsIc = BigInt(randomInt(1, 2 ** 31));
    const signed = signCascadeLayout(enc.layout, (m) => o.creator.sign(m).subarray(0, 64), rqIdsIc, rqIdsMax);
    const idFiles = buildActionIdFiles({ signatures: signed.signatures, rqIdsIc, rqIdsMax }, enc.layout);
    const symbols = enc.layout.blocks[0]!.symbols;
    progress({ phase: 'encode', done: 1, total: 1 });

    progress({ phase: 'request', done: 0, total: 1 });
    await primeCreatorPubkey(o.chain, o.creator.address);
    const fileSizeKbs = BigInt(Math.max(1, Math.ceil(size / 1024)));
    const fee = await o.chain.getActionFee(fileSizeKbs);
    const expirySeconds = params.expirationDuration?.seconds ?? 86_400n;
    const req = await o.chain.requestAction({
      actionType: 'CASCADE',
      metadata: JSON.stringify({ data_hash: enc.dataHashB64, file_name: fileName, rq_ids_ic: rqIdsIc.toString(), signatures: signed.signatures, public: o.public ?? true }),
      price: `${fee}ulume`,
      expirationTime: BigInt(Math.floor(Date.now() / 1000)) + expirySeconds + 3600n,
      fileSizeKbs,
    });
    const actionId = req.actionId;
    const ctx = { actionId };
    const action = await o.chain.getAction(actionId);
    if (!action) throw new CascadeUploadError('CASCADE_UPLOAD_NO_ACTION', `action ${actionId} not found after MsgRequestAction`, ctx);
    const onChain = CascadeMetadata.decode(action.metadata);
    if (onChain.rqIdsMax !== rqIdsMax) {
      throw new CascadeUploadError('CASCADE_UPLOAD_PARAMS_CHANGED', `action ${actionId}: chain set rq_ids_max ${onChain.rqIdsMax}, the index was signed for ${rqIdsMax}`, ctx);
    }
    progress({ phase: 'request', done: 1, total: 1 });

    const top = (await o.chain.getTopSupernodesForBlock(action.blockHeight, { limit: TOP_FINALIZERS, state: 'SUPERNODE_STATE_ACTIVE' })).map((s) => s.supernodeAccount.trim()).filter((s) => s !== '');
    const canFinalize = (s: string) => o.finalizers.some((f) => f.address === s);
    const first = top.find(canFinalize);
    if (!first) {
      throw new CascadeUploadError('CASCADE_UPLOAD_NO_FINALIZER', `action ${actionId}: none of ${o.finalizers.length} finalizer keys is in the top ${TOP_FINALIZERS} ACTIVE supernodes of block ${action.blockHeight}`, ctx);
    }
    // The finalizer first (it becomes Action.super_nodes), then the others nearest the data hash; the rest are spares.
    const dataKey = blake3(Buffer.from(enc.dataHashB64, 'utf8'));
    const spare = top.filter((s) => s !== first)
      .map((s) => ({ s, d: distance(blake3(Buffer.from(s, 'utf8')), dataKey) }))
      .sort((a, b) => (a.d < b.d ? -1 : 1))
      .map((x) => x.s);
    let active = [first, ...spare.splice(0, holderCount - 1)];
    const idBlobs: ArtefactBlob[] = [...idFiles.layoutFiles, ...idFiles.indexFiles].map((f) => ({ key: f.id, data: f.bytes }));
    const idBytes = idBlobs.reduce((n, b) => n + b.data.length, 0);
    const packetBytes = (await stat(join(enc.symbolsDir, 'block_0', symbols[0]!))).size;
    let assignment = placeSymbols(active, symbols, Math.min(replicas, active.length));
    let total = active.reduce((n, h) => n + idBytes + assignment.get(h)!.length * packetBytes, 0);
    let sent = 0;
    progress({ phase: 'store', done: 0, total });
    async function* blobsFor(ids: readonly string[]): AsyncGenerator<ArtefactBlob> {
      yield* idBlobs; // each call carries the ID files: the holder learns the symbol list from a layout in the same call
      for (const id of ids) yield { key: id, data: await readFile(join(enc.symbolsDir, 'block_0', id)) };
    }
    const storeOne = async (h: string, ids: readonly string[]): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        let mine = 0;
        try {
          await storeOnHolder(o.dialer, h, actionId, blobsFor(ids), {
            timeoutMs: o.storeTimeoutMs,
            onSent: (b) => {
              mine += b;
              sent += b;
              progress({ phase: 'store', done: sent, total });
            },
          });
          return;
        } catch (err) {
          sent -= mine;
          if (attempt >= STORE_ATTEMPTS) throw err;
          log.warn({ actionId, holder: h, err: errorMessage(err) }, 'cascade upload: store failed; retrying');
        }
      }
    };
    // A holder that keeps failing is dropped; its symbols go to the others (and a spare joins), so one
    // unreachable supernode does not sink the upload. Every round waits for all its calls before deciding.
    const stored: string[] = [];
    const failures: string[] = [];
    for (let round = 0; assignment.size > 0; round++) {
      const results = await Promise.allSettled([...assignment].map(([h, ids]) => storeOne(h, ids)));
      const failedIds: string[] = [];
      const failed: string[] = [];
      [...assignment].forEach(([h, ids], i) => {
        const r = results[i]!;
        if (r.status === 'fulfilled') {
          if (!stored.includes(h)) stored.push(h);
        } else {
          failed.push(h);
          failedIds.push(...ids);
          failures.push(`${h}: ${errorMessage(r.reason)}`);
        }
      });
      if (failed.length === 0) break;
      log.warn({ actionId, failed, round }, 'cascade upload: holders failed; moving their symbols');
      active = active.filter((h) => !failed.includes(h));
      // A spare that can finalize comes first when no stored holder can.
      if (!stored.some(canFinalize)) spare.sort((a, b) => Number(canFinalize(b)) - Number(canFinalize(a)));
      active.push(...spare.splice(0, failed.length));
      if (active.length === 0 || round >= 2) {
        throw new CascadeUploadError('CASCADE_UPLOAD_STORE_FAILED', `action ${actionId}: storing the artefacts failed: ${failures.join('; ')}`, { ...ctx, failures });
      }
      assignment = placeSymbols(active, failedIds, Math.min(replicas, active.length));
      for (const [h, ids] of assignment) if (ids.length === 0 && stored.includes(h)) assignment.delete(h);
      total += [...assignment.values()].reduce((n, ids) => n + idBytes + ids.length * packetBytes, 0);
    }
    const finalizerAddress = stored.includes(first) ? first : stored.find(canFinalize);
    const finalizer = o.finalizers.find((f) => f.address === finalizerAddress);
    if (!finalizer) throw new CascadeUploadError('CASCADE_UPLOAD_NO_FINALIZER', `action ${actionId}: no finalizer key among the holders that stored the artefacts (${stored.join(', ')})`, ctx);
    const holders = [finalizer.address, ...stored.filter((h) => h !== finalizer.address)];

    progress({ phase: 'finalize', done: 0, total: 1 });
    await finalizer.finalize({ actionId, actionType: 'CASCADE', metadata: JSON.stringify({ rq_ids_ids: idFiles.rqIdsIds }) });
    const after = await o.chain.getAction(actionId);
    const ok = after && (after.state === ActionState.ACTION_STATE_DONE || after.state === ActionState.ACTION_STATE_APPROVED) && after.superNodes.some((s) => s.trim() === finalizer.address);
    if (!ok) {
      throw new CascadeUploadError('CASCADE_UPLOAD_FINALIZE_REJECTED', `action ${actionId}: MsgFinalizeAction by ${finalizer.address} was not applied (state ${after ? actionStateToJSON(after.state) : 'missing'})`, ctx);
    }
    progress({ phase: 'finalize', done: 1, total: 1 });
    return { actionId, finalizer: finalizer.address, holders, dataHashB64: enc.dataHashB64, fileSize: size, symbols: symbols.length, rqIdsIds: idFiles.rqIdsIds, storedBytes: sent };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Cascade actions of the devnet (spec 02 §6, spec 05 §1): MsgRequestAction (metadata checks, creator's
 * index signature, price escrow), MsgFinalizeAction (top-10 finalizer, rq_ids_ids checks through a
 * pluggable verifier, artifact-count anchoring into audit, fee payout) and expiry. Texts follow
 * x/action/v1 where the chain's wording is known; see the report for the ones that are ours.
 */
import { fromBase64 } from '@cosmjs/encoding';
import type { Action } from '../../../gen/lumera/action/v1/action.js';
import { ActionState, actionStateToJSON } from '../../../gen/lumera/action/v1/action_state.js';
import { ActionType, actionTypeToJSON } from '../../../gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../../../gen/lumera/action/v1/metadata.js';
import { isValidAddress, keyTypeFromTypeUrl, verifyMessage } from '../../../crypto/account-keys.js';
import { errorMessage } from '../../../util/errors.js';
import { ChainRuleError, isChainRuleError, type AuthKeeper, type BankKeeper, type EmitEvent } from '../types.js';
import { wrap } from '../audit/errors.js';
import type { AuditKeeper } from '../audit/keeper.js';
import { EvidenceType } from '../audit/enums.js';
import { newTable, tGet, tSet, tValues, type Table } from '../audit/table.js';
import { SuperNodeState, type SupernodeKeeper } from '../supernode/keeper.js';
import { ActionErr, SdkErr } from './errors.js';

export interface ActionParamsData {
  baseActionFee: bigint;
  feePerKbyte: bigint;
  maxRaptorQSymbols: bigint;
  expirationSeconds: bigint;
  svcChallengeCount: number;
  svcMinChunksForChallenge: number;
}

export function defaultActionParams(): ActionParamsData {
  return { baseActionFee: 10000n, feePerKbyte: 10n, maxRaptorQSymbols: 50n, expirationSeconds: 86400n, svcChallengeCount: 8, svcMinChunksForChallenge: 4 };
}

export interface ActionStateData {
  params: ActionParamsData;
  actions: Table<Action>;
  lastActionId: bigint;
}

/**
 * Checks the chain recomputes at finalization that need the cascade library (zstd-3 index files, LEP-5
 * Merkle proofs). Return an error text to reject, undefined to accept. Absent = accepted (noted).
 */
export interface ActionVerifiers {
  verifyIndexIds?: (stored: CascadeMetadata, rqIdsIds: string[]) => string | undefined;
  verifyChunkProofs?: (stored: CascadeMetadata, submitted: CascadeMetadata) => string | undefined;
}

export interface ActionDeps {
  bank: BankKeeper;
  auth: AuthKeeper;
  supernodes: SupernodeKeeper;
  audit: () => AuditKeeper;
  verifiers: ActionVerifiers;
}

const TOP_FINALIZERS = 10;
const DENOM = 'ulume';

export function decodeCascade(action: Action): CascadeMetadata {
  return CascadeMetadata.decode(action.metadata);
}

function parseCascadeJson(json: string): CascadeMetadata {
  try {
    return CascadeMetadata.fromJSON(JSON.parse(json) as unknown);
  } catch (err) {
    throw wrap(ActionErr.InvalidMetadata, `failed to unmarshal cascade metadata: ${errorMessage(err)}`);
  }
}

function parseActionType(s: string): number {
  const t = s.trim().toUpperCase().replace(/^ACTION_TYPE_/, '');
  if (t === 'CASCADE') return ActionType.ACTION_TYPE_CASCADE;
  if (t === 'SENSE') return ActionType.ACTION_TYPE_SENSE;
  throw wrap(ActionErr.InvalidActionType, `invalid action type: ${s}`);
}

function parseDecimal(s: string, field: string, err = SdkErr.InvalidRequest): bigint {
  if (!/^\d+$/.test(s)) throw wrap(err, `invalid ${field}: ${s}`);
  return BigInt(s);
}

export class ActionKeeper {
  constructor(
    private readonly getState: () => ActionStateData,
    private readonly deps: ActionDeps,
  ) {}

  get state(): ActionStateData {
    return this.getState();
  }

  get(id: string): Action | undefined {
    return tGet(this.state.actions, id);
  }

  all(): Action[] {
    return tValues(this.state.actions);
  }

  fee(kb: bigint): bigint {
    return this.state.params.feePerKbyte * kb + this.state.params.baseActionFee;
  }

  /** Test / genesis hook: store an action as given (DONE cascade actions anchor their artifact counts). */
  put(action: Action): void {
    tSet(this.state.actions, action.actionID, action);
    const n = BigInt(action.actionID);
    if (n > this.state.lastActionId) this.state.lastActionId = n;
    if (action.actionType === ActionType.ACTION_TYPE_CASCADE && action.state === ActionState.ACTION_STATE_DONE) {
      const meta = decodeCascade(action);
      const index = meta.indexArtifactCount || meta.rqIdsIds.length;
      const symbol = meta.symbolArtifactCount || meta.rqIdsIds.length;
      // A hook-registered action without counts stays unanchored (audit accepts any count for it).
      if (index > 0 && symbol > 0) this.deps.audit().anchorArtifactCounts(action.actionID, index, symbol);
    }
  }

  request(height: bigint, blockTimeSec: bigint, msg: { creator: string; actionType: string; metadata: string; price: string; expirationTime: string; fileSizeKbs: string; appPubkey: Uint8Array }, emit: EmitEvent): Action {
    if (!isValidAddress(msg.creator)) throw wrap(ActionErr.InvalidAddress, `invalid creator address: ${msg.creator}`);
    const type = parseActionType(msg.actionType);
    if (type !== ActionType.ACTION_TYPE_CASCADE) throw wrap(ActionErr.InvalidActionType, 'only CASCADE actions are supported by the devnet');
    const p = this.state.params;
    const minExp = blockTimeSec + p.expirationSeconds;
    let expTime = minExp;
    if (msg.expirationTime !== '') {
      expTime = parseDecimal(msg.expirationTime, 'expiration time');
      if (expTime <= blockTimeSec) throw wrap(ActionErr.ActionExpired, 'expiration time must be in the future');
      if (expTime < minExp) throw wrap(ActionErr.ActionExpired, `expiration time must be at least ${p.expirationSeconds}.000000 seconds from current block time`);
    }
    const meta = parseCascadeJson(msg.metadata);
    const bad = (t: string) => wrap(ActionErr.InvalidMetadata, t);
    if (meta.dataHash === '') throw bad('data_hash is required for cascade metadata');
    if (meta.fileName === '') throw bad('file_name is required for cascade metadata');
    if (meta.rqIdsIc === 0n) throw bad('rq_ids_ic is required for cascade metadata');
    if (meta.signatures === '') throw bad('signatures is required for cascade metadata');
    meta.rqIdsMax = p.maxRaptorQSymbols;
    const fileKb = msg.fileSizeKbs === '' ? 0n : parseDecimal(msg.fileSizeKbs, 'file size', ActionErr.InvalidFileSize);
    const m = /^(\d+)ulume$/.exec(msg.price.trim());
    if (m === null) throw wrap(SdkErr.InvalidRequest, `invalid price ${msg.price}`);
    const price = BigInt(m[1] as string);
    if (price < this.fee(fileKb)) throw wrap(ActionErr.InvalidPrice, `price ${price}${DENOM} is below the required fee ${this.fee(fileKb)}${DENOM}`);
    const balance = this.deps.bank.balance(msg.creator, DENOM);
    if (balance < price) throw wrap(SdkErr.InsufficientFunds, `creator ${msg.creator} needs at least ${price}${DENOM} but only has ${balance}${DENOM}`);
    // The chain wraps ErrInvalidMetadata twice on this path (handler, then RegisterAction), hence the doubled suffix.
    const parts = meta.signatures.split('.');
    if (parts.length !== 2) throw bad('invalid signature format: invalid metadata');
    const sigErr = this.verifyCreatorSignature(msg.creator, parts[0] as string, parts[1] as string);
    if (sigErr !== undefined) throw bad(`failed to verify creator's signature: ${sigErr}: invalid metadata`);

    const id = this.state.lastActionId + 1n;
    this.state.lastActionId = id;
    const action: Action = {
      creator: msg.creator,
      actionID: id.toString(),
      actionType: type,
      metadata: CascadeMetadata.encode(meta).finish(),
      price: `${price}${DENOM}`,
      expirationTime: expTime,
      state: ActionState.ACTION_STATE_PENDING,
      blockHeight: height,
      superNodes: [],
      fileSizeKbs: fileKb,
      appPubkey: msg.appPubkey,
    };
    tSet(this.state.actions, action.actionID, action);
    this.deps.bank.send(msg.creator, this.deps.bank.moduleAddress('action'), [{ denom: DENOM, amount: price }]);
    emit({
      type: 'action_registered',
      attributes: [
        { key: 'action_id', value: action.actionID },
        { key: 'creator', value: action.creator },
        { key: 'action_type', value: actionTypeToJSON(type) },
        { key: 'fee', value: action.price },
      ],
    });
    return action;
  }

  /** Raw signature over the index b64 text, or ADR-36 with data = that text (spec 05 §1.5). */
  private verifyCreatorSignature(creator: string, dataB64: string, sigB64: string): string | undefined {
    const acct = this.deps.auth.getAccount(creator);
    if (acct?.pubkey === undefined) return 'creator account has no public key';
    let sig: Uint8Array;
    try {
      sig = fromBase64(sigB64);
    } catch {
      return 'signature is not valid base64';
    }
    const keyType = keyTypeFromTypeUrl(acct.pubkey.typeUrl);
    const enc = new TextEncoder();
    if (verifyMessage(acct.pubkey.key, enc.encode(dataB64), sig, keyType)) return undefined;
    const data = Buffer.from(dataB64, 'utf8').toString('base64');
    const adr36 = `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"","msgs":[{"type":"sign/MsgSignData","value":{"data":"${data}","signer":"${creator}"}}],"sequence":"0"}`;
    if (verifyMessage(acct.pubkey.key, enc.encode(adr36), sig, keyType)) return undefined;
    return 'signature verification failed';
  }

  finalize(height: bigint, msg: { creator: string; actionId: string; actionType: string; metadata: string }, emit: EmitEvent): void {
    parseActionType(msg.actionType);
    const submitted = parseCascadeJson(msg.metadata);
    if (submitted.rqIdsIds.length === 0) throw wrap(ActionErr.InvalidMetadata, 'rq_ids_ids is required for cascade metadata');
    const asState = (text: string) => new ChainRuleError('action', 5, `${text}: invalid action state`);
    const action = this.get(msg.actionId);
    if (action === undefined) throw asState(`action ${msg.actionId} not found: not found`);
    if (action.state !== ActionState.ACTION_STATE_PENDING && action.state !== ActionState.ACTION_STATE_PROCESSING) {
      throw wrap(ActionErr.InvalidActionState, `action ${msg.actionId} cannot be finalized: current state ${actionStateToJSON(action.state)} is not one of pending or processing`);
    }
    const top = this.deps.supernodes.topForBlock(action.blockHeight, TOP_FINALIZERS, SuperNodeState.ACTIVE);
    const audit = this.deps.audit();
    let reject: string | undefined;
    if (!top.some((sn) => sn.supernodeAccount === msg.creator)) reject = `supernode ${msg.creator} is not in the top ${TOP_FINALIZERS} supernodes for block height ${action.blockHeight}`;
    else if (action.superNodes.includes(msg.creator)) reject = `supernode ${msg.creator} already finalized action ${action.actionID}`;
    if (reject !== undefined) {
      audit.recordEvidence(height, msg.creator, this.deps.bank.moduleAddress('action'), action.actionID, EvidenceType.ACTION_FINALIZATION_NOT_IN_TOP_10, new Uint8Array());
      emit({ type: 'action_finalization_rejected', attributes: [{ key: 'action_id', value: action.actionID }, { key: 'creator', value: msg.creator }, { key: 'error', value: reject }] });
      return;
    }
    const stored = decodeCascade(action);
    const bad = (t: string) => wrap(ActionErr.InvalidMetadata, t);
    if (BigInt(submitted.rqIdsIds.length) !== stored.rqIdsMax) {
      throw bad(`failed to verify rq_ids_ids: expected ${stored.rqIdsMax} ids, got ${submitted.rqIdsIds.length}`);
    }
    if (submitted.rqIdsIds.some((x) => x === '')) throw bad('failed to verify rq_ids_ids: empty id');
    const verifyErr = this.deps.verifiers.verifyIndexIds?.(stored, submitted.rqIdsIds) ?? this.deps.verifiers.verifyChunkProofs?.(stored, submitted);
    if (verifyErr !== undefined) {
      audit.recordEvidence(height, msg.creator, this.deps.bank.moduleAddress('action'), action.actionID, EvidenceType.ACTION_FINALIZATION_SIGNATURE_FAILURE, new Uint8Array());
      emit({ type: 'action_finalization_rejected', attributes: [{ key: 'action_id', value: action.actionID }, { key: 'creator', value: msg.creator }, { key: 'error', value: verifyErr }] });
      return;
    }
    const indexCount = submitted.indexArtifactCount || submitted.rqIdsIds.length;
    const symbolCount = submitted.symbolArtifactCount || submitted.rqIdsIds.length;
    try {
      audit.anchorArtifactCounts(action.actionID, indexCount, symbolCount);
    } catch (err) {
      if (isChainRuleError(err)) throw wrap(ActionErr.InvalidMetadata, err.log);
      throw err;
    }
    const updated: CascadeMetadata = { ...stored, rqIdsIds: [...submitted.rqIdsIds], chunkProofs: submitted.chunkProofs, indexArtifactCount: indexCount, symbolArtifactCount: symbolCount };
    action.metadata = CascadeMetadata.encode(updated).finish();
    action.state = ActionState.ACTION_STATE_DONE;
    action.superNodes = [...action.superNodes, msg.creator];
    emit({
      type: 'action_finalized',
      attributes: [
        { key: 'action_id', value: action.actionID },
        { key: 'creator', value: action.creator },
        { key: 'action_type', value: actionTypeToJSON(action.actionType) },
        { key: 'supernodes', value: action.superNodes.join(',') },
      ],
    });
    const m = /^(\d+)ulume$/.exec(action.price);
    const amount = m === null ? 0n : BigInt(m[1] as string);
    if (amount > 0n) this.deps.bank.send(this.deps.bank.moduleAddress('action'), msg.creator, [{ denom: DENOM, amount }]);
  }

  /** MsgApproveAction: the creator moves a DONE action to APPROVED. */
  approve(msg: { creator: string; actionId: string }, emit: EmitEvent): Action {
    const action = this.get(msg.actionId);
    if (action === undefined) throw wrap(SdkErr.NotFound, `action ${msg.actionId} not found`);
    if (action.state !== ActionState.ACTION_STATE_DONE) {
      throw wrap(ActionErr.InvalidActionState, `action ${msg.actionId} cannot be approved: current state ${actionStateToJSON(action.state)}`);
    }
    if (action.creator !== msg.creator) throw wrap(ActionErr.UnauthorizedSN, `only the creator ${action.creator} can approve action ${msg.actionId}`);
    action.state = ActionState.ACTION_STATE_APPROVED;
    emit({
      type: 'action_approved',
      attributes: [
        { key: 'action_id', value: action.actionID },
        { key: 'creator', value: action.creator },
        { key: 'action_type', value: actionTypeToJSON(action.actionType) },
      ],
    });
    return action;
  }

  /** BeginBlock: PENDING / PROCESSING actions past their expiration time become EXPIRED. */
  expire(blockTimeSec: bigint, emit: EmitEvent): void {
    for (const a of this.all()) {
      if (a.state !== ActionState.ACTION_STATE_PENDING && a.state !== ActionState.ACTION_STATE_PROCESSING) continue;
      if (a.expirationTime === 0n || a.expirationTime > blockTimeSec) continue;
      a.state = ActionState.ACTION_STATE_EXPIRED;
      emit({ type: 'action_expired', attributes: [{ key: 'action_id', value: a.actionID }, { key: 'creator', value: a.creator }, { key: 'action_type', value: actionTypeToJSON(a.actionType) }] });
    }
  }
}

export function emptyActionState(params: ActionParamsData = defaultActionParams()): ActionStateData {
  return { params, actions: newTable(), lastActionId: 0n };
}

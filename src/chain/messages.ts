/**
 * Builders for the Msgs the daemon signs. `creator` is always the signing key's address (never taken from the
 * caller). Inputs are checked for type and range only; the chain is the authority on content rules, and its
 * verdict comes back as a typed error.
 */
import { auditMsgTypes, actionMsgTypes, decodeStrict } from '../wire/index.js';
import { HostReport } from '../gen/lumera/audit/v1/audit.js';
import { InvalidArgumentError } from '../util/errors.js';
import { ChainResponseError } from './errors.js';
import type { TxMessage } from './tx-pipeline.js';
import type { EpochReportInput, FinalizeActionInput, HealClaimInput, HealVerificationInput, RecheckEvidenceInput, RequestActionInput } from './client.js';

const U64_MAX = (1n << 64n) - 1n;
const MAX_TEXT = 64 * 1024;

function u64(field: string, v: unknown): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new InvalidArgumentError(field, `must be a uint64 bigint, got ${String(v)}`);
  return v;
}
function text(field: string, v: unknown, optional = false): string {
  if (v === undefined && optional) return '';
  if (typeof v !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${typeof v}`);
  if (v.length > MAX_TEXT) throw new InvalidArgumentError(field, `must be at most ${MAX_TEXT} characters, got ${v.length}`);
  return v;
}
function list<T>(field: string, v: T[] | undefined, max: number): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new InvalidArgumentError(field, 'must be an array');
  if (v.length > max) throw new InvalidArgumentError(field, `must have at most ${max} entries, got ${v.length}`);
  return v;
}

function any<T>(type: { typeUrl: string; codec: { fromPartial(o: object): T; encode(m: T): { finish(): Uint8Array } } }, value: object): TxMessage {
  return { typeUrl: type.typeUrl, value: type.codec.encode(type.codec.fromPartial(value)).finish() };
}

export function epochReportMsg(creator: string, r: EpochReportInput): TxMessage {
  return any(auditMsgTypes.MsgSubmitEpochReport, {
    creator,
    epochId: u64('epochId', r.epochId),
    // Always present on the wire, as the Go chain encodes it.
    hostReport: HostReport.fromPartial(r.hostReport ?? {}),
    storageChallengeObservations: list('storageChallengeObservations', r.storageChallengeObservations, 1024),
    // The chain caps results at 16; a larger list is passed through so the chain's verdict is authoritative.
    storageProofResults: list('storageProofResults', r.storageProofResults, 1024),
  });
}

export function healClaimMsg(creator: string, c: HealClaimInput): TxMessage {
  return any(auditMsgTypes.MsgClaimHealComplete, {
    creator, healOpId: u64('healOpId', c.healOpId), ticketId: text('ticketId', c.ticketId),
    healManifestHash: text('healManifestHash', c.healManifestHash), details: text('details', c.details, true),
  });
}

export function healVerificationMsg(creator: string, v: HealVerificationInput): TxMessage {
  if (typeof v.verified !== 'boolean') throw new InvalidArgumentError('verified', 'must be a boolean');
  return any(auditMsgTypes.MsgSubmitHealVerification, {
    creator, healOpId: u64('healOpId', v.healOpId), verified: v.verified,
    verificationHash: text('verificationHash', v.verificationHash), details: text('details', v.details, true),
  });
}

export function recheckEvidenceMsg(creator: string, e: RecheckEvidenceInput): TxMessage {
  if (!Number.isInteger(e.recheckResultClass) || e.recheckResultClass < 0) throw new InvalidArgumentError('recheckResultClass', `must be a StorageProofResultClass value, got ${String(e.recheckResultClass)}`);
  return any(auditMsgTypes.MsgSubmitStorageRecheckEvidence, {
    creator, epochId: u64('epochId', e.epochId),
    challengedSupernodeAccount: text('challengedSupernodeAccount', e.challengedSupernodeAccount),
    ticketId: text('ticketId', e.ticketId),
    challengedResultTranscriptHash: text('challengedResultTranscriptHash', e.challengedResultTranscriptHash),
    recheckTranscriptHash: text('recheckTranscriptHash', e.recheckTranscriptHash),
    recheckResultClass: e.recheckResultClass, details: text('details', e.details, true),
  });
}

export function requestActionMsg(creator: string, a: RequestActionInput): TxMessage {
  if (a.appPubkey !== undefined && !(a.appPubkey instanceof Uint8Array)) throw new InvalidArgumentError('appPubkey', 'must be bytes');
  return any(actionMsgTypes.MsgRequestAction, {
    creator, actionType: text('actionType', a.actionType), metadata: text('metadata', a.metadata), price: text('price', a.price),
    expirationTime: u64('expirationTime', a.expirationTime).toString(), fileSizeKbs: u64('fileSizeKbs', a.fileSizeKbs).toString(),
    appPubkey: a.appPubkey ?? new Uint8Array(),
  });
}

export function finalizeActionMsg(creator: string, f: FinalizeActionInput): TxMessage {
  return any(actionMsgTypes.MsgFinalizeAction, {
    creator, actionId: text('actionId', f.actionId), actionType: text('actionType', f.actionType), metadata: text('metadata', f.metadata),
  });
}

/** The action id of the first MsgRequestActionResponse in a tx result. */
export function actionIdFromResponses(responses: readonly TxMessage[]): string {
  const t = actionMsgTypes.MsgRequestActionResponse;
  const r = responses.find((x) => x.typeUrl === t.typeUrl);
  if (!r) throw new ChainResponseError('of MsgRequestAction', 'carries no MsgRequestActionResponse');
  const id = decodeStrict(t.codec, 'MsgRequestActionResponse', r.value).actionId;
  if (id === '') throw new ChainResponseError('of MsgRequestAction', 'has an empty action id');
  return id;
}


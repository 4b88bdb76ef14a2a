/**
 * Type URLs of every Lumera Msg (and Msg response) this project signs, broadcasts or serves, and a
 * cosmjs Registry pre-loaded with them next to the cosmjs defaults.
 */
import { Registry, type GeneratedType } from '@cosmjs/proto-signing';
import { defaultRegistryTypes } from '@cosmjs/stargate';
import * as auditTx from '../gen/lumera/audit/v1/tx.js';
import * as actionTx from '../gen/lumera/action/v1/tx.js';
import * as supernodeTx from '../gen/lumera/supernode/v1/tx.js';
import { InvalidArgumentError } from '../util/errors.js';
import type { WireCodec } from './codec.js';

export interface MsgType<U extends string, T> {
  readonly typeUrl: U;
  readonly codec: WireCodec<T>;
}

function msgType<P extends string, N extends string, T>(pkg: P, name: N, codec: WireCodec<T>): MsgType<`/${P}.${N}`, T> {
  return { typeUrl: `/${pkg}.${name}`, codec };
}

const A = auditTx.protobufPackage;
const C = actionTx.protobufPackage;
const S = supernodeTx.protobufPackage;

/** Requests and responses of `lumera.audit.v1.Msg`. */
export const auditMsgTypes = {
  MsgUpdateParams: msgType(A, 'MsgUpdateParams', auditTx.MsgUpdateParams),
  MsgUpdateParamsResponse: msgType(A, 'MsgUpdateParamsResponse', auditTx.MsgUpdateParamsResponse),
  MsgSubmitEpochReport: msgType(A, 'MsgSubmitEpochReport', auditTx.MsgSubmitEpochReport),
  MsgSubmitEpochReportResponse: msgType(A, 'MsgSubmitEpochReportResponse', auditTx.MsgSubmitEpochReportResponse),
  MsgSubmitEvidence: msgType(A, 'MsgSubmitEvidence', auditTx.MsgSubmitEvidence),
  MsgSubmitEvidenceResponse: msgType(A, 'MsgSubmitEvidenceResponse', auditTx.MsgSubmitEvidenceResponse),
  MsgSubmitStorageRecheckEvidence: msgType(A, 'MsgSubmitStorageRecheckEvidence', auditTx.MsgSubmitStorageRecheckEvidence),
  MsgSubmitStorageRecheckEvidenceResponse: msgType(
    A,
    'MsgSubmitStorageRecheckEvidenceResponse',
    auditTx.MsgSubmitStorageRecheckEvidenceResponse,
  ),
  MsgClaimHealComplete: msgType(A, 'MsgClaimHealComplete', auditTx.MsgClaimHealComplete),
  MsgClaimHealCompleteResponse: msgType(A, 'MsgClaimHealCompleteResponse', auditTx.MsgClaimHealCompleteResponse),
  MsgSubmitHealVerification: msgType(A, 'MsgSubmitHealVerification', auditTx.MsgSubmitHealVerification),
  MsgSubmitHealVerificationResponse: msgType(A, 'MsgSubmitHealVerificationResponse', auditTx.MsgSubmitHealVerificationResponse),
} as const;

/** Requests and responses of `lumera.action.v1.Msg`. */
export const actionMsgTypes = {
  MsgUpdateParams: msgType(C, 'MsgUpdateParams', actionTx.MsgUpdateParams),
  MsgUpdateParamsResponse: msgType(C, 'MsgUpdateParamsResponse', actionTx.MsgUpdateParamsResponse),
  MsgRequestAction: msgType(C, 'MsgRequestAction', actionTx.MsgRequestAction),
  MsgRequestActionResponse: msgType(C, 'MsgRequestActionResponse', actionTx.MsgRequestActionResponse),
  MsgFinalizeAction: msgType(C, 'MsgFinalizeAction', actionTx.MsgFinalizeAction),
  MsgFinalizeActionResponse: msgType(C, 'MsgFinalizeActionResponse', actionTx.MsgFinalizeActionResponse),
  MsgApproveAction: msgType(C, 'MsgApproveAction', actionTx.MsgApproveAction),
  MsgApproveActionResponse: msgType(C, 'MsgApproveActionResponse', actionTx.MsgApproveActionResponse),
} as const;

/** Requests and responses of `lumera.supernode.v1.Msg`. */
export const supernodeMsgTypes = {
  MsgRegisterSupernode: msgType(S, 'MsgRegisterSupernode', supernodeTx.MsgRegisterSupernode),
  MsgRegisterSupernodeResponse: msgType(S, 'MsgRegisterSupernodeResponse', supernodeTx.MsgRegisterSupernodeResponse),
  MsgDeregisterSupernode: msgType(S, 'MsgDeregisterSupernode', supernodeTx.MsgDeregisterSupernode),
  MsgDeregisterSupernodeResponse: msgType(S, 'MsgDeregisterSupernodeResponse', supernodeTx.MsgDeregisterSupernodeResponse),
  MsgStartSupernode: msgType(S, 'MsgStartSupernode', supernodeTx.MsgStartSupernode),
  MsgStartSupernodeResponse: msgType(S, 'MsgStartSupernodeResponse', supernodeTx.MsgStartSupernodeResponse),
  MsgStopSupernode: msgType(S, 'MsgStopSupernode', supernodeTx.MsgStopSupernode),
  MsgStopSupernodeResponse: msgType(S, 'MsgStopSupernodeResponse', supernodeTx.MsgStopSupernodeResponse),
  MsgUpdateSupernode: msgType(S, 'MsgUpdateSupernode', supernodeTx.MsgUpdateSupernode),
  MsgUpdateSupernodeResponse: msgType(S, 'MsgUpdateSupernodeResponse', supernodeTx.MsgUpdateSupernodeResponse),
  MsgReportSupernodeMetrics: msgType(S, 'MsgReportSupernodeMetrics', supernodeTx.MsgReportSupernodeMetrics),
  MsgReportSupernodeMetricsResponse: msgType(
    S,
    'MsgReportSupernodeMetricsResponse',
    supernodeTx.MsgReportSupernodeMetricsResponse,
  ),
} as const;

/** Every Lumera Msg and Msg-response type, in one list. */
export const lumeraMsgTypes: ReadonlyArray<MsgType<string, object>> = [
  ...Object.values(auditMsgTypes),
  ...Object.values(actionMsgTypes),
  ...Object.values(supernodeMsgTypes),
];

const typeUrlByCodec = new Map<object, string>(lumeraMsgTypes.map((m) => [m.codec, m.typeUrl]));
const codecByTypeUrl = new Map<string, WireCodec<object>>(lumeraMsgTypes.map((m) => [m.typeUrl, m.codec]));

/** The type URL of a generated Lumera Msg codec, e.g. typeUrlOf(MsgSubmitEpochReport). */
export function typeUrlOf(codec: object): string {
  const url = typeUrlByCodec.get(codec);
  if (url === undefined) throw new InvalidArgumentError('codec', 'is not a registered Lumera Msg type');
  return url;
}

/** The codec registered for a Lumera Msg type URL, or undefined. */
export function msgCodecOf(typeUrl: string): WireCodec<object> | undefined {
  return codecByTypeUrl.get(typeUrl);
}

/** cosmjs Registry holding the cosmjs default types plus every Lumera Msg and Msg-response type. */
export function createLumeraRegistry(): Registry {
  // The cast only bridges a declaration-level split: cosmjs is CommonJS, so its typings see the CJS build
  // of @bufbuild/protobuf while our ESM code sees the ESM build (same version, nominally distinct
  // BinaryWriter classes). At run time cosmjs never passes a writer or reader of its own to these codecs
  // (Registry calls encode(fromPartial(v)).finish() and decode(bytes)), so the two never meet.
  const lumera = lumeraMsgTypes.map((m): [string, GeneratedType] => [m.typeUrl, m.codec as unknown as GeneratedType]);
  return new Registry([...defaultRegistryTypes, ...lumera]);
}

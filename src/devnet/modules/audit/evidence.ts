/**
 * MsgSubmitEvidence (spec 03 §8, legacy storage-challenge evidence path): types 1, 2, 3 and 5 are reserved
 * for the action module; type 4 needs sc_enabled, matching metadata, an anchor, an authorized challenger
 * (XOR-distance selection) and a subject from the anchor's target set. The order of the checks follows
 * the table in spec 03 §8; the parser error text after `unmarshal …:` is ours, not Go's.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { decodeBech32 } from '../../../crypto/account-keys.js';
import { StorageChallengeFailureEvidenceMetadata } from '../../../gen/lumera/audit/v1/evidence_metadata.js';
import { errorMessage } from '../../../util/errors.js';
import type { AuditEnv } from './env.js';
import { EvidenceType } from './enums.js';
import { AuditErr, wrap } from './errors.js';
import { getAnchor } from './epochs.js';
import { compareBytes } from './pagination.js';
import { strCmp, tSet } from './table.js';
import type { AuditStateData, Evidence } from './types.js';

const MAX_ACTION_ID_BYTES = 4096;

export interface MsgSubmitEvidenceInput {
  creator: string;
  subjectAddress: string;
  evidenceType: number;
  actionId: string;
  metadata: string;
}

function bech32Error(addr: string): string | undefined {
  try {
    decodeBech32(addr);
    return undefined;
  } catch (err) {
    return `decoding bech32 failed: ${errorMessage(err)}`;
  }
}

/** Top `count` active accounts by XOR distance to BLAKE3("sc:challengers:<hex seed>:<epoch>"). */
export function legacyChallengers(active: string[], seed: Uint8Array, epochId: bigint, configured: number): string[] {
  const count = configured > 0 ? configured : Math.max(1, Math.ceil(active.length / 3));
  const target = blake3(new TextEncoder().encode(`sc:challengers:${Buffer.from(seed).toString('hex')}:${epochId}`));
  const ranked = active.map((a) => {
    const h = blake3(new TextEncoder().encode(a));
    return { a, d: h.map((b, i) => b ^ (target[i] as number)) };
  });
  ranked.sort((x, y) => compareBytes(x.d, y.d) || strCmp(x.a, y.a));
  return ranked.slice(0, count).map((r) => r.a);
}

export function submitEvidence(env: AuditEnv, msg: MsgSubmitEvidenceInput | undefined): bigint {
  if (msg === undefined) throw wrap(AuditErr.InvalidSigner, 'empty request');
  if (msg.creator === '') throw wrap(AuditErr.InvalidSigner, 'creator is required');
  const reporterErr = bech32Error(msg.creator);
  if (reporterErr !== undefined) throw wrap(AuditErr.InvalidReporterAddress, reporterErr);
  const subjectErr = bech32Error(msg.subjectAddress);
  if (subjectErr !== undefined) throw wrap(AuditErr.InvalidSubjectAddress, subjectErr);
  if (msg.evidenceType === EvidenceType.UNSPECIFIED) throw wrap(AuditErr.InvalidEvidenceType);
  if (msg.evidenceType !== EvidenceType.STORAGE_CHALLENGE_FAILURE) {
    throw wrap(AuditErr.InvalidEvidenceType, 'evidence type is reserved for the action module');
  }
  if (Buffer.byteLength(msg.actionId, 'utf8') > MAX_ACTION_ID_BYTES) throw wrap(AuditErr.InvalidActionId, 'action_id is too large');
  if (msg.metadata.trim() === '') throw wrap(AuditErr.InvalidEvidenceMetadata);
  const p = env.state.params;
  if (!p.scEnabled) throw wrap(AuditErr.InvalidEvidenceType, 'storage challenge evidence is disabled');
  let meta: StorageChallengeFailureEvidenceMetadata;
  try {
    meta = StorageChallengeFailureEvidenceMetadata.fromJSON(JSON.parse(msg.metadata) as unknown);
  } catch (err) {
    throw wrap(AuditErr.InvalidEvidenceMetadata, `unmarshal StorageChallengeFailureEvidenceMetadata: ${errorMessage(err)}`);
  }
  if (meta.challengerSupernodeAccount === '') throw wrap(AuditErr.InvalidEvidenceMetadata, 'challenger_supernode_account is required');
  if (meta.challengedSupernodeAccount === '') throw wrap(AuditErr.InvalidEvidenceMetadata, 'challenged_supernode_account is required');
  if (meta.challengerSupernodeAccount !== msg.creator) throw wrap(AuditErr.InvalidReporterAddress, 'reporter must match challenger_supernode_account');
  if (meta.challengedSupernodeAccount !== msg.subjectAddress) throw wrap(AuditErr.InvalidSubjectAddress, 'subject_address must match challenged_supernode_account');
  const anchor = getAnchor(env, meta.epochId);
  if (anchor === undefined) throw wrap(AuditErr.InvalidEvidenceMetadata, `epoch anchor not found for epoch_id ${meta.epochId}`);
  if (!legacyChallengers(anchor.activeSupernodeAccounts, anchor.seed, anchor.epochId, p.scChallengersPerEpoch).includes(msg.creator)) {
    throw wrap(AuditErr.InvalidReporterAddress, 'reporter is not an authorized challenger for epoch');
  }
  if (!anchor.targetSupernodeAccounts.includes(msg.subjectAddress)) throw wrap(AuditErr.InvalidSubjectAddress, 'subject is not an eligible target for epoch');
  return storeEvidence(env.state, {
    subjectAddress: msg.subjectAddress,
    reporterAddress: msg.creator,
    actionId: msg.actionId,
    evidenceType: msg.evidenceType,
    metadata: StorageChallengeFailureEvidenceMetadata.encode(meta).finish(),
    reportedHeight: env.height,
    epochId: anchor.epochId,
  });
}

/** Stores an evidence record under the next id (ids start at 1). */
export function storeEvidence(s: AuditStateData, ev: Omit<Evidence, 'evidenceId'>): bigint {
  const id = s.nextEvidenceId;
  s.nextEvidenceId = id + 1n;
  tSet(s.evidence, id.toString(), { evidenceId: id, ...ev });
  return id;
}

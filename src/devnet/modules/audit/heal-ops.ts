/**
 * Heal operations (spec 03 §4): epoch-end expiry and scheduling, MsgClaimHealComplete,
 * MsgSubmitHealVerification with the n/2+1 quorum, and the VERIFIED / FAILED / EXPIRED effects on the
 * ticket's deterioration row.
 */
import { goQuote } from '../types.js';
import { SuperNodeState, currentState } from '../supernode/keeper.js';
import { event, type AuditEnv } from './env.js';
import { EnforcementMode, enumName, HEAL_OP_STATUS_NAMES, HealOpStatus, isFinalHealStatus } from './enums.js';
import { AuditErr, plainError, wrap } from './errors.js';
import { epochAt, getAnchor } from './epochs.js';
import { goHexString } from './format.js';
import { decayedSuspicion } from './rows.js';
import { key, strCmp, tGet, tHas, tSet, tValues } from './table.js';
import type { HealOp, MsgClaimHealComplete, MsgSubmitHealVerification, TicketDeteriorationState } from './types.js';

const FAILED_HEAL_PENALTY = 15n;

export function getHealOp(env: Pick<AuditEnv, 'state'>, id: bigint): HealOp | undefined {
  return tGet(env.state.healOps, id.toString());
}

function appendNotes(op: HealOp, details: string): void {
  const d = details.trim();
  if (d === '') return;
  op.notes = op.notes === '' ? d : `${op.notes} | ${d}`;
}

function clearPointer(t: TicketDeteriorationState | undefined, id: bigint): void {
  if (t !== undefined && t.activeHealOpId === id) t.activeHealOpId = 0n;
}

function markFailedHeal(env: AuditEnv, op: HealOp, e: bigint): void {
  if (op.healerSupernodeAccount === '') {
    throw plainError(`storage truth failed heal marker missing healer account for heal op ${op.healOpId}`);
  }
  tSet(env.state.failedHealMarkers, key(op.healerSupernodeAccount, e), { account: op.healerSupernodeAccount, epochId: e });
}

/** FAILED / EXPIRED effect on the ticket (rules 4.5.4, 4.6.2). */
function penalizeTicket(env: AuditEnv, op: HealOp, e: bigint): void {
  const t = tGet(env.state.ticketDeterioration, op.ticketId);
  if (t !== undefined) {
    t.deteriorationScore += FAILED_HEAL_PENALTY;
    const until = e + BigInt(env.state.params.storageTruthProbationEpochs);
    if (t.probationUntilEpoch < until) t.probationUntilEpoch = until;
    clearPointer(t, op.healOpId);
  }
  markFailedHeal(env, op, e);
}

/** Rule 4.6.1: EndBlock of epoch E, all modes, before scheduling. */
export function expireHealOps(env: AuditEnv, e: bigint): void {
  const ops = tValues(env.state.healOps).sort((a, b) => (a.healOpId < b.healOpId ? -1 : 1));
  for (const op of ops) {
    if (isFinalHealStatus(op.status) || op.deadlineEpochId === 0n || op.deadlineEpochId > e) continue;
    op.status = HealOpStatus.EXPIRED;
    op.updatedHeight = env.height;
    penalizeTicket(env, op, e);
    env.emit(event('storage_truth_heal_op_expired', [['epoch_id', e], ['heal_op_id', op.healOpId], ['ticket_id', op.ticketId]]));
  }
}

function hasOpenOp(env: AuditEnv, t: TicketDeteriorationState): boolean {
  if (t.activeHealOpId !== 0n) {
    const op = getHealOp(env, t.activeHealOpId);
    if (op !== undefined && !isFinalHealStatus(op.status)) return true;
    t.activeHealOpId = 0n; // stale pointer (rule 4.2.3)
  }
  return tValues(env.state.healOps).some((op) => op.ticketId === t.ticketId && !isFinalHealStatus(op.status));
}

/** FNV-1a 64 over UTF-8 bytes. */
export function fnv1a64(data: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of data) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** Rules 4.2.1–4.2.9: schedule up to the per-epoch cap at EndBlock of epoch E (after expiry). */
export function scheduleHealOps(env: AuditEnv, e: bigint): void {
  const p = env.state.params;
  if (p.storageTruthEnforcementMode === EnforcementMode.UNSPECIFIED || p.storageTruthMaxSelfHealOpsPerEpoch === 0) return;
  const anchor = getAnchor(env, e);
  let accounts = anchor !== undefined && anchor.activeSupernodeAccounts.length > 0 ? [...anchor.activeSupernodeAccounts] : [];
  if (accounts.length === 0) {
    accounts = env.supernodes
      .all()
      .filter((sn) => currentState(sn) === SuperNodeState.ACTIVE)
      .map((sn) => sn.supernodeAccount)
      .sort(strCmp);
  }
  if (accounts.length === 0) return;
  const candidates = tValues(env.state.ticketDeterioration).filter(
    (t) =>
      t.deteriorationScore >= p.storageTruthTicketDeteriorationHealThreshold &&
      t.probationUntilEpoch <= e &&
      !hasOpenOp(env, t) &&
      (t.distinctHolderFailureCount >= 2 || t.lastIndexFailureEpoch > 0n || t.recentFailureEpochCount >= 2),
  );
  candidates.sort(
    (a, b) =>
      cmpBig(b.deteriorationScore, a.deteriorationScore) ||
      Number(b.lastIndexFailureEpoch > 0n) - Number(a.lastIndexFailureEpoch > 0n) ||
      b.distinctHolderFailureCount - a.distinctHolderFailureCount ||
      cmpBig(a.lastFailureEpoch, b.lastFailureEpoch) ||
      strCmp(a.ticketId, b.ticketId),
  );
  let created = 0;
  for (const t of candidates) {
    if (created >= p.storageTruthMaxSelfHealOpsPerEpoch) break;
    const pool = accounts.filter(
      (a) =>
        !tHas(env.state.storagePostponements, a) &&
        decayedSuspicion(env, a, e) < p.storageTruthNodeSuspicionThresholdProbation &&
        a !== t.lastTargetSupernodeAccount,
    );
    if (pool.length === 0) {
      env.emit(event('storage_truth_heal_op_insufficient_healers', [['ticket_id', t.ticketId], ['epoch_id', e]]));
      continue;
    }
    const idx = Number(fnv1a64(new Uint8Array(Buffer.from(`${t.ticketId}\u0000${e}`, 'utf8'))) % BigInt(pool.length));
    const verifierCount = Math.min(p.storageTruthHealVerifierCount, pool.length - 1);
    if (verifierCount <= 0) {
      env.emit(event('storage_truth_heal_op_insufficient_verifiers', [['ticket_id', t.ticketId], ['epoch_id', e]]));
      continue;
    }
    const verifiers: string[] = [];
    for (let j = 1; j <= verifierCount; j++) verifiers.push(pool[(idx + j) % pool.length] as string);
    const id = nextHealOpId(env);
    const op: HealOp = {
      healOpId: id,
      ticketId: t.ticketId,
      scheduledEpochId: e,
      healerSupernodeAccount: pool[idx] as string,
      verifierSupernodeAccounts: verifiers,
      status: HealOpStatus.SCHEDULED,
      createdHeight: env.height,
      updatedHeight: env.height,
      deadlineEpochId: e + BigInt(p.storageTruthHealDeadlineEpochs),
      resultHash: '',
      notes: '',
    };
    tSet(env.state.healOps, id.toString(), op);
    t.activeHealOpId = id;
    created++;
    env.emit(
      event('storage_truth_heal_op_scheduled', [
        ['epoch_id', e],
        ['heal_op_id', id],
        ['ticket_id', t.ticketId],
        ['healer_supernode_account', op.healerSupernodeAccount],
        ['deadline_epoch_id', op.deadlineEpochId],
      ]),
    );
  }
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Next id; a malformed or zero counter recovers as max(existing id) + 1 (rule 9 item 45). */
function nextHealOpId(env: AuditEnv): bigint {
  let id = env.state.nextHealOpId;
  const ids = tValues(env.state.healOps).map((op) => op.healOpId);
  const max = ids.reduce((m, x) => (x > m ? x : m), 0n);
  if (id <= 0n || id <= max) id = max + 1n;
  env.state.nextHealOpId = id + 1n;
  return id;
}

/** MsgClaimHealComplete (table 4.3). */
export function claimHealComplete(env: AuditEnv, msg: MsgClaimHealComplete | undefined): void {
  if (msg === undefined) throw wrap(AuditErr.InvalidSigner, 'empty request');
  if (msg.creator === '') throw wrap(AuditErr.InvalidSigner, 'creator is required');
  if (msg.healOpId === 0n) throw wrap(AuditErr.HealOpNotFound, 'heal_op_id is required');
  if (msg.ticketId === '') throw wrap(AuditErr.HealOpTicketMismatch, 'ticket_id is required');
  if (msg.healManifestHash === '') throw wrap(AuditErr.HealOpInvalidState, 'heal_manifest_hash is required');
  const op = getHealOp(env, msg.healOpId);
  if (op === undefined) throw wrap(AuditErr.HealOpNotFound, `heal op ${msg.healOpId} not found`);
  if (msg.ticketId !== op.ticketId) {
    throw wrap(AuditErr.HealOpTicketMismatch, `ticket_id ${goQuote(msg.ticketId)} does not match heal op ticket_id ${goQuote(op.ticketId)}`);
  }
  if (msg.creator !== op.healerSupernodeAccount) throw wrap(AuditErr.HealOpUnauthorized, 'creator is not assigned healer for this heal op');
  if (op.status !== HealOpStatus.SCHEDULED && op.status !== HealOpStatus.IN_PROGRESS) {
    throw wrap(AuditErr.HealOpInvalidState, `heal op status ${enumName(HEAL_OP_STATUS_NAMES, op.status)} does not accept healer completion claim`);
  }
  if (op.verifierSupernodeAccounts.length === 0) throw wrap(AuditErr.HealOpInvalidState, 'heal op has no independent verifier assignments');
  op.status = HealOpStatus.HEALER_REPORTED;
  op.resultHash = msg.healManifestHash;
  op.updatedHeight = env.height;
  appendNotes(op, msg.details);
  env.emit(
    event('storage_truth_heal_op_healer_reported', [
      ['heal_op_id', op.healOpId],
      ['ticket_id', op.ticketId],
      ['healer_supernode_account', op.healerSupernodeAccount],
      ['heal_manifest_hash', msg.healManifestHash],
    ]),
  );
}

/** MsgSubmitHealVerification (table 4.4) and finalization (rules 4.4.1–4.5.4). */
export function submitHealVerification(env: AuditEnv, msg: MsgSubmitHealVerification | undefined): void {
  if (msg === undefined) throw wrap(AuditErr.InvalidSigner, 'empty request');
  if (msg.creator === '') throw wrap(AuditErr.InvalidSigner, 'creator is required');
  if (msg.healOpId === 0n) throw wrap(AuditErr.HealOpNotFound, 'heal_op_id is required');
  if (msg.verificationHash === '') throw wrap(AuditErr.HealOpInvalidState, 'verification_hash is required');
  const op = getHealOp(env, msg.healOpId);
  if (op === undefined) throw wrap(AuditErr.HealOpNotFound, `heal op ${msg.healOpId} not found`);
  if (op.status !== HealOpStatus.HEALER_REPORTED) {
    throw wrap(AuditErr.HealOpInvalidState, `heal op status ${enumName(HEAL_OP_STATUS_NAMES, op.status)} does not accept verification`);
  }
  if (!op.verifierSupernodeAccounts.includes(msg.creator)) throw wrap(AuditErr.HealOpUnauthorized, 'creator is not assigned verifier for this heal op');
  if (tHas(env.state.healVotes, key(op.healOpId, msg.creator))) {
    throw wrap(AuditErr.HealVerificationExists, 'verification already submitted by creator');
  }
  if (msg.verified && op.resultHash !== '' && msg.verificationHash !== op.resultHash) {
    throw wrap(
      AuditErr.InvalidHealVerification,
      `positive attestation hash ${goHexString(msg.verificationHash)} mismatches heal-op result hash ${goHexString(op.resultHash)}`,
    );
  }
  tSet(env.state.healVotes, key(op.healOpId, msg.creator), { verified: msg.verified, verificationHash: msg.verificationHash });
  const n = op.verifierSupernodeAccounts.length;
  const quorum = Math.floor(n / 2) + 1;
  let pos = 0;
  let neg = 0;
  for (const v of op.verifierSupernodeAccounts) {
    const vote = tGet(env.state.healVotes, key(op.healOpId, v));
    if (vote === undefined) continue;
    if (vote.verified) pos++;
    else neg++;
  }
  if (neg < quorum && pos < quorum) return;
  const eNow = epochAt(env.state.params, env.height).epochId;
  op.status = neg >= quorum ? HealOpStatus.FAILED : HealOpStatus.VERIFIED;
  op.updatedHeight = env.height;
  op.resultHash = msg.verificationHash;
  appendNotes(op, msg.details);
  const t = tGet(env.state.ticketDeterioration, op.ticketId);
  if (op.status === HealOpStatus.FAILED) {
    penalizeTicket(env, op, eNow);
    env.emit(
      event('storage_truth_heal_op_failed', [
        ['heal_op_id', op.healOpId],
        ['ticket_id', op.ticketId],
        ['verifier_supernode_account', msg.creator],
        ['verified', msg.verified],
      ]),
    );
    return;
  }
  if (t !== undefined) {
    clearPointer(t, op.healOpId);
    const quarter = t.deteriorationScore / 4n;
    t.deteriorationScore = quarter > 8n ? quarter : 8n;
    t.lastHealEpoch = eNow;
    t.probationUntilEpoch = eNow + BigInt(env.state.params.storageTruthProbationEpochs);
    t.distinctHolderFailureCount = 0;
    t.recentFailureEpochCount = 0;
    t.lastIndexFailureEpoch = 0n;
    t.lastFailureEpoch = 0n;
  }
  env.emit(
    event('storage_truth_heal_op_verified', [
      ['heal_op_id', op.healOpId],
      ['ticket_id', op.ticketId],
      ['verifier_supernode_account', msg.creator],
      ['verification_hash', msg.verificationHash],
    ]),
  );
}

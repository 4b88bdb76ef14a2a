/**
 * Epoch-end enforcement (spec 03 §6.6–6.8): storage-truth bands and postponement (SOFT/FULL), the legacy
 * postponement rules (action-finalization evidence, missing reports, host requirements, peer ports) and
 * recovery of POSTPONED nodes.
 */
import { SuperNodeState, currentState } from '../supernode/keeper.js';
import { event, type AuditEnv } from './env.js';
import { inWindow } from './epochs.js';
import { ArtifactClass, Bucket, EnforcementMode, ENFORCEMENT_MODE_NAMES, enumName, EvidenceType, isClassA, PortState, ResultClass } from './enums.js';
import { getAnchor } from './epochs.js';
import { decayedSuspicion } from './rows.js';
import { suspicionBand } from './scoring-math.js';
import { key, tDelete, tGet, tHas, tSet, tValues } from './table.js';
import type { EpochReport, NodeFailureFact } from './types.js';

const BAND_EVENTS = ['', 'storage_truth_band_watch', 'storage_truth_band_probation', 'storage_truth_band_postpone_candidate', 'storage_truth_band_strong_postpone_candidate'];

export function runEnforcement(env: AuditEnv, e: bigint): void {
  const postponedNow = new Set<string>();
  storageTruthBands(env, e, postponedNow);
  legacyPostponement(env, e, postponedNow);
  recovery(env, e, postponedNow);
}

function postpone(env: AuditEnv, account: string, reason: string, postponedNow: Set<string>): void {
  env.supernodes.setState(account, SuperNodeState.POSTPONED, env.height, reason);
  postponedNow.add(account);
}

function facts(env: AuditEnv, target: string, e: bigint, w: number): NodeFailureFact[] {
  return tValues(env.state.nodeFailureFacts).filter((f) => f.target === target && inWindow(f.epochId, e, w));
}

/** Rule 6.7.1: postpone-band predicate. */
function postponePredicate(env: AuditEnv, account: string, e: bigint): boolean {
  const p = env.state.params;
  const winA = facts(env, account, e, p.storageTruthClassAFaultWindow);
  if (winA.length === 0) {
    const row = tGet(env.state.nodeSuspicion, account);
    if (row !== undefined && row.classACountWindow >= 1 && row.classACountWindow + row.classBCountWindow >= 2) return true;
  } else if (winA.some((f) => f.bucketType === Bucket.RECENT && isClassA(f.resultClass)) && winA.length >= 2) return true;
  const timeouts = facts(env, account, e, p.storageTruthClassBFaultWindow).filter((f) => f.resultClass === ResultClass.TIMEOUT_OR_NO_RESPONSE);
  if (timeouts.length >= 4) return true;
  const oldTickets = new Set(facts(env, account, e, p.storageTruthOldClassAFaultWindow).filter((f) => f.bucketType === Bucket.OLD && isClassA(f.resultClass)).map((f) => f.ticketId));
  return oldTickets.size >= 2;
}

/** Rule 6.7.2: strong-band predicate. */
function strongPredicate(env: AuditEnv, account: string, e: bigint): boolean {
  const p = env.state.params;
  const w = p.storageTruthClassAFaultWindow;
  const winA = facts(env, account, e, w);
  const classATickets = new Set(winA.filter((f) => isClassA(f.resultClass)).map((f) => f.ticketId));
  const row = tGet(env.state.nodeSuspicion, account);
  if (classATickets.size >= 2) return true;
  if (classATickets.size === 0 && row !== undefined && row.classACountWindow >= 2) return true;
  if (winA.some((f) => f.artifactClass === ArtifactClass.INDEX)) return true;
  if (row !== undefined && row.lastIndexFailEpoch > 0n && e - row.lastIndexFailEpoch < BigInt(w)) return true;
  return tValues(env.state.failedHealMarkers).some((m) => m.account === account && inWindow(m.epochId, e, w));
}

function storageTruthBands(env: AuditEnv, e: bigint, postponedNow: Set<string>): void {
  const p = env.state.params;
  const mode = p.storageTruthEnforcementMode;
  if (mode === EnforcementMode.UNSPECIFIED) return;
  for (const sn of env.supernodes.all()) {
    if (currentState(sn) !== SuperNodeState.ACTIVE) continue;
    const account = sn.supernodeAccount;
    const row = tGet(env.state.nodeSuspicion, account);
    if (row === undefined) continue;
    const score = decayedSuspicion(env, account, e);
    if (score <= 0n) continue;
    const band = suspicionBand(score, p);
    if (band === 0) continue;
    env.emit(
      event(BAND_EVENTS[band] as string, [
        ['target_supernode_account', account],
        ['epoch_id', e],
        ['node_suspicion_score', score],
        ['storage_truth_band', band],
        ['enforcement_mode', enumName(ENFORCEMENT_MODE_NAMES, mode)],
      ]),
    );
    if (mode === EnforcementMode.SHADOW || band < 3) continue;
    const strong = band === 4 && strongPredicate(env, account, e);
    if (!strong && !postponePredicate(env, account, e)) continue;
    postpone(env, account, strong ? 'audit_storage_truth_strong_suspicion' : 'audit_storage_truth_suspicion', postponedNow);
    tSet(env.state.storagePostponements, account, { epochId: e, strong });
    row.cleanPassCountAtPostpone = row.cleanPassCount;
    env.emit(
      event('storage_truth_enforced', [
        ['target_supernode_account', account],
        ['epoch_id', e],
        ['node_suspicion_score', score],
        ['enforcement_mode', enumName(ENFORCEMENT_MODE_NAMES, mode)],
      ]),
    );
  }
}

function report(env: AuditEnv, e: bigint, account: string): EpochReport | undefined {
  return tGet(env.state.reports, key(e, account));
}

/** Each of the last `n` epochs (ending at E) satisfies `pred`; false until E+1 ≥ n. */
function streak(e: bigint, n: number, pred: (epoch: bigint) => boolean): boolean {
  if (e + 1n < BigInt(n)) return false;
  for (let i = 0n; i < BigInt(n); i++) if (!pred(e - i)) return false;
  return true;
}

function evidenceCount(env: AuditEnv, subject: string, epoch: bigint, type: number): number {
  return tValues(env.state.evidence).filter((ev) => ev.subjectAddress === subject && ev.epochId === epoch && ev.evidenceType === type).length;
}

function hostCompliant(env: AuditEnv, r: EpochReport): boolean {
  const p = env.state.params;
  const cpu = r.hostReport.cpuUsagePercent;
  const mem = r.hostReport.memUsagePercent;
  if (p.minCpuFreePercent > 0 && cpu > 0 && 100 - cpu < p.minCpuFreePercent) return false;
  if (p.minMemFreePercent > 0 && mem > 0 && 100 - mem < p.minMemFreePercent) return false;
  return true;
}

/** Peer observations about an account in epoch E: its port states as seen by other reporters. */
type PeerObservations = (e: bigint, account: string) => number[][];

/**
 * Reads the peer observations of each epoch once per enforcement pass (scanning every retained report
 * per account made EndBlock quadratic in the network size). Per report only its first observation of
 * a target counts, and a report never counts for its own reporter.
 */
function peerObservationIndex(env: AuditEnv): PeerObservations {
  const byEpoch = new Map<bigint, Map<string, number[][]>>();
  return (e, account) => {
    let byTarget = byEpoch.get(e);
    if (byTarget === undefined) {
      byTarget = new Map();
      for (const r of tValues(env.state.reports)) {
        if (r.epochId !== e) continue;
        const seen = new Set<string>();
        for (const o of r.storageChallengeObservations) {
          const target = o.targetSupernodeAccount;
          if (seen.has(target)) continue;
          seen.add(target);
          if (target === r.supernodeAccount) continue;
          const list = byTarget.get(target);
          if (list === undefined) byTarget.set(target, [o.portStates]);
          else list.push(o.portStates);
        }
      }
      byEpoch.set(e, byTarget);
    }
    return byTarget.get(account) ?? [];
  };
}

function portsClosedStreak(env: AuditEnv, e: bigint, account: string, peerObservations: PeerObservations): boolean {
  const p = env.state.params;
  for (let i = 0; i < p.requiredOpenPorts.length; i++) {
    const fired = streak(e, p.consecutiveEpochsToPostpone, (epoch) => {
      const obs = peerObservations(epoch, account);
      if (obs.length === 0 || obs.some((o) => o.length <= i)) return false;
      const closed = obs.filter((o) => o[i] === PortState.CLOSED).length;
      return closed * 100 >= p.peerPortPostponeThresholdPercent * obs.length;
    });
    if (fired) return true;
  }
  return false;
}

function legacyPostponement(env: AuditEnv, e: bigint, postponedNow: Set<string>): void {
  const p = env.state.params;
  const observations = peerObservationIndex(env);
  for (const sn of env.supernodes.all()) {
    const account = sn.supernodeAccount;
    if (currentState(sn) !== SuperNodeState.ACTIVE || postponedNow.has(account) || tHas(env.state.storagePostponements, account)) continue;
    const sigFail = streak(e, p.actionFinalizationSignatureFailureConsecutiveEpochs, (x) =>
      evidenceCount(env, account, x, EvidenceType.ACTION_FINALIZATION_SIGNATURE_FAILURE) >= p.actionFinalizationSignatureFailureEvidencesPerEpoch,
    );
    const notTop = streak(e, p.actionFinalizationNotInTop10ConsecutiveEpochs, (x) =>
      evidenceCount(env, account, x, EvidenceType.ACTION_FINALIZATION_NOT_IN_TOP_10) >= p.actionFinalizationNotInTop10EvidencesPerEpoch,
    );
    let reason: string | undefined;
    if (sigFail || notTop) {
      reason = sigFail ? 'audit_action_finalization_signature_failure' : 'audit_action_finalization_not_in_top_10';
      tSet(env.state.actionPostponements, account, e);
    } else if (streak(e, p.consecutiveEpochsToPostpone, (x) => report(env, x, account) === undefined)) {
      reason = 'audit_missing_reports';
    } else {
      const own = report(env, e, account);
      if (own !== undefined && !hostCompliant(env, own)) reason = 'audit_host_requirements';
      else if (portsClosedStreak(env, e, account, observations)) reason = 'audit_peer_ports';
    }
    if (reason !== undefined) postpone(env, account, reason, postponedNow);
  }
}

function recovery(env: AuditEnv, e: bigint, postponedNow: Set<string>): void {
  const p = env.state.params;
  const observations = peerObservationIndex(env);
  for (const sn of env.supernodes.all()) {
    const account = sn.supernodeAccount;
    if (currentState(sn) !== SuperNodeState.POSTPONED || postponedNow.has(account)) continue;
    const marker = tGet(env.state.storagePostponements, account);
    const actionMarker = tGet(env.state.actionPostponements, account);
    let recover: boolean;
    if (marker !== undefined) {
      const row = tGet(env.state.nodeSuspicion, account);
      if (row === undefined) recover = true;
      else {
        const need = marker.strong ? p.storageTruthStrongRecoveryCleanPassCount : p.storageTruthRecoveryCleanPassCount;
        recover =
          decayedSuspicion(env, account, e) < p.storageTruthNodeSuspicionThresholdWatch &&
          row.cleanPassCount - row.cleanPassCountAtPostpone >= need &&
          (row.lastClassAEpoch === 0n || row.lastCleanPassEpoch > row.lastClassAEpoch);
      }
    } else if (actionMarker !== undefined) {
      let bad = 0;
      for (let i = 0n; i < BigInt(p.actionFinalizationRecoveryEpochs) && e - i >= 0n; i++) {
        bad += evidenceCount(env, account, e - i, EvidenceType.ACTION_FINALIZATION_SIGNATURE_FAILURE);
        bad += evidenceCount(env, account, e - i, EvidenceType.ACTION_FINALIZATION_NOT_IN_TOP_10);
      }
      recover = e >= actionMarker + 1n && bad < p.actionFinalizationRecoveryMaxTotalBadEvidences;
    } else {
      const own = report(env, e, account);
      const anchor = getAnchor(env, e);
      const peersOk =
        (anchor !== undefined && anchor.activeSupernodeAccounts.length === 0) ||
        observations(e, account).some((o) => o.length === p.requiredOpenPorts.length && o.every((s) => s === PortState.OPEN));
      recover = own !== undefined && hostCompliant(env, own) && peersOk;
    }
    if (!recover) continue;
    const own = report(env, e, account);
    const disk = own?.hostReport.diskUsagePercent ?? 0;
    const max = env.supernodes.params().maxStorageUsagePercent;
    const dest = disk === 0 || (Number.isFinite(disk) && disk <= max) ? SuperNodeState.ACTIVE : SuperNodeState.STORAGE_FULL;
    env.supernodes.setState(account, dest, env.height);
    tDelete(env.state.storagePostponements, account);
    tDelete(env.state.actionPostponements, account);
    if (marker !== undefined) env.emit(event('storage_truth_recovered', [['target_supernode_account', account], ['epoch_id', e]]));
  }
}

/**
 * MsgSubmitEpochReport (spec 03 §3): every validation step in the chain's order (first failure wins),
 * then the writes of §3.5. Proof-result structure and the artifact-count / NO_ELIGIBLE history checks
 * live in report-proofs.ts.
 */
import { goQuote } from '../types.js';
import { SuperNodeState, currentState } from '../supernode/keeper.js';
import { assignedTargets } from './assignment.js';
import { bech32Prefix, VALOPER_ADDRESS_PREFIX } from '../../../crypto/account-keys.js';
import { event, type AuditEnv } from './env.js';
import { EnforcementMode, enumName, isRecheckEligibleClass, TRUST_BAND_NAMES } from './enums.js';
import { AuditErr, wrap } from './errors.js';
import { epochAt, getAnchor, snapshotParams } from './epochs.js';
import { goFloat } from './format.js';
import { validateProofArtifacts, validateProofStructure } from './report-proofs.js';
import { adjustReliability } from './rows.js';
import { scoreResult } from './scoring.js';
import { key, tHas, tSet } from './table.js';
import type { EpochReport, HostReport, MsgSubmitEpochReport, StorageChallengeObservation, StorageProofResult } from './types.js';

export const MAX_PROOF_RESULTS = 16;
const INCOMPLETE_REPORT_PENALTY = 8n;

export function emptyHostReport(): HostReport {
  return { cpuUsagePercent: 0, memUsagePercent: 0, diskUsagePercent: 0, inboundPortStates: [], failedActionsCount: 0, cascadeKademliaDbBytes: 0 };
}

function checkPercent(field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 100) {
    throw wrap(AuditErr.InvalidHostMetric, `${field} must be a finite percentage in [0,100], got ${goFloat(v)}`);
  }
}

export function submitEpochReport(env: AuditEnv, msg: MsgSubmitEpochReport | undefined): void {
  // Steps 1–2.
  if (msg === undefined) throw wrap(AuditErr.InvalidSigner, 'empty request');
  if (msg.creator === '') throw wrap(AuditErr.InvalidSigner, 'creator is required');
  // Steps 3–5.
  const h = env.height;
  const epoch = epochAt(env.state.params, h);
  if (msg.epochId !== epoch.epochId) throw wrap(AuditErr.InvalidEpochId, `epoch_id ${msg.epochId} not accepted at height ${h}`);
  if (h < epoch.startHeight || h > epoch.endHeight) throw wrap(AuditErr.InvalidEpochId, `epoch_id not accepted at height ${h}`);
  // Step 6.
  if (env.supernodes.getByAccount(msg.creator) === undefined) throw wrap(AuditErr.ReporterNotFound, 'creator is not a registered supernode');
  // Steps 7–9 (before the anchor lookup, rule 9 item 41).
  const host = msg.hostReport ?? emptyHostReport();
  checkPercent('cpu_usage_percent', host.cpuUsagePercent);
  checkPercent('mem_usage_percent', host.memUsagePercent);
  checkPercent('disk_usage_percent', host.diskUsagePercent);
  if (!Number.isFinite(host.cascadeKademliaDbBytes)) throw wrap(AuditErr.InvalidHostMetric, 'cascade_kademlia_db_bytes must be a finite number');
  if (host.cascadeKademliaDbBytes < 0) {
    throw wrap(AuditErr.InvalidHostMetric, `cascade_kademlia_db_bytes must be >= 0, got ${goFloat(host.cascadeKademliaDbBytes)}`);
  }
  // Step 10.
  const anchor = getAnchor(env, msg.epochId);
  if (anchor === undefined) throw wrap(AuditErr.InvalidEpochId, `epoch anchor not found for epoch_id ${msg.epochId}`);
  // Step 11.
  const { targets, isProber } = assignedTargets(env, anchor, msg.creator);
  const snap = snapshotParams(env, msg.epochId);
  const ports = snap.requiredOpenPorts.length;
  // Steps 12–13.
  const n = host.inboundPortStates.length;
  if (n > ports) throw wrap(AuditErr.InvalidPortStatesLength, `inbound_port_states length ${n} exceeds required_open_ports length ${ports}`);
  if (n !== 0 && n !== ports) throw wrap(AuditErr.InvalidPortStatesLength, `inbound_port_states length ${n} must be 0 or ${ports}`);
  // Step 14.
  if (!isProber && msg.storageChallengeObservations.length > 0) {
    throw wrap(AuditErr.InvalidReporterState, 'reporter not eligible for storage challenge observations in this epoch');
  }
  // Step 15.
  const assigned = new Set(targets);
  const seen = new Set<string>();
  for (const obs of msg.storageChallengeObservations) {
    if (obs === undefined || obs === null) throw wrap(AuditErr.InvalidPeerObservations, 'nil storage challenge observation');
    const t = obs.targetSupernodeAccount;
    if (t === '') throw wrap(AuditErr.InvalidPeerObservations, 'empty target_supernode_account');
    if (t === msg.creator) throw wrap(AuditErr.InvalidPeerObservations, 'self-targeting is not allowed');
    if (!assigned.has(t)) throw wrap(AuditErr.InvalidPeerObservations, `target ${goQuote(t)} is not assigned to reporter in this epoch`);
    if (seen.has(t)) throw wrap(AuditErr.InvalidPeerObservations, `duplicate storage challenge observation for target ${goQuote(t)}`);
    seen.add(t);
    if (obs.portStates.length !== ports) {
      throw wrap(AuditErr.InvalidPortStatesLength, `port_states length ${obs.portStates.length} does not match required_open_ports length ${ports}`);
    }
  }
  // Step 16.
  const results = msg.storageProofResults;
  if (results.length > MAX_PROOF_RESULTS) {
    throw wrap(AuditErr.InvalidStorageProofs, `too many storage proof results: got ${results.length}, max ${MAX_PROOF_RESULTS}`);
  }
  // Steps 17–18.
  const full = snap.storageTruthEnforcementMode === EnforcementMode.FULL;
  validateProofStructure(msg.creator, results, targets, isProber, full);
  const unanchored = validateProofArtifacts(env, msg.epochId, snap, results as StorageProofResult[]);
  // Step 19 (last on purpose, note 3.1.a).
  if (tHas(env.state.reports, key(msg.epochId, msg.creator))) throw wrap(AuditErr.DuplicateReport, 'report already submitted for this epoch');

  for (const ticket of unanchored) env.emit(event('storage_truth_artifact_count_unanchored', [['ticket_id', ticket]], false));
  storeReport(env, msg, host, results as StorageProofResult[]);
  if (isProber && seen.size < targets.length) {
    const row = adjustReliability(env, msg.creator, msg.epochId, INCOMPLETE_REPORT_PENALTY);
    env.emit(
      event('storage_truth_score_updated', [
        ['epoch_id', msg.epochId],
        ['reporter_supernode_account', msg.creator],
        ['reporter_reliability_score', row.reliabilityScore],
        ['reporter_trust_band', enumName(TRUST_BAND_NAMES, row.trustBand)],
        ['reason', 'INCOMPLETE_REPORT'],
      ]),
    );
  }
}

/** §3.5.1–3.5.6: the report, the disk transition, the metrics bridge, transcript records and scoring. */
function storeReport(env: AuditEnv, msg: MsgSubmitEpochReport, host: HostReport, results: StorageProofResult[]): void {
  const e = msg.epochId;
  const report: EpochReport = {
    supernodeAccount: msg.creator,
    epochId: e,
    reportHeight: env.height,
    hostReport: { ...host, inboundPortStates: [...host.inboundPortStates] },
    storageChallengeObservations: (msg.storageChallengeObservations as StorageChallengeObservation[]).map((o) => ({
      targetSupernodeAccount: o.targetSupernodeAccount,
      portStates: [...o.portStates],
    })),
    storageProofResults: results.map((r) => ({ ...r, observerAttestationSignatures: [...r.observerAttestationSignatures] })),
  };
  tSet(env.state.reports, key(e, msg.creator), report);
  diskTransition(env, msg.creator, host.diskUsagePercent);
  const sn = env.supernodes.getByAccount(msg.creator);
  if (sn !== undefined) {
    // Rule 3.5.3: the bridge needs a well-formed valoper address (prefix only; any data length).
    if (bech32Prefix(sn.validatorAddress) === VALOPER_ADDRESS_PREFIX) {
      env.supernodes.recordCascadeBytes(sn.validatorAddress, host.cascadeKademliaDbBytes, env.height);
    } else {
      env.emit(
        event('audit_cascade_bytes_bridge_skipped', [
          ['supernode_account', msg.creator],
          ['validator_address', sn.validatorAddress],
          ['reason', 'invalid_validator_address'],
        ]),
      );
    }
  }
  for (const r of results) {
    tSet(env.state.transcripts, r.transcriptHash, {
      transcriptHash: r.transcriptHash,
      epochId: e,
      reporter: msg.creator,
      target: r.targetSupernodeAccount,
      ticketId: r.ticketId,
      bucketType: r.bucketType,
      resultClass: r.resultClass,
      artifactClass: r.artifactClass,
      artifactOrdinal: r.artifactOrdinal,
      artifactKey: r.artifactKey,
      artifactCount: r.artifactCount,
      derivationInputHash: r.derivationInputHash,
      challengerSignature: r.challengerSignature,
      recheckEligible: isRecheckEligibleClass(r.resultClass),
      linkedRecheckHash: '',
      rechecksTranscriptHash: '',
      contradicted: false,
      confirmed: false,
    });
  }
  if (env.state.params.storageTruthEnforcementMode !== EnforcementMode.UNSPECIFIED) {
    for (const r of results) {
      scoreResult(env, e, msg.creator, {
        ticketId: r.ticketId,
        target: r.targetSupernodeAccount,
        resultClass: r.resultClass,
        bucketType: r.bucketType,
        artifactClass: r.artifactClass,
      });
    }
  }
}

/** Rule 3.5.2: disk usage moves ACTIVE ↔ STORAGE_FULL at submit time; event audit_set_report_transition. */
function diskTransition(env: AuditEnv, account: string, disk: number): void {
  const attrs = (pairs: [string, string][]) => env.emit(event('audit_set_report_transition', pairs, false));
  if (disk === 0) {
    attrs([['disk_usage_percent', '0'], ['transition_skipped', 'true']]);
    return;
  }
  const sn = env.supernodes.getByAccount(account);
  if (sn === undefined) {
    attrs([['supernode_found', 'false']]);
    return;
  }
  const max = env.supernodes.params().maxStorageUsagePercent;
  const st = currentState(sn);
  if (st === SuperNodeState.ACTIVE && disk > max) {
    env.supernodes.setState(account, SuperNodeState.STORAGE_FULL, env.height);
    attrs([['to_state', 'storage_full']]);
  } else if (st === SuperNodeState.STORAGE_FULL && disk <= max) {
    env.supernodes.setState(account, SuperNodeState.ACTIVE, env.height);
    attrs([['to_state', 'active']]);
  }
}

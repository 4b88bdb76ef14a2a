/** Node-suspicion, reporter-reliability and ticket-deterioration rows: creation and the shared updates. */
import type { AuditEnv } from './env.js';
import { delta } from './epochs.js';
import { TrustBand } from './enums.js';
import { addClamped, decay, trustBand } from './scoring-math.js';
import { tGet, tSet } from './table.js';
import type { NodeSuspicionState, ReporterReliabilityState, TicketDeteriorationState } from './types.js';

export function newNodeRow(account: string): NodeSuspicionState {
  return {
    supernodeAccount: account,
    suspicionScore: 0n,
    lastUpdatedEpoch: 0n,
    lastRecentFailEpoch: 0n,
    lastOldFailEpoch: 0n,
    distinctTicketFailWindow: 0,
    windowStartEpoch: 0n,
    classACountWindow: 0,
    lastClassAEpoch: 0n,
    classBCountWindow: 0,
    lastClassBEpoch: 0n,
    cleanPassCount: 0,
    lastCleanPassEpoch: 0n,
    lastIndexFailEpoch: 0n,
    cleanPassCountAtPostpone: 0,
  };
}

export function newReporterRow(account: string): ReporterReliabilityState {
  return {
    reporterSupernodeAccount: account,
    reliabilityScore: 0n,
    lastUpdatedEpoch: 0n,
    trustBand: TrustBand.NORMAL,
    contradictionCount: 0n,
    ineligibleUntilEpoch: 0n,
    windowPositiveCount: 0,
    windowNegativeCount: 0,
    windowStartEpoch: 0n,
  };
}

export function newTicketRow(ticketId: string): TicketDeteriorationState {
  return {
    ticketId,
    deteriorationScore: 0n,
    lastUpdatedEpoch: 0n,
    activeHealOpId: 0n,
    probationUntilEpoch: 0n,
    lastHealEpoch: 0n,
    lastFailureEpoch: 0n,
    recentFailureEpochCount: 0,
    contradictionCount: 0n,
    lastTargetSupernodeAccount: '',
    lastReporterSupernodeAccount: '',
    lastResultClass: 0,
    lastResultEpoch: 0n,
    distinctHolderFailureCount: 0,
    lastIndexFailureEpoch: 0n,
    recentBucketFailureEpoch: 0n,
    oldBucketFailureEpoch: 0n,
  };
}

/** Decayed reporter reliability at epoch E (0 without a row). */
export function decayedReliability(env: Pick<AuditEnv, 'state'>, account: string, e: bigint): bigint {
  const row = tGet(env.state.reporterReliability, account);
  if (row === undefined) return 0n;
  return decay(row.reliabilityScore, env.state.params.storageTruthReporterReliabilityDecayPerEpoch, delta(e, row.lastUpdatedEpoch));
}

/** Decayed node suspicion at epoch E (0 without a row). */
export function decayedSuspicion(env: Pick<AuditEnv, 'state'>, account: string, e: bigint): bigint {
  const row = tGet(env.state.nodeSuspicion, account);
  if (row === undefined) return 0n;
  return decay(row.suspicionScore, env.state.params.storageTruthNodeSuspicionDecayPerEpoch, delta(e, row.lastUpdatedEpoch));
}

/**
 * Rule 6.3.5 applied to one reporter: decay to E, add `d`, clamp, recompute the band and the
 * ineligibility marker. Creates the row when missing. Returns the updated row.
 */
export function adjustReliability(env: Pick<AuditEnv, 'state'>, account: string, e: bigint, d: bigint, contradictions = 0n): ReporterReliabilityState {
  const p = env.state.params;
  const row = tGet(env.state.reporterReliability, account) ?? newReporterRow(account);
  row.reliabilityScore = addClamped(decay(row.reliabilityScore, p.storageTruthReporterReliabilityDecayPerEpoch, delta(e, row.lastUpdatedEpoch)), d);
  row.lastUpdatedEpoch = e;
  row.contradictionCount += contradictions;
  row.trustBand = trustBand(row.reliabilityScore, p);
  if (row.trustBand === TrustBand.CHALLENGER_INELIGIBLE) {
    row.ineligibleUntilEpoch = e + BigInt(p.storageTruthReporterIneligibleDurationEpochs);
  } else if (row.reliabilityScore < p.storageTruthReporterReliabilityIneligibleThreshold) {
    row.ineligibleUntilEpoch = 0n;
  }
  tSet(env.state.reporterReliability, account, row);
  return row;
}

/**
 * Audit params (spec 02 §5, spec 03 §7): defaults, the chain's "zero means default" rule and the
 * validation a genesis or MsgUpdateParams goes through. Field names follow the ts-proto camelCase
 * mapping; 64-bit fields are bigint.
 */
import { EnforcementMode } from './enums.js';

export interface AuditParams {
  epochLengthBlocks: bigint;
  epochZeroHeight: bigint;
  peerQuorumReports: number;
  minProbeTargetsPerEpoch: number;
  maxProbeTargetsPerEpoch: number;
  requiredOpenPorts: number[];
  minCpuFreePercent: number;
  minMemFreePercent: number;
  minDiskFreePercent: number;
  consecutiveEpochsToPostpone: number;
  keepLastEpochEntries: bigint;
  peerPortPostponeThresholdPercent: number;
  actionFinalizationSignatureFailureEvidencesPerEpoch: number;
  actionFinalizationSignatureFailureConsecutiveEpochs: number;
  actionFinalizationNotInTop10EvidencesPerEpoch: number;
  actionFinalizationNotInTop10ConsecutiveEpochs: number;
  actionFinalizationRecoveryEpochs: number;
  actionFinalizationRecoveryMaxTotalBadEvidences: number;
  scEnabled: boolean;
  scChallengersPerEpoch: number;
  storageTruthRecentBucketMaxBlocks: bigint;
  storageTruthOldBucketMinBlocks: bigint;
  storageTruthChallengeTargetDivisor: number;
  storageTruthCompoundRangesPerArtifact: number;
  storageTruthCompoundRangeLenBytes: number;
  storageTruthMaxSelfHealOpsPerEpoch: number;
  storageTruthProbationEpochs: number;
  storageTruthNodeSuspicionDecayPerEpoch: bigint;
  storageTruthReporterReliabilityDecayPerEpoch: bigint;
  storageTruthTicketDeteriorationDecayPerEpoch: bigint;
  storageTruthNodeSuspicionThresholdWatch: bigint;
  storageTruthNodeSuspicionThresholdProbation: bigint;
  storageTruthNodeSuspicionThresholdPostpone: bigint;
  storageTruthReporterReliabilityLowTrustThreshold: bigint;
  storageTruthReporterReliabilityIneligibleThreshold: bigint;
  storageTruthTicketDeteriorationHealThreshold: bigint;
  storageTruthEnforcementMode: number;
  storageTruthReporterReliabilityDegradedThreshold: bigint;
  storageTruthPatternEscalationWindow: number;
  storageTruthDivergenceWindowEpochs: number;
  storageTruthReporterMinReportsForDivergence: number;
  storageTruthNodeSuspicionThresholdStrongPostpone: bigint;
  storageTruthRecoveryCleanPassCount: number;
  storageTruthClassAFaultWindow: number;
  storageTruthClassBFaultWindow: number;
  storageTruthHealDeadlineEpochs: number;
  storageTruthOldClassAFaultWindow: number;
  storageTruthContradictionWindowEpochs: number;
  storageTruthReporterIneligibleDurationEpochs: number;
  storageTruthStrongRecoveryCleanPassCount: number;
  storageTruthHealVerifierCount: number;
}

/** The chain's DefaultParams (mode SHADOW). */
export function defaultAuditParams(): AuditParams {
  return {
    epochLengthBlocks: 400n,
    epochZeroHeight: 1n,
    peerQuorumReports: 3,
    minProbeTargetsPerEpoch: 3,
    maxProbeTargetsPerEpoch: 5,
    requiredOpenPorts: [4444, 4445, 8002],
    minCpuFreePercent: 0,
    minMemFreePercent: 0,
    minDiskFreePercent: 0,
    consecutiveEpochsToPostpone: 1,
    keepLastEpochEntries: 200n,
    peerPortPostponeThresholdPercent: 100,
    actionFinalizationSignatureFailureEvidencesPerEpoch: 1,
    actionFinalizationSignatureFailureConsecutiveEpochs: 1,
    actionFinalizationNotInTop10EvidencesPerEpoch: 1,
    actionFinalizationNotInTop10ConsecutiveEpochs: 1,
    actionFinalizationRecoveryEpochs: 1,
    actionFinalizationRecoveryMaxTotalBadEvidences: 1,
    scEnabled: true,
    scChallengersPerEpoch: 0,
    storageTruthRecentBucketMaxBlocks: 1200n,
    storageTruthOldBucketMinBlocks: 12000n,
    storageTruthChallengeTargetDivisor: 3,
    storageTruthCompoundRangesPerArtifact: 4,
    storageTruthCompoundRangeLenBytes: 256,
    storageTruthMaxSelfHealOpsPerEpoch: 5,
    storageTruthProbationEpochs: 3,
    storageTruthNodeSuspicionDecayPerEpoch: 920n,
    storageTruthReporterReliabilityDecayPerEpoch: 900n,
    storageTruthTicketDeteriorationDecayPerEpoch: 900n,
    storageTruthNodeSuspicionThresholdWatch: 20n,
    storageTruthNodeSuspicionThresholdProbation: 50n,
    storageTruthNodeSuspicionThresholdPostpone: 90n,
    storageTruthReporterReliabilityLowTrustThreshold: 20n,
    storageTruthReporterReliabilityIneligibleThreshold: 90n,
    storageTruthTicketDeteriorationHealThreshold: 50n,
    storageTruthEnforcementMode: EnforcementMode.SHADOW,
    storageTruthReporterReliabilityDegradedThreshold: 50n,
    storageTruthPatternEscalationWindow: 14,
    storageTruthDivergenceWindowEpochs: 14,
    storageTruthReporterMinReportsForDivergence: 5,
    storageTruthNodeSuspicionThresholdStrongPostpone: 140n,
    storageTruthRecoveryCleanPassCount: 3,
    storageTruthClassAFaultWindow: 14,
    storageTruthClassBFaultWindow: 7,
    storageTruthHealDeadlineEpochs: 3,
    storageTruthOldClassAFaultWindow: 21,
    storageTruthContradictionWindowEpochs: 7,
    storageTruthReporterIneligibleDurationEpochs: 7,
    storageTruthStrongRecoveryCleanPassCount: 5,
    storageTruthHealVerifierCount: 2,
  };
}

/** Fields where zero is a real value, not "use the default" (spec 03 §7). */
const ZERO_IS_VALUE = new Set<keyof AuditParams>([
  'minCpuFreePercent',
  'minMemFreePercent',
  'minDiskFreePercent',
  'scEnabled',
  'scChallengersPerEpoch',
  'storageTruthEnforcementMode',
]);

/**
 * WithDefaults: every zero field (except the ones above) takes its default. The bucket block bounds
 * derive from the epoch length (3 L and 30 L) when zero.
 */
export function withDefaults(partial: Partial<AuditParams>): AuditParams {
  const d = defaultAuditParams();
  const out = { ...d } as Record<string, unknown>;
  for (const [key, def] of Object.entries(d) as [keyof AuditParams, unknown][]) {
    const v = partial[key];
    if (v === undefined) {
      // Omitted in a genesis override: mode stays SHADOW (the default object); everything else defaults.
      continue;
    }
    if (ZERO_IS_VALUE.has(key)) out[key] = v;
    else if (Array.isArray(v)) out[key] = v.length === 0 ? def : [...v];
    else if (v === 0 || v === 0n) out[key] = def;
    else out[key] = v;
  }
  const p = out as unknown as AuditParams;
  if (partial.storageTruthRecentBucketMaxBlocks === undefined || partial.storageTruthRecentBucketMaxBlocks === 0n) {
    p.storageTruthRecentBucketMaxBlocks = 3n * p.epochLengthBlocks;
  }
  if (partial.storageTruthOldBucketMinBlocks === undefined || partial.storageTruthOldBucketMinBlocks === 0n) {
    p.storageTruthOldBucketMinBlocks = 30n * p.epochLengthBlocks;
  }
  return p;
}

/** Params.Validate: returns the Go error text of the first violated rule, or undefined. */
export function validateAuditParams(p: AuditParams): string | undefined {
  const checks: [boolean, string][] = [
    [p.epochLengthBlocks > 0n, 'epoch_length_blocks must be > 0'],
    [p.epochZeroHeight > 0n, 'epoch_zero_height must be > 0'],
    [p.peerQuorumReports > 0, 'peer_quorum_reports must be > 0'],
    [p.maxProbeTargetsPerEpoch >= 1 && p.maxProbeTargetsPerEpoch <= 1024, 'max_probe_targets_per_epoch must be in [1,1024]'],
    [p.minProbeTargetsPerEpoch <= p.maxProbeTargetsPerEpoch, 'min_probe_targets_per_epoch must be <= max_probe_targets_per_epoch'],
    [p.requiredOpenPorts.length > 0, 'required_open_ports must not be empty'],
    [new Set(p.requiredOpenPorts).size === p.requiredOpenPorts.length, 'required_open_ports must be unique'],
    [p.minCpuFreePercent <= 100 && p.minMemFreePercent <= 100 && p.minDiskFreePercent <= 100, 'free percent thresholds must be <= 100'],
    [p.consecutiveEpochsToPostpone > 0, 'consecutive_epochs_to_postpone must be > 0'],
    [p.keepLastEpochEntries >= 1n && p.keepLastEpochEntries <= 10000n, 'keep_last_epoch_entries must be in [1,10000]'],
    [BigInt(largestLookback(p)) <= p.keepLastEpochEntries, 'keep_last_epoch_entries must be >= every lookback window'],
    [p.peerPortPostponeThresholdPercent >= 1 && p.peerPortPostponeThresholdPercent <= 100, 'peer_port_postpone_threshold_percent must be in [1,100]'],
    [p.scChallengersPerEpoch <= 1024, 'sc_challengers_per_epoch must be <= 1024'],
    [p.storageTruthRecentBucketMaxBlocks < p.storageTruthOldBucketMinBlocks, 'storage_truth_recent_bucket_max_blocks must be < storage_truth_old_bucket_min_blocks'],
    [decayOk(p.storageTruthNodeSuspicionDecayPerEpoch) && decayOk(p.storageTruthReporterReliabilityDecayPerEpoch) && decayOk(p.storageTruthTicketDeteriorationDecayPerEpoch), 'decay factors must be in [1,1000]'],
    [
      p.storageTruthNodeSuspicionThresholdWatch <= p.storageTruthNodeSuspicionThresholdProbation &&
        p.storageTruthNodeSuspicionThresholdProbation <= p.storageTruthNodeSuspicionThresholdPostpone &&
        p.storageTruthNodeSuspicionThresholdPostpone < p.storageTruthNodeSuspicionThresholdStrongPostpone,
      'node suspicion thresholds must satisfy watch <= probation <= postpone < strong_postpone',
    ],
    [
      p.storageTruthReporterReliabilityLowTrustThreshold >= 0n &&
        p.storageTruthReporterReliabilityLowTrustThreshold <= p.storageTruthReporterReliabilityDegradedThreshold &&
        p.storageTruthReporterReliabilityDegradedThreshold <= p.storageTruthReporterReliabilityIneligibleThreshold,
      'reporter reliability thresholds must satisfy 0 <= low_trust <= degraded <= ineligible',
    ],
    [p.storageTruthTicketDeteriorationHealThreshold > 0n, 'storage_truth_ticket_deterioration_heal_threshold must be > 0'],
    [p.storageTruthOldClassAFaultWindow >= p.storageTruthClassAFaultWindow, 'storage_truth_old_class_a_fault_window must be >= storage_truth_class_a_fault_window'],
    [p.storageTruthStrongRecoveryCleanPassCount >= p.storageTruthRecoveryCleanPassCount, 'storage_truth_strong_recovery_clean_pass_count must be >= storage_truth_recovery_clean_pass_count'],
    [p.storageTruthHealVerifierCount >= 1 && p.storageTruthHealVerifierCount <= 32, 'storage_truth_heal_verifier_count must be in [1,32]'],
    [p.storageTruthEnforcementMode >= 0 && p.storageTruthEnforcementMode <= 3, 'storage_truth_enforcement_mode is invalid'],
  ];
  for (const [ok, text] of checks) if (!ok) return text;
  return undefined;
}

function decayOk(v: bigint): boolean {
  return v >= 1n && v <= 1000n;
}

function largestLookback(p: AuditParams): number {
  return Math.max(
    p.consecutiveEpochsToPostpone,
    p.actionFinalizationSignatureFailureConsecutiveEpochs,
    p.actionFinalizationNotInTop10ConsecutiveEpochs,
    p.actionFinalizationRecoveryEpochs,
    p.storageTruthPatternEscalationWindow,
    p.storageTruthDivergenceWindowEpochs,
    p.storageTruthClassAFaultWindow,
    p.storageTruthClassBFaultWindow,
    p.storageTruthHealDeadlineEpochs,
    p.storageTruthOldClassAFaultWindow,
    p.storageTruthContradictionWindowEpochs,
    p.storageTruthReporterIneligibleDurationEpochs,
  );
}

export function cloneParams(p: AuditParams): AuditParams {
  return { ...p, requiredOpenPorts: [...p.requiredOpenPorts] };
}

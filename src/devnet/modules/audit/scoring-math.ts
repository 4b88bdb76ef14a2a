/** Integer score arithmetic of the storage-truth scores (spec 03 §0.3, §6.2). */
import { TrustBand } from './enums.js';
import type { AuditParams } from './params.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const DECAY_ITERATION_CAP = 50n;

export function sat(x: bigint): bigint {
  return x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : x;
}

/** decay(s, f, Δ): Δ rounds of trunc(s·f/1000) (at most 50, stopping at 0); identity for f ∉ (0,1000). */
export function decay(score: bigint, factor: bigint, d: bigint): bigint {
  if (score === 0n || d === 0n || factor <= 0n || factor >= 1000n) return score;
  let s = score;
  const rounds = d < DECAY_ITERATION_CAP ? d : DECAY_ITERATION_CAP;
  for (let i = 0n; i < rounds && s !== 0n; i++) s = sat(s * factor) / 1000n;
  return s;
}

/** Score update with int64 saturation and the ≥ 0 clamp. */
export function addClamped(score: bigint, deltaValue: bigint): bigint {
  const s = sat(score + deltaValue);
  return s < 0n ? 0n : s;
}

export function trustBand(score: bigint, p: AuditParams): number {
  if (score >= p.storageTruthReporterReliabilityIneligibleThreshold) return TrustBand.CHALLENGER_INELIGIBLE;
  if (score >= p.storageTruthReporterReliabilityDegradedThreshold) return TrustBand.DEGRADED;
  if (score >= p.storageTruthReporterReliabilityLowTrustThreshold) return TrustBand.LOW_TRUST;
  return TrustBand.NORMAL;
}

/** Node suspicion band at epoch end: 4 strong, 3 postpone, 2 probation, 1 watch, 0 none (spec 02 §4). */
export function suspicionBand(score: bigint, p: AuditParams): number {
  if (score >= p.storageTruthNodeSuspicionThresholdStrongPostpone) return 4;
  if (score >= p.storageTruthNodeSuspicionThresholdPostpone) return 3;
  if (score >= p.storageTruthNodeSuspicionThresholdProbation) return 2;
  if (score >= p.storageTruthNodeSuspicionThresholdWatch) return 1;
  return 0;
}

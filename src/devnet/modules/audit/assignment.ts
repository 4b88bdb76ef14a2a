/**
 * Who challenges whom in epoch E (spec 03 §2): the eligible-challenger filter over live reliability rows
 * (rule 2.1) feeding the derivation library's chainAssignedTargets (storage-truth walk or legacy k-target).
 * Nothing is stored in chain state; the library remembers the last few whole-epoch walks, since every
 * reporter of an epoch asks about the same walk.
 */
import { chainAssignedTargetsForAll, isDerivationError, type AssignedTargets } from '../../../deterministic/index.js';
import type { AuditEnv } from './env.js';
import { EnforcementMode } from './enums.js';
import { plainError } from './errors.js';
import { snapshotParams } from './epochs.js';
import type { AuditParams } from './params.js';
import { decay } from './scoring-math.js';
import { tGet } from './table.js';
import type { EpochAnchor } from './types.js';

/** Rule 2.1: anchor active accounts minus reliability-ineligible reporters (storage-truth modes only). */
export function eligibleChallengers(env: Pick<AuditEnv, 'state'>, anchor: EpochAnchor, snap: AuditParams): string[] {
  if (snap.storageTruthEnforcementMode === EnforcementMode.UNSPECIFIED) return [...anchor.activeSupernodeAccounts];
  const e = anchor.epochId;
  return anchor.activeSupernodeAccounts.filter((a) => {
    const row = tGet(env.state.reporterReliability, a);
    if (row === undefined) return true;
    const decayed = decay(row.reliabilityScore, snap.storageTruthReporterReliabilityDecayPerEpoch, e > row.lastUpdatedEpoch ? e - row.lastUpdatedEpoch : 0n);
    if (decayed >= snap.storageTruthReporterReliabilityIneligibleThreshold) return false;
    if (row.ineligibleUntilEpoch !== 0n && row.ineligibleUntilEpoch >= e) return false;
    return true;
  });
}

/** The reporter's assigned targets for the anchor's epoch, using the epoch's params snapshot. */
export function assignedTargets(env: Pick<AuditEnv, 'state'>, anchor: EpochAnchor, reporter: string): AssignedTargets {
  const snap = snapshotParams(env, anchor.epochId);
  try {
    return chainAssignedTargetsForAll({
      seed: anchor.seed,
      eligibleChallengers: eligibleChallengers(env, anchor, snap),
      anchorTargets: anchor.targetSupernodeAccounts,
      params: {
        mode: snap.storageTruthEnforcementMode,
        challengeTargetDivisor: snap.storageTruthChallengeTargetDivisor,
        peerQuorumReports: snap.peerQuorumReports,
        minProbeTargetsPerEpoch: snap.minProbeTargetsPerEpoch,
        maxProbeTargetsPerEpoch: snap.maxProbeTargetsPerEpoch,
      },
      reporter,
    });
  } catch (err) {
    // Internal errors of the assignment (empty reporter, short seed) surface as plain errors (step 11).
    if (isDerivationError(err)) throw plainError(err.message);
    throw err;
  }
}

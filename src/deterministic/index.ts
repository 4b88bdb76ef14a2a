/**
 * The LEP-6 derivation library (spec 01): pure functions — no I/O, no clock, no randomness — that must
 * agree byte for byte with the Lumera chain (target selection, pairing, epoch math, anchor seed) and
 * with every Go supernode (buckets, tickets, class, ordinal, offsets, hashes, challenge id).
 */
export * from './constants.js';
export { DerivationError, DerivationErrorCode, isDerivationError } from './errors.js';
export {
  storageTruthAssignmentHash,
  sha256,
  blake3,
  u64Prefix,
  compareStrings,
  compareBytes,
  sortedUnique,
  type HashPart,
} from './hash.js';
export {
  epochAtHeight,
  epochByID,
  supernodeEpochID,
  epochSeed,
  commitStringList,
  anchorAccountList,
  withEpochDefaults,
  defaultBucketThresholds,
  type EpochBounds,
} from './epoch.js';
export {
  targetCount,
  rankTargets,
  selectLEP6Targets,
  pairChallengerToTarget,
  assignChallengerTargets,
  assignChallengerTargetsWithCandidates,
  computeStorageTruthAssignment,
  storageTruthTargetsForReporter,
  type AssignedTargets,
  type StorageTruthAssignment,
} from './targets.js';
export {
  chainAssignedTargets,
  chainAssignedTargetsForAll,
  legacyAssignedTargets,
  legacyProbeTargetCount,
  type AssignmentParams,
  type ChainAssignmentInput,
} from './chain-assignment.js';
export { classifyTicketBucket } from './buckets.js';
export { selectTicketForBucket } from './tickets.js';
export { selectArtifactClass, selectArtifactOrdinal, artifactClassRoll } from './class-roll.js';
export {
  artifactCounts,
  resolveArtifactCount,
  resolveArtifactKey,
  resolveArtifactSize,
  challengeArtifactSize,
  indexFileBytes,
  indexSizeCacheKey,
  type ArtifactMetadata,
  type IndexFileCompressor,
} from './artifacts.js';
export { effectiveRangeLen, effectiveRangesPerArtifact, computeMultiRangeOffsets, computeCompoundChallengeHash } from './ranges.js';
export { derivationInputHash, transcriptHash, compoundChallengeID, negativeAttestationHash, type TranscriptInput } from './transcript.js';
export {
  planBucketChallenge,
  noEligibleTranscriptHash,
  challengeTranscriptHash,
  type BucketChallengeInput,
  type BucketChallengePlan,
  type ChallengePlan,
  type NoEligiblePlan,
  type ByteRange,
  type TicketArtifactCounts,
} from './pipeline.js';
export { IndexSizeCache } from './index-size-cache.js';
export {
  challengerCount,
  comparisonTargetForChallengers,
  selectTopByXORDistance,
  selectChallengers,
  selectReplicaSet,
  selectFileKeys,
  deterministicJitterMs,
  legacyChallengeID,
} from './legacy.js';

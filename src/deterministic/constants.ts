/**
 * Named constants, domain-separator labels and enums of spec 01 §1. The labels are hashed as their
 * exact ASCII bytes; changing one changes every derivation and breaks agreement with the chain and
 * with every Go supernode.
 */

// §1.1 supernode library constants.
export const LEP6_COMPOUND_RANGES_PER_ARTIFACT = 4;
export const LEP6_COMPOUND_RANGE_LEN_BYTES = 256n;
export const LEP6_CHALLENGE_TARGET_DIVISOR = 3;
export const LEP6_ARTIFACT_CLASS_ROLL_MODULUS = 10n;
export const LEP6_ARTIFACT_CLASS_INDEX_CUTOFF = 2n;
export const MAX_COMPOUND_RANGES = 16;
export const MAX_COMPOUND_RANGE_LEN_BYTES = 1024;
export const MAX_COMPOUND_AGGREGATE_BYTES = 16384;
export const MAX_STORAGE_PROOF_RESULTS_PER_REPORT = 16;
export const INDEX_SIZE_CACHE_CAPACITY = 256;

// §1.4 chain parameter defaults (x/audit/v1/types/params.go); a zero value means the default.
export const DEFAULT_EPOCH_LENGTH_BLOCKS = 400n;
export const DEFAULT_EPOCH_ZERO_HEIGHT = 1n;
export const DEFAULT_CHALLENGE_TARGET_DIVISOR = 3;
/** Recent-bucket max = 3 × epoch length; old-bucket min = 30 × epoch length (saturating at 2^64 − 1). */
export const RECENT_BUCKET_EPOCHS = 3n;
export const OLD_BUCKET_EPOCHS = 30n;
export const DEFAULT_PEER_QUORUM_REPORTS = 3;
export const DEFAULT_MIN_PROBE_TARGETS_PER_EPOCH = 3;
export const DEFAULT_MAX_PROBE_TARGETS_PER_EPOCH = 5;
/** Minimum anchor seed length the chain's assignment accepts. */
export const MIN_ASSIGNMENT_SEED_BYTES = 8;

export const UINT32_MAX = 0xffff_ffff;
export const UINT64_MAX = (1n << 64n) - 1n;
export const INT64_MAX = (1n << 63n) - 1n;

// §1.2 domain-separator strings (exact ASCII, no terminator).
export const DOMAIN_CHALLENGE_TARGET = 'challenge_target';
export const DOMAIN_PAIR = 'pair';
export const DOMAIN_TICKET_RANK = 'ticket_rank';
export const DOMAIN_ARTIFACT_CLASS = 'artifact_class';
export const DOMAIN_ARTIFACT_ORDINAL = 'artifact_ordinal';
export const DOMAIN_RANGE_OFFSET = 'range_offset';
export const DOMAIN_DERIVATION_INPUT = 'derivation_input';
export const DOMAIN_TRANSCRIPT = 'transcript';
/** Class string hashed into a transcript whose ticket is "" and whose class has no domain (NO_ELIGIBLE_TICKET). */
export const DOMAIN_UNSPECIFIED_CLASS = 'UNSPECIFIED';
export const DOMAIN_EPOCH_SEED = 'lumera:epoch-seed';
export const COMPOUND_CHALLENGE_ID_PREFIX = 'lep6:';
/** Heal verifier's negative-vote placeholder prefix (spec 04 R3.6.4). */
export const NEGATIVE_ATTESTATION_PREFIX = 'lep6:negative-attestation:';
export const NEGATIVE_ATTESTATION_REASONS = ['reason_fetch_failed', 'reason_hash_compute_failed', 'reason_hash_mismatch', 'reason_other'] as const;
export type NegativeAttestationReason = (typeof NEGATIVE_ATTESTATION_REASONS)[number];
// Appendix A (pre-LEP-6 helpers).
export const LEGACY_PREFIX_CHALLENGERS = 'sc:challengers:';
export const LEGACY_PREFIX_FILES = 'sc:files:';
export const LEGACY_PREFIX_JITTER = 'sc:jitter:';
export const LEGACY_PREFIX_CHALLENGE = 'sc:challenge:';

// §1.3 enums (proto lumera.audit.v1). Numeric values are the wire values.
export enum StorageProofBucketType {
  UNSPECIFIED = 0,
  RECENT = 1,
  OLD = 2,
  PROBATION = 3,
  RECHECK = 4,
}

export enum StorageProofArtifactClass {
  UNSPECIFIED = 0,
  INDEX = 1,
  SYMBOL = 2,
}

export enum StorageTruthEnforcementMode {
  UNSPECIFIED = 0,
  SHADOW = 1,
  SOFT = 2,
  FULL = 3,
}

export enum StorageProofResultClass {
  UNSPECIFIED = 0,
  PASS = 1,
  HASH_MISMATCH = 2,
  TIMEOUT_OR_NO_RESPONSE = 3,
  OBSERVER_QUORUM_FAIL = 4,
  NO_ELIGIBLE_TICKET = 5,
  INVALID_TRANSCRIPT = 6,
  RECHECK_CONFIRMED_FAIL = 7,
}

const BUCKET_DOMAINS: Readonly<Record<number, string>> = {
  [StorageProofBucketType.RECENT]: 'RECENT',
  [StorageProofBucketType.OLD]: 'OLD',
  [StorageProofBucketType.PROBATION]: 'PROBATION',
  [StorageProofBucketType.RECHECK]: 'RECHECK',
};

const CLASS_DOMAINS: Readonly<Record<number, string>> = {
  [StorageProofArtifactClass.INDEX]: 'INDEX',
  [StorageProofArtifactClass.SYMBOL]: 'SYMBOL',
};

/** The bucket's hash-input string; "" for UNSPECIFIED and any value outside the enum ("unsupported"). */
export function bucketDomain(bucket: StorageProofBucketType | number): string {
  return Object.hasOwn(BUCKET_DOMAINS, bucket) ? (BUCKET_DOMAINS[bucket] as string) : '';
}

/** The class's hash-input string; "" for UNSPECIFIED and any value outside the enum ("unsupported"). */
export function artifactClassDomain(cls: StorageProofArtifactClass | number): string {
  return Object.hasOwn(CLASS_DOMAINS, cls) ? (CLASS_DOMAINS[cls] as string) : '';
}

/** Long proto names, for display and for parsing operator input. */
export function bucketProtoName(bucket: StorageProofBucketType): string {
  return `STORAGE_PROOF_BUCKET_TYPE_${StorageProofBucketType[bucket] ?? 'UNSPECIFIED'}`;
}

export function artifactClassProtoName(cls: StorageProofArtifactClass): string {
  return `STORAGE_PROOF_ARTIFACT_CLASS_${StorageProofArtifactClass[cls] ?? 'UNSPECIFIED'}`;
}

/** Numeric values and full proto names of the `lumera.audit.v1` enums (spec 02 §4). */

export const PortState = { UNKNOWN: 0, OPEN: 1, CLOSED: 2 } as const;

export const Bucket = { UNSPECIFIED: 0, RECENT: 1, OLD: 2, PROBATION: 3, RECHECK: 4 } as const;
export const BUCKET_NAMES = [
  'STORAGE_PROOF_BUCKET_TYPE_UNSPECIFIED',
  'STORAGE_PROOF_BUCKET_TYPE_RECENT',
  'STORAGE_PROOF_BUCKET_TYPE_OLD',
  'STORAGE_PROOF_BUCKET_TYPE_PROBATION',
  'STORAGE_PROOF_BUCKET_TYPE_RECHECK',
] as const;

export const ArtifactClass = { UNSPECIFIED: 0, INDEX: 1, SYMBOL: 2 } as const;

export const ResultClass = {
  UNSPECIFIED: 0,
  PASS: 1,
  HASH_MISMATCH: 2,
  TIMEOUT_OR_NO_RESPONSE: 3,
  OBSERVER_QUORUM_FAIL: 4,
  NO_ELIGIBLE_TICKET: 5,
  INVALID_TRANSCRIPT: 6,
  RECHECK_CONFIRMED_FAIL: 7,
} as const;
export const RESULT_CLASS_NAMES = [
  'STORAGE_PROOF_RESULT_CLASS_UNSPECIFIED',
  'STORAGE_PROOF_RESULT_CLASS_PASS',
  'STORAGE_PROOF_RESULT_CLASS_HASH_MISMATCH',
  'STORAGE_PROOF_RESULT_CLASS_TIMEOUT_OR_NO_RESPONSE',
  'STORAGE_PROOF_RESULT_CLASS_OBSERVER_QUORUM_FAIL',
  'STORAGE_PROOF_RESULT_CLASS_NO_ELIGIBLE_TICKET',
  'STORAGE_PROOF_RESULT_CLASS_INVALID_TRANSCRIPT',
  'STORAGE_PROOF_RESULT_CLASS_RECHECK_CONFIRMED_FAIL',
] as const;

export const TrustBand = { UNSPECIFIED: 0, NORMAL: 1, LOW_TRUST: 2, CHALLENGER_INELIGIBLE: 3, DEGRADED: 4 } as const;
export const TRUST_BAND_NAMES = [
  'REPORTER_TRUST_BAND_UNSPECIFIED',
  'REPORTER_TRUST_BAND_NORMAL',
  'REPORTER_TRUST_BAND_LOW_TRUST',
  'REPORTER_TRUST_BAND_CHALLENGER_INELIGIBLE',
  'REPORTER_TRUST_BAND_DEGRADED',
] as const;

export const HealOpStatus = {
  UNSPECIFIED: 0,
  SCHEDULED: 1,
  IN_PROGRESS: 2,
  HEALER_REPORTED: 3,
  VERIFIED: 4,
  FAILED: 5,
  EXPIRED: 6,
} as const;
export const HEAL_OP_STATUS_NAMES = [
  'HEAL_OP_STATUS_UNSPECIFIED',
  'HEAL_OP_STATUS_SCHEDULED',
  'HEAL_OP_STATUS_IN_PROGRESS',
  'HEAL_OP_STATUS_HEALER_REPORTED',
  'HEAL_OP_STATUS_VERIFIED',
  'HEAL_OP_STATUS_FAILED',
  'HEAL_OP_STATUS_EXPIRED',
] as const;

export const EnforcementMode = { UNSPECIFIED: 0, SHADOW: 1, SOFT: 2, FULL: 3 } as const;
export const ENFORCEMENT_MODE_NAMES = [
  'STORAGE_TRUTH_ENFORCEMENT_MODE_UNSPECIFIED',
  'STORAGE_TRUTH_ENFORCEMENT_MODE_SHADOW',
  'STORAGE_TRUTH_ENFORCEMENT_MODE_SOFT',
  'STORAGE_TRUTH_ENFORCEMENT_MODE_FULL',
] as const;

export const EvidenceType = {
  UNSPECIFIED: 0,
  ACTION_FINALIZATION_SIGNATURE_FAILURE: 1,
  ACTION_FINALIZATION_NOT_IN_TOP_10: 2,
  ACTION_EXPIRED: 3,
  STORAGE_CHALLENGE_FAILURE: 4,
  CASCADE_CLIENT_FAILURE: 5,
} as const;

/** Full enum name, or the bare number for a value without a name (as Go's String() does). */
export function enumName(names: readonly string[], value: number): string {
  return names[value] ?? String(value);
}

export function isFailureClass(c: number): boolean {
  return (
    c === ResultClass.HASH_MISMATCH ||
    c === ResultClass.TIMEOUT_OR_NO_RESPONSE ||
    c === ResultClass.OBSERVER_QUORUM_FAIL ||
    c === ResultClass.INVALID_TRANSCRIPT ||
    c === ResultClass.RECHECK_CONFIRMED_FAIL
  );
}

export function isClassA(c: number): boolean {
  return c === ResultClass.HASH_MISMATCH || c === ResultClass.RECHECK_CONFIRMED_FAIL;
}

/** Original result classes a recheck may challenge (spec 03 rule 3.5.5 / 5.1 step 17). */
export function isRecheckEligibleClass(c: number): boolean {
  return (
    c === ResultClass.HASH_MISMATCH ||
    c === ResultClass.TIMEOUT_OR_NO_RESPONSE ||
    c === ResultClass.OBSERVER_QUORUM_FAIL ||
    c === ResultClass.INVALID_TRANSCRIPT
  );
}

export function isFinalHealStatus(s: number): boolean {
  return s === HealOpStatus.VERIFIED || s === HealOpStatus.FAILED || s === HealOpStatus.EXPIRED;
}

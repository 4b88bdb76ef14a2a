/** Recheck candidates and the eligibility matrix (spec 04 §4.3) plus the outcome mapping of §4.4. */
import { StorageProofResultClass } from '../deterministic/index.js';

export interface RecheckCandidate {
  epochId: bigint;
  target: string;
  ticketId: string;
  challengedTranscriptHash: string;
  originalReporter: string;
  originalClass: StorageProofResultClass;
}

export interface RecheckResult {
  transcriptHash: string;
  resultClass: StorageProofResultClass;
  details: string;
}

const ELIGIBLE = new Set<number>([
  StorageProofResultClass.HASH_MISMATCH,
  StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE,
  StorageProofResultClass.OBSERVER_QUORUM_FAIL,
  StorageProofResultClass.INVALID_TRANSCRIPT,
]);

/** Original result classes the chain lets anyone recheck. */
export function recheckEligible(cls: number): boolean {
  return ELIGIBLE.has(cls);
}

const SUBMITTABLE = new Set<number>([
  StorageProofResultClass.PASS,
  StorageProofResultClass.HASH_MISMATCH,
  StorageProofResultClass.RECHECK_CONFIRMED_FAIL,
  StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE,
  StorageProofResultClass.OBSERVER_QUORUM_FAIL,
  StorageProofResultClass.INVALID_TRANSCRIPT,
]);

/** Recheck result classes the attestor may submit (§4.5 step 2). */
export function validRecheckResultClass(cls: number): boolean {
  return SUBMITTABLE.has(cls);
}

/** §4.4 outcome mapping: a confirmed hash mismatch becomes RECHECK_CONFIRMED_FAIL; the rest is kept. */
export function mapRecheckOutcome(cls: number): StorageProofResultClass {
  switch (cls) {
    case StorageProofResultClass.PASS:
      return StorageProofResultClass.PASS;
    case StorageProofResultClass.HASH_MISMATCH:
      return StorageProofResultClass.RECHECK_CONFIRMED_FAIL;
    case StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE:
      return StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE;
    case StorageProofResultClass.OBSERVER_QUORUM_FAIL:
      return StorageProofResultClass.OBSERVER_QUORUM_FAIL;
    default:
      return StorageProofResultClass.INVALID_TRANSCRIPT;
  }
}

export function validCandidate(c: RecheckCandidate | null | undefined): c is RecheckCandidate {
  return !!c && c.epochId > 0n && c.target.trim() !== '' && c.ticketId.trim() !== '' && c.challengedTranscriptHash.trim() !== ''
    && c.originalReporter.trim() !== '' && recheckEligible(c.originalClass);
}

/**
 * Self-healing constants (spec 04 §0.2, R3.6.4) and the negative-attestation placeholder hashes.
 */
import { dataHashB64 } from '../cascade/hash.js';

/** Reconstructed-file stream chunk (R1.5.3). */
export const SERVE_CHUNK_BYTES = 1024 * 1024;
/** Verifier accumulator ceiling (R3.6.3): a healer advertising or streaming more is refused. */
export const MAX_RECONSTRUCTED_BYTES = 4 * 1024 * 1024 * 1024;
/** Heal-op listing: page size and page cap (§3.3). */
export const HEAL_OP_PAGE_LIMIT = 100;
export const HEAL_OP_MAX_PAGES = 100;
/** Estimated block time used to translate a deadline epoch into wall-clock time (R3.8.2). */
export const ESTIMATED_BLOCK_MS = 6000;
/** Hard per-op timeout of healer, verifier and finalizer work (R3.8.2; not configurable from YAML). */
export const HARD_OP_TIMEOUT_MS = 15 * 60_000;

/** Why a verifier voted false (R3.6.4). */
export const NEGATIVE_REASONS = ['reason_fetch_failed', 'reason_hash_compute_failed', 'reason_hash_mismatch', 'reason_other'] as const;
export type NegativeReason = (typeof NEGATIVE_REASONS)[number];

const NEGATIVE_PREFIX = 'lep6:negative-attestation:';

/**
 * The non-empty hash a negative vote carries when the verifier has no hash of its own (R3.6.4):
 * base64std(BLAKE3-256(ASCII("lep6:negative-attestation:" + reason))). A blank reason means `reason_other`.
 */
export function negativeAttestationHash(reason: string): string {
  const r = reason.trim() === '' ? 'reason_other' : reason;
  return dataHashB64(new TextEncoder().encode(NEGATIVE_PREFIX + r));
}

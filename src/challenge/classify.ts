/**
 * Outcome classification of a proof call (spec 04 §2.6, §6 R6.3), plus one addition: a soft rejection
 * whose text says the recipient's own copy failed its content check (`content hash mismatch`, the R1.3.3
 * wording every conforming recipient uses) is HASH_MISMATCH — the recipient admits it holds bytes that do
 * not hash to the artefact key, which is exactly what HASH_MISMATCH reports. The reference files that
 * under INVALID_TRANSCRIPT; both are recheck-eligible failure classes, so the chain accepts either.
 */
import { status } from '@grpc/grpc-js';
import { StorageProofResultClass } from '../deterministic/index.js';

const TIMEOUT_CODES = new Set<number>([status.DEADLINE_EXCEEDED, status.CANCELLED, status.UNAVAILABLE]);

function causeChain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 10 && e !== undefined && e !== null; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** gRPC status code anywhere in the cause chain (grpc-js ServiceError shape). */
export function grpcCodeOf(err: unknown): number | undefined {
  for (const e of causeChain(err)) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'number' && (e as { details?: unknown }).details !== undefined) return c;
  }
  return undefined;
}

function isDeadlineOrCancel(err: unknown): boolean {
  return causeChain(err).some((e) => e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'));
}

/** classify(err, reason) of §2.6. */
export function classifyProofFailure(err: unknown, reason: string): StorageProofResultClass {
  if (err !== undefined && err !== null) {
    if (isDeadlineOrCancel(err)) return StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE;
    const code = grpcCodeOf(err);
    if (code !== undefined && TIMEOUT_CODES.has(code)) return StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE;
    return StorageProofResultClass.INVALID_TRANSCRIPT;
  }
  const r = reason.trim().toLowerCase();
  if (r === '' || r.includes('timeout') || r.includes('timed out') || r.includes('no response')) return StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE;
  if (r.includes('content hash mismatch')) return StorageProofResultClass.HASH_MISMATCH;
  return StorageProofResultClass.INVALID_TRANSCRIPT;
}

export interface ProofVerdict {
  resultClass: StorageProofResultClass;
  details: string;
  /** The locally recomputed lowercase proof hash (PASS only). */
  proofHashHex: string;
}

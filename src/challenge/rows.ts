/**
 * Result rows as the chain stores them (spec 04 §2.7): PASS, failure and NO_ELIGIBLE rows with their
 * transcript hash and the challenger's signature over it. A row whose signing fails is dropped (never
 * emitted unsigned) and counted under `dispatch_sign_failures_total`.
 */
import type { StorageProofResult } from '../gen/lumera/audit/v1/audit.js';
import {
  StorageProofArtifactClass, StorageProofResultClass, type StorageProofBucketType, transcriptHash,
} from '../deterministic/index.js';
import type { Lep6Metrics } from './metrics.js';
import { signTranscript, type MessageSigner } from './signing.js';

export const NO_ELIGIBLE_DETAILS = 'no eligible ticket for bucket';

export interface ChallengedArtefact {
  ticketId: string;
  artifactClass: StorageProofArtifactClass;
  ordinal: number;
  artifactCount: number;
  artifactKey: string;
  derivationInputHash: string;
}

export interface RowContext {
  epochId: bigint;
  challenger: string;
  target: string;
  bucket: StorageProofBucketType;
  signer: MessageSigner;
  metrics?: Lep6Metrics;
}

function signContext(cls: StorageProofResultClass): string {
  if (cls === StorageProofResultClass.PASS) return 'pass';
  if (cls === StorageProofResultClass.NO_ELIGIBLE_TICKET) return 'no_eligible';
  return `STORAGE_PROOF_RESULT_CLASS_${StorageProofResultClass[cls]}`;
}

function build(ctx: RowContext, a: ChallengedArtefact | undefined, cls: StorageProofResultClass, compoundHex: string, details: string): StorageProofResult | undefined {
  const transcript = transcriptHash({
    epochId: ctx.epochId,
    challenger: ctx.challenger,
    target: ctx.target,
    ticketId: a?.ticketId ?? '',
    bucket: ctx.bucket,
    artifactClass: a?.artifactClass ?? StorageProofArtifactClass.UNSPECIFIED,
    ordinal: a?.ordinal ?? 0,
    artifactKey: a?.artifactKey ?? '',
    derivationInputHash: a?.derivationInputHash ?? '',
    compoundProofHashHex: compoundHex,
    observers: [],
  });
  let signature: string;
  try {
    signature = signTranscript(ctx.signer, transcript);
  } catch {
    ctx.metrics?.inc('dispatch_sign_failures_total', signContext(cls));
    return undefined;
  }
  // Enum values are the wire numbers; the generated types are separate enums with the same values.
  return {
    targetSupernodeAccount: ctx.target,
    challengerSupernodeAccount: ctx.challenger,
    ticketId: a?.ticketId ?? '',
    bucketType: ctx.bucket as number,
    artifactClass: (a?.artifactClass ?? StorageProofArtifactClass.UNSPECIFIED) as number,
    artifactOrdinal: a?.ordinal ?? 0,
    artifactKey: a?.artifactKey ?? '',
    resultClass: cls as number,
    transcriptHash: transcript,
    details,
    artifactCount: a?.artifactCount ?? 0,
    derivationInputHash: a?.derivationInputHash ?? '',
    challengerSignature: signature,
    observerAttestationSignatures: [],
  } as StorageProofResult;
}

/** R2.7.1: transcript over the locally recomputed proof hash. */
export function passRow(ctx: RowContext, a: ChallengedArtefact, proofHashHex: string): StorageProofResult | undefined {
  return build(ctx, a, StorageProofResultClass.PASS, proofHashHex, '');
}

/** R2.7.2: transcript with an empty compound hash (also for HASH_MISMATCH). */
export function failureRow(ctx: RowContext, a: ChallengedArtefact, cls: StorageProofResultClass, details: string): StorageProofResult | undefined {
  return build(ctx, a, cls, '', details);
}

/** R2.7.3: no ticket, class UNSPECIFIED, ordinal 0, empty key/hashes. */
export function noEligibleRow(ctx: RowContext): StorageProofResult | undefined {
  return build(ctx, undefined, StorageProofResultClass.NO_ELIGIBLE_TICKET, '', NO_ELIGIBLE_DETAILS);
}

export function resultClassName(cls: number): string {
  return `STORAGE_PROOF_RESULT_CLASS_${StorageProofResultClass[cls] ?? 'UNSPECIFIED'}`;
}

/**
 * The derivation half of one challenger run (spec 01 §15 steps 5.1–5.7 and the transcript of 5.9):
 * for one (target, bucket), pick the ticket, roll the class, pick the ordinal, resolve key and size,
 * fix the ranges and the hashes that go into the request and the result row. Network, store and
 * signing stay with the caller; metadata lookups come in as callbacks so this stays pure.
 */
import { StorageProofArtifactClass, type StorageProofBucketType } from './constants.js';
import { selectArtifactClass, selectArtifactOrdinal } from './class-roll.js';
import { computeMultiRangeOffsets, effectiveRangeLen, effectiveRangesPerArtifact } from './ranges.js';
import { selectTicketForBucket } from './tickets.js';
import { compoundChallengeID, derivationInputHash, transcriptHash } from './transcript.js';

export interface TicketArtifactCounts {
  index: number;
  symbol: number;
}

export interface BucketChallengeInput {
  /** anchor(E).seed of the challenged epoch (of the rechecked result's epoch for RECHECK). */
  seed: Uint8Array;
  epochId: bigint;
  target: string;
  bucket: StorageProofBucketType;
  /** Tickets of the target classified into this bucket (ignored when `ticketId` is given). */
  pool?: readonly string[];
  excluded?: ReadonlySet<string> | readonly string[];
  /** RECHECK: the ticket is given, not selected. */
  ticketId?: string;
  /** §9.1 counts for the ticket; the caller maps a resolution error to zeros (§15 step 5.3). */
  artifactCounts: (ticketId: string) => TicketArtifactCounts;
  /** §9.2 key; an error propagates (the dispatcher drops the row). */
  resolveKey: (ticketId: string, cls: StorageProofArtifactClass, ordinal: number) => string;
  /** §9.5 size (metadata size, overridden by a non-zero stored size); an error propagates. */
  resolveSize: (ticketId: string, cls: StorageProofArtifactClass, ordinal: number, key: string) => bigint;
  /** Chain params storage_truth_compound_range_len_bytes / _ranges_per_artifact (0 = default). */
  chainRangeLenBytes: bigint;
  chainRangesPerArtifact: number;
}

export interface ByteRange {
  start: bigint;
  /** Exclusive. */
  end: bigint;
}

export interface ChallengePlan {
  kind: 'challenge';
  ticketId: string;
  artifactClass: StorageProofArtifactClass;
  ordinal: number;
  artifactCount: number;
  artifactKey: string;
  artifactSize: bigint;
  rangeLen: bigint;
  k: number;
  offsets: bigint[];
  ranges: ByteRange[];
  derivationInputHash: string;
  challengeId: string;
}

export interface NoEligiblePlan {
  kind: 'no-eligible';
  reason: 'empty-pool' | 'no-ticket' | 'class-unspecified';
  /** The ticket that was selected before the class roll came up empty ("" otherwise); not reported on chain. */
  selectedTicketId: string;
}

export type BucketChallengePlan = ChallengePlan | NoEligiblePlan;

export function planBucketChallenge(input: BucketChallengeInput): BucketChallengePlan {
  let ticketId = input.ticketId;
  if (ticketId === undefined) {
    const pool = input.pool ?? [];
    if (pool.length === 0) return { kind: 'no-eligible', reason: 'empty-pool', selectedTicketId: '' };
    ticketId = selectTicketForBucket(pool, input.excluded, input.seed, input.target, input.bucket);
    if (ticketId === '') return { kind: 'no-eligible', reason: 'no-ticket', selectedTicketId: '' };
  }
  const counts = input.artifactCounts(ticketId);
  const artifactClass = selectArtifactClass(input.seed, input.target, ticketId, counts.index, counts.symbol);
  if (artifactClass === StorageProofArtifactClass.UNSPECIFIED) {
    return { kind: 'no-eligible', reason: 'class-unspecified', selectedTicketId: ticketId };
  }
  const artifactCount = artifactClass === StorageProofArtifactClass.INDEX ? counts.index : counts.symbol;
  const ordinal = selectArtifactOrdinal(input.seed, input.target, ticketId, artifactClass, artifactCount);
  const artifactKey = input.resolveKey(ticketId, artifactClass, ordinal);
  const artifactSize = input.resolveSize(ticketId, artifactClass, ordinal, artifactKey);
  const rangeLen = effectiveRangeLen(input.chainRangeLenBytes, artifactSize);
  const k = effectiveRangesPerArtifact(input.chainRangesPerArtifact);
  const offsets = computeMultiRangeOffsets(input.seed, input.target, ticketId, artifactClass, ordinal, artifactSize, rangeLen, k);
  return {
    kind: 'challenge',
    ticketId,
    artifactClass,
    ordinal,
    artifactCount,
    artifactKey,
    artifactSize,
    rangeLen,
    k,
    offsets,
    ranges: offsets.map((o) => ({ start: o, end: o + rangeLen })),
    derivationInputHash: derivationInputHash(input.seed, input.target, ticketId, artifactClass, ordinal, offsets, rangeLen),
    challengeId: compoundChallengeID(input.seed, input.epochId, input.target, ticketId, artifactClass, ordinal),
  };
}

/** Transcript of a NO_ELIGIBLE_TICKET row: ticket "", class UNSPECIFIED, ordinal 0, empty key/hashes. */
export function noEligibleTranscriptHash(epochId: bigint, challenger: string, target: string, bucket: StorageProofBucketType): string {
  return transcriptHash({
    epochId,
    challenger,
    target,
    ticketId: '',
    bucket,
    artifactClass: StorageProofArtifactClass.UNSPECIFIED,
    ordinal: 0,
    artifactKey: '',
    derivationInputHash: '',
    compoundProofHashHex: '',
    observers: [],
  });
}

/**
 * Challenger's transcript for a challenged row: PASS passes its own lowercase recomputed proof hex;
 * every failure class passes "" (§13 row shapes). The challenger hashes no observers.
 */
export function challengeTranscriptHash(
  plan: ChallengePlan,
  epochId: bigint,
  challenger: string,
  target: string,
  bucket: StorageProofBucketType,
  compoundProofHashHex: string,
): string {
  return transcriptHash({
    epochId,
    challenger,
    target,
    ticketId: plan.ticketId,
    bucket,
    artifactClass: plan.artifactClass,
    ordinal: plan.ordinal,
    artifactKey: plan.artifactKey,
    derivationInputHash: plan.derivationInputHash,
    compoundProofHashHex,
    observers: [],
  });
}

/** Range length, k, multi-range offsets and the compound challenge hash (spec 01 §10, §11). */
import {
  DOMAIN_RANGE_OFFSET,
  LEP6_COMPOUND_RANGES_PER_ARTIFACT,
  LEP6_COMPOUND_RANGE_LEN_BYTES,
  INT64_MAX,
  UINT64_MAX,
  type StorageProofArtifactClass,
  artifactClassDomain,
} from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { blake3, Preimage, u64Prefix, utf8 } from './hash.js';
import { checkBytes, checkEnumNumber, checkInt, checkString, checkUint32, checkUint64, checkUint64List } from './validate.js';

const RANGE_OFFSET_BYTES = utf8(DOMAIN_RANGE_OFFSET);

/**
 * Dispatcher rule (§10.1): chain range length (0 → 256), shrunk to the artefact size when
 * 0 < size < rangeLen so small artefacts are challenged whole.
 */
export function effectiveRangeLen(chainRangeLenBytes: bigint, artifactSize: bigint): bigint {
  checkUint64(chainRangeLenBytes, 'chainRangeLenBytes');
  checkUint64(artifactSize, 'artifactSize');
  const rangeLen = chainRangeLenBytes === 0n ? LEP6_COMPOUND_RANGE_LEN_BYTES : chainRangeLenBytes;
  return artifactSize > 0n && artifactSize < rangeLen ? artifactSize : rangeLen;
}

/** k (§10.1): storage_truth_compound_ranges_per_artifact, 0 → 4. */
export function effectiveRangesPerArtifact(chainRangesPerArtifact: number): number {
  checkUint32(chainRangesPerArtifact, 'chainRangesPerArtifact');
  return chainRangesPerArtifact === 0 ? LEP6_COMPOUND_RANGES_PER_ARTIFACT : chainRangesPerArtifact;
}

/**
 * `ComputeMultiRangeOffsets` (§10.2): k offsets in [0, size − rangeLen − 1] (the last start position is
 * never produced), or k zeros when rangeLen == size. Unsorted; may repeat. Errors in this order:
 * k ≤ 0, size 0, rangeLen 0, rangeLen > size, class without a domain string.
 */
export function computeMultiRangeOffsets(
  seed: Uint8Array,
  target: string,
  ticketId: string,
  cls: StorageProofArtifactClass | number,
  ordinal: number,
  artifactSize: bigint,
  rangeLen: bigint,
  k: number,
): bigint[] {
  checkBytes(seed, 'seed');
  checkString(target, 'target');
  checkString(ticketId, 'ticketId');
  checkUint32(ordinal, 'ordinal');
  checkUint64(artifactSize, 'artifactSize');
  checkUint64(rangeLen, 'rangeLen');
  checkInt(k, 'k');
  if (k <= 0) throw new DerivationError(DerivationErrorCode.InvalidRangeCount, 'k', `must be > 0, got ${k}`);
  if (artifactSize === 0n) throw new DerivationError(DerivationErrorCode.ZeroArtifactSize, 'artifactSize', 'must be > 0');
  if (rangeLen === 0n) throw new DerivationError(DerivationErrorCode.ZeroRangeLength, 'rangeLen', 'must be > 0');
  if (rangeLen > artifactSize) {
    throw new DerivationError(DerivationErrorCode.RangeLongerThanArtifact, 'rangeLen', `must be <= artifactSize (${artifactSize}), got ${rangeLen}`);
  }
  const cd = artifactClassDomain(checkEnumNumber(cls, 'class'));
  if (cd === '') throw new DerivationError(DerivationErrorCode.UnsupportedClass, 'class', `has no domain string (value ${cls}); expected INDEX or SYMBOL`);
  if (rangeLen === artifactSize) return new Array<bigint>(k).fill(0n);
  const span = artifactSize - rangeLen;
  const p = new Preimage(seed.length + 128).raw(seed).partString(target).partString(ticketId).partString(cd).partU32(ordinal);
  const mark = p.mark();
  const out: bigint[] = new Array<bigint>(k);
  for (let i = 0; i < k; i++) {
    out[i] = u64Prefix(p.rewind(mark).partU32(i).part(RANGE_OFFSET_BYTES).sha256()) % span;
  }
  return out;
}

/**
 * `ComputeCompoundChallengeHash` (§11): BLAKE3 of the slices data[o : o + rangeLen] concatenated in
 * the given order. Errors: rangeLen 0; any range whose end overflows uint64 or passes the end of data.
 * No offsets → BLAKE3 of the empty string.
 */
export function computeCompoundChallengeHash(data: Uint8Array, offsets: readonly bigint[], rangeLen: bigint): Uint8Array {
  checkBytes(data, 'data');
  checkUint64List(offsets, 'offsets');
  checkUint64(rangeLen, 'rangeLen');
  if (rangeLen === 0n) throw new DerivationError(DerivationErrorCode.ZeroRangeLength, 'rangeLen', 'must be > 0');
  // The Go code rejects a range length above its int maximum even when there are no offsets.
  if (rangeLen > INT64_MAX) throw new DerivationError(DerivationErrorCode.RangeOutOfBounds, 'rangeLen', `must be <= 2^63-1, got ${rangeLen}`);
  const size = BigInt(data.length);
  offsets.forEach((o, i) => {
    const end = o + rangeLen;
    if (end > UINT64_MAX || end > size) {
      throw new DerivationError(DerivationErrorCode.RangeOutOfBounds, `offsets[${i}]`, `range [${o}, ${end}) runs past the data (${size} bytes)`);
    }
  });
  const len = Number(rangeLen);
  const joined = new Uint8Array(len * offsets.length);
  offsets.forEach((o, i) => joined.set(data.subarray(Number(o), Number(o) + len), i * len));
  return blake3(joined);
}

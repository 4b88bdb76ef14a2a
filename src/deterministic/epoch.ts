/**
 * Epoch math (spec 01 §3): the chain's consensus rules (EpochAtHeight / EpochByID, defaults applied),
 * the Go supernode's EpochID (no defaults, "no epoch" below Z), the anchor seed and the anchor's
 * account-set commitment.
 */
import {
  DEFAULT_EPOCH_LENGTH_BLOCKS,
  DEFAULT_EPOCH_ZERO_HEIGHT,
  DOMAIN_EPOCH_SEED,
  OLD_BUCKET_EPOCHS,
  RECENT_BUCKET_EPOCHS,
  UINT64_MAX,
} from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { blake3, compareStrings, Preimage, u64be, utf8 } from './hash.js';
import { checkBytes, checkInt64, checkStringList, checkUint64 } from './validate.js';

export interface EpochBounds {
  epochId: bigint;
  /** First height of the epoch (inclusive). */
  startHeight: bigint;
  /** Last height of the epoch (inclusive). */
  endHeight: bigint;
}

/** Epoch params as the chain applies them: 0 means the default (Z = 1, L = 400). */
export function withEpochDefaults(epochZeroHeight: bigint, epochLengthBlocks: bigint): { z: bigint; l: bigint } {
  checkUint64(epochZeroHeight, 'epochZeroHeight');
  checkUint64(epochLengthBlocks, 'epochLengthBlocks');
  return {
    z: epochZeroHeight === 0n ? DEFAULT_EPOCH_ZERO_HEIGHT : epochZeroHeight,
    l: epochLengthBlocks === 0n ? DEFAULT_EPOCH_LENGTH_BLOCKS : epochLengthBlocks,
  };
}

function bounds(epochId: bigint, z: bigint, l: bigint): EpochBounds {
  const startHeight = z + epochId * l;
  const endHeight = startHeight + l - 1n;
  if (endHeight > UINT64_MAX) {
    throw new DerivationError(DerivationErrorCode.InvalidInput, 'epochId', `puts the epoch end past 2^64-1 (start ${startHeight})`);
  }
  return { epochId, startHeight, endHeight };
}

/**
 * Chain `deriveEpochAtHeight`: heights below Z clamp to epoch 0 starting at Z. `height` is the int64
 * block height; negative heights are rejected (no block has one).
 */
export function epochAtHeight(height: bigint, epochZeroHeight: bigint, epochLengthBlocks: bigint): EpochBounds {
  checkInt64(height, 'height');
  if (height < 0n) throw new DerivationError(DerivationErrorCode.InvalidInput, 'height', `must be >= 0, got ${height}`);
  const { z, l } = withEpochDefaults(epochZeroHeight, epochLengthBlocks);
  if (height < z) return bounds(0n, z, l);
  return bounds((height - z) / l, z, l);
}

/** Chain `deriveEpochByID`: start = Z + id × L, end = start + L − 1. */
export function epochByID(epochId: bigint, epochZeroHeight: bigint, epochLengthBlocks: bigint): EpochBounds {
  checkUint64(epochId, 'epochId');
  const { z, l } = withEpochDefaults(epochZeroHeight, epochLengthBlocks);
  return bounds(epochId, z, l);
}

/**
 * Go supernode `EpochID` (§3.2): params as returned by GetParams, no defaults. Returns null ("no epoch")
 * when L = 0 or h < Z; the storage-challenge tick then skips.
 */
export function supernodeEpochID(height: bigint, epochZeroHeight: bigint, epochLengthBlocks: bigint): bigint | null {
  checkInt64(height, 'height');
  checkUint64(epochZeroHeight, 'epochZeroHeight');
  checkUint64(epochLengthBlocks, 'epochLengthBlocks');
  if (epochLengthBlocks === 0n || height < epochZeroHeight) return null;
  return (height - epochZeroHeight) / epochLengthBlocks;
}

/**
 * Anchor seed (§3.3): BLAKE3("lumera:epoch-seed" ‖ HH ‖ u64be(epoch_id)), where HH is the epoch-start
 * block's header hash, or u64be(epoch_start_height) when that hash is empty.
 */
export function epochSeed(headerHash: Uint8Array, epochId: bigint, epochStartHeight: bigint): Uint8Array {
  checkBytes(headerHash, 'headerHash');
  checkUint64(epochId, 'epochId');
  checkUint64(epochStartHeight, 'epochStartHeight');
  const p = new Preimage(64).rawString(DOMAIN_EPOCH_SEED);
  p.raw(headerHash.length > 0 ? headerHash : u64be(epochStartHeight));
  p.raw(u64be(epochId));
  return p.blake3();
}

/**
 * Anchor set commitment (§3.3): BLAKE3 over utf8(account) ‖ 0x00 for each account in list order.
 * The empty list gives BLAKE3 of the empty string.
 */
export function commitStringList(accounts: readonly string[]): Uint8Array {
  checkStringList(accounts, 'accounts');
  const p = new Preimage(accounts.length * 48 + 16);
  const zero = new Uint8Array(1);
  for (const a of accounts) p.raw(utf8(a)).raw(zero);
  return blake3(p.bytes());
}

/**
 * The anchor's frozen account list (§3.3): de-duplicate keeping the first occurrence, then sort by
 * byte order. (The chain does not drop empty strings here; neither do we.)
 */
export function anchorAccountList(accounts: readonly string[]): string[] {
  checkStringList(accounts, 'accounts');
  const out = [...new Set(accounts)];
  out.sort(compareStrings);
  return out;
}

/**
 * Bucket thresholds the chain defaults to when the params are zero (§1.4): recent = 3 × L,
 * old = 30 × L, each saturating at 2^64 − 1.
 */
export function defaultBucketThresholds(epochLengthBlocks: bigint): { recentMaxBlocks: bigint; oldMinBlocks: bigint } {
  const { l } = withEpochDefaults(1n, epochLengthBlocks);
  const sat = (x: bigint): bigint => (x > UINT64_MAX ? UINT64_MAX : x);
  return { recentMaxBlocks: sat(RECENT_BUCKET_EPOCHS * l), oldMinBlocks: sat(OLD_BUCKET_EPOCHS * l) };
}

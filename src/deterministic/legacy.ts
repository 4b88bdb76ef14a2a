/**
 * Pre-LEP-6 storage-challenge helpers (spec 01 Appendix A). Not part of LEP-6, but the same tick still
 * runs the legacy challenge after LEP-6 dispatch, and the chain checks legacy STORAGE_CHALLENGE_FAILURE
 * evidence with the XOR selection.
 */
import bs58 from 'bs58';
import { LEGACY_PREFIX_CHALLENGE, LEGACY_PREFIX_CHALLENGERS, LEGACY_PREFIX_FILES, LEGACY_PREFIX_JITTER } from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { blake3, compareStrings, u64Prefix, utf8 } from './hash.js';
import { checkBytes, checkCount, checkString, checkStringList, checkUint64 } from './validate.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** n ≤ 0 → 0; requested 0 → max(1, ⌈n/3⌉); requested > n → n; else requested. */
export function challengerCount(n: number, requested: number): number {
  checkCount(n, 'n');
  checkCount(requested, 'requested');
  if (n <= 0) return 0;
  if (requested === 0) return Math.max(1, Math.ceil(n / 3));
  return requested > n ? n : requested;
}

export function comparisonTargetForChallengers(seed: Uint8Array, epochId: bigint): string {
  checkBytes(seed, 'seed');
  checkUint64(epochId, 'epochId');
  return `${LEGACY_PREFIX_CHALLENGERS}${hex(seed)}:${epochId}`;
}

/**
 * The k ids closest to `target` by XOR distance BLAKE3(id) ⊕ T32 (T32 = target when it is 32 bytes,
 * else BLAKE3(target)); ties by id. k ≤ 0 or no ids → empty.
 */
export function selectTopByXORDistance(ids: readonly string[], target: Uint8Array, k: number): string[] {
  checkStringList(ids, 'ids');
  checkBytes(target, 'target');
  if (!Number.isSafeInteger(k)) throw new DerivationError(DerivationErrorCode.InvalidInput, 'k', `must be an integer, got ${k}`);
  if (k <= 0 || ids.length === 0) return [];
  const t32 = target.length === 32 ? target : blake3(target);
  const scored = ids.map((id) => {
    const d = blake3(utf8(id));
    for (let i = 0; i < 32; i++) d[i] = (d[i] as number) ^ (t32[i] as number);
    return { id, d };
  });
  scored.sort((a, b) => Buffer.compare(a.d, b.d) || compareStrings(a.id, b.id));
  return scored.slice(0, Math.min(k, scored.length)).map((s) => s.id);
}

export function selectChallengers(active: readonly string[], seed: Uint8Array, epochId: bigint, requested: number): string[] {
  checkStringList(active, 'active');
  const target = utf8(comparisonTargetForChallengers(seed, epochId));
  return selectTopByXORDistance(active, target, challengerCount(active.length, requested));
}

/** count 0 → empty; the file key is base58 (empty or invalid → error). */
export function selectReplicaSet(active: readonly string[], fileKeyBase58: string, count: number): string[] {
  checkStringList(active, 'active');
  checkString(fileKeyBase58, 'fileKey');
  checkCount(count, 'count');
  if (count === 0) return [];
  let target: Uint8Array;
  try {
    target = bs58.decode(fileKeyBase58);
  } catch {
    throw new DerivationError(DerivationErrorCode.InvalidFileKey, 'fileKey', 'is not valid base58');
  }
  if (target.length === 0) throw new DerivationError(DerivationErrorCode.InvalidFileKey, 'fileKey', 'decodes to no bytes');
  return selectTopByXORDistance(active, target, count);
}

/** Draws min(count, n) distinct keys from the sorted candidates without replacement. */
export function selectFileKeys(candidates: readonly string[], seed: Uint8Array, epochId: bigint, challenger: string, count: number): string[] {
  checkStringList(candidates, 'candidates');
  checkBytes(seed, 'seed');
  checkUint64(epochId, 'epochId');
  checkString(challenger, 'challenger');
  checkCount(count, 'count');
  if (count === 0 || candidates.length === 0) return [];
  const keys = [...candidates].sort(compareStrings);
  const n = Math.min(count, keys.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = blake3(utf8(`${LEGACY_PREFIX_FILES}${challenger}:${epochId}:${hex(seed)}:${i}`));
    const idx = Number(u64Prefix(d) % BigInt(keys.length));
    out.push(keys.splice(idx, 1)[0] as string);
  }
  return out;
}

export function deterministicJitterMs(seed: Uint8Array, epochId: bigint, challenger: string, maxMs: bigint): bigint {
  checkBytes(seed, 'seed');
  checkUint64(epochId, 'epochId');
  checkString(challenger, 'challenger');
  checkUint64(maxMs, 'maxMs');
  if (maxMs === 0n) return 0n;
  return u64Prefix(blake3(utf8(`${LEGACY_PREFIX_JITTER}${hex(seed)}:${epochId}:${challenger}`))) % maxMs;
}

export function legacyChallengeID(seed: Uint8Array, epochId: bigint, fileKey: string, challenger: string, recipient: string): string {
  checkBytes(seed, 'seed');
  checkUint64(epochId, 'epochId');
  return hex(blake3(utf8(`${LEGACY_PREFIX_CHALLENGE}${hex(seed)}:${epochId}:${checkString(fileKey, 'fileKey')}:${checkString(challenger, 'challenger')}:${checkString(recipient, 'recipient')}`)));
}

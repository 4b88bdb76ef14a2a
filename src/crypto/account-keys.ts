/**
 * Lumera account keys: addresses, signatures and verification for the two key types the chain knows
 * (spec 02 §1.4). eth_secp256k1 is current: Keccak-256 digest, Ethereum address bytes, 65-byte R||S||V
 * signatures on the wire (64-byte R||S accepted). Legacy secp256k1: SHA-256 digest, RIPEMD-160(SHA-256)
 * address, 64-byte R||S. Both require low-S.
 *
 * The curve arithmetic runs in native libsecp256k1 when its addon loads, else in @noble/curves; both give
 * identical bytes and verdicts (see ecdsa-backends.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { toBech32, fromBech32 } from '@cosmjs/encoding';
import { InvalidArgumentError } from '../util/errors.js';
import { activeEcdsa } from './ecdsa-backends.js';
import { keccak256 } from './keccak.js';

export type AccountKeyType = 'eth_secp256k1' | 'secp256k1';

export const LUMERA_ADDRESS_PREFIX = 'lumera';
/** Validator operator addresses: the same 20 bytes as the operator's account under this prefix. */
export const VALOPER_ADDRESS_PREFIX = 'lumeravaloper';
export const ETH_SECP256K1_PUBKEY_TYPE_URL = '/cosmos.evm.crypto.v1.ethsecp256k1.PubKey';
export const SECP256K1_PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';

export function keyTypeFromTypeUrl(typeUrl: string): AccountKeyType {
  if (typeUrl === ETH_SECP256K1_PUBKEY_TYPE_URL) return 'eth_secp256k1';
  if (typeUrl === SECP256K1_PUBKEY_TYPE_URL) return 'secp256k1';
  throw new InvalidArgumentError('pubkey.type_url', `must be ${ETH_SECP256K1_PUBKEY_TYPE_URL} or ${SECP256K1_PUBKEY_TYPE_URL}, got ${JSON.stringify(typeUrl)}`);
}

export function typeUrlForKeyType(keyType: AccountKeyType): string {
  return keyType === 'eth_secp256k1' ? ETH_SECP256K1_PUBKEY_TYPE_URL : SECP256K1_PUBKEY_TYPE_URL;
}

function checkLength(name: string, bytes: Uint8Array, ...lengths: number[]): void {
  if (!(bytes instanceof Uint8Array) || !lengths.includes(bytes.length)) {
    throw new InvalidArgumentError(name, `must be ${lengths.join(' or ')} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
}

/** 33-byte compressed public key of a 32-byte private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  checkLength('privateKey', privateKey, 32);
  return activeEcdsa().publicKey(privateKey);
}

/** The 20 address bytes for a compressed (33) or uncompressed (65) public key. */
export function addressBytesFromPubKey(pubkey: Uint8Array, keyType: AccountKeyType): Uint8Array {
  checkLength('pubkey', pubkey, 33, 65);
  const ecdsa = activeEcdsa();
  let sec1: Uint8Array;
  try {
    sec1 = ecdsa.convert(pubkey, keyType !== 'eth_secp256k1');
  } catch {
    throw new InvalidArgumentError('pubkey', 'is not a point on secp256k1');
  }
  if (keyType === 'eth_secp256k1') {
    return keccak256(sec1.subarray(1)).subarray(12);
  }
  return ripemd160(sha256(sec1));
}

/** bech32 of 20 (or any) address bytes under `prefix`. */
export function encodeAddress(bytes: Uint8Array, prefix = LUMERA_ADDRESS_PREFIX): string {
  return toBech32(prefix, bytes);
}

export function addressFromPubKey(pubkey: Uint8Array, keyType: AccountKeyType, prefix = LUMERA_ADDRESS_PREFIX): string {
  return encodeAddress(addressBytesFromPubKey(pubkey, keyType), prefix);
}

export interface Bech32Parts {
  prefix: string;
  data: Uint8Array;
}

/** BIP-173 caps a bech32 string at 90 characters; @scure/base (under cosmjs) rejects an unbounded limit. */
export const BECH32_MAX_LENGTH = 90;

// Decoding checksums every character (microseconds per address); the devnet re-reads the same few hundred
// addresses every block. Successful decodes are remembered; failures are decoded again so the error is the
// decoder's own. Bounded: at the limit the oldest entry goes.
const DECODE_MEMO_LIMIT = 4096;
const decodeMemo = new Map<string, Bech32Parts>();

/**
 * Any well-formed bech32 string: its prefix and data bytes, no prefix or length rule. Throws the decoder's
 * own Error for malformed input (the devnet repeats its text after the chain's "decoding bech32 failed: ").
 * Each call returns fresh bytes, so a caller may keep or modify them.
 */
export function decodeBech32(address: string): Bech32Parts {
  let parts = decodeMemo.get(address);
  if (parts === undefined) {
    parts = fromBech32(address, BECH32_MAX_LENGTH);
    if (decodeMemo.size >= DECODE_MEMO_LIMIT) decodeMemo.delete(decodeMemo.keys().next().value as string);
    decodeMemo.set(address, parts);
  }
  return { prefix: parts.prefix, data: parts.data.slice() };
}

/** The prefix of a well-formed bech32 string, or undefined. Never throws. */
export function bech32Prefix(address: string): string | undefined {
  try {
    return decodeBech32(address).prefix;
  } catch {
    return undefined;
  }
}

/** Why a string is not a 20-byte account address under the expected prefix. */
export type AddressProblem =
  | { kind: 'encoding'; detail: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'length'; length: number };

export type AddressCheck = { ok: true; data: Uint8Array } | { ok: false; problem: AddressProblem };

/** Non-throwing form of `decodeAddress`, for callers that phrase the problem themselves (config). */
export function checkAddress(address: string, prefix = LUMERA_ADDRESS_PREFIX): AddressCheck {
  let decoded;
  try {
    decoded = decodeBech32(address);
  } catch (err) {
    return { ok: false, problem: { kind: 'encoding', detail: (err as Error).message } };
  }
  if (decoded.prefix !== prefix) return { ok: false, problem: { kind: 'prefix', prefix: decoded.prefix } };
  if (decoded.data.length !== 20) return { ok: false, problem: { kind: 'length', length: decoded.data.length } };
  return { ok: true, data: decoded.data };
}

/** Decodes a bech32 account address, checking its prefix and 20-byte length. */
export function decodeAddress(address: string, field = 'address', prefix = LUMERA_ADDRESS_PREFIX): Uint8Array {
  const check = checkAddress(address, prefix);
  if (check.ok) return check.data;
  const p = check.problem;
  if (p.kind === 'encoding') throw new InvalidArgumentError(field, `is not a valid bech32 address (${p.detail})`);
  if (p.kind === 'prefix') throw new InvalidArgumentError(field, `must have prefix ${prefix}, got ${p.prefix}`);
  throw new InvalidArgumentError(field, `must hold 20 bytes, got ${p.length}`);
}

export function isValidAddress(address: string, prefix = LUMERA_ADDRESS_PREFIX): boolean {
  return checkAddress(address, prefix).ok;
}

function digestFor(keyType: AccountKeyType, message: Uint8Array): Uint8Array {
  return keyType === 'eth_secp256k1' ? keccak256(message) : sha256(message);
}

/**
 * Signs `message` (hashing it per key type). eth_secp256k1 gives 65 bytes R||S||V (V = recovery id 0/1)
 * as the Go keyring does; secp256k1 gives 64 bytes R||S. RFC 6979 deterministic nonces, low-S.
 */
export function signMessage(privateKey: Uint8Array, message: Uint8Array, keyType: AccountKeyType): Uint8Array {
  checkLength('privateKey', privateKey, 32);
  const { compact, recovery } = activeEcdsa().sign(digestFor(keyType, message), privateKey);
  if (keyType === 'secp256k1') return compact;
  const out = new Uint8Array(65);
  out.set(compact, 0);
  out[64] = recovery;
  return out;
}

/** Verifies a 64- or 65-byte signature over `message`; high-S signatures are rejected. Never throws. */
export function verifyMessage(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array, keyType: AccountKeyType): boolean {
  try {
    if (!(signature instanceof Uint8Array)) return false;
    if (signature.length !== 64 && !(keyType === 'eth_secp256k1' && signature.length === 65)) return false;
    if (signature.length === 65 && signature[64]! > 1 && signature[64] !== 27 && signature[64] !== 28) return false;
    return activeEcdsa().verify(signature.subarray(0, 64), digestFor(keyType, message), pubkey);
  } catch {
    return false;
  }
}

/**
 * An account key held in memory: its address, key type and 33-byte compressed public key. The private key
 * stays inside `sign`, which hashes per key type (Keccak-256 for eth_secp256k1, SHA-256 for secp256k1).
 * The chain client calls it `SigningKey`, the transport `AccountSigner`.
 */
export interface AccountSigner {
  readonly address: string;
  readonly keyType: AccountKeyType;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** A frozen signer over a private copy of `privateKey` (32 bytes). */
export function signerFromPrivateKey(privateKey: Uint8Array, keyType: AccountKeyType = 'eth_secp256k1'): AccountSigner {
  const publicKey = publicKeyOf(privateKey);
  const key = Uint8Array.from(privateKey);
  return Object.freeze({
    address: addressFromPubKey(publicKey, keyType),
    keyType,
    publicKey,
    sign: (message: Uint8Array) => signMessage(key, message, keyType),
  });
}

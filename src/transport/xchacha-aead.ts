/**
 * XChaCha20-Poly1305 (the lumera-alts record AEAD) from libsodium, through the `sodium-native` binding.
 *
 * Why libsodium rather than node:crypto: node:crypto has no XChaCha20 (we had to run HChaCha20 in JS and
 * build a fresh OpenSSL cipher context per frame) and every `update` returns a newly allocated buffer, so
 * each record byte was allocated and copied once more, and the garbage collector spent as much time as the
 * cipher. libsodium seals and opens a whole frame in one call, in place, inside the buffer that goes on or
 * came off the wire. The combined output `ciphertext ‖ 16-byte tag` is exactly the frame body.
 *
 * Both functions work in place: `body` holds the plaintext (seal) or ciphertext (open) followed by 16 bytes
 * for the tag. Where the addon does not load (or LEP6_XCHACHA_BACKEND=noble), @noble/ciphers does the same
 * work with a copy per frame; a unit test pins both to the same bytes.
 */
import { createRequire } from 'node:module';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/** The two calls we use; sodium-native ships no TypeScript types of its own. */
interface SodiumXChaCha {
  crypto_aead_xchacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: null, npub: Uint8Array, k: Uint8Array): number;
}

function loadSodium(): SodiumXChaCha | undefined {
  if (process.env.LEP6_XCHACHA_BACKEND === 'noble') return undefined;
  try {
    return createRequire(import.meta.url)('sodium-native') as SodiumXChaCha;
  } catch {
    return undefined;
  }
}

const sodium = loadSodium();

/** Which implementation seals and opens record frames (startup line, tests). */
export const xchachaBackend: 'libsodium' | 'noble' = sodium ? 'libsodium' : 'noble';

export const AEAD_TAG_BYTES = 16;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_KEY_BYTES = 32;

/** Encrypts `body[0 .. body.length-16]` in place and writes the tag into the last 16 bytes. */
export function sealInPlace(body: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  if (!sodium) return nobleSealInPlace(body, nonce, key);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(body, body.subarray(0, body.length - AEAD_TAG_BYTES), null, null, nonce, key);
}

/**
 * Checks the tag (last 16 bytes of `body`) and, only if it verifies, decrypts the rest in place. Returns
 * false on a bad tag; the ciphertext bytes are then unspecified (libsodium wipes them) and must be dropped.
 */
export function openInPlace(body: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean {
  if (!sodium) return nobleOpenInPlace(body, nonce, key);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(body.subarray(0, body.length - AEAD_TAG_BYTES), null, body, null, nonce, key);
    return true;
  } catch {
    return false;
  }
}

/** The pure-JS fallback of sealInPlace (exported for the equivalence test). */
export function nobleSealInPlace(body: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  body.set(xchacha20poly1305(key, nonce).encrypt(body.subarray(0, body.length - AEAD_TAG_BYTES)));
}

/** The pure-JS fallback of openInPlace (exported for the equivalence test). */
export function nobleOpenInPlace(body: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean {
  let plain: Uint8Array;
  try {
    plain = xchacha20poly1305(key, nonce).decrypt(body);
  } catch {
    return false;
  }
  body.set(plain);
  return true;
}

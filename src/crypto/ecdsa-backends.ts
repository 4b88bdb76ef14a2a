/**
 * The two secp256k1 ECDSA implementations behind account keys, with one contract so that either can be
 * used and the two can be compared (test/crypto/ecdsa-backends.test.ts): native libsecp256k1 (fast path)
 * and @noble/curves (reference, and the fallback when the addon cannot be loaded).
 *
 * Both sign with RFC 6979 deterministic nonces and low-S, and both verify accepting low-S only (a high-S
 * signature is rejected, never normalised), so their outputs and verdicts are identical byte for byte.
 * Public keys are SEC1: 33 bytes with prefix 02/03 or 65 bytes with prefix 04. libsecp256k1 would also
 * parse the "hybrid" 06/07 form, which noble rejects; the native side refuses it up front so the two agree.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { nativeSecp256k1, type NativeSecp256k1, type Secp256k1BackendName } from './secp256k1-native.js';

export interface CompactSignature {
  /** 64 bytes R||S, S low. */
  compact: Uint8Array;
  /** Recovery id, 0 or 1 (2/3 only for r ≥ n, which never happens in practice). */
  recovery: number;
}

export interface EcdsaBackend {
  readonly name: Secp256k1BackendName;
  /** Signs a 32-byte digest. Throws (noble's error) for a private key that is zero or ≥ n. */
  sign(digest: Uint8Array, privateKey: Uint8Array): CompactSignature;
  /** Low-S only; false for any malformed signature, key or digest. Never throws. */
  verify(compact: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean;
  /** 33-byte compressed public key. Throws (noble's error) for an invalid private key. */
  publicKey(privateKey: Uint8Array): Uint8Array;
  /** The 33- or 65-byte SEC1 form of a SEC1 public key. Throws when it is not a point on the curve. */
  convert(pubkey: Uint8Array, compressed: boolean): Uint8Array;
}

export const nobleEcdsa: EcdsaBackend = Object.freeze({
  name: 'noble' as const,
  sign(digest: Uint8Array, privateKey: Uint8Array): CompactSignature {
    const sig = secp256k1.Signature.fromBytes(
      secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' }),
      'recovered',
    );
    return { compact: sig.toBytes('compact'), recovery: sig.recovery ?? 0 };
  },
  verify(compact: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
    try {
      return secp256k1.verify(compact, digest, pubkey, { prehash: false, lowS: true, format: 'compact' });
    } catch {
      return false;
    }
  },
  publicKey(privateKey: Uint8Array): Uint8Array {
    return secp256k1.getPublicKey(privateKey, true);
  },
  convert(pubkey: Uint8Array, compressed: boolean): Uint8Array {
    return secp256k1.Point.fromBytes(pubkey).toBytes(compressed);
  },
});

function isSec1PublicKey(pubkey: Uint8Array): boolean {
  if (!(pubkey instanceof Uint8Array)) return false;
  if (pubkey.length === 33) return pubkey[0] === 0x02 || pubkey[0] === 0x03;
  return pubkey.length === 65 && pubkey[0] === 0x04;
}

function nativeBackend(lib: NativeSecp256k1): EcdsaBackend {
  return Object.freeze({
    name: 'libsecp256k1' as const,
    sign(digest: Uint8Array, privateKey: Uint8Array): CompactSignature {
      // An invalid key goes to noble so the caller sees the same error whichever backend is loaded.
      if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32 || !lib.privateKeyVerify(privateKey)) {
        return nobleEcdsa.sign(digest, privateKey);
      }
      const { signature, recid } = lib.ecdsaSign(digest, privateKey);
      return { compact: signature, recovery: recid };
    },
    verify(compact: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
      try {
        // The binding throws for an unparsable signature (r or s ≥ n) or key; both mean "not valid".
        return isSec1PublicKey(pubkey) && lib.ecdsaVerify(compact, digest, pubkey);
      } catch {
        return false;
      }
    },
    publicKey(privateKey: Uint8Array): Uint8Array {
      if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32 || !lib.privateKeyVerify(privateKey)) {
        return nobleEcdsa.publicKey(privateKey);
      }
      return lib.publicKeyCreate(privateKey, true);
    },
    convert(pubkey: Uint8Array, compressed: boolean): Uint8Array {
      if (!isSec1PublicKey(pubkey)) return nobleEcdsa.convert(pubkey, compressed);
      return lib.publicKeyConvert(pubkey, compressed);
    },
  });
}

let native: EcdsaBackend | undefined | null = null;

/** The native backend, or undefined when the addon could not be loaded (or was switched off). */
export function nativeEcdsa(): EcdsaBackend | undefined {
  if (native === null) {
    const lib = nativeSecp256k1();
    native = lib ? nativeBackend(lib) : undefined;
  }
  return native;
}

/** The backend account keys use: native when available, else noble (logged once). */
export function activeEcdsa(): EcdsaBackend {
  return nativeEcdsa() ?? nobleEcdsa;
}

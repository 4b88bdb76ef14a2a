/**
 * Key agreement and key derivation of lumera-alts (spec 05 §5.5 step 6 and §5.6): a fresh P-256 key pair per
 * connection, ECDH to a 32-byte x-coordinate, HKDF-SHA256 (no salt) to 56 bytes of key material of which
 * bytes 0–31 are the XChaCha20-Poly1305 key and 32–43 the nonce mask. All primitives come from node:crypto.
 */
import { createECDH, hkdfSync, type ECDH } from 'node:crypto';
import { InvalidArgumentError } from '../util/errors.js';

export const RECORD_PROTOCOL = 'ALTSRP_XCHACHA20_POLY1305_REKEY';
export const KEY_MATERIAL_LENGTH = 56;

export interface RecordKeys {
  /** 32-byte XChaCha20-Poly1305 key, the same in both directions. */
  key: Uint8Array;
  /** 12-byte mask XORed into the frame counter to form the nonce. */
  nonceMask: Uint8Array;
  /** All 56 HKDF bytes (44–55 unused by the protocol; kept for the vectors). */
  keyMaterial: Uint8Array;
}

/** An ephemeral P-256 key pair; the private half never leaves this object. */
export class EphemeralKey {
  readonly #ecdh: ECDH;
  /** 65-byte uncompressed SEC1 public key, as sent in HandshakeInfo.public_key. */
  readonly publicKey: Uint8Array;

  private constructor(ecdh: ECDH) {
    this.#ecdh = ecdh;
    this.publicKey = new Uint8Array(ecdh.getPublicKey());
  }

  /** A fresh random key: one per connection, never reused (spec 05 §5.9). */
  static generate(): EphemeralKey {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return new EphemeralKey(ecdh);
  }

  /** A fixed key, for known-answer vectors only. */
  static fromPrivateKey(privateKey: Uint8Array): EphemeralKey {
    if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
      throw new InvalidArgumentError('ephemeralPrivateKey', 'must be 32 bytes');
    }
    const ecdh = createECDH('prime256v1');
    try {
      ecdh.setPrivateKey(privateKey);
    } catch {
      throw new InvalidArgumentError('ephemeralPrivateKey', 'is not a valid P-256 scalar');
    }
    return new EphemeralKey(ecdh);
  }

  /** ECDH with the remote's 65-byte uncompressed public key ⇒ 32-byte shared x-coordinate. */
  sharedSecret(remotePublicKey: Uint8Array): Uint8Array {
    if (!(remotePublicKey instanceof Uint8Array) || remotePublicKey.length !== 65 || remotePublicKey[0] !== 0x04) {
      throw new InvalidArgumentError('public_key', 'must be a 65-byte uncompressed P-256 point');
    }
    try {
      return new Uint8Array(this.#ecdh.computeSecret(remotePublicKey));
    } catch {
      throw new InvalidArgumentError('public_key', 'is not a point on P-256');
    }
  }
}

/** The HKDF info string; client first, server second, on both sides. */
export function hkdfInfo(clientAddress: string, serverAddress: string): string {
  return `${RECORD_PROTOCOL}-${clientAddress}-${serverAddress}`;
}

export function deriveRecordKeys(sharedSecret: Uint8Array, clientAddress: string, serverAddress: string): RecordKeys {
  if (!(sharedSecret instanceof Uint8Array) || sharedSecret.length !== 32) {
    throw new InvalidArgumentError('sharedSecret', 'must be 32 bytes');
  }
  // An empty salt is what Go's hkdf.New(…, nil, …) uses: HMAC pads it to a block of zeros.
  const material = new Uint8Array(hkdfSync('sha256', sharedSecret, new Uint8Array(0), hkdfInfo(clientAddress, serverAddress), KEY_MATERIAL_LENGTH));
  return { key: material.slice(0, 32), nonceMask: material.slice(32, 44), keyMaterial: material };
}

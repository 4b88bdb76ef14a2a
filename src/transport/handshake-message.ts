/**
 * The one message each side sends in the lumera-alts handshake (spec 05 §5.3–§5.4):
 * `[u32 BE len][HandshakeInfo][u32 BE len][signature]`, where the signature is the account key's signature
 * over the exact HandshakeInfo bytes. This module builds and checks that message without any I/O; the
 * chain check and the expected-identity check live in handshake.ts.
 */
import { HandshakeInfo } from '../gen/lumera/lumeraid/handshake_info.js';
import { Any } from '../gen/google/protobuf/any.js';
import { PubKey as EthSecp256k1PubKey } from '../gen/cosmos/evm/crypto/v1/ethsecp256k1/keys.js';
import { PubKey as Secp256k1PubKey } from '../gen/cosmos/crypto/secp256k1/keys.js';
import {
  addressFromPubKey,
  keyTypeFromTypeUrl,
  signerFromPrivateKey,
  typeUrlForKeyType,
  verifyMessage,
  type AccountKeyType,
  type AccountSigner,
} from '../crypto/account-keys.js';
import { InvalidArgumentError } from '../util/errors.js';
import { TransportError } from './errors.js';

export const PEER_TYPE_SIMPLENODE = 1;
export const PEER_TYPE_SUPERNODE = 2;
export type PeerType = typeof PEER_TYPE_SIMPLENODE | typeof PEER_TYPE_SUPERNODE;
export const HANDSHAKE_CURVE = 'P256';
/** Upper bounds for the two length-prefixed fields; real messages are ~210 and 64/65 bytes. */
export const MAX_HANDSHAKE_INFO_BYTES = 16 * 1024;
export const MAX_HANDSHAKE_SIGNATURE_BYTES = 512;

/** The local account that signs handshakes (the shared signer type). */
export type { AccountSigner };

export function accountSignerFromPrivateKey(privateKey: Uint8Array, keyType: AccountKeyType = 'eth_secp256k1'): AccountSigner {
  return signerFromPrivateKey(privateKey, keyType);
}

/** Serialized google.protobuf.Any of an account public key (HandshakeInfo field 4). */
export function encodeAccountPublicKeyAny(publicKey: Uint8Array, keyType: AccountKeyType): Uint8Array {
  const value = keyType === 'eth_secp256k1'
    ? EthSecp256k1PubKey.encode({ key: publicKey }).finish()
    : Secp256k1PubKey.encode({ key: publicKey }).finish();
  return Any.encode({ typeUrl: typeUrlForKeyType(keyType), value }).finish();
}

export interface HandshakeInfoFields {
  address: string;
  peerType: number;
  /** 65-byte uncompressed P-256 ephemeral public key. */
  ephemeralPublicKey: Uint8Array;
  accountPublicKey: Uint8Array;
  keyType: AccountKeyType;
  curve?: string;
}

export function encodeHandshakeInfo(f: HandshakeInfoFields): Uint8Array {
  return HandshakeInfo.encode({
    address: f.address,
    peerType: f.peerType,
    publicKey: f.ephemeralPublicKey,
    accountPublicKey: encodeAccountPublicKeyAny(f.accountPublicKey, f.keyType),
    curve: f.curve ?? HANDSHAKE_CURVE,
  }).finish();
}

/** `[u32 BE len][info][u32 BE len][signature]`. */
export function encodeHandshakeMessage(infoBytes: Uint8Array, signature: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + infoBytes.length + signature.length);
  out.writeUInt32BE(infoBytes.length, 0);
  out.set(infoBytes, 4);
  out.writeUInt32BE(signature.length, 4 + infoBytes.length);
  out.set(signature, 8 + infoBytes.length);
  return out;
}

/** Builds and signs this side's handshake message. */
export function buildHandshakeMessage(signer: AccountSigner, peerType: PeerType, ephemeralPublicKey: Uint8Array): Buffer {
  const info = encodeHandshakeInfo({
    address: signer.address,
    peerType,
    ephemeralPublicKey,
    accountPublicKey: signer.publicKey,
    keyType: signer.keyType,
  });
  return encodeHandshakeMessage(info, signer.sign(info));
}

/** What a received HandshakeInfo proves after `verifyHandshakeInfo`. */
export interface VerifiedHandshakeInfo {
  address: string;
  /** Self-declared; the chain check that matches it is done by the caller. */
  peerType: number;
  ephemeralPublicKey: Uint8Array;
  keyType: AccountKeyType;
  accountPublicKey: Uint8Array;
}

function bad(message: string, details: Record<string, unknown> = {}): TransportError {
  return new TransportError('ALTS_BAD_HANDSHAKE', message, details);
}

/**
 * Spec 05 §5.5 steps 1–3, all local: decode HandshakeInfo, decode the account key, derive its address and
 * require it to equal the claimed address, verify the signature over the received bytes (not a
 * re-encoding). Throws a TransportError naming the failed check.
 */
export function verifyHandshakeInfo(infoBytes: Uint8Array, signature: Uint8Array): VerifiedHandshakeInfo {
  let info: HandshakeInfo;
  let any: Any;
  let pub: { key: Uint8Array };
  try {
    info = HandshakeInfo.decode(infoBytes);
    any = Any.decode(info.accountPublicKey);
  } catch (err) {
    throw bad(`HandshakeInfo does not parse: ${(err as Error).message}`);
  }
  let keyType: AccountKeyType;
  try {
    keyType = keyTypeFromTypeUrl(any.typeUrl);
  } catch (err) {
    throw bad(`HandshakeInfo.account_public_key ${(err as InvalidArgumentError).message}`, { typeUrl: any.typeUrl });
  }
  try {
    pub = keyType === 'eth_secp256k1' ? EthSecp256k1PubKey.decode(any.value) : Secp256k1PubKey.decode(any.value);
  } catch (err) {
    throw bad(`HandshakeInfo.account_public_key value does not parse: ${(err as Error).message}`);
  }
  if (pub.key.length !== 33) throw bad(`HandshakeInfo.account_public_key must hold a 33-byte compressed key, got ${pub.key.length} bytes`);
  if (info.publicKey.length !== 65 || info.publicKey[0] !== 0x04) {
    throw bad(`HandshakeInfo.public_key must be a 65-byte uncompressed P-256 point, got ${info.publicKey.length} bytes`);
  }
  let derived: string;
  try {
    derived = addressFromPubKey(pub.key, keyType);
  } catch (err) {
    throw bad(`HandshakeInfo.account_public_key ${(err as Error).message}`);
  }
  if (derived !== info.address) {
    throw new TransportError('ALTS_ADDRESS_MISMATCH', `HandshakeInfo.address ${JSON.stringify(info.address)} is not the address of its account key (${derived})`, {
      claimed: info.address,
      derived,
    });
  }
  if (!verifyMessage(pub.key, infoBytes, signature, keyType)) {
    throw new TransportError('ALTS_BAD_SIGNATURE', `handshake signature of ${info.address} does not verify`, { remote: info.address });
  }
  return { address: info.address, peerType: info.peerType, ephemeralPublicKey: info.publicKey, keyType, accountPublicKey: pub.key };
}

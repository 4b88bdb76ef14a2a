import type { VectorHandlers } from '../vectors/runner.js';
import { addressFromPubKey, keyTypeFromTypeUrl, signMessage, type AccountKeyType } from '../crypto/account-keys.js';
import { InvalidArgumentError } from '../util/errors.js';
import { encodeHandshakeInfo, encodeHandshakeMessage } from './handshake-message.js';
import { EphemeralKey, deriveRecordKeys, hkdfInfo } from './record-keys.js';
import { RecordOpener, RecordSealer, type Side } from './record-cipher.js';

function str(inputs: Record<string, unknown>, name: string): string {
  const v = inputs[name];
  if (typeof v !== 'string') throw new InvalidArgumentError(`inputs.${name}`, 'must be a string');
  return v;
}

function hex(inputs: Record<string, unknown>, name: string): Uint8Array {
  const s = str(inputs, name);
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new InvalidArgumentError(`inputs.${name}`, 'must be lowercase hex');
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

function hexList(inputs: Record<string, unknown>, name: string): Uint8Array[] {
  const v = inputs[name];
  if (!Array.isArray(v)) throw new InvalidArgumentError(`inputs.${name}`, 'must be an array of hex strings');
  return v.map((_, i) => hex(v as unknown as Record<string, unknown>, String(i)));
}

function keyType(inputs: Record<string, unknown>): AccountKeyType {
  const k = str(inputs, 'key_type');
  if (k !== 'eth_secp256k1' && k !== 'secp256k1') throw new InvalidArgumentError('inputs.key_type', `must be eth_secp256k1 or secp256k1, got ${k}`);
  return k;
}

function side(inputs: Record<string, unknown>): Side {
  const s = str(inputs, 'side');
  if (s !== 'client' && s !== 'server') throw new InvalidArgumentError('inputs.side', `must be client or server, got ${s}`);
  return s;
}

function peerType(inputs: Record<string, unknown>): number {
  const p = inputs.peer_type;
  if (typeof p !== 'number' || !Number.isInteger(p)) throw new InvalidArgumentError('inputs.peer_type', 'must be an integer');
  return p;
}

function handshakeInfo(inputs: Record<string, unknown>): Uint8Array {
  return encodeHandshakeInfo({
    address: str(inputs, 'address'),
    peerType: peerType(inputs),
    ephemeralPublicKey: hex(inputs, 'public_key_hex'),
    accountPublicKey: hex(inputs, 'account_pubkey_hex'),
    keyType: keyTypeFromTypeUrl(str(inputs, 'account_pubkey_type_url')),
    curve: str(inputs, 'curve'),
  });
}

/** Vector functions of the lumera-alts transport (spec 05 §5), keyed by the function names of the shared vector files. */
export const altsVectorHandlers: VectorHandlers = {
  HandshakeInfoBytes: (inputs) => handshakeInfo(inputs),

  HandshakeSignature: (inputs) => signMessage(hex(inputs, 'account_privkey_hex'), hex(inputs, 'handshake_info_hex'), keyType(inputs)),

  AddressFromPubKey: (inputs) => addressFromPubKey(hex(inputs, 'pubkey_hex'), keyType(inputs)),

  HandshakeMessage: (inputs) => {
    const info = handshakeInfo(inputs);
    return encodeHandshakeMessage(info, signMessage(hex(inputs, 'account_privkey_hex'), info, keyType(inputs)));
  },

  SharedSecret: (inputs) => EphemeralKey.fromPrivateKey(hex(inputs, 'own_ephemeral_privkey_hex')).sharedSecret(hex(inputs, 'remote_ephemeral_pubkey_hex')),

  RecordKeys: (inputs) => {
    const client = str(inputs, 'client_address');
    const server = str(inputs, 'server_address');
    if (hkdfInfo(client, server) !== str(inputs, 'hkdf_info')) {
      throw new InvalidArgumentError('inputs.hkdf_info', `differs from the info built from the addresses (${hkdfInfo(client, server)})`);
    }
    const keys = deriveRecordKeys(hex(inputs, 'shared_secret_hex'), client, server);
    return { key_hex: keys.key, nonce_mask_hex: keys.nonceMask, key_material_hex: keys.keyMaterial };
  },

  SealFrames: (inputs) => {
    const sealer = new RecordSealer(hex(inputs, 'key_hex'), hex(inputs, 'nonce_mask_hex'), side(inputs));
    const frames: Buffer[] = [];
    const perPlaintext: number[] = [];
    for (const plaintext of hexList(inputs, 'plaintexts_hex')) {
      const sealed = sealer.seal(plaintext);
      let n = 0;
      for (let off = 0; off < sealed.length; n++) {
        const end = off + 4 + sealed.readUInt32LE(off);
        frames.push(sealed.subarray(off, end));
        off = end;
      }
      perPlaintext.push(n);
    }
    return { frames_hex: frames, frames_per_plaintext: perPlaintext };
  },

  OpenFrames: (inputs) => {
    const opener = new RecordOpener(hex(inputs, 'key_hex'), hex(inputs, 'nonce_mask_hex'), side(inputs));
    const out: Buffer[] = [];
    try {
      opener.open(Buffer.concat(hexList(inputs, 'frames_hex')), out);
    } catch {
      return { error: true, plaintexts_before_error_hex: out };
    }
    if (opener.buffered !== 0) throw new InvalidArgumentError('inputs.frames_hex', `ends inside a frame (${opener.buffered} bytes left)`);
    return { plaintexts_hex: out };
  },
};

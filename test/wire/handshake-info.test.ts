import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandshakeInfo } from '../../src/gen/lumera/lumeraid/handshake_info.js';
import { Any } from '../../src/gen/google/protobuf/any.js';
import { PubKey as EthPubKey } from '../../src/gen/cosmos/evm/crypto/v1/ethsecp256k1/keys.js';
import { loadVectorFile } from '../helpers/vectors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const vectors = loadVectorFile('lumera-alts.json').vectors.filter((v) => v.function === 'HandshakeInfoBytes');

interface HandshakeInputs {
  address: string;
  peer_type: number;
  public_key_hex: string;
  account_pubkey_hex: string;
  account_pubkey_type_url: string;
  curve: string;
}

test('generated HandshakeInfo reproduces every HandshakeInfoBytes vector', () => {
  assert.ok(vectors.length >= 3, 'the vector file holds the three HandshakeInfoBytes vectors');
  for (const v of vectors) {
    const i = v.inputs as unknown as HandshakeInputs;
    // Both pubkey types share the {bytes key = 1} layout, so one generated PubKey serves for the Any value.
    const anyBytes = Any.encode({
      typeUrl: i.account_pubkey_type_url,
      value: EthPubKey.encode({ key: hex(i.account_pubkey_hex) }).finish(),
    }).finish();
    const bytes = HandshakeInfo.encode({
      address: i.address,
      peerType: i.peer_type,
      publicKey: hex(i.public_key_hex),
      accountPublicKey: anyBytes,
      curve: i.curve,
    }).finish();
    assert.equal(toHex(bytes), v.expected, v.id);

    const back = HandshakeInfo.decode(bytes);
    assert.equal(back.address, i.address, v.id);
    assert.equal(back.peerType, i.peer_type, v.id);
    const any = Any.decode(back.accountPublicKey);
    assert.equal(any.typeUrl, i.account_pubkey_type_url, v.id);
    assert.equal(toHex(EthPubKey.decode(any.value).key), i.account_pubkey_hex, v.id);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { addressFromPubKey, publicKeyOf, signMessage, type AccountKeyType } from '../../src/crypto/account-keys.js';
import {
  adr36SignDoc,
  chainAcceptsIndexSignature,
  privateKeySigner,
  signCascadeLayout,
  verifyIndexSignature,
  verifyLayoutSignature,
  type CreatorKey,
} from '../../src/cascade/signatures.js';
import { layoutB64 } from '../../src/cascade/id-files.js';
import { layoutJson, parseLayout } from '../../src/cascade/layout.js';
import { repoRoot } from '../helpers/vectors.js';

const golden = JSON.parse(readFileSync(join(repoRoot(), 'test', 'cascade', 'fixtures', 'worked-example.json'), 'utf8')) as {
  privateKeyHex: string;
  layoutJson: string;
  layoutSignature: string;
  layoutIds: string[];
  signatures: string;
};
const layout = parseLayout(golden.layoutJson);

function keyOf(priv: Uint8Array, keyType: AccountKeyType): CreatorKey {
  const pubkey = publicKeyOf(priv);
  return { pubkey, keyType, address: addressFromPubKey(pubkey, keyType) };
}

const sig64 = (priv: Uint8Array, msg: Uint8Array, kt: AccountKeyType) => Buffer.from(signMessage(priv, msg, kt).subarray(0, 64)).toString('base64');

test('signatures: signCascadeLayout reproduces the worked example (layout signature, layout ids, signatures)', () => {
  const priv = Buffer.from(golden.privateKeyHex, 'hex');
  const signed = signCascadeLayout(layout, privateKeySigner(priv, 'eth_secp256k1'), 7n, 50n);
  assert.equal(signed.layoutSignature, golden.layoutSignature);
  assert.deepEqual(signed.layoutIds, golden.layoutIds);
  assert.equal(signed.signatures, golden.signatures);
  const key = keyOf(priv, 'eth_secp256k1');
  assert.equal(verifyIndexSignature(signed.signatures, key), 'raw-b64');
  assert.equal(chainAcceptsIndexSignature(signed.signatures, key), true);
  assert.equal(verifyLayoutSignature(layout, signed.layoutSignature, key), 'raw-b64');
});

test('signatures: all four accepted variants verify; the chain accepts only raw-b64 and ADR-36 over the index data', () => {
  for (const kt of ['eth_secp256k1', 'secp256k1'] as const) {
    const priv = new Uint8Array(32).fill(kt === 'secp256k1' ? 5 : 6);
    const key = keyOf(priv, kt);
    const json = Buffer.from(JSON.stringify({ layout_ids: ['a'], layout_signature: 'x', version: 1 }));
    const b64 = json.toString('base64');
    const variants = {
      'raw-b64': sig64(priv, Buffer.from(b64), kt),
      'raw-json': sig64(priv, json, kt),
      'adr36-b64': sig64(priv, adr36SignDoc(Buffer.from(b64), key.address), kt),
      'adr36-json': sig64(priv, adr36SignDoc(json, key.address), kt),
    } as const;
    for (const [variant, sig] of Object.entries(variants)) {
      assert.equal(verifyIndexSignature(`${b64}.${sig}`, key), variant, `${kt} ${variant}`);
    }
    assert.equal(chainAcceptsIndexSignature(`${b64}.${variants['raw-b64']}`, key), true);
    assert.equal(chainAcceptsIndexSignature(`${b64}.${variants['adr36-json']}`, key), true); // data = b64(json) = indexB64
    assert.equal(chainAcceptsIndexSignature(`${b64}.${variants['raw-json']}`, key), false);
    assert.equal(chainAcceptsIndexSignature(`${b64}.${variants['adr36-b64']}`, key), false);
  }
});

test('signatures: DER-encoded signatures are coerced; wrong key, tampered payload and garbage are refused', () => {
  const priv = new Uint8Array(32).fill(8);
  const key = keyOf(priv, 'eth_secp256k1');
  const compact = signMessage(priv, Buffer.from(layoutB64(layout)), 'eth_secp256k1').subarray(0, 64);
  const der = Buffer.from(secp256k1.Signature.fromBytes(compact, 'compact').toBytes('der')).toString('base64');
  assert.equal(verifyLayoutSignature(layout, der, key), 'raw-b64');
  const other = keyOf(new Uint8Array(32).fill(9), 'eth_secp256k1');
  assert.equal(verifyLayoutSignature(layout, der, other), undefined);
  const changed = parseLayout(layoutJson(layout).replace('"size":5000', '"size":5000'));
  changed.blocks[0]!.symbols = [...changed.blocks[0]!.symbols].reverse();
  assert.equal(verifyLayoutSignature(changed, der, key), undefined);
  assert.equal(verifyLayoutSignature(layout, 'not base64!', key), undefined);
  assert.equal(verifyLayoutSignature(layout, Buffer.alloc(10).toString('base64'), key), undefined);
  assert.throws(() => verifyIndexSignature('no-dot', key), /signatures/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressFromPubKey,
  bech32Prefix,
  checkAddress,
  decodeAddress,
  decodeBech32,
  encodeAddress,
  isValidAddress,
  publicKeyOf,
  signMessage,
  VALOPER_ADDRESS_PREFIX,
  verifyMessage,
} from '../../src/crypto/account-keys.js';
import { loadVectorFile } from '../helpers/vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const alts = loadVectorFile('lumera-alts.json').vectors;

test('addresses match the lumera-alts AddressFromPubKey vectors', () => {
  const vs = alts.filter((v) => v.function === 'AddressFromPubKey');
  assert.ok(vs.length >= 4);
  for (const v of vs) {
    const i = v.inputs as Record<string, string>;
    assert.equal(addressFromPubKey(hex(i.pubkey_hex!), i.key_type as 'eth_secp256k1'), v.expected, v.id);
    assert.deepEqual(publicKeyOf(hex(i.account_privkey_hex!)), hex(i.pubkey_hex!), v.id);
  }
});

test('signatures match the lumera-alts HandshakeSignature vectors and verify', () => {
  const vs = alts.filter((v) => v.function === 'HandshakeSignature');
  assert.ok(vs.length >= 3);
  for (const v of vs) {
    const i = v.inputs as Record<string, string>;
    const kt = i.key_type as 'eth_secp256k1';
    const sig = signMessage(hex(i.account_privkey_hex!), hex(i.handshake_info_hex!), kt);
    assert.equal(Buffer.from(sig).toString('hex'), v.expected, v.id);
    const pub = publicKeyOf(hex(i.account_privkey_hex!));
    assert.equal(verifyMessage(pub, hex(i.handshake_info_hex!), sig, kt), true);
    assert.equal(verifyMessage(pub, hex(i.handshake_info_hex!), sig.subarray(0, 64), kt), true, '64-byte form accepted');
    const tampered = hex(i.handshake_info_hex!);
    tampered[0] = tampered[0]! ^ 1;
    assert.equal(verifyMessage(pub, tampered, sig, kt), false);
  }
});

test('verifyMessage rejects wrong lengths and keys without throwing', () => {
  const priv = new Uint8Array(32).fill(7);
  const pub = publicKeyOf(priv);
  const sig = signMessage(priv, new Uint8Array([1]), 'eth_secp256k1');
  assert.equal(verifyMessage(pub, new Uint8Array([1]), sig.subarray(0, 63), 'eth_secp256k1'), false);
  assert.equal(verifyMessage(new Uint8Array(33), new Uint8Array([1]), sig, 'eth_secp256k1'), false);
  assert.equal(verifyMessage(pub, new Uint8Array([1]), sig, 'secp256k1'), false, '65 bytes not accepted for legacy keys');
});

test('decodeAddress names the field and the problem', () => {
  assert.throws(() => decodeAddress('cosmos1xjuxgu5cj3z57skmaj29egl9hyvftl4hgpm4zr', 'creator'), /creator (must have prefix lumera|is not a valid bech32)/);
  assert.throws(() => decodeAddress('garbage', 'creator'), /creator is not a valid bech32 address/);
});

test('decodeAddress returns the 20 address bytes of a valid address', () => {
  const v = alts.find((x) => x.function === 'AddressFromPubKey')!;
  const addr = v.expected as string;
  const bytes = decodeAddress(addr, 'creator');
  assert.equal(bytes.length, 20);
  assert.equal(addressFromPubKey(hex((v.inputs as Record<string, string>).pubkey_hex!), 'eth_secp256k1'), addr);
  assert.throws(() => decodeAddress(addr.slice(0, -1) + (addr.endsWith('a') ? 'q' : 'a'), 'creator'), /creator is not a valid bech32 address/);
});

test('checkAddress says which rule failed without throwing; decodeAddress and isValidAddress agree', () => {
  const twenty = new Uint8Array(20).fill(3);
  const ok = encodeAddress(twenty);
  const valoper = encodeAddress(twenty, VALOPER_ADDRESS_PREFIX);
  const short = encodeAddress(new Uint8Array(19).fill(3));
  const good = checkAddress(ok);
  assert.ok(good.ok);
  assert.deepEqual(good.data, twenty);
  assert.deepEqual(checkAddress(valoper), { ok: false, problem: { kind: 'prefix', prefix: 'lumeravaloper' } });
  assert.deepEqual(checkAddress(valoper, VALOPER_ADDRESS_PREFIX), { ok: true, data: twenty });
  assert.deepEqual(checkAddress(short), { ok: false, problem: { kind: 'length', length: 19 } });
  const bad = checkAddress('garbage');
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.problem.kind, 'encoding');
  assert.throws(() => decodeAddress(short, 'x'), /x must hold 20 bytes, got 19/);
  assert.throws(() => decodeAddress(valoper, 'x'), /x must have prefix lumera, got lumeravaloper/);
  assert.deepEqual([isValidAddress(ok), isValidAddress(valoper), isValidAddress(valoper, VALOPER_ADDRESS_PREFIX), isValidAddress(short)], [true, false, true, false]);
});

test('decodeBech32 accepts any prefix and length, throws the decoder error, and hands out fresh bytes', () => {
  const valoper = encodeAddress(new Uint8Array(20).fill(9), VALOPER_ADDRESS_PREFIX);
  const first = decodeBech32(valoper);
  assert.equal(first.prefix, VALOPER_ADDRESS_PREFIX);
  first.data.fill(0); // a caller scribbling on its copy must not change what the next caller gets
  assert.deepEqual(decodeBech32(valoper).data, new Uint8Array(20).fill(9));
  assert.equal(decodeBech32(encodeAddress(new Uint8Array(32).fill(1), 'x')).data.length, 32);
  assert.throws(() => decodeBech32('lumera1qqqq'), (err: unknown) => err instanceof Error && !/valid bech32 address/.test(err.message));
  assert.equal(bech32Prefix(valoper), VALOPER_ADDRESS_PREFIX);
  assert.equal(bech32Prefix('not bech32'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { activeEcdsa, nativeEcdsa, nobleEcdsa, type EcdsaBackend } from '../../src/crypto/ecdsa-backends.js';
import { secp256k1Backend } from '../../src/crypto/secp256k1-native.js';
import { addressFromPubKey, publicKeyOf, signMessage, verifyMessage } from '../../src/crypto/account-keys.js';

const N = secp256k1.Point.CURVE().n;
const CASES = 300;

/** Reproducible pseudo-random bytes: SHA-256 of a label and a counter, stretched as needed. */
function bytes(label: string, i: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let off = 0, block = 0; off < length; off += 32, block++) {
    out.set(createHash('sha256').update(`${label}/${i}/${block}`).digest().subarray(0, Math.min(32, length - off)), off);
  }
  return out;
}

function privateKey(i: number): Uint8Array {
  for (let attempt = 0; ; attempt++) {
    const k = bytes(`priv-${attempt}`, i, 32);
    if (secp256k1.utils.isValidSecretKey(k)) return k;
  }
}

function toBytes32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

/** The same signature with S replaced by n − S (valid ECDSA, but high-S). */
function highS(compact: Uint8Array): Uint8Array {
  const s = BigInt('0x' + Buffer.from(compact.subarray(32)).toString('hex'));
  const out = Uint8Array.from(compact);
  out.set(toBytes32(N - s), 32);
  return out;
}

function requireNative(): EcdsaBackend {
  const native = nativeEcdsa();
  // Without the addon the fast path is silently gone; that must fail here rather than show up as latency.
  assert.ok(native, 'native libsecp256k1 addon did not load (see the secp256k1 module warning)');
  return native;
}

test('the native libsecp256k1 backend is loaded and is the active one', () => {
  const native = requireNative();
  assert.equal(native.name, 'libsecp256k1');
  assert.equal(activeEcdsa(), native);
  assert.equal(secp256k1Backend(), 'libsecp256k1');
});

test('native and noble sign identically (RFC 6979, low-S, recovery id) for random keys and digests', () => {
  const native = requireNative();
  for (let i = 0; i < CASES; i++) {
    const priv = privateKey(i);
    const digest = bytes('digest', i, 32);
    const a = native.sign(digest, priv);
    const b = nobleEcdsa.sign(digest, priv);
    assert.deepEqual(Buffer.from(a.compact), Buffer.from(b.compact), `case ${i}`);
    assert.equal(a.recovery, b.recovery, `case ${i} recovery id`);
    assert.ok(a.recovery === 0 || a.recovery === 1, `case ${i} recovery id ${a.recovery}`);
    assert.deepEqual(Buffer.from(native.publicKey(priv)), Buffer.from(nobleEcdsa.publicKey(priv)), `case ${i} public key`);
  }
});

test('signMessage gives the bytes @noble/curves gives directly, for both key types', () => {
  requireNative();
  for (let i = 0; i < CASES; i++) {
    const priv = privateKey(i);
    const message = bytes('message', i, i % 97);
    const eth = secp256k1.Signature.fromBytes(secp256k1.sign(keccak_256(message), priv, { prehash: false, lowS: true, format: 'recovered' }), 'recovered');
    const expectedEth = new Uint8Array(65);
    expectedEth.set(eth.toBytes('compact'));
    expectedEth[64] = eth.recovery!;
    assert.deepEqual(Buffer.from(signMessage(priv, message, 'eth_secp256k1')), Buffer.from(expectedEth), `case ${i} eth`);
    const legacy = secp256k1.sign(sha256(message), priv, { prehash: false, lowS: true, format: 'compact' });
    assert.deepEqual(Buffer.from(signMessage(priv, message, 'secp256k1')), Buffer.from(legacy), `case ${i} legacy`);
  }
});

test('native and noble give the same verdict on valid, tampered, high-S and malformed signatures', () => {
  const native = requireNative();
  const verdicts = (compact: Uint8Array, digest: Uint8Array, pub: Uint8Array, label: string): boolean => {
    const a = native.verify(compact, digest, pub);
    const b = nobleEcdsa.verify(compact, digest, pub);
    assert.equal(a, b, label);
    return a;
  };
  for (let i = 0; i < CASES; i++) {
    const priv = privateKey(i);
    const pub = nobleEcdsa.publicKey(priv);
    const pub65 = nobleEcdsa.convert(pub, false);
    const digest = bytes('digest', i, 32);
    const { compact } = nobleEcdsa.sign(digest, priv);
    assert.equal(verdicts(compact, digest, pub, `case ${i} valid`), true);
    assert.equal(verdicts(compact, digest, pub65, `case ${i} valid, uncompressed key`), true);
    assert.equal(verdicts(highS(compact), digest, pub, `case ${i} high-S`), false);
    const flipped = Uint8Array.from(compact);
    flipped[i % 64] = flipped[i % 64]! ^ (1 << (i % 8));
    assert.equal(verdicts(flipped, digest, pub, `case ${i} tampered signature`), false);
    const otherDigest = Uint8Array.from(digest);
    otherDigest[i % 32] = otherDigest[i % 32]! ^ 0x80;
    assert.equal(verdicts(compact, otherDigest, pub, `case ${i} tampered digest`), false);
    assert.equal(verdicts(compact, digest, nobleEcdsa.publicKey(privateKey(i + CASES)), `case ${i} other key`), false);
    // Hybrid (06/07) encoding of the right key: libsecp256k1 could parse it, noble cannot; both must refuse.
    const hybrid = Uint8Array.from(pub65);
    hybrid[0] = 0x06 | (pub65[64]! & 1);
    assert.equal(verdicts(compact, digest, hybrid, `case ${i} hybrid key`), false);
  }
  const priv = privateKey(0);
  const pub = nobleEcdsa.publicKey(priv);
  const digest = bytes('digest', 0, 32);
  const { compact } = nobleEcdsa.sign(digest, priv);
  const rTooBig = Uint8Array.from(compact);
  rTooBig.fill(0xff, 0, 32);
  const sZero = Uint8Array.from(compact);
  sZero.fill(0, 32);
  const notOnCurve = Uint8Array.from(pub);
  notOnCurve[0] = 0x02;
  notOnCurve.fill(0xff, 1);
  for (const [label, sig, key] of [
    ['r ≥ n', rTooBig, pub], ['s = 0', sZero, pub], ['63-byte signature', compact.subarray(0, 63), pub],
    ['x ≥ p key', compact, notOnCurve], ['empty key', compact, new Uint8Array(0)], ['33 zero bytes', compact, new Uint8Array(33)],
  ] as const) {
    assert.equal(verdicts(sig, digest, key, label), false, label);
  }
});

test('verifyMessage: 65-byte V forms, high-S and tampering, never throwing', () => {
  requireNative();
  for (let i = 0; i < 50; i++) {
    const priv = privateKey(i);
    const pub = publicKeyOf(priv);
    const message = bytes('message', i, 40);
    const sig = signMessage(priv, message, 'eth_secp256k1');
    assert.equal(verifyMessage(pub, message, sig, 'eth_secp256k1'), true);
    for (const v of [27, 28]) {
      const withV = Uint8Array.from(sig);
      withV[64] = v;
      assert.equal(verifyMessage(pub, message, withV, 'eth_secp256k1'), true, `V=${v}`);
    }
    const badV = Uint8Array.from(sig);
    badV[64] = 2;
    assert.equal(verifyMessage(pub, message, badV, 'eth_secp256k1'), false, 'V=2');
    const high = new Uint8Array(65);
    high.set(highS(sig.subarray(0, 64)));
    assert.equal(verifyMessage(pub, message, high, 'eth_secp256k1'), false, 'high-S');
    const legacy = signMessage(priv, message, 'secp256k1');
    assert.equal(verifyMessage(pub, message, legacy, 'secp256k1'), true);
    assert.equal(verifyMessage(pub, message, highS(legacy), 'secp256k1'), false, 'legacy high-S');
    assert.equal(verifyMessage(pub, bytes('other', i, 40), legacy, 'secp256k1'), false);
    assert.equal(verifyMessage(pub, 'not bytes' as unknown as Uint8Array, legacy, 'secp256k1'), false);
  }
});

test('addresses and key errors do not depend on the backend', () => {
  const native = requireNative();
  for (let i = 0; i < 50; i++) {
    const pub = publicKeyOf(privateKey(i));
    for (const compressed of [true, false]) {
      assert.deepEqual(Buffer.from(native.convert(pub, compressed)), Buffer.from(nobleEcdsa.convert(pub, compressed)));
    }
    const pub65 = nobleEcdsa.convert(pub, false);
    for (const kt of ['eth_secp256k1', 'secp256k1'] as const) {
      assert.equal(addressFromPubKey(pub65, kt), addressFromPubKey(pub, kt));
    }
  }
  // Invalid private keys (0 and n) are refused with the same error either way.
  for (const bad of [new Uint8Array(32), toBytes32(N)]) {
    const digest = new Uint8Array(32).fill(1);
    const nobleError = (() => { try { nobleEcdsa.sign(digest, bad); } catch (err) { return (err as Error).message; } return undefined; })();
    assert.ok(nobleError);
    assert.throws(() => native.sign(digest, bad), { message: nobleError });
    assert.throws(() => native.publicKey(bad));
    assert.throws(() => signMessage(bad, new Uint8Array([1]), 'eth_secp256k1'), { message: nobleError });
  }
  assert.throws(() => addressFromPubKey(new Uint8Array(33).fill(0xff), 'eth_secp256k1'), /pubkey is not a point on secp256k1/);
});

test('without the addon (LEP6_SECP256K1_BACKEND=noble) signatures are the same bytes and one warning is logged', async () => {
  const { execFile } = await import('node:child_process');
  const accountKeys = new URL('../../src/crypto/account-keys.js', import.meta.url).href;
  const native = requireNative();
  const script = `
    const { signMessage, verifyMessage, publicKeyOf } = await import(${JSON.stringify(accountKeys)});
    const { secp256k1Backend } = await import(${JSON.stringify(new URL('../../src/crypto/secp256k1-native.js', import.meta.url).href)});
    const out = [secp256k1Backend()];
    for (let i = 1; i <= 5; i++) {
      const priv = new Uint8Array(32).fill(i);
      const msg = new Uint8Array(i * 7).fill(i + 1);
      const sig = signMessage(priv, msg, 'eth_secp256k1');
      out.push(Buffer.from(sig).toString('hex') + ':' + verifyMessage(publicKeyOf(priv), msg, sig, 'eth_secp256k1'));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, LEP6_SECP256K1_BACKEND: 'noble', LOG_LEVEL: 'warn' }, timeout: 20_000,
    }, (err, out, errOut) => (err ? reject(err) : resolve({ stdout: out, stderr: errOut })));
  });
  const [backend, ...lines] = JSON.parse(stdout) as string[];
  assert.equal(backend, 'noble');
  assert.equal(lines.length, 5);
  lines.forEach((line, idx) => {
    const i = idx + 1;
    const priv = new Uint8Array(32).fill(i);
    const { compact, recovery } = native.sign(keccak_256(new Uint8Array(i * 7).fill(i + 1)), priv);
    assert.equal(line, `${Buffer.from(compact).toString('hex')}${recovery.toString(16).padStart(2, '0')}:true`, `key ${i}`);
  });
  const warnings = stderr.split('\n').filter((l) => l.includes('"module":"secp256k1"'));
  assert.equal(warnings.length, 1, stderr);
  assert.match(warnings[0]!, /"level":40/);
  assert.match(warnings[0]!, /fall back to pure-JS @noble\/curves/);
});

test('inputs that are views into larger buffers (non-zero byteOffset) give the same results natively', () => {
  const native = requireNative();
  const big = bytes('views', 0, 256);
  for (let off = 0; off < 40; off += 7) {
    const priv = big.subarray(off, off + 32);
    if (!secp256k1.utils.isValidSecretKey(priv)) continue;
    const digest = big.subarray(off + 100, off + 132);
    const a = native.sign(digest, priv);
    const b = nobleEcdsa.sign(digest, priv.slice());
    assert.deepEqual(Buffer.from(a.compact), Buffer.from(b.compact), `offset ${off}`);
    const pubHolder = new Uint8Array(80);
    pubHolder.set(nobleEcdsa.publicKey(priv.slice()), 11);
    const sigHolder = new Uint8Array(90);
    sigHolder.set(b.compact, 13);
    assert.equal(native.verify(sigHolder.subarray(13, 77), digest, pubHolder.subarray(11, 44)), true, `offset ${off}`);
    assert.deepEqual(Buffer.from(native.publicKey(priv)), Buffer.from(pubHolder.subarray(11, 44)));
  }
});

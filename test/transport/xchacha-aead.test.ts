import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AEAD_TAG_BYTES, nobleOpenInPlace, nobleSealInPlace, openInPlace, sealInPlace, xchachaBackend } from '../../src/transport/xchacha-aead.js';

test('xchacha aead: libsodium is in use here, and it and the @noble fallback seal and open the same bytes in place', () => {
  assert.equal(xchachaBackend, 'libsodium');
  for (const n of [0, 1, 63, 64, 65, 4072, 65_000]) {
    const key = new Uint8Array(randomBytes(32));
    const nonce = new Uint8Array(randomBytes(24));
    const plain = new Uint8Array(randomBytes(n));
    const a = new Uint8Array(n + AEAD_TAG_BYTES);
    a.set(plain);
    const b = a.slice();
    sealInPlace(a, nonce, key);
    nobleSealInPlace(b, nonce, key);
    assert.deepEqual(Buffer.from(a), Buffer.from(b), `sealed ${n} bytes`);
    const c = a.slice();
    assert.equal(openInPlace(a, nonce, key), true);
    assert.equal(nobleOpenInPlace(c, nonce, key), true);
    assert.deepEqual(Buffer.from(a.subarray(0, n)), Buffer.from(plain));
    assert.deepEqual(Buffer.from(c.subarray(0, n)), Buffer.from(plain));
    // A flipped bit anywhere fails authentication on both.
    const t1 = b.slice();
    t1[Math.floor(Math.random() * t1.length)]! ^= 1;
    const t2 = t1.slice();
    assert.equal(openInPlace(t1, nonce, key), false);
    assert.equal(nobleOpenInPlace(t2, nonce, key), false);
  }
});

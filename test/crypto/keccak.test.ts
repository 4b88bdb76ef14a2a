import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { keccak256, keccakBackend } from '../../src/crypto/keccak.js';

test('keccak256: the native sponge is in use here and agrees with @noble/hashes across block boundaries', () => {
  assert.equal(keccakBackend, 'native');
  assert.equal(Buffer.from(keccak256(new Uint8Array(0))).toString('hex'), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  for (const n of [1, 31, 135, 136, 137, 271, 272, 273, 1000, 65_537]) {
    const m = new Uint8Array(randomBytes(n));
    assert.deepEqual(Buffer.from(keccak256(m)), Buffer.from(keccak_256(m)), `length ${n}`);
  }
  const view = new Uint8Array(randomBytes(300)).subarray(7, 250);
  assert.deepEqual(Buffer.from(keccak256(view)), Buffer.from(keccak_256(view)), 'a view into a larger buffer');
});

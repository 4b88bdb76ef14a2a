import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js';
import { blake3, blake3File, createBlake3, dataHashB64, dataHashB64OfFile } from '../../src/cascade/hash.js';
import { makeFile } from '../../src/cascade/patterns.js';

test('hash: native BLAKE3 agrees with @noble/hashes, one-shot, streamed and from a multi-chunk file', async () => {
  const data = makeFile({ size: 9_437_185, pattern: 'xorshift32', seed: 77 }); // > 2 file chunks, odd length
  const expected = Buffer.from(nobleBlake3(data)).toString('hex');
  assert.equal(Buffer.from(blake3(data)).toString('hex'), expected);
  const h = createBlake3();
  for (let o = 0; o < data.length; o += 1_000_003) h.update(data.subarray(o, o + 1_000_003));
  assert.equal(Buffer.from(h.digest()).toString('hex'), expected);
  const dir = await mkdtemp(join(tmpdir(), 'cascade-hash-'));
  try {
    await writeFile(join(dir, 'f'), data);
    const r = await blake3File(join(dir, 'f'));
    assert.equal(r.size, data.length);
    assert.equal(Buffer.from(r.digest).toString('hex'), expected);
    assert.equal(await dataHashB64OfFile(join(dir, 'f')), dataHashB64(data));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(dataHashB64(new Uint8Array(0)), 'rxNJufX5oaagQE3qNtzJSZvLJcmtwRK3zJqTyuQfMmI=');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { RecordOpener, RecordSealer, DEFAULT_MAX_PLAINTEXT_PER_FRAME, MAX_FRAME_LENGTH } from '../../src/transport/record-cipher.js';
import { isTransportError } from '../../src/transport/errors.js';
import { isInvalidArgument } from '../../src/util/errors.js';

const key = randomBytes(32);
const mask = randomBytes(12);

function openAll(opener: RecordOpener, bytes: Buffer, pieceSize = bytes.length): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < bytes.length; off += pieceSize) opener.open(bytes.subarray(off, off + pieceSize), out);
  return out;
}

test('record layer: frames match XChaCha20-Poly1305 from @noble/ciphers with the spec nonce layout', () => {
  for (const side of ['client', 'server'] as const) {
    const sealer = new RecordSealer(key, mask, side);
    for (let counter = 0; counter < 3; counter++) {
      const plaintext = randomBytes(100 + counter);
      const frame = sealer.seal(plaintext);
      const nonce = new Uint8Array(24);
      nonce[0] = counter;
      if (side === 'server') nonce[11] = 0x80;
      for (let i = 0; i < 12; i++) nonce[i]! ^= mask[i]!;
      const expected = xchacha20poly1305(key, nonce).encrypt(plaintext);
      assert.equal(frame.readUInt32LE(0), 4 + expected.length);
      assert.equal(frame.readUInt32LE(4), 6);
      assert.deepEqual(new Uint8Array(frame.subarray(8)), expected, `${side} frame ${counter}`);
    }
  }
});

test('record layer: writes are cut into 4072-byte frames and reassemble from any chunking', () => {
  const sealer = new RecordSealer(key, mask, 'client');
  const opener = new RecordOpener(key, mask, 'client');
  const sizes = [1, 4071, 4072, 4073, 10000, 65536];
  const plaintexts = sizes.map((n) => randomBytes(n));
  const sealed = plaintexts.map((p) => sealer.seal(p));
  sizes.forEach((n, i) => {
    assert.equal(sealed[i]!.length, n + 24 * Math.ceil(n / DEFAULT_MAX_PLAINTEXT_PER_FRAME));
    assert.equal(sealer.frameCount(n), Math.ceil(n / 4072));
  });
  assert.equal(sealer.seal(Buffer.alloc(0)).length, 0, 'an empty write sends nothing');
  for (const piece of [1, 7, 4096, 100000]) {
    const s = new RecordSealer(key, mask, 'client');
    const o = new RecordOpener(key, mask, 'client');
    const stream = Buffer.concat(plaintexts.map((p) => s.seal(p)));
    assert.deepEqual(Buffer.concat(openAll(o, stream, piece)), Buffer.concat(plaintexts), `chunk size ${piece}`);
    assert.equal(o.buffered, 0);
  }
  assert.deepEqual(Buffer.concat(openAll(opener, Buffer.concat(sealed))), Buffer.concat(plaintexts));
});

test('record layer: larger writer frames are accepted by the reader (up to 1 MiB)', () => {
  const sealer = new RecordSealer(key, mask, 'server', MAX_FRAME_LENGTH - 20);
  const opener = new RecordOpener(key, mask, 'server');
  const big = randomBytes(MAX_FRAME_LENGTH - 20);
  const frames = sealer.seal(big);
  assert.equal(frames.readUInt32LE(0), MAX_FRAME_LENGTH);
  assert.deepEqual(Buffer.concat(openAll(opener, frames, 65536)), big);
  assert.equal(opener.buffered, 0);
  assert.throws(() => new RecordSealer(key, mask, 'server', MAX_FRAME_LENGTH), isInvalidArgument);
});

test('record layer: a frame that arrives across reads releases no plaintext until its tag checks out', () => {
  const plaintext = randomBytes(65512);
  for (const flip of [100, 65512 + 8 - 1, 65512 + 8 + 15]) { // in the ciphertext, its last byte, in the tag
    const frame = new RecordSealer(key, mask, 'client', 65512).seal(plaintext);
    frame[flip]! ^= 1;
    const opener = new RecordOpener(key, mask, 'client');
    const out: Buffer[] = [];
    let thrown: unknown = null;
    try {
      for (let off = 0; off < frame.length; off += 5000) opener.open(frame.subarray(off, off + 5000), out);
    } catch (err) {
      thrown = err;
    }
    assert.ok(isTransportError(thrown, 'ALTS_FRAME_AUTH'), `flip at ${flip}`);
    assert.equal(out.length, 0, `no plaintext released for a flip at ${flip}`);
  }
  // The same frame untouched, then a second one in the same reads: both open, in order.
  const sealer = new RecordSealer(key, mask, 'client', 65512);
  const second = randomBytes(3000);
  const stream = Buffer.concat([sealer.seal(plaintext), sealer.seal(second)]);
  const opener = new RecordOpener(key, mask, 'client');
  const out: Buffer[] = [];
  for (let off = 0; off < stream.length; off += 5000) {
    opener.open(stream.subarray(off, off + 5000), out);
    if (off + 5000 < 65536) assert.equal(out.length, 0, 'nothing before the first tag has arrived');
  }
  assert.deepEqual(Buffer.concat(out), Buffer.concat([plaintext, second]));
});

test('record layer: replay, reorder, wrong direction, tamper, type and length are refused', () => {
  const frames = (side: 'client' | 'server') => {
    const s = new RecordSealer(key, mask, side);
    return [s.seal(Buffer.from('zero')), s.seal(Buffer.from('one')), s.seal(Buffer.from('two'))];
  };
  const [f0, f1, f2] = frames('client') as [Buffer, Buffer, Buffer];
  const expectFail = (bytes: Buffer, code: string, okBefore: number, writer: 'client' | 'server' = 'client') => {
    const out: Buffer[] = [];
    const o = new RecordOpener(key, mask, writer);
    assert.throws(() => o.open(bytes, out), (err: unknown) => isTransportError(err) && err.code === code);
    assert.equal(out.length, okBefore);
    assert.throws(() => o.open(f0, []), 'an opener stays failed');
  };
  expectFail(Buffer.concat([f0, f0]), 'ALTS_FRAME_AUTH', 1); // replay
  expectFail(Buffer.concat([f0, f2, f1]), 'ALTS_FRAME_AUTH', 1); // reorder
  expectFail(Buffer.concat([f0]), 'ALTS_FRAME_AUTH', 0, 'server'); // read with the other direction's counter
  const tampered = Buffer.from(f1);
  tampered[tampered.length - 1]! ^= 1;
  expectFail(Buffer.concat([f0, tampered]), 'ALTS_FRAME_AUTH', 1);
  const badType = Buffer.from(f0);
  badType.writeUInt32LE(7, 4);
  expectFail(badType, 'ALTS_FRAME_TYPE', 0);
  const tooLong = Buffer.alloc(8);
  tooLong.writeUInt32LE(MAX_FRAME_LENGTH + 1, 0);
  expectFail(tooLong.subarray(0, 4), 'ALTS_FRAME_TOO_LARGE', 0);
  const tooShort = Buffer.alloc(24);
  tooShort.writeUInt32LE(19, 0);
  expectFail(tooShort, 'ALTS_FRAME_AUTH', 0);
  // Only the low byte of the type is checked (the header is not authenticated).
  const highType = Buffer.from(f0);
  highType.writeUInt32LE(0x106, 4);
  const out: Buffer[] = [];
  new RecordOpener(key, mask, 'client').open(highType, out);
  assert.deepEqual(out, [Buffer.from('zero')]);
});

test('record layer: bad keys and masks are typed argument errors', () => {
  assert.throws(() => new RecordSealer(randomBytes(31), mask, 'client'), isInvalidArgument);
  assert.throws(() => new RecordOpener(key, randomBytes(11), 'client'), isInvalidArgument);
});

test('record layer: an oversized length is refused even when its header arrives in pieces', () => {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(MAX_FRAME_LENGTH + 1, 0);
  const opener = new RecordOpener(key, mask, 'client');
  const out: Buffer[] = [];
  opener.open(header.subarray(0, 1), out);
  opener.open(header.subarray(1, 3), out);
  assert.equal(opener.buffered, 3);
  assert.throws(() => opener.open(header.subarray(3), out), (err: unknown) => isTransportError(err, 'ALTS_FRAME_TOO_LARGE'));
  assert.deepEqual(out, []);
});

test('record layer: sealing several buffers as one write equals sealing their concatenation', () => {
  const parts = [randomBytes(3), randomBytes(0), randomBytes(5000), randomBytes(4072), randomBytes(1), randomBytes(9000)];
  const a = new RecordSealer(key, mask, 'server');
  const b = new RecordSealer(key, mask, 'server');
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(a.sealv(parts), b.seal(Buffer.concat(parts)), `round ${round}`);
  }
  assert.equal(a.sealv([Buffer.alloc(0), Buffer.alloc(0)]).length, 0);
});

test('record layer: a seal into reused memory overwrites every byte (pooled wire buffers)', () => {
  const parts = [randomBytes(70_000), randomBytes(9), randomBytes(65_000)];
  const dirty = (bytes: number) => Buffer.alloc(bytes, 0xa5);
  const a = new RecordSealer(key, mask, 'client', 65512);
  const b = new RecordSealer(key, mask, 'client', 65512);
  const sealed = a.sealv(parts, dirty);
  assert.deepEqual(sealed, b.sealv(parts));
  const opener = new RecordOpener(key, mask, 'client');
  assert.deepEqual(Buffer.concat(openAll(opener, sealed, 65536)), Buffer.concat(parts));
});

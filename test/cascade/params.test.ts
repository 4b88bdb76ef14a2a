import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encoderParameters,
  kPrime,
  MAX_CASCADE_FILE_BYTES,
  repairSymbolCount,
  sourceSymbolCount,
  checkFileSize,
} from '../../src/cascade/params.js';
import { K_PRIME_VALUES } from '../../src/cascade/kprime-table.js';
import { encodePackets } from '../../src/cascade/raptorq.js';
import { isCascadeError } from '../../src/cascade/errors.js';

test('params: OTI table of spec 05 §4.3', () => {
  const table: Array<[number, number[]]> = [
    [5000, [0, 0, 0, 19, 136, 0, 255, 248, 1, 0, 1, 8]],
    [10_485_760, [0, 0, 160, 0, 0, 0, 255, 248, 1, 0, 2, 8]],
    [20_000_000, [0, 1, 49, 45, 0, 0, 255, 248, 1, 0, 3, 8]],
    [104_857_600, [0, 6, 64, 0, 0, 0, 255, 248, 1, 0, 11, 8]],
    [1_073_741_824, [0, 64, 0, 0, 0, 0, 255, 248, 1, 0, 104, 8]],
    [1_342_177_280, [0, 80, 0, 0, 0, 0, 255, 248, 1, 0, 131, 8]],
  ];
  for (const [size, oti] of table) assert.deepEqual([...encoderParameters(size)], oti, `size ${size}`);
});

test('params: K and R as the supernode computes them (1 MiB ⇒ K 17, R 81)', () => {
  assert.equal(sourceSymbolCount(1 << 20), 17);
  assert.equal(repairSymbolCount(1 << 20), 81);
  assert.equal(repairSymbolCount(65535), 6);
  assert.equal(repairSymbolCount(65536), 6); // ceil(65536*5/65535) = 6
  assert.equal(repairSymbolCount(200_000), 16);
});

test('params: K\' table is RFC 6330 Table 2 (477 ascending values, 10 … 56403)', () => {
  assert.equal(K_PRIME_VALUES.length, 477);
  assert.equal(K_PRIME_VALUES[0], 10);
  assert.equal(K_PRIME_VALUES[476], 56403);
  for (let i = 1; i < K_PRIME_VALUES.length; i++) assert.ok(K_PRIME_VALUES[i]! > K_PRIME_VALUES[i - 1]!);
  assert.equal(kPrime(1), 10);
  assert.equal(kPrime(184), 185);
  assert.equal(kPrime(46), 46);
});

test('params: the npm encoder numbers its first repair packet K\' (the shim premise) for several K', () => {
  // encodePackets asserts internally that repair ESIs were K' + x before renumbering them to K + x.
  for (const k of [2, 11, 13, 19, 47]) {
    const packets = encodePackets(new Uint8Array(k * 65528 - 3).fill(7));
    assert.equal(packets.length, k + repairSymbolCount(k * 65528 - 3));
    assert.equal((packets[k]![1]! << 16) | (packets[k]![2]! << 8) | packets[k]![3]!, k);
  }
});

test('params: file sizes outside (0, MAX_CASCADE_FILE_BYTES] are typed errors', () => {
  assert.throws(() => checkFileSize(0), (e) => isCascadeError(e, 'CASCADE_EMPTY_FILE'));
  assert.throws(() => checkFileSize(MAX_CASCADE_FILE_BYTES + 1, { actionId: '9' }), (e) => isCascadeError(e, 'CASCADE_FILE_TOO_LARGE') && e.actionId === '9');
  assert.doesNotThrow(() => checkFileSize(MAX_CASCADE_FILE_BYTES));
});

/**
 * Helpers for the golden wire tests. Expected bytes are written by hand as annotated hex fragments;
 * only the payload of a string is produced by `ascii` (its UTF-8 bytes), never tags or lengths.
 */
import assert from 'node:assert/strict';
import type { WireCodec } from '../../src/wire/codec.js';

/** Joins hex fragments, dropping whitespace, and checks the result is well-formed hex. */
export function hex(...parts: string[]): string {
  const s = parts.join('').replace(/\s+/g, '').toLowerCase();
  assert.match(s, /^([0-9a-f]{2})*$/, 'golden hex must be whole bytes');
  return s;
}

/** Hex of a string's UTF-8 bytes (the payload of a string field). */
export function ascii(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

// Recurring hand-encoded values.
/** varint of 2^32 + 1 = 4294967297: groups 0000001,0,0,0,0010000 → 81 80 80 80 10. */
export const U64_2P32_PLUS_1 = '81 80 80 80 10';
/** varint of 2^35 = 34359738368: five zero groups then 1 → 80 80 80 80 80 01. */
export const U64_2P35 = '80 80 80 80 80 01';
/** Little-endian IEEE-754 doubles. 12.5 = 0x4029000000000000. */
export const F64_12_5 = '00 00 00 00 00 00 29 40';
/** 50.25 = 0x4049200000000000. */
export const F64_50_25 = '00 00 00 00 00 20 49 40';
/** 75.0 = 0x4052c00000000000. */
export const F64_75 = '00 00 00 00 00 c0 52 40';
/** 1048576.0 = 2^20 = 0x4130000000000000. */
export const F64_2P20 = '00 00 00 00 00 00 30 41';

/**
 * Encodes `value` (completed by fromPartial) and compares with the hand-written hex, then decodes the
 * hand-written bytes and compares with the same completed value (round trip through the golden bytes).
 */
export function assertGolden<T>(
  name: string,
  codec: WireCodec<T>,
  value: Parameters<WireCodec<T>['fromPartial']>[0],
  expectedHex: string,
): void {
  const full = codec.fromPartial(value);
  const actual = Buffer.from(codec.encode(full).finish()).toString('hex');
  assert.equal(actual, expectedHex, `${name}: encoded bytes differ from the hand-computed golden hex`);
  assert.deepEqual(codec.decode(Uint8Array.from(Buffer.from(expectedHex, 'hex'))), full, `${name}: decoding the golden hex`);
}

/**
 * RaptorQ parameters exactly as the Go supernode configures rq-library (spec 05 §4.2–§4.3): max packet size
 * 65535 passed as "symbol size", so T = 65528 (alignment 8); redundancy 6; one source block; the 12-byte
 * OTI derived like raptorq's `with_defaults` (RFC 6330 §4.3 with a 10 MiB decoder-memory target).
 */
import { InvalidArgumentError } from '../util/errors.js';
import { CascadeError } from './errors.js';
import { K_PRIME_VALUES } from './kprime-table.js';

export const MAX_PACKET_SIZE = 65535;
export const ALIGNMENT = 8;
export const SYMBOL_SIZE = MAX_PACKET_SIZE - (MAX_PACKET_SIZE % ALIGNMENT); // T = 65528
export const PACKET_BYTES = SYMBOL_SIZE + 4; // 4-byte payload id + symbol
export const SUB_SYMBOL_SIZE = 8;
export const DECODER_MEMORY_TARGET = 10 * 1024 * 1024;
export const REDUNDANCY_FACTOR = 6;
/** rq-library block size used by the supernode; larger files would need a second block and are rejected. */
export const RQ_BLOCK_SIZE = 1280 * 1024 * 1024;

/**
 * Largest file this daemon encodes or decodes. The codec (npm `raptorq`, wasm32) keeps the whole file, its
 * intermediate symbols and all ≈6× encoded packets in one linear memory of at most 4 GiB, so the Go limit of
 * 1280 MiB cannot be reached; see CODEC.md for the measurements behind this figure. Checked before any
 * allocation so an oversized file is a typed error, never an out-of-memory crash.
 */
export const MAX_CASCADE_FILE_BYTES = 256 * 1024 * 1024;

/** Source symbols K = ceil(size / T). */
export function sourceSymbolCount(size: number): number {
  return Math.ceil(size / SYMBOL_SIZE);
}

/** Repair symbols R: 6 for files up to 65535 bytes, else ceil(size × 5 / 65535) (65535, not T — as the Go code). */
export function repairSymbolCount(size: number): number {
  return size <= MAX_PACKET_SIZE ? REDUNDANCY_FACTOR : Math.ceil((size * (REDUNDANCY_FACTOR - 1)) / MAX_PACKET_SIZE);
}

/** Smallest K' of RFC 6330 Table 2 that is ≥ k. */
export function kPrime(k: number): number {
  for (const v of K_PRIME_VALUES) if (v >= k) return v;
  throw new InvalidArgumentError('k', `exceeds the largest RaptorQ source block (${K_PRIME_VALUES[K_PRIME_VALUES.length - 1]})`);
}

/** KL(n) of RFC 6330 §4.3: the largest K' whose decoding working set fits the memory target with n sub-blocks. */
function kl(n: number): number {
  const subSymbolsPerSymbol = Math.ceil(SYMBOL_SIZE / (ALIGNMENT * n));
  const limit = Math.floor(DECODER_MEMORY_TARGET / (ALIGNMENT * subSymbolsPerSymbol));
  for (let i = K_PRIME_VALUES.length - 1; i >= 0; i--) {
    const v = K_PRIME_VALUES[i]!;
    if (v <= limit) return v;
  }
  return K_PRIME_VALUES[0]!;
}

export interface TransmissionInfo {
  transferLength: number;
  symbolSize: number;
  sourceBlocks: number;
  subBlocks: number;
  alignment: number;
}

/** Checks that `size` is a file length the cascade pipeline accepts (non-empty, within the codec cap). */
export function checkFileSize(size: number, ctx: { actionId?: string; artefact?: string } = {}): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError('size', `must be a non-negative integer, got ${size}`);
  if (size === 0) throw new CascadeError('CASCADE_EMPTY_FILE', 'file is empty; RaptorQ needs at least one byte', ctx);
  if (size > MAX_CASCADE_FILE_BYTES) {
    throw new CascadeError('CASCADE_FILE_TOO_LARGE', `file of ${size} bytes exceeds the codec limit of ${MAX_CASCADE_FILE_BYTES} bytes`, ctx, {
      size,
      limit: MAX_CASCADE_FILE_BYTES,
    });
  }
}

/** The OTI raptorq's `with_defaults(size, 65535)` chooses (spec 05 §4.3). Works for any size up to 2^40 − 1. */
export function transmissionInfo(size: number): TransmissionInfo {
  if (!Number.isSafeInteger(size) || size <= 0 || size >= 2 ** 40) throw new InvalidArgumentError('size', `must be an integer in [1, 2^40), got ${size}`);
  const kt = Math.ceil(size / SYMBOL_SIZE);
  const nMax = Math.floor(SYMBOL_SIZE / (SUB_SYMBOL_SIZE * ALIGNMENT));
  const z = Math.ceil(kt / kl(nMax));
  const perBlock = Math.ceil(kt / z);
  let n = 1;
  for (; n < nMax; n++) if (perBlock <= kl(n)) break;
  return { transferLength: size, symbolSize: SYMBOL_SIZE, sourceBlocks: z, subBlocks: n, alignment: ALIGNMENT };
}

/** The 12 OTI bytes: F (40-bit BE) ‖ 0 ‖ T (u16 BE) ‖ Z (u8) ‖ N (u16 BE) ‖ Al (u8). */
export function encoderParameters(size: number): Uint8Array {
  const oti = transmissionInfo(size);
  const out = new Uint8Array(12);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, Math.floor(size / 2 ** 32));
  dv.setUint32(1, size >>> 0);
  dv.setUint16(6, oti.symbolSize);
  dv.setUint8(8, oti.sourceBlocks);
  dv.setUint16(9, oti.subBlocks);
  dv.setUint8(11, oti.alignment);
  return out;
}

/** Reads F back from an OTI (bytes 0–4, big-endian). */
export function transferLengthOf(oti: Uint8Array): number {
  if (oti.length !== 12) throw new InvalidArgumentError('encoder_parameters', `must be 12 bytes, got ${oti.length}`);
  return oti[0]! * 2 ** 32 + ((oti[1]! << 24) >>> 0) + (oti[2]! << 16) + (oti[3]! << 8) + oti[4]!;
}

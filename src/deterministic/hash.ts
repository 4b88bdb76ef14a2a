/**
 * Hash primitives of spec 01: the storage-truth assignment hash H (§2), BLAKE3, U64 reduction, and the
 * UTF-8 byte order used for every tie-break.
 *
 * Speed matters (target selection and pairing run millions of H calls for large active sets), so each
 * ranking loop writes its preimages into reusable exact-size buffers (MiddleHasher) and hashes them
 * with node:crypto's one-shot `hash`, the fastest SHA-256 path measured on Node 20 (≈1.6× createHash,
 * ≈2.5× @noble/hashes for ~100-byte inputs). Buffers are owned by the call that creates them; there is
 * no module-level mutable state.
 */
import { hash as oneShotHash } from 'node:crypto';
import { blake3 as nativeBlake3 } from '@napi-rs/blake-hash';
import { checkBytes } from './validate.js';
import { DerivationError, DerivationErrorCode } from './errors.js';

export function sha256(data: Uint8Array): Buffer {
  return oneShotHash('sha256', data, 'buffer');
}

/**
 * BLAKE3 default mode, 32-byte output. Native (@napi-rs/blake-hash, the binding the cascade code hashes
 * files with): ≈5× @noble/hashes on the 100–300-byte preimages of transcripts and proofs, which every
 * challenge hashes three times on each side.
 */
export function blake3(data: Uint8Array): Uint8Array {
  const d = nativeBlake3(data);
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** U64(d): the first 8 bytes of a digest as an unsigned big-endian integer. */
export function u64Prefix(digest: Uint8Array): bigint {
  const view = new DataView(digest.buffer, digest.byteOffset, 8);
  return view.getBigUint64(0, false);
}

export function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, false);
  return b;
}

/** Lexicographic unsigned byte order; a prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * Go string order (= UTF-8 byte order = code point order) without encoding. UTF-16 code-unit order
 * differs from code point order only between surrogates (U+D800–DFFF, which encode code points above
 * U+FFFF) and U+E000–FFFF; remapping the first differing unit fixes exactly that case.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** sortedUnique(L) of §0: drop "", drop duplicates, sort ascending by Go string order. */
export function sortedUnique(list: readonly string[]): string[] {
  const out = [...new Set(list)].filter((s) => s !== '');
  out.sort(compareStrings);
  return out;
}

/** A part of H: raw bytes, or a string hashed as its UTF-8 bytes. */
export type HashPart = Uint8Array | string;

/**
 * Reusable preimage writer for H(seed; p1, …, pn) = SHA256(seed ‖ 0x00 ‖ p1 ‖ … ‖ 0x00 ‖ pn).
 * `mark()`/`rewind()` let hot loops keep a fixed prefix and rewrite only the varying tail.
 */
export class Preimage {
  private buf: Buffer;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  mark(): number {
    return this.pos;
  }

  rewind(mark: number): this {
    this.pos = mark;
    return this;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Raw bytes with no separator (the seed). */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Raw UTF-8 text with no separator. */
  rawString(s: string): this {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  /** 0x00 then the bytes. */
  part(bytes: Uint8Array): this {
    this.ensure(bytes.length + 1);
    this.buf[this.pos++] = 0;
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** 0x00 then the UTF-8 bytes of s. */
  partString(s: string): this {
    this.ensure(s.length * 3 + 1);
    this.buf[this.pos++] = 0;
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  partU32(n: number): this {
    this.ensure(5);
    this.buf[this.pos++] = 0;
    this.buf.writeUInt32BE(n, this.pos);
    this.pos += 4;
    return this;
  }

  partU64(n: bigint): this {
    this.ensure(9);
    this.buf[this.pos++] = 0;
    this.buf.writeBigUInt64BE(n, this.pos);
    this.pos += 8;
    return this;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  sha256(): Buffer {
    return oneShotHash('sha256', this.buf.subarray(0, this.pos), 'buffer');
  }

  blake3(): Uint8Array {
    return blake3(this.buf.subarray(0, this.pos));
  }
}

/** H of §2 (storageTruthAssignmentHash): 32-byte SHA-256 digest. With no parts it is SHA256(seed). */
export function storageTruthAssignmentHash(seed: Uint8Array, parts: readonly HashPart[]): Uint8Array {
  checkBytes(seed, 'seed');
  if (!Array.isArray(parts)) throw new DerivationError(DerivationErrorCode.InvalidInput, 'parts', 'must be an array');
  const p = new Preimage(seed.length + 64).raw(seed);
  parts.forEach((part: unknown, i) => {
    if (typeof part === 'string') p.partString(part);
    else p.part(checkBytes(part, `parts[${i}]`));
  });
  return p.sha256();
}

/** Digest order for the hot loops: a JS byte loop beats a native Buffer.compare call on 32-byte digests. */
export function compareDigests(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const x = (a[i] as number) - (b[i] as number);
    if (x !== 0) return x;
  }
  return 0;
}

/**
 * SHA-256 of `prefix ‖ middle ‖ suffix` for many middles with fixed prefix and suffix — the shape of
 * every ranking loop (pair, target rank, ticket rank). Keeps one exact-size buffer per middle length
 * with prefix and suffix already in place, so each call copies only the middle: no subarray view, no
 * growth checks, no per-call allocation besides node:crypto's digest.
 */
export class MiddleHasher {
  private prefix: Uint8Array = new Uint8Array(0);
  private readonly suffix: Uint8Array;
  private generation = 0;
  private readonly buffers = new Map<number, { buf: Buffer; generation: number }>();

  constructor(suffix: Uint8Array) {
    this.suffix = suffix;
  }

  setPrefix(prefix: Uint8Array): this {
    this.prefix = prefix;
    this.generation++;
    return this;
  }

  private slot(middleLen: number): Buffer {
    const total = this.prefix.length + middleLen + this.suffix.length;
    let e = this.buffers.get(middleLen);
    if (e === undefined || e.buf.length !== total) {
      e = { buf: Buffer.allocUnsafe(total), generation: -1 };
      this.buffers.set(middleLen, e);
    }
    if (e.generation !== this.generation) {
      e.buf.set(this.prefix, 0);
      e.buf.set(this.suffix, this.prefix.length + middleLen);
      e.generation = this.generation;
    }
    return e.buf;
  }

  hashBytes(middle: Uint8Array): Buffer {
    const buf = this.slot(middle.length);
    buf.set(middle, this.prefix.length);
    return oneShotHash('sha256', buf, 'buffer');
  }

  hashString(middle: string): Buffer {
    // ASCII fast path (account and action ids): copy char codes directly, no encoder call.
    const len = middle.length;
    const buf = this.slot(len);
    const off = this.prefix.length;
    for (let i = 0; i < len; i++) {
      const c = middle.charCodeAt(i);
      if (c > 0x7f) return this.hashBytes(Buffer.from(middle, 'utf8'));
      buf[off + i] = c;
    }
    return oneShotHash('sha256', buf, 'buffer');
  }
}

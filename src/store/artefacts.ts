/**
 * Content-addressed local artefact store (spec 05 §1.10, spec 04 R1.3.3). A blob's key is
 * base58(BLAKE3-256(blob)); on disk it lives at `<root>/<hh>/<hex key>` (hex keeps file names
 * case-insensitive-safe; hh = first hex byte spreads files over 256 directories).
 *
 * Writes are atomic: temp file in the store's own `tmp/` (same filesystem), fsync, rename, fsync of the
 * shard directory — a crash leaves either the whole blob or nothing under its final name.
 *
 * Reads verify content: the whole blob is hashed and compared with its key before any byte is served
 * (R1.3.3). The verified state is cached per key with the file's identity (dev, inode, size, mtime, ctime)
 * so repeated range reads of a hot blob do not re-hash it; any change to the file, or the cache entry's age
 * passing `verifyTtlMs`, forces a fresh check. Small blobs keep their verified bytes in memory too
 * (verified-cache.ts), so a challenge on a hot blob costs one stat of its path. A blob that fails is
 * reported as ARTEFACT_CORRUPT naming the key and is never served; what to do with it (delete, re-fetch)
 * is the caller's decision.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { BigIntStats as BigStats } from 'node:fs';
import { join } from 'node:path';
import bs58 from 'bs58';
import { Blake3Hasher } from '@napi-rs/blake-hash';
import { InvalidArgumentError } from '../util/errors.js';
import { blake3Base58 } from '../cascade/hash.js';
import { ArtefactError } from './artefact-errors.js';
import { VerifiedCache, sameFile, type FileIdentity } from './verified-cache.js';

export { ArtefactError, isArtefactError } from './artefact-errors.js';

/** Keys are base58 of 32 bytes: 32–44 characters of the Bitcoin alphabet. */
const KEY_SHAPE = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const HASH_CHUNK = 1024 * 1024;
const STALE_TEMP_MS = 60 * 60_000;

export interface ArtefactStoreOptions {
  /** Maximum age of a cached verification before the blob is hashed again (default 10 minutes). */
  verifyTtlMs?: number;
  /** Maximum number of cached verifications (default 100 000, least recently used evicted). */
  verifyCacheEntries?: number;
  /** Memory for the verified content of small blobs (default 64 MiB; 0 keeps no content). */
  contentCacheBytes?: number;
  /** Largest blob whose verified content is kept in memory (default 1 MiB). */
  contentCacheBlobBytes?: number;
  /** Clock for the TTL (tests). */
  now?: () => number;
}

/** A byte range [start, end) of one blob. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Validates an artefact key and returns its 32 raw bytes; rejects anything that is not base58(32 bytes). */
export function parseArtefactKey(key: unknown, field = 'key'): Uint8Array {
  if (typeof key !== 'string' || !KEY_SHAPE.test(key)) throw new InvalidArgumentError(field, 'must be a base58 BLAKE3-256 key (32–44 base58 characters)');
  const bytes = bs58.decode(key);
  if (bytes.length !== 32) throw new InvalidArgumentError(field, `must decode to 32 bytes, got ${bytes.length}`);
  // Reject non-canonical spellings (e.g. extra leading '1's) so one blob has one key.
  if (bs58.encode(bytes) !== key) throw new InvalidArgumentError(field, 'is not the canonical base58 spelling of its bytes');
  return bytes;
}

export class ArtefactStore {
  private readonly verified: VerifiedCache;
  /** Number of full content checks performed (a hot blob read repeatedly should not raise it). */
  verifications = 0;

  private constructor(readonly root: string, opts: ArtefactStoreOptions) {
    this.verified = new VerifiedCache({
      ttlMs: opts.verifyTtlMs ?? 10 * 60_000,
      maxEntries: opts.verifyCacheEntries ?? 100_000,
      maxBytes: opts.contentCacheBytes ?? 64 * 2 ** 20,
      maxBlobBytes: opts.contentCacheBlobBytes ?? 2 ** 20,
      now: opts.now ?? Date.now,
    });
  }

  /** Bytes of verified content held in memory. */
  get cachedContentBytes(): number {
    return this.verified.heldBytes;
  }

  /**
   * Opens (creating when missing, mode 0700) a store rooted at `root`. Temp files older than an hour are
   * leftovers of a crash mid-write (never visible under a key) and are removed.
   */
  static async open(root: string, opts: ArtefactStoreOptions = {}): Promise<ArtefactStore> {
    if (typeof root !== 'string' || root.length === 0) throw new InvalidArgumentError('root', 'must be a non-empty path');
    const tmp = join(root, 'tmp');
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(tmp)) {
      if (!name.endsWith('.part')) continue;
      const st = await stat(join(tmp, name)).catch(() => undefined);
      if (st && st.mtimeMs < cutoff) await rm(join(tmp, name), { force: true });
    }
    return new ArtefactStore(root, opts);
  }

  /** Absolute path where the blob of `key` lives (it may not exist). */
  pathOf(key: string): string {
    const hex = Buffer.from(parseArtefactKey(key)).toString('hex');
    return join(this.root, hex.slice(0, 2), hex);
  }

  /** Stores `blob` and returns its key. Idempotent: an existing verified copy is kept. */
  async put(blob: Uint8Array): Promise<string> {
    if (!(blob instanceof Uint8Array)) throw new InvalidArgumentError('blob', 'must be bytes');
    if (blob.length === 0) throw new InvalidArgumentError('blob', 'must not be empty (an empty artefact is never valid)');
    const key = blake3Base58(blob);
    const final = this.pathOf(key);
    const dir = join(final, '..');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.root, 'tmp', `${randomBytes(8).toString('hex')}.part`);
    const fh = await open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    try {
      await fh.writeFile(blob);
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    try {
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
    this.verified.forget(key);
    return key;
  }

  /** Stores `blob` under `expectedKey`, refusing (ARTEFACT_CORRUPT) a blob that does not hash to it. */
  async putVerified(expectedKey: string, blob: Uint8Array): Promise<void> {
    parseArtefactKey(expectedKey, 'expectedKey');
    const got = blake3Base58(blob);
    if (got !== expectedKey) throw new ArtefactError('ARTEFACT_CORRUPT', expectedKey, `received bytes hash to ${got}`);
    await this.put(blob);
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Stored size in bytes (not verified), or undefined when absent. */
  async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Removes a blob; returns whether it existed. */
  async delete(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    this.verified.forget(key);
    try {
      await rm(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Every key in the store (order unspecified). Files that are not blobs of this store are ignored. */
  async *keys(): AsyncGenerator<string> {
    for (const shard of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(this.root, shard))) {
        if (/^[0-9a-f]{64}$/.test(name) && name.startsWith(shard)) yield bs58.encode(Buffer.from(name, 'hex'));
      }
    }
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of this.keys()) out.push(k);
    return out;
  }

  /** The whole blob, verified against its key. */
  async get(key: string): Promise<Uint8Array> {
    const hot = await this.hotBytes(key);
    if (hot) return new Uint8Array(hot);
    const fh = await this.openBlob(key);
    try {
      const st = await fh.stat({ bigint: true });
      return await this.readVerified(key, fh, st);
    } finally {
      await fh.close();
    }
  }

  /** Bytes [start, end) of a verified blob; see readRanges. */
  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return (await this.readRanges(key, [{ start, end }]))[0]!;
  }

  /**
   * Bytes of each range of one verified blob, in order (R1.3.3: empty blob, content hash mismatch, then
   * out of bounds; an out-of-bounds error names the first such range in `details.rangeIndex`). One content
   * check serves every range; it uses the cache when the file is unchanged since it was last verified.
   */
  async readRanges(key: string, ranges: readonly ByteRange[]): Promise<Uint8Array[]> {
    ranges.forEach((r, i) => {
      if (!Number.isSafeInteger(r.start) || r.start < 0) throw new InvalidArgumentError(rangeField(ranges, i, 'start'), `must be a non-negative integer, got ${r.start}`);
      if (!Number.isSafeInteger(r.end) || r.end <= r.start) throw new InvalidArgumentError(rangeField(ranges, i, 'end'), `must be an integer greater than start (${r.start}), got ${r.end}`);
    });
    const hot = await this.hotBytes(key);
    if (hot) return slices(key, hot, ranges);
    const fh = await this.openBlob(key);
    try {
      const st = await fh.stat({ bigint: true });
      if (st.size === 0n) throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob is empty');
      const known = this.verified.lookup(key, st);
      if (!known && this.verified.keepsContentOf(Number(st.size))) {
        // A small blob is read whole to be checked anyway; serve from (and keep) those verified bytes.
        return slices(key, await this.readVerified(key, fh, st), ranges);
      }
      if (!known) {
        await this.verifyHandle(key, fh, st.size);
        this.verified.remember(key, st);
      }
      checkBounds(key, st.size, ranges);
      const out: Uint8Array[] = [];
      for (const r of ranges) {
        const buf = Buffer.alloc(r.end - r.start);
        const got = await readFully(fh, buf, r.start);
        if (got !== buf.length) throw this.changed(key);
        out.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
      }
      // The handle pins the inode we verified; a file changed in place since then must not be served.
      if (!sameFile(await fh.stat({ bigint: true }), st)) throw this.changed(key);
      return out;
    } finally {
      await fh.close();
    }
  }

  /** Forces a full content check now (ignores and refreshes the cache). */
  async verify(key: string): Promise<void> {
    const fh = await this.openBlob(key);
    try {
      const st = await fh.stat({ bigint: true });
      if (st.size === 0n) throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob is empty');
      if (this.verified.keepsContentOf(Number(st.size))) {
        await this.readVerified(key, fh, st);
        return;
      }
      await this.verifyHandle(key, fh, st.size);
      this.verified.remember(key, st);
    } finally {
      await fh.close();
    }
  }

  /**
   * Cached verified content of `key`, provided one stat of its path shows the very file that was verified
   * (same inode, size, mtime, ctime) within the TTL. A missing file is ARTEFACT_NOT_FOUND, never a cache hit.
   */
  private async hotBytes(key: string): Promise<Buffer | undefined> {
    const path = this.pathOf(key);
    if (!this.verified.peekBytes(key)) return undefined;
    let st: FileIdentity;
    try {
      st = await stat(path, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.verified.forget(key);
        throw new ArtefactError('ARTEFACT_NOT_FOUND', key, 'not in the local store');
      }
      throw err;
    }
    return this.verified.lookup(key, st)?.bytes;
  }

  /** Reads the whole blob through `fh`, checks it against its key and remembers it (with its bytes if small). */
  private async readVerified(key: string, fh: FileHandle, st: BigStats): Promise<Buffer> {
    const buf = Buffer.alloc(Number(st.size));
    const got0 = await readFully(fh, buf, 0);
    if (got0 !== buf.length) throw new ArtefactError('ARTEFACT_CORRUPT', key, `file shrank while reading (${got0} of ${buf.length} bytes)`);
    if (buf.length === 0) throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob is empty');
    this.verifications++;
    const got = blake3Base58(buf);
    if (got !== key) {
      this.verified.forget(key);
      throw new ArtefactError('ARTEFACT_CORRUPT', key, `content hash mismatch: blob hashes to ${got}`);
    }
    if (!sameFile(await fh.stat({ bigint: true }), st)) throw this.changed(key);
    this.verified.remember(key, st, buf);
    return buf;
  }

  private changed(key: string): ArtefactError {
    this.verified.forget(key);
    return new ArtefactError('ARTEFACT_CORRUPT', key, 'blob changed while it was being read');
  }

  private async openBlob(key: string): Promise<FileHandle> {
    const path = this.pathOf(key);
    try {
      return await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.verified.forget(key);
        throw new ArtefactError('ARTEFACT_NOT_FOUND', key, 'not in the local store');
      }
      throw err;
    }
  }

  private async verifyHandle(key: string, fh: FileHandle, size: bigint): Promise<void> {
    this.verifications++;
    const h = new Blake3Hasher();
    const buf = Buffer.allocUnsafe(Math.min(HASH_CHUNK, Number(size)));
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      h.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    const got = bs58.encode(h.digestBuffer());
    if (got !== key) {
      this.verified.forget(key);
      throw new ArtefactError('ARTEFACT_CORRUPT', key, `content hash mismatch: blob hashes to ${got}`);
    }
  }
}

function rangeField(ranges: readonly ByteRange[], i: number, field: 'start' | 'end'): string {
  return ranges.length === 1 ? field : `ranges[${i}].${field}`;
}

function checkBounds(key: string, size: bigint, ranges: readonly ByteRange[]): void {
  ranges.forEach((r, i) => {
    if (BigInt(r.end) > size) {
      throw new ArtefactError('ARTEFACT_OUT_OF_BOUNDS', key, `out of bounds: end (${r.end}) > artifact_size (${size})`, { size: Number(size), rangeIndex: i });
    }
  });
}

/** Copies of the ranges of verified bytes (callers may keep or change them; the cache stays intact). */
function slices(key: string, bytes: Buffer, ranges: readonly ByteRange[]): Uint8Array[] {
  checkBounds(key, BigInt(bytes.length), ranges);
  return ranges.map((r) => new Uint8Array(bytes.subarray(r.start, r.end)));
}

/** Fills `buf` from `pos`; returns the number of bytes read (short only at end of file). */
async function readFully(fh: FileHandle, buf: Buffer, pos: number): Promise<number> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, pos + off);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return off;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

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
 * passing `verifyTtlMs`, forces a fresh check. A blob that fails is reported as ARTEFACT_CORRUPT naming the
 * key and is never served; what to do with it (delete, re-fetch) is the caller's decision.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import bs58 from 'bs58';
import { Blake3Hasher } from '@napi-rs/blake-hash';
import { InvalidArgumentError } from '../util/errors.js';
import { blake3Base58 } from '../cascade/hash.js';
import { ArtefactError } from './artefact-errors.js';

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
  /** Clock for the TTL (tests). */
  now?: () => number;
}

interface VerifiedState {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  at: number;
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
  private readonly verified = new Map<string, VerifiedState>();
  /** Number of full content checks performed (a hot blob read repeatedly should not raise it). */
  verifications = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  private constructor(readonly root: string, opts: ArtefactStoreOptions) {
    this.ttlMs = opts.verifyTtlMs ?? 10 * 60_000;
    this.maxEntries = opts.verifyCacheEntries ?? 100_000;
    this.now = opts.now ?? Date.now;
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
    this.verified.delete(key);
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
    this.verified.delete(key);
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
    const fh = await this.openBlob(key);
    try {
      const st = await fh.stat({ bigint: true });
      const buf = Buffer.alloc(Number(st.size));
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      if (off !== buf.length) throw new ArtefactError('ARTEFACT_CORRUPT', key, `file shrank while reading (${off} of ${buf.length} bytes)`);
      if (buf.length === 0) throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob is empty');
      this.verifications++;
      const got = blake3Base58(buf);
      if (got !== key) {
        this.verified.delete(key);
        throw new ArtefactError('ARTEFACT_CORRUPT', key, `content hash mismatch: blob hashes to ${got}`);
      }
      this.remember(key, st);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    } finally {
      await fh.close();
    }
  }

  /**
   * Bytes [start, end) of a verified blob (R1.3.3: empty blob, content hash mismatch, then out of bounds).
   * The content check uses the cache when the file is unchanged since it was last verified.
   */
  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(start) || start < 0) throw new InvalidArgumentError('start', `must be a non-negative integer, got ${start}`);
    if (!Number.isSafeInteger(end) || end <= start) throw new InvalidArgumentError('end', `must be an integer greater than start (${start}), got ${end}`);
    const fh = await this.openBlob(key);
    try {
      const st = await fh.stat({ bigint: true });
      if (st.size === 0n) throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob is empty');
      if (!this.isVerified(key, st)) {
        await this.verifyHandle(key, fh, st.size);
        this.remember(key, st);
      }
      if (BigInt(end) > st.size) throw new ArtefactError('ARTEFACT_OUT_OF_BOUNDS', key, `out of bounds: end (${end}) > artifact_size (${st.size})`, { size: Number(st.size) });
      const buf = Buffer.alloc(end - start);
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      // The handle pins the inode we verified; a file changed in place since then must not be served.
      const after = await fh.stat({ bigint: true });
      if (off !== buf.length || !sameFile(after, st)) {
        this.verified.delete(key);
        throw new ArtefactError('ARTEFACT_CORRUPT', key, 'blob changed while it was being read');
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
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
      await this.verifyHandle(key, fh, st.size);
      this.remember(key, st);
    } finally {
      await fh.close();
    }
  }

  private async openBlob(key: string): Promise<FileHandle> {
    const path = this.pathOf(key);
    try {
      return await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtefactError('ARTEFACT_NOT_FOUND', key, 'not in the local store');
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
      this.verified.delete(key);
      throw new ArtefactError('ARTEFACT_CORRUPT', key, `content hash mismatch: blob hashes to ${got}`);
    }
  }

  private isVerified(key: string, st: BigStat): boolean {
    const v = this.verified.get(key);
    if (!v) return false;
    if (this.now() - v.at > this.ttlMs || !sameFile(st, v)) {
      this.verified.delete(key);
      return false;
    }
    // Refresh LRU position.
    this.verified.delete(key);
    this.verified.set(key, v);
    return true;
  }

  private remember(key: string, st: BigStat): void {
    this.verified.delete(key);
    this.verified.set(key, { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, at: this.now() });
    while (this.verified.size > this.maxEntries) {
      const oldest = this.verified.keys().next().value as string;
      this.verified.delete(oldest);
    }
  }
}

type BigStat = { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint };

function sameFile(a: BigStat, b: BigStat): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

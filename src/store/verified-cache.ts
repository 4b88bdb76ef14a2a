/**
 * What the artefact store knows about blobs it has content-checked: per key, the identity of the file that
 * hashed to the key (dev, inode, size, mtime, ctime), when, and, for small blobs, the verified bytes.
 *
 * Why keep bytes: a challenge reads a few hundred bytes of a (usually small, index) blob, and every
 * filesystem call costs a thread-pool round trip that dwarfs the read itself. With the bytes at hand a
 * proof costs one stat of the path (is the file still there, unchanged?) instead of open, fstat, reads,
 * fstat and close. The stat is what keeps this honest: a blob deleted or rewritten on disk is never served
 * from memory, so a node that lost its copy fails its challenge exactly as before.
 *
 * Bounded twice: at most `maxEntries` keys (least recently used evicted) and at most `maxBytes` of cached
 * content (bytes of the least recently used entries dropped first; their verified state stays).
 */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

interface Entry extends FileIdentity {
  at: number;
  bytes: Buffer | undefined;
}

export interface VerifiedCacheOptions {
  /** Maximum age of a verification before the blob is hashed again. */
  ttlMs: number;
  maxEntries: number;
  /** Total budget for cached content. */
  maxBytes: number;
  /** Largest blob whose content is kept. */
  maxBlobBytes: number;
  now: () => number;
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export class VerifiedCache {
  private readonly entries = new Map<string, Entry>();
  private contentBytes = 0;

  constructor(private readonly o: VerifiedCacheOptions) {}

  /** Bytes of content currently held (metrics, tests). */
  get heldBytes(): number {
    return this.contentBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether a blob of this size would have its content kept. */
  keepsContentOf(size: number): boolean {
    return size <= this.o.maxBlobBytes && size <= this.o.maxBytes;
  }

  /**
   * The entry for `key` when the file described by `st` is the one verified and the verification is
   * younger than the TTL; otherwise the entry is dropped and undefined returned.
   */
  lookup(key: string, st: FileIdentity): { bytes: Buffer | undefined } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.o.now() - e.at > this.o.ttlMs || !sameFile(st, e)) {
      this.forget(key);
      return undefined;
    }
    this.entries.delete(key); // refresh the LRU position
    this.entries.set(key, e);
    return e;
  }

  /** The cached content of `key`, not yet checked against the file (lookup() with a fresh stat does that). */
  peekBytes(key: string): Buffer | undefined {
    return this.entries.get(key)?.bytes;
  }

  remember(key: string, st: FileIdentity, bytes?: Buffer): void {
    this.forget(key);
    const keep = bytes !== undefined && this.keepsContentOf(bytes.length) ? bytes : undefined;
    this.entries.set(key, { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, at: this.o.now(), bytes: keep });
    if (keep) this.contentBytes += keep.length;
    while (this.entries.size > this.o.maxEntries) this.forget(this.entries.keys().next().value as string);
    if (this.contentBytes > this.o.maxBytes) this.shed();
  }

  forget(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (e.bytes) this.contentBytes -= e.bytes.length;
    this.entries.delete(key);
  }

  /** Drops content, oldest first, until within budget (the verified state stays). */
  private shed(): void {
    for (const e of this.entries.values()) {
      if (this.contentBytes <= this.o.maxBytes) return;
      if (!e.bytes) continue;
      this.contentBytes -= e.bytes.length;
      e.bytes = undefined;
    }
  }
}

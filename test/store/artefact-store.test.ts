import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, utimes, stat, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArtefactStore, isArtefactError, parseArtefactKey } from '../../src/store/artefacts.js';
import { blake3Base58 } from '../../src/cascade/hash.js';
import { isInvalidArgument } from '../../src/util/errors.js';

async function withStore(fn: (store: ArtefactStore, root: string, clock: { t: number }) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'artefacts-'));
  const clock = { t: 1_000_000 };
  try {
    await fn(await ArtefactStore.open(root, { verifyTtlMs: 60_000, now: () => clock.t }), root, clock);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Overwrites bytes of a stored blob in place (same inode), as disk corruption or tampering would. */
async function corruptInPlace(path: string, offset: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] = b[0]! ^ 0xff;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

test('artefact store: put returns base58(BLAKE3) and get/has/size/list/delete agree', async () => {
  await withStore(async (store, root) => {
    const a = randomBytes(70_000);
    const b = randomBytes(10);
    const ka = await store.put(a);
    const kb = await store.put(b);
    assert.equal(ka, blake3Base58(a));
    assert.equal(await store.put(a), ka); // idempotent
    assert.deepEqual(Buffer.from(await store.get(ka)), a);
    assert.equal(await store.has(kb), true);
    assert.equal(await store.sizeOf(ka), 70_000);
    assert.deepEqual((await store.list()).sort(), [ka, kb].sort());
    assert.equal(await store.delete(kb), true);
    assert.equal(await store.delete(kb), false);
    assert.equal(await store.has(kb), false);
    await assert.rejects(store.get(kb), (e) => isArtefactError(e, 'ARTEFACT_NOT_FOUND') && e.key === kb);
    // Atomic writes leave no temp files behind; the blob sits in a hex-named shard.
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
    const hex = Buffer.from(parseArtefactKey(ka)).toString('hex');
    assert.equal(store.pathOf(ka), join(root, hex.slice(0, 2), hex));
  });
});

test('artefact store: putVerified refuses bytes that do not hash to the expected key', async () => {
  await withStore(async (store) => {
    const blob = randomBytes(100);
    const other = blake3Base58(randomBytes(100));
    await assert.rejects(store.putVerified(other, blob), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT') && e.key === other);
    assert.equal(await store.has(other), false);
    await store.putVerified(blake3Base58(blob), blob);
    assert.equal(await store.has(blake3Base58(blob)), true);
    await assert.rejects(store.put(new Uint8Array(0)), (e) => isInvalidArgument(e) && e.argument === 'blob');
  });
});

test('artefact store: range reads follow R1.3.3 (content check, then bounds) and hit the cache when hot', async () => {
  await withStore(async (store) => {
    const blob = randomBytes(65_532);
    const key = await store.put(blob);
    assert.deepEqual(Buffer.from(await store.readRange(key, 10, 266)), blob.subarray(10, 266));
    assert.deepEqual(Buffer.from(await store.readRange(key, 65_276, 65_532)), blob.subarray(65_276));
    for (let i = 0; i < 20; i++) await store.readRange(key, i * 100, i * 100 + 256);
    assert.equal(store.verifications, 1, 'a hot blob is hashed once');
    await assert.rejects(store.readRange(key, 65_500, 65_533), (e) => isArtefactError(e, 'ARTEFACT_OUT_OF_BOUNDS') && /out of bounds/.test(e.message));
    await assert.rejects(store.readRange(key, 5, 5), (e) => isInvalidArgument(e) && e.argument === 'end');
    await assert.rejects(store.readRange(key, -1, 5), (e) => isInvalidArgument(e) && e.argument === 'start');
  });
});

test('artefact store: a corrupted blob is reported by key and never served; the cache is invalidated by a change', async () => {
  await withStore(async (store) => {
    const blob = randomBytes(5000);
    const key = await store.put(blob);
    await store.readRange(key, 0, 100); // verified and cached
    const path = store.pathOf(key);
    const before = await stat(path);
    await corruptInPlace(path, 4000);
    // Make sure the change is visible in the metadata even on coarse-timestamp filesystems.
    await utimes(path, before.atime, new Date(before.mtimeMs + 5000));
    await assert.rejects(store.readRange(key, 0, 100), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT') && e.key === key && /content hash mismatch/.test(e.message));
    await assert.rejects(store.get(key), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT'));
    // Replacing the file (new inode) with good bytes makes it servable again.
    await store.put(blob);
    assert.deepEqual(Buffer.from(await store.readRange(key, 0, 100)), blob.subarray(0, 100));
  });
});

test('artefact store: a change of ctime alone invalidates the cache, and a verified state older than the TTL is re-checked', async () => {
  await withStore(async (store, _root, clock) => {
    const blob = randomBytes(3000);
    const key = await store.put(blob);
    await store.readRange(key, 0, 10);
    const path = store.pathOf(key);
    const st = await stat(path);
    await corruptInPlace(path, 10);
    await utimes(path, st.atime, st.mtime); // restore mtime: only ctime differs now
    await assert.rejects(store.readRange(key, 0, 10), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT')); // ctime changed
    await store.put(blob);
    await store.readRange(key, 0, 10);
    const n = store.verifications;
    clock.t += 61_000;
    await store.readRange(key, 0, 10);
    assert.equal(store.verifications, n + 1, 'expired entry re-hashes');
  });
});

test('artefact store: an empty blob on disk is corrupt, not served', async () => {
  await withStore(async (store) => {
    const key = await store.put(randomBytes(50));
    await writeFile(store.pathOf(key), new Uint8Array(0));
    await assert.rejects(store.readRange(key, 0, 1), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT') && /empty/.test(e.message));
  });
});

test('artefact store: bad keys are rejected by name (alphabet, length, traversal, non-canonical)', async () => {
  await withStore(async (store) => {
    const good = blake3Base58(new Uint8Array([1, 2, 3]));
    const bad = [
      '',
      '../../../../etc/passwd',
      good.replace(/.$/, '0'), // '0' is not base58
      good.slice(0, 20),
      `${good}${good}`,
      `1${good}`.slice(0, 44), // leading zero byte, wrong length or non-canonical
      'Il0O'.repeat(11),
      `${good.slice(0, 30)}/..`,
    ];
    for (const k of bad) {
      await assert.rejects(store.get(k), (e) => isInvalidArgument(e) && e.argument === 'key', JSON.stringify(k));
      assert.throws(() => store.pathOf(k), (e) => isInvalidArgument(e), JSON.stringify(k));
    }
    assert.throws(() => parseArtefactKey(bs58Of31()), (e) => isInvalidArgument(e) && /32 bytes/.test(e.message));
  });
});

function bs58Of31(): string {
  // 31 bytes of 0xff encode to 43 base58 characters: right alphabet and length range, wrong byte count.
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = (1n << 248n) - 1n;
  let s = '';
  while (n > 0n) {
    s = alphabet[Number(n % 58n)] + s;
    n /= 58n;
  }
  return s;
}

test('artefact store: opening removes stale temp files left by a crash mid-write, keeps fresh ones', async () => {
  const root = await mkdtemp(join(tmpdir(), 'artefacts-'));
  try {
    const first = await ArtefactStore.open(root);
    const key = await first.put(randomBytes(20));
    await writeFile(join(root, 'tmp', 'old.part'), 'half a blob');
    await writeFile(join(root, 'tmp', 'fresh.part'), 'in flight');
    const old = new Date(Date.now() - 2 * 3600_000);
    await utimes(join(root, 'tmp', 'old.part'), old, old);
    const again = await ArtefactStore.open(root);
    assert.deepEqual(await readdir(join(root, 'tmp')), ['fresh.part']);
    assert.deepEqual(await again.list(), [key]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

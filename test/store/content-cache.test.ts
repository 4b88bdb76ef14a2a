/**
 * The store's in-memory copy of small verified blobs: it saves filesystem calls on hot challenge reads but
 * must never serve bytes the disk no longer holds, must stay within its budget, and must hand out copies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArtefactStore, isArtefactError, type ArtefactStoreOptions } from '../../src/store/artefacts.js';
import { VerifiedCache } from '../../src/store/verified-cache.js';

async function withStore(opts: ArtefactStoreOptions, fn: (store: ArtefactStore) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'content-cache-'));
  try {
    await fn(await ArtefactStore.open(root, opts));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('content cache: repeated reads of a small blob hash it once and return the right bytes', async () => {
  await withStore({}, async (store) => {
    const blob = randomBytes(20_000);
    const key = await store.put(blob);
    const ranges = [{ start: 0, end: 256 }, { start: 10_000, end: 10_256 }, { start: 19_744, end: 20_000 }];
    for (let i = 0; i < 50; i++) {
      const got = await store.readRanges(key, ranges);
      assert.deepEqual(got.map((b) => Buffer.from(b)), ranges.map((r) => blob.subarray(r.start, r.end)));
    }
    assert.equal(store.verifications, 1);
    assert.equal(store.cachedContentBytes, 20_000);
  });
});

test('content cache: a deleted blob is ARTEFACT_NOT_FOUND although its bytes were cached', async () => {
  await withStore({}, async (store) => {
    const key = await store.put(randomBytes(4000));
    await store.readRange(key, 0, 10);
    await rm(store.pathOf(key));
    await assert.rejects(store.readRanges(key, [{ start: 0, end: 10 }]), (e) => isArtefactError(e, 'ARTEFACT_NOT_FOUND') && e.key === key);
    await assert.rejects(store.get(key), (e) => isArtefactError(e, 'ARTEFACT_NOT_FOUND'));
    assert.equal(store.cachedContentBytes, 0, 'the entry of a vanished file is dropped');
  });
});

test('content cache: a blob rewritten on disk is re-checked, not served from memory', async () => {
  await withStore({}, async (store) => {
    const blob = randomBytes(4000);
    const key = await store.put(blob);
    await store.readRange(key, 0, 10);
    const path = store.pathOf(key);
    const before = await stat(path);
    await writeFile(path, randomBytes(4000)); // same size, same inode, other bytes
    await utimes(path, before.atime, new Date(before.mtimeMs + 5000));
    await assert.rejects(store.readRanges(key, [{ start: 0, end: 10 }]), (e) => isArtefactError(e, 'ARTEFACT_CORRUPT') && /content hash mismatch/.test(e.message));
  });
});

test('content cache: callers get copies; changing them does not change what is served next', async () => {
  await withStore({}, async (store) => {
    const blob = randomBytes(1000);
    const key = await store.put(blob);
    const [a] = await store.readRanges(key, [{ start: 0, end: 100 }]);
    a!.fill(0);
    const whole = await store.get(key);
    whole.fill(0);
    assert.deepEqual(Buffer.from((await store.readRanges(key, [{ start: 0, end: 100 }]))[0]!), blob.subarray(0, 100));
    assert.deepEqual(Buffer.from(await store.get(key)), blob);
  });
});

test('content cache: out-of-bounds names the first bad range; bad ranges are refused by field', async () => {
  await withStore({}, async (store) => {
    const key = await store.put(randomBytes(1000));
    for (let pass = 0; pass < 2; pass++) { // cold (read from disk), then hot (from memory)
      await assert.rejects(
        store.readRanges(key, [{ start: 0, end: 10 }, { start: 995, end: 1005 }, { start: 2000, end: 2010 }]),
        (e) => isArtefactError(e, 'ARTEFACT_OUT_OF_BOUNDS') && e.details.rangeIndex === 1 && /end \(1005\) > artifact_size \(1000\)/.test(e.message),
      );
    }
    await assert.rejects(store.readRanges(key, [{ start: 0, end: 10 }, { start: 5, end: 5 }]), /ranges\[1\]\.end must be an integer greater than start/);
  });
});

test('content cache: big blobs and a zero budget keep no content but still verify once', async () => {
  await withStore({ contentCacheBlobBytes: 1000 }, async (store) => {
    const big = randomBytes(5000);
    const key = await store.put(big);
    for (let i = 0; i < 5; i++) assert.deepEqual(Buffer.from(await store.readRange(key, 4000, 4100)), big.subarray(4000, 4100));
    assert.equal(store.cachedContentBytes, 0);
    assert.equal(store.verifications, 1);
  });
  await withStore({ contentCacheBytes: 0 }, async (store) => {
    const key = await store.put(randomBytes(100));
    await store.readRange(key, 0, 10);
    await store.readRange(key, 0, 10);
    assert.equal(store.cachedContentBytes, 0);
    assert.equal(store.verifications, 1);
  });
});

test('content cache: the byte budget sheds the least recently used content and keeps the verified state', () => {
  const id = (n: number) => ({ dev: 1n, ino: BigInt(n), size: 100n, mtimeNs: 5n, ctimeNs: 5n });
  const cache = new VerifiedCache({ ttlMs: 1e9, maxEntries: 10, maxBytes: 250, maxBlobBytes: 100, now: () => 0 });
  for (let i = 0; i < 4; i++) cache.remember(`k${i}`, id(i), Buffer.alloc(100, i));
  assert.ok(cache.heldBytes <= 250, `held ${cache.heldBytes}`);
  assert.equal(cache.lookup('k0', id(0))?.bytes, undefined, 'oldest content shed');
  assert.ok(cache.lookup('k0', id(0)), 'but still known as verified');
  assert.equal(cache.lookup('k3', id(3))?.bytes?.[0], 3);
  assert.equal(cache.lookup('k3', id(99)), undefined, 'another file under the same key is not a hit');
  for (let i = 0; i < 20; i++) cache.remember(`m${i}`, id(i), Buffer.alloc(10));
  assert.equal(cache.size, 10);
});

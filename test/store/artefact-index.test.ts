import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { ArtefactIndex, ensureArtefactIndexSchema } from '../../src/store/artefact-index.js';
import { blake3Base58 } from '../../src/cascade/hash.js';
import { isInvalidArgument } from '../../src/util/errors.js';

const key = (i: number) => blake3Base58(new Uint8Array([i]));

test('artefact index: records keys per action, finds actions per key, and frees unreferenced keys', () => {
  const db = new Database(':memory:');
  try {
    ensureArtefactIndexSchema(db);
    ensureArtefactIndexSchema(db); // idempotent
    const idx = new ArtefactIndex(db, () => 1);
    idx.record('10', [
      { key: key(1), kind: 'index', size: 300 },
      { key: key(2), kind: 'layout', size: 600 },
      { key: key(3), kind: 'symbol', size: 65532 },
    ]);
    idx.record('9', [{ key: key(3), kind: 'symbol', size: 65532 }]);
    assert.deepEqual(idx.actionsOf(key(3)), ['9', '10']);
    assert.deepEqual(idx.artefactsOf('10', 'index'), [{ key: key(1), kind: 'index', size: 300 }]);
    assert.equal(idx.artefactsOf('10').length, 3);
    assert.equal(idx.sizeOf(key(2)), 600);
    assert.deepEqual(idx.removeAction('10'), [key(1), key(2)].sort());
    assert.deepEqual(idx.actionsOf(key(3)), ['9']);
    idx.removeKey(key(3));
    assert.deepEqual(idx.artefactsOf('9'), []);
  } finally {
    db.close();
  }
});

test('artefact index: bad action ids, keys, kinds and sizes are rejected by name', () => {
  const db = new Database(':memory:');
  try {
    ensureArtefactIndexSchema(db);
    const idx = new ArtefactIndex(db);
    assert.throws(() => idx.record('x1', []), (e) => isInvalidArgument(e) && e.argument === 'actionId');
    assert.throws(() => idx.record('1', [{ key: '../x', kind: 'symbol', size: 1 }]), (e) => isInvalidArgument(e) && e.argument === 'records[0].key');
    assert.throws(() => idx.record('1', [{ key: key(1), kind: 'blob' as 'symbol', size: 1 }]), (e) => isInvalidArgument(e) && e.argument === 'records[0].kind');
    assert.throws(() => idx.record('1', [{ key: key(1), kind: 'symbol', size: 0 }]), (e) => isInvalidArgument(e) && e.argument === 'records[0].size');
    assert.deepEqual(idx.artefactsOf('1'), []);
  } finally {
    db.close();
  }
});

test('artefact index: the shared history.db migrations create the artefact_actions table', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { openDatabase } = await import('../../src/store/db.js');
  const dir = await mkdtemp(join(tmpdir(), 'artefact-index-'));
  const state = openDatabase(join(dir, 'history.db'));
  try {
    const idx = new ArtefactIndex(state.db);
    idx.record('5', [{ key: key(5), kind: 'index', size: 10 }]);
    assert.deepEqual(idx.actionsOf(key(5)), ['5']);
    assert.ok(state.schemaVersion >= 2);
  } finally {
    state.close();
    await rm(dir, { recursive: true, force: true });
  }
});

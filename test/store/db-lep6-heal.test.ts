import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistoryDb, type StateDatabase } from '../../src/store/db.js';
import { lep6Repositories, type Lep6Repositories } from '../../src/store/lep6-state.js';
import { isAlreadyRecorded } from '../../src/store/lep6-tables.js';

function setup(t: TestContext, clock: { now: number } = { now: 1_700_000_000_000 }): { s: StateDatabase; r: Lep6Repositories; base: string; clock: { now: number } } {
  const base = mkdtempSync(join(tmpdir(), 'lep6-heal-'));
  const s = openHistoryDb(base);
  t.after(() => { s.close(); rmSync(base, { recursive: true, force: true }); });
  return { s, r: lep6Repositories(s.db, () => clock.now), base, clock };
}

const claim = (id: bigint, hash = 'bWFuaWZlc3Q=') => ({ healOpId: id, ticketId: `ticket-${id}`, manifestHash: hash, stagingDir: `/var/heal/${id}` });

test('heal claim: round trip, list ordered by op id, duplicate insert is a typed error', (t) => {
  const { r } = setup(t);
  r.healClaims.insertPending(claim(7n));
  r.healClaims.insertPending(claim(3n));
  assert.deepEqual(r.healClaims.get(7n), { ...claim(7n), status: 'pending', submittedAt: 1_700_000_000 });
  assert.deepEqual(r.healClaims.listAll().map((c) => c.healOpId), [3n, 7n]);
  assert.throws(() => r.healClaims.insertPending(claim(7n, 'other')), (err: unknown) => isAlreadyRecorded(err) && err.code === 'ALREADY_RECORDED' && /heal_op_id=7/.test(err.message));
  assert.equal(r.healClaims.get(7n)?.manifestHash, 'bWFuaWZlc3Q=', 'the duplicate did not overwrite');
  assert.equal(r.healClaims.get(99n), undefined);
});

test('heal claim pending lifecycle: invisible to hasSubmitted, visible to hasPending, mark promotes', (t) => {
  const { r, clock } = setup(t);
  r.healClaims.insertPending(claim(5n));
  assert.equal(r.healClaims.hasSubmitted(5n), false);
  assert.equal(r.healClaims.hasPending(5n), true);
  assert.deepEqual(r.healClaims.listPending().map((c) => c.healOpId), [5n]);
  clock.now += 42_000;
  assert.equal(r.healClaims.markSubmitted(5n), true);
  assert.equal(r.healClaims.markSubmitted(5n), false, 'already submitted');
  assert.equal(r.healClaims.markSubmitted(6n), false, 'no row');
  const row = r.healClaims.get(5n);
  assert.equal(row?.status, 'submitted');
  assert.equal(row?.submittedAt, 1_700_000_042);
  assert.equal(r.healClaims.hasSubmitted(5n), true);
  assert.equal(r.healClaims.hasPending(5n), false);
  assert.deepEqual(r.healClaims.listPending(), []);
});

test('heal claim deletes: deletePending never removes a submitted claim; deleteFinalized removes any', (t) => {
  const { r } = setup(t);
  r.healClaims.insertPending(claim(1n));
  r.healClaims.insertPending(claim(2n));
  r.healClaims.markSubmitted(2n);
  assert.equal(r.healClaims.deletePending(2n), false);
  assert.equal(r.healClaims.hasSubmitted(2n), true);
  assert.equal(r.healClaims.deletePending(1n), true);
  assert.equal(r.healClaims.get(1n), undefined);
  assert.equal(r.healClaims.deleteFinalized(2n), true);
  assert.deepEqual(r.healClaims.listAll(), []);
});

test('heal claim reconcile: insert submitted, promote pending, refuse a different manifest hash', (t) => {
  const { r } = setup(t);
  assert.equal(r.healClaims.recordSubmitted(claim(1n)), 'inserted');
  assert.equal(r.healClaims.get(1n)?.status, 'submitted');
  assert.equal(r.healClaims.recordSubmitted(claim(1n)), 'unchanged');
  r.healClaims.insertPending(claim(2n));
  assert.equal(r.healClaims.recordSubmitted(claim(2n)), 'promoted');
  assert.throws(() => r.healClaims.recordSubmitted(claim(2n, 'b3RoZXI=')), (err: unknown) => (err as { code?: string }).code === 'ROW_CONFLICT');
});

test('pending claims and votes survive a restart so the runtime can retry them', (t) => {
  const { s, r, base } = setup(t);
  r.healClaims.insertPending(claim(11n));
  r.healVerifications.insertPending({ healOpId: 12n, verifierAccount: 'lumera1me', verified: false, verificationHash: 'aGFzaA==' });
  s.close();
  const reopened = openHistoryDb(base);
  t.after(() => reopened.close());
  const again = lep6Repositories(reopened.db);
  assert.deepEqual(again.healClaims.listPending().map((c) => c.healOpId), [11n]);
  assert.deepEqual(again.healVerifications.listPending().map((v) => [v.healOpId, v.verifierAccount, v.verified]), [[12n, 'lumera1me', false]]);
});

test('heal verification: dedup is per (op, verifier); pending lifecycle; submitted votes are never deleted', (t) => {
  const { r } = setup(t);
  const vote = { healOpId: 9n, verifierAccount: 'lumera1a', verified: true, verificationHash: 'aGFzaA==' };
  r.healVerifications.insertPending(vote);
  r.healVerifications.insertPending({ ...vote, verifierAccount: 'lumera1b', verified: false });
  r.healVerifications.insertPending({ ...vote, healOpId: 10n });
  assert.throws(() => r.healVerifications.insertPending(vote), (err: unknown) => isAlreadyRecorded(err) && /heal_op_id=9 verifier=lumera1a/.test(err.message));
  assert.equal(r.healVerifications.hasSubmitted(9n, 'lumera1a'), false);
  assert.equal(r.healVerifications.hasPending(9n, 'lumera1a'), true);
  assert.equal(r.healVerifications.get(9n, 'lumera1b')?.verified, false);
  assert.equal(r.healVerifications.markSubmitted(9n, 'lumera1a'), true);
  assert.equal(r.healVerifications.hasSubmitted(9n, 'lumera1a'), true);
  assert.equal(r.healVerifications.deletePending(9n, 'lumera1a'), false, 'submitted vote stays');
  assert.equal(r.healVerifications.deletePending(9n, 'lumera1b'), true);
  assert.deepEqual(r.healVerifications.listPending().map((v) => [v.healOpId, v.verifierAccount]), [[10n, 'lumera1a']]);
});

test('heal repositories validate their inputs and keep 64-bit ids exact', (t) => {
  const { r } = setup(t);
  assert.throws(() => r.healClaims.insertPending(claim(0n)), /healOpId must be in 1\.\.9223372036854775807, got 0/);
  assert.throws(() => r.healClaims.insertPending({ ...claim(1n), stagingDir: 'relative/dir' }), /stagingDir must be an absolute path/);
  assert.throws(() => r.healClaims.insertPending({ ...claim(1n), ticketId: ' ' }), /ticketId must not be empty/);
  assert.throws(() => r.healClaims.get(5 as unknown as bigint), /healOpId must be a bigint, got number/);
  assert.throws(() => r.healVerifications.insertPending({ healOpId: 1n, verifierAccount: 'a', verified: 1 as unknown as boolean, verificationHash: 'h' }), /verified must be a boolean/);
  assert.throws(() => r.healVerifications.insertPending({ healOpId: 1n, verifierAccount: 'a', verified: true, verificationHash: '' }), /verificationHash must not be empty/);
  const big = (1n << 62n) + 1n;
  r.healClaims.insertPending(claim(big));
  assert.equal(r.healClaims.get(big)?.healOpId, big);
});

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistoryDb } from '../../src/store/db.js';
import { lep6Repositories, LAST_SUBMITTED_EPOCH_KEY, type Lep6Repositories } from '../../src/store/lep6-state.js';
import { isAlreadyRecorded } from '../../src/store/lep6-tables.js';

function setup(t: TestContext, clock = { now: 1_700_000_000_000 }): { r: Lep6Repositories; clock: { now: number }; base: string; close: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'lep6-recheck-'));
  const s = openHistoryDb(base);
  t.after(() => { s.close(); rmSync(base, { recursive: true, force: true }); });
  return { r: lep6Repositories(s.db, () => clock.now), clock, base, close: () => s.close() };
}

const recheck = (epoch: bigint, ticket: string, target: string) => ({
  epochId: epoch, ticketId: ticket, targetAccount: target, challengedTranscriptHash: 'c0ffee', recheckTranscriptHash: 'beef', resultClass: 7,
});

test('recheck dedup matches the chain: one row per (epoch, ticket), first target wins, other epochs distinct', (t) => {
  const { r } = setup(t);
  r.recheckSubmissions.insertPending(recheck(4n, 'T1', 'lumera1aaa'));
  assert.throws(() => r.recheckSubmissions.insertPending(recheck(4n, 'T1', 'lumera1bbb')), (err: unknown) => isAlreadyRecorded(err) && /epoch_id=4 ticket_id=T1/.test(err.message));
  assert.equal(r.recheckSubmissions.get(4n, 'T1')?.targetAccount, 'lumera1aaa');
  r.recheckSubmissions.insertPending(recheck(5n, 'T1', 'lumera1bbb'));
  assert.equal(r.recheckSubmissions.has(5n, 'T1'), true);
  assert.equal(r.recheckSubmissions.has(6n, 'T1'), false);
});

test('recheck direct "record submitted" is idempotent and silent on duplicates', (t) => {
  const { r } = setup(t);
  assert.equal(r.recheckSubmissions.recordSubmitted(recheck(4n, 'T1', 'lumera1aaa')), true);
  assert.equal(r.recheckSubmissions.recordSubmitted(recheck(4n, 'T1', 'lumera1bbb')), false);
  const row = r.recheckSubmissions.get(4n, 'T1');
  assert.deepEqual(row, { ...recheck(4n, 'T1', 'lumera1aaa'), status: 'submitted', submittedAt: 1_700_000_000 });
  assert.throws(() => r.recheckSubmissions.insertPending(recheck(4n, 'T1', 'lumera1ccc')), isAlreadyRecorded);
});

test('recheck pending lifecycle: counts as existing, listed for retry, mark promotes, only pending deletable', (t) => {
  const { r } = setup(t);
  r.recheckSubmissions.insertPending(recheck(3n, 'B', 'lumera1x'));
  r.recheckSubmissions.insertPending(recheck(3n, 'A', 'lumera1x'));
  r.recheckSubmissions.insertPending(recheck(2n, 'Z', 'lumera1x'));
  assert.equal(r.recheckSubmissions.has(3n, 'A'), true);
  assert.deepEqual(r.recheckSubmissions.listPending().map((x) => `${x.epochId}/${x.ticketId}`), ['2/Z', '3/A', '3/B']);
  assert.equal(r.recheckSubmissions.markSubmitted(3n, 'A'), true);
  assert.equal(r.recheckSubmissions.markSubmitted(3n, 'A'), false);
  assert.equal(r.recheckSubmissions.deletePending(3n, 'A'), false, 'submitted recheck stays');
  assert.equal(r.recheckSubmissions.deletePending(3n, 'B'), true);
  assert.deepEqual(r.recheckSubmissions.listPending().map((x) => `${x.epochId}/${x.ticketId}`), ['2/Z']);
});

test('recheck inputs are validated: epoch 0, blank ticket, blank hashes, unknown class', (t) => {
  const { r } = setup(t);
  assert.throws(() => r.recheckSubmissions.insertPending(recheck(0n, 'T', 'a')), /epochId must be in 1\.\./);
  assert.throws(() => r.recheckSubmissions.insertPending(recheck(1n, '', 'a')), /ticketId must not be empty/);
  assert.throws(() => r.recheckSubmissions.insertPending({ ...recheck(1n, 'T', 'a'), recheckTranscriptHash: '' }), /recheckTranscriptHash must not be empty/);
  assert.throws(() => r.recheckSubmissions.insertPending({ ...recheck(1n, 'T', 'a'), resultClass: 9 }), /resultClass must be a StorageProofResultClass number 1\.\.7, got 9/);
  assert.equal(r.recheckSubmissions.has(1n, 'T'), false);
});

test('failure budget: attempts accumulate per (epoch, ticket) across targets with a sliding TTL', (t) => {
  const { r, clock } = setup(t);
  const f = { epochId: 8n, ticketId: 'T', targetAccount: 'lumera1a', error: 'dial failed' };
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 2), false, 'no row');
  const first = r.recheckFailures.recordFailure(f, 900_000);
  assert.deepEqual(first, { epochId: 8n, ticketId: 'T', targetAccount: 'lumera1a', attempts: 1, lastError: 'dial failed', expiresAt: 1_700_000_900 });
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 2), false);
  clock.now += 10_000;
  const second = r.recheckFailures.recordFailure({ ...f, targetAccount: 'lumera1b', error: 'timeout' }, 900_000);
  assert.deepEqual([second.attempts, second.targetAccount, second.lastError, second.expiresAt], [2, 'lumera1b', 'timeout', 1_700_000_910]);
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 2), true, 'blocks at 2 of 2');
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 3), false);
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 0), false, 'max <= 0 never exhausts');
  clock.now += 900_000;
  assert.equal(r.recheckFailures.isExhausted(8n, 'T', 2), false, 'expired');
  assert.equal(r.recheckFailures.get(8n, 'T'), undefined, 'expired row deleted by the check');
});

test('failure budget purge removes only expired rows', (t) => {
  const { r, clock } = setup(t);
  r.recheckFailures.recordFailure({ epochId: 1n, ticketId: 'old', targetAccount: 'a', error: 'e' }, 1000);
  r.recheckFailures.recordFailure({ epochId: 1n, ticketId: 'new', targetAccount: 'a', error: 'e' }, 60_000);
  clock.now += 1000;
  assert.equal(r.recheckFailures.purgeExpired(), 1);
  assert.equal(r.recheckFailures.get(1n, 'old'), undefined);
  assert.equal(r.recheckFailures.get(1n, 'new')?.attempts, 1);
  assert.throws(() => r.recheckFailures.recordFailure({ epochId: 1n, ticketId: 'x', targetAccount: 'a', error: 'e' }, -1), /ttlMs must be an integer >= 0, got -1/);
});

test('last submitted epoch: absent on a fresh database, survives reopen, upsert repeatable and updatable', (t) => {
  const { r, base, close } = setup(t);
  assert.equal(r.challengeState.getLastSubmittedEpoch(), undefined);
  r.challengeState.setLastSubmittedEpoch(41n);
  r.challengeState.setLastSubmittedEpoch(41n);
  r.challengeState.setLastSubmittedEpoch(42n);
  close();
  const reopened = openHistoryDb(base);
  t.after(() => reopened.close());
  const again = lep6Repositories(reopened.db);
  assert.equal(again.challengeState.getLastSubmittedEpoch(), 42n);
  assert.equal(again.challengeState.getEpoch(LAST_SUBMITTED_EPOCH_KEY), 42n);
  assert.equal(again.challengeState.getEpoch('other'), undefined);
  assert.throws(() => again.challengeState.setLastSubmittedEpoch(-1n), /epochId must be a bigint in 0\.\./);
});

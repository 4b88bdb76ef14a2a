import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/db.js';
import { lep6Repositories } from '../../src/store/lep6-state.js';
import { RecheckAttestor } from '../../src/recheck/attestor.js';
import { findRecheckCandidates } from '../../src/recheck/finder.js';
import { RecheckService } from '../../src/recheck/service.js';
import type { RecheckExecutor } from '../../src/recheck/executor.js';
import { mapRecheckOutcome, recheckEligible, validRecheckResultClass, type RecheckCandidate, type RecheckResult } from '../../src/recheck/types.js';
import { Lep6Metrics } from '../../src/challenge/metrics.js';
import type { EpochReport, StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofResultClass as R, StorageTruthEnforcementMode as M } from '../../src/deterministic/index.js';
import type { RecheckEvidenceInput } from '../../src/chain/client.js';
import { FakeChain, params } from '../challenge/fake-chain.js';
import { tempDir } from '../challenge/helpers.js';

const ME = 'lumera1me';

function repos(t: { after(fn: () => void): void }, now = () => Date.now()) {
  const db = openDatabase(join(tempDir(t, 'lep6-recheck-'), 'history.db'), { lock: false });
  t.after(() => db.close());
  return lep6Repositories(db.db, now);
}

function cand(over: Partial<RecheckCandidate> = {}): RecheckCandidate {
  return { epochId: 3n, target: 'T', ticketId: 'tk', challengedTranscriptHash: 'ch', originalReporter: 'C', originalClass: R.HASH_MISMATCH, ...over };
}

const RESULT: RecheckResult = { transcriptHash: 'rh', resultClass: R.RECHECK_CONFIRMED_FAIL, details: '' };

function attestor(t: { after(fn: () => void): void }, chain = new FakeChain()) {
  const r = repos(t);
  const metrics = new Lep6Metrics();
  let stagedBeforeTx: boolean | undefined;
  const orig = chain.submitStorageRecheckEvidence.bind(chain);
  chain.submitStorageRecheckEvidence = async (input: RecheckEvidenceInput) => {
    stagedBeforeTx = r.recheckSubmissions.get(input.epochId, input.ticketId)?.status === 'pending';
    return orig(input);
  };
  const a = new RecheckAttestor({ chain, identity: ME, store: r.recheckSubmissions, metrics });
  return { a, r, chain, metrics, staged: () => stagedBeforeTx };
}

test('TestAttestor_SubmitsThenPersists: pending row staged before the tx, submitted afterwards', async (t) => {
  const s = attestor(t);
  assert.equal(await s.a.attest(cand(), RESULT), 'submitted');
  assert.equal(s.staged(), true);
  assert.equal(s.chain.rechecks.length, 1);
  assert.deepEqual(s.chain.rechecks[0], {
    epochId: 3n, challengedSupernodeAccount: 'T', ticketId: 'tk', challengedResultTranscriptHash: 'ch', recheckTranscriptHash: 'rh', recheckResultClass: R.RECHECK_CONFIRMED_FAIL, details: '',
  });
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk')?.status, 'submitted');
});

test('TestAttestor_DoesNotPersistOnTxFailure: a hard tx error leaves no row', async (t) => {
  const s = attestor(t);
  s.chain.recheckError = new Error('challenged result class is not recheck-eligible: invalid storage recheck evidence');
  await assert.rejects(s.a.attest(cand(), RESULT), { outcome: 'submit_error' } as object);
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk'), undefined);
});

test('TestAttestor_AcceptsExistingChainRecheckAsIdempotent: "already submitted" → success, row kept submitted', async (t) => {
  const s = attestor(t);
  s.chain.recheckError = new Error('recheck evidence already submitted for epoch 3 ticket "tk" by "lumera1me"');
  assert.equal(await s.a.attest(cand(), RESULT), 'already_submitted');
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk')?.status, 'submitted');
  assert.equal(s.metrics.get('recheck_evidence_already_submitted_total'), 1);
});

test('TestAttestor_DoesNotTreatGenericDuplicateWordsAsIdempotent', async (t) => {
  const s = attestor(t);
  s.chain.recheckError = new Error('connection already closed before duplicate retry could be replayed');
  await assert.rejects(s.a.attest(cand(), RESULT));
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk'), undefined);
});

test('transient submit failure keeps the pending row (retried later)', async (t) => {
  const s = attestor(t);
  s.chain.recheckError = Object.assign(new Error('deadline'), { name: 'TimeoutError' });
  await assert.rejects(s.a.attest(cand(), RESULT), { outcome: 'submit_transient' } as object);
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk')?.status, 'pending');
});

test('TestAttestor_RejectsSelfReportedOrSelfTargetCandidate / RejectsEmptyRequiredFieldsBeforeTx', async (t) => {
  const s = attestor(t);
  await assert.rejects(s.a.attest(cand({ target: ME }), RESULT), /invalid recheck candidate/);
  await assert.rejects(s.a.attest(cand({ originalReporter: ME }), RESULT), /invalid recheck candidate/);
  await assert.rejects(s.a.attest(cand(), { ...RESULT, transcriptHash: ' ' }), /invalid recheck result/);
  await assert.rejects(s.a.attest(cand(), { ...RESULT, resultClass: R.NO_ELIGIBLE_TICKET }), /invalid recheck result/);
  assert.equal(s.chain.rechecks.length, 0);
  assert.equal(s.r.recheckSubmissions.get(3n, 'tk'), undefined);
});

test('TestAttestor_MultiTargetSameTicketCollapsesToOne: second target for (epoch, ticket) is stage_dedup', async (t) => {
  const s = attestor(t);
  assert.equal(await s.a.attest(cand({ target: 'T1' }), RESULT), 'submitted');
  assert.equal(await s.a.attest(cand({ target: 'T2' }), RESULT), 'stage_dedup');
  assert.equal(s.chain.rechecks.length, 1);
});

test('eligibility matrix, result-class validation and outcome mapping (TestValidRecheckResultClassAcceptsHashMismatch, TestRecheckEligible_*, TestMapRecheckOutcome_PreservesSpecFidelity)', () => {
  for (const c of [R.HASH_MISMATCH, R.TIMEOUT_OR_NO_RESPONSE, R.OBSERVER_QUORUM_FAIL, R.INVALID_TRANSCRIPT]) assert.equal(recheckEligible(c), true);
  for (const c of [R.PASS, R.RECHECK_CONFIRMED_FAIL, R.NO_ELIGIBLE_TICKET, R.UNSPECIFIED]) assert.equal(recheckEligible(c), false);
  assert.equal(validRecheckResultClass(R.HASH_MISMATCH), true);
  assert.equal(validRecheckResultClass(R.UNSPECIFIED), false);
  assert.deepEqual([R.PASS, R.HASH_MISMATCH, R.TIMEOUT_OR_NO_RESPONSE, R.OBSERVER_QUORUM_FAIL, R.INVALID_TRANSCRIPT, R.NO_ELIGIBLE_TICKET].map(mapRecheckOutcome),
    [R.PASS, R.RECHECK_CONFIRMED_FAIL, R.TIMEOUT_OR_NO_RESPONSE, R.OBSERVER_QUORUM_FAIL, R.INVALID_TRANSCRIPT, R.INVALID_TRANSCRIPT]);
});

function result(target: string, ticket: string, challenger: string, cls: R, hash = `${target}-${ticket}-${challenger}`): StorageProofResult {
  return { targetSupernodeAccount: target, challengerSupernodeAccount: challenger, ticketId: ticket, resultClass: cls as number, transcriptHash: hash } as StorageProofResult;
}

function report(chain: FakeChain, reporter: string, epoch: bigint, rows: StorageProofResult[]): void {
  chain.reports.set(`${epoch}/${reporter}`, { supernodeAccount: reporter, epochId: epoch, storageProofResults: rows } as unknown as EpochReport);
}

test('TestFinder_LookbackLimitDedupAndOrder + ScansNetworkReporterSetNotSelfOnly + self exclusions + per-reporter isolation', async (t) => {
  const chain = new FakeChain();
  chain.height = 55n; // epoch 5
  chain.supernodes = ['B', 'A', 'C', 'A', ' '];
  report(chain, 'A', 5n, [result('T', 'k2', 'A', R.HASH_MISMATCH), result('T', 'k1', 'A', R.PASS), result(ME, 'k3', 'A', R.HASH_MISMATCH)]);
  report(chain, 'B', 5n, [result('U', 'k1', 'B', R.TIMEOUT_OR_NO_RESPONSE), result('S', 'k1', 'B', R.INVALID_TRANSCRIPT)]);
  report(chain, ME, 5n, [result('T', 'k9', ME, R.HASH_MISMATCH)]);
  report(chain, 'A', 4n, [result('T', 'k4', 'A', R.HASH_MISMATCH)]);
  report(chain, 'A', 2n, [result('T', 'k5', 'A', R.HASH_MISMATCH)]); // outside lookback 2 (epochs 5, 4, 3)
  chain.reporterErrors.add('C');
  const r = repos(t);
  r.recheckSubmissions.recordSubmitted({ epochId: 4n, ticketId: 'k4', targetAccount: 'T', challengedTranscriptHash: 'x', recheckTranscriptHash: 'y', resultClass: R.PASS });
  const found = await findRecheckCandidates({ chain, identity: ME, store: r.recheckSubmissions, lookbackEpochs: 2, maxPerTick: 5 });
  assert.deepEqual(found.map((c) => `${c.epochId}/${c.ticketId}/${c.target}/${c.originalReporter}`), ['5/k1/S/B', '5/k2/T/A']);
  const limited = await findRecheckCandidates({ chain, identity: ME, store: r.recheckSubmissions, lookbackEpochs: 2, maxPerTick: 1 });
  assert.equal(limited.length, 1);
});

test('TestService_TickModeGateAndSubmit, budget exhaustion, pending rows retried by dry run first', async (t) => {
  const chain = new FakeChain();
  chain.height = 55n;
  chain.supernodes = ['A'];
  report(chain, 'A', 5n, [result('T', 'k1', 'A', R.HASH_MISMATCH)]);
  const r = repos(t);
  const metrics = new Lep6Metrics();
  let executions = 0;
  const executor: RecheckExecutor = { execute: async () => { executions++; return RESULT; } };
  const simulated: RecheckEvidenceInput[] = [];
  const svc = (simulate?: (i: RecheckEvidenceInput) => Promise<unknown>) => new RecheckService({
    chain, identity: ME, submissions: r.recheckSubmissions, failures: r.recheckFailures, executor, metrics,
    attestor: new RecheckAttestor({ chain, identity: ME, store: r.recheckSubmissions, metrics, simulate }),
    tickIntervalMs: 1000, lookbackEpochs: 7, maxPerTick: 5, maxFailureAttempts: 2, failureBackoffTtlMs: 60_000,
  });
  chain.auditParams = params({ storageTruthEnforcementMode: M.UNSPECIFIED as number });
  await svc().tick();
  assert.equal(executions + chain.rechecks.length, 0);

  chain.auditParams = params({ storageTruthEnforcementMode: M.FULL as number });
  chain.recheckError = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
  await svc().tick();
  assert.equal(r.recheckSubmissions.get(5n, 'k1')?.status, 'pending');
  assert.equal(r.recheckFailures.get(5n, 'k1')?.attempts, 1);

  // Next tick: the pending row is reconciled first; the dry run says the chain already has it → marked, no tx.
  chain.recheckError = undefined;
  const s = svc(async (i) => { simulated.push(i); throw new Error('recheck evidence already submitted for epoch 5 ticket "k1" by "lumera1me"'); });
  await s.tick();
  assert.equal(simulated.length, 1);
  assert.equal(chain.rechecks.length, 0);
  assert.equal(r.recheckSubmissions.get(5n, 'k1')?.status, 'submitted');
  assert.equal(executions, 1, 'the submitted row stops discovery');

  // Failure budget: a ticket that keeps failing is skipped once exhausted.
  report(chain, 'A', 5n, [result('T', 'k2', 'A', R.HASH_MISMATCH)]);
  const failing: RecheckExecutor = { execute: async () => { throw new Error('no result emitted'); } };
  const svc2 = new RecheckService({
    chain, identity: ME, submissions: r.recheckSubmissions, failures: r.recheckFailures, executor: failing, metrics,
    attestor: new RecheckAttestor({ chain, identity: ME, store: r.recheckSubmissions, metrics }),
    tickIntervalMs: 1000, lookbackEpochs: 7, maxPerTick: 5, maxFailureAttempts: 2, failureBackoffTtlMs: 60_000,
  });
  await svc2.tick();
  await svc2.tick();
  await svc2.tick();
  assert.equal(r.recheckFailures.get(5n, 'k2')?.attempts, 2, 'TestService_TickSkipsRecheckWhenFailureBudgetExhausted');
  assert.equal(metrics.get('recheck_execution_failures_total', 'execute'), 2);
});

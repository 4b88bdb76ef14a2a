import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { EpochReporter, missingCoverage, selectRows } from '../../src/challenge/reporter.js';
import { ResultBuffer } from '../../src/challenge/result-buffer.js';
import { ChallengerService, type LastEpochStore } from '../../src/challenge/service.js';
import { normalizeProbeHost, probeTcp } from '../../src/challenge/observations.js';
import type { Dispatcher } from '../../src/challenge/dispatcher.js';
import type { EpochReport, StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';
import { PortState } from '../../src/gen/lumera/audit/v1/audit.js';
import { ChainAbciError } from '../../src/chain/errors.js';
import { StorageProofBucketType as B, StorageProofResultClass as R, StorageTruthEnforcementMode as M } from '../../src/deterministic/index.js';
import { FakeChain, params } from './fake-chain.js';
import { tempDir } from './helpers.js';

const ME = 'lumera1me';

function row(target: string, bucket: B, ticket = 't', cls: R = R.PASS): StorageProofResult {
  return {
    targetSupernodeAccount: target, challengerSupernodeAccount: ME, ticketId: cls === R.NO_ELIGIBLE_TICKET ? '' : ticket, bucketType: bucket as number,
    artifactClass: 1, artifactOrdinal: 0, artifactKey: 'k', resultClass: cls as number, transcriptHash: `${target}${bucket}${ticket}`, details: '',
    artifactCount: 1, derivationInputHash: 'd', challengerSignature: 's', observerAttestationSignatures: [],
  } as StorageProofResult;
}

function setup(t: { after(fn: () => void): void }, mode = M.FULL) {
  const chain = new FakeChain();
  chain.auditParams = params({ storageTruthEnforcementMode: mode as number });
  chain.anchor(2n);
  chain.assigned.set(ME, ['A']);
  const buffer = new ResultBuffer();
  const reporter = new EpochReporter({ chain, identity: ME, buffer, diskDir: tempDir(t), probeTimeoutMs: 200 });
  return { chain, buffer, reporter };
}

test('TestTick_SkipsWhenEpochAlreadyReported: an existing report → no submit, stale rows dropped', async (t) => {
  const s = setup(t);
  s.chain.reports.set(`2/${ME}`, { supernodeAccount: ME, epochId: 2n } as EpochReport);
  s.buffer.append(2n, row('A', B.RECENT));
  assert.deepEqual(await s.reporter.report(2n, s.chain.auditParams, false), { kind: 'already-reported' });
  assert.equal(s.chain.submitted.length, 0);
  assert.deepEqual(s.buffer.peek(2n), []);
});

test('TestTick_SkipsOnEpochReportLookupError: a failing lookup submits nothing (the error propagates to the tick)', async (t) => {
  const s = setup(t);
  s.chain.getEpochReport = async () => { throw new Error('rpc down'); };
  await assert.rejects(s.reporter.report(2n, s.chain.auditParams, false), /rpc down/);
  assert.equal(s.chain.submitted.length, 0);
});

test('TestTick_AttachedProofResultProviderIsDrainedAndForwarded + one observation per assigned target', async (t) => {
  const s = setup(t);
  const rows = [row('A', B.RECENT), row('A', B.OLD, '', R.NO_ELIGIBLE_TICKET)];
  for (const r of rows) s.buffer.append(2n, r);
  const out = await s.reporter.report(2n, s.chain.auditParams, false);
  assert.equal(out.kind, 'submitted');
  assert.equal(s.chain.submitted.length, 1);
  const sub = s.chain.submitted[0]!;
  assert.deepEqual(sub.storageProofResults, rows);
  assert.deepEqual(sub.storageChallengeObservations, [{ targetSupernodeAccount: 'A', portStates: [] }]);
  assert.equal(sub.hostReport?.cpuUsagePercent, 0);
  assert.equal(sub.hostReport?.memUsagePercent, 0);
  assert.ok(sub.hostReport!.diskUsagePercent! >= 0 && sub.hostReport!.diskUsagePercent! <= 100);
  assert.deepEqual(s.buffer.peek(2n), []);
});

test('TestTick_NonProberSubmitsHostOnly and TestTick_SHADOW/SOFT ModeSubmitsEmptyProofs', async (t) => {
  for (const mode of [M.SHADOW, M.SOFT, M.FULL]) {
    const s = setup(t, mode);
    s.chain.assigned.set(ME, []);
    assert.equal((await s.reporter.report(2n, s.chain.auditParams, false)).kind, 'submitted');
    assert.deepEqual(s.chain.submitted[0]!.storageProofResults, []);
    assert.deepEqual(s.chain.submitted[0]!.storageChallengeObservations, []);
  }
  const shadow = setup(t, M.SHADOW);
  assert.equal((await shadow.reporter.report(2n, shadow.chain.auditParams, false)).kind, 'submitted');
  assert.deepEqual(shadow.chain.submitted[0]!.storageProofResults, []);
});

test('TestTick_SubmitFailureRequeuesProofResults / TestTick_DuplicateReportErrorDoesNotRequeue', async (t) => {
  const s = setup(t);
  const rows = [row('A', B.RECENT), row('A', B.OLD, '', R.NO_ELIGIBLE_TICKET)];
  for (const r of rows) s.buffer.append(2n, r);
  s.chain.submitError = new Error('mempool full');
  assert.equal((await s.reporter.report(2n, s.chain.auditParams, false)).kind, 'failed');
  assert.deepEqual(s.buffer.peek(2n), rows);
  s.chain.submitError = new ChainAbciError({ stage: 'simulate', codespace: 'audit', code: 4, log: 'report already submitted for this epoch: duplicate report' });
  assert.equal((await s.reporter.report(2n, s.chain.auditParams, false)).kind, 'already-reported');
  assert.deepEqual(s.buffer.peek(2n), []);
});

test('TestTick_FULLModeIncompleteStorageProofCoverageSkipsSubmitAndRequeues; allowIncomplete submits anyway', async (t) => {
  const s = setup(t);
  s.chain.assigned.set(ME, ['A', 'B']);
  s.buffer.append(2n, row('A', B.RECENT));
  s.buffer.append(2n, row('A', B.OLD, '', R.NO_ELIGIBLE_TICKET));
  const out = await s.reporter.report(2n, s.chain.auditParams, false);
  assert.deepEqual(out, { kind: 'incomplete', missing: [{ target: 'B', buckets: [B.RECENT, B.OLD] }] });
  assert.equal(s.chain.submitted.length, 0);
  assert.equal(s.buffer.peek(2n).length, 2);
  assert.equal((await s.reporter.report(2n, s.chain.auditParams, true)).kind, 'submitted');
  assert.equal(s.chain.submitted[0]!.storageProofResults!.length, 2);
});

test('the assignment is re-queried before submitting: rows for targets no longer assigned and duplicates are dropped', () => {
  const rows = [row('A', B.RECENT, 't1'), row('A', B.RECENT, 't1'), row('A', B.RECENT, 't2'), row('X', B.RECENT), row('A', B.OLD, '', R.NO_ELIGIBLE_TICKET)];
  const full = selectRows(rows, ['A'], true);
  assert.deepEqual(full.kept.map((r) => `${r.targetSupernodeAccount}/${r.bucketType}/${r.ticketId}`), ['A/1/t1', 'A/2/']);
  assert.equal(full.dropped.length, 3);
  const soft = selectRows(rows, ['A'], false);
  assert.deepEqual(soft.kept.map((r) => r.ticketId), ['t1', 't2', '']);
  assert.deepEqual(missingCoverage(full.kept, ['A', 'B']), [{ target: 'B', buckets: [B.RECENT, B.OLD] }]);
  // FULL: a ticketed row beats a NO_ELIGIBLE row for the same (target, bucket), whatever the order.
  const mixed = selectRows([row('A', B.RECENT, '', R.NO_ELIGIBLE_TICKET), row('A', B.RECENT, 't9', R.HASH_MISMATCH)], ['A'], true);
  assert.deepEqual(mixed.kept.map((r) => r.ticketId), ['t9']);
});

test('TestNormalizeProbeHost and TCP probes (open, refused, unresolvable, bad port)', async (t) => {
  assert.equal(normalizeProbeHost('1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeProbeHost('host:4444'), 'host');
  assert.equal(normalizeProbeHost('::1'), '::1');
  assert.equal(normalizeProbeHost('[::1]:4444'), '::1');
  assert.equal(normalizeProbeHost('[::1]'), '::1');
  assert.equal(normalizeProbeHost('  '), '');
  const srv = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const port = (srv.address() as net.AddressInfo).port;
  assert.equal(await probeTcp('127.0.0.1', port), PortState.PORT_STATE_OPEN);
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  assert.equal(await probeTcp('127.0.0.1', closedPort), PortState.PORT_STATE_CLOSED);
  assert.equal(await probeTcp('no-such-host.invalid', 80, 1000), PortState.PORT_STATE_UNKNOWN);
  assert.equal(await probeTcp('127.0.0.1', 0), PortState.PORT_STATE_UNKNOWN);
  assert.equal(await probeTcp('', 80), PortState.PORT_STATE_UNKNOWN);
});

class MemoryEpochs implements LastEpochStore {
  value: bigint | undefined;
  getLastSubmittedEpoch() {
    return this.value;
  }
  setLastSubmittedEpoch(e: bigint) {
    this.value = e;
  }
}

/** A dispatcher stub that appends one RECENT + one OLD row per assigned target. */
function stubDispatcher(chain: FakeChain, buffer: ResultBuffer) {
  const calls: Array<{ epoch: bigint; only?: unknown }> = [];
  const d = {
    calls,
    dropOld: false,
    async dispatchEpoch(epoch: bigint, only?: Array<{ target: string; buckets: B[] }>) {
      calls.push({ epoch, only });
      const pairs = only ?? (chain.assigned.get(ME) ?? []).map((target) => ({ target, buckets: [B.RECENT, B.OLD] }));
      for (const p of pairs) for (const b of p.buckets) if (!(d.dropOld && b === B.OLD && !only)) buffer.append(epoch, row(p.target, b, b === B.RECENT ? 't' : '', b === B.RECENT ? R.PASS : R.NO_ELIGIBLE_TICKET));
    },
  };
  return d;
}

test('challenger loop: dispatch once, report, persist the epoch; a restart skips reported epochs and re-dispatches unreported ones', async (t) => {
  const s = setup(t);
  const state = new MemoryEpochs();
  const d = stubDispatcher(s.chain, s.buffer);
  const svc = new ChallengerService({ chain: s.chain, dispatcher: d as unknown as Dispatcher, reporter: s.reporter, state, pollIntervalMs: 1000 });
  s.chain.height = 25n; // epoch 2 (Z = 1, L = 10)
  await svc.tick();
  assert.equal(d.calls.length, 1);
  assert.equal(s.chain.submitted.length, 1);
  assert.equal(state.value, 2n);
  await svc.tick();
  assert.equal(d.calls.length, 1, 'the epoch is done');
  s.chain.reports.set(`2/${ME}`, { supernodeAccount: ME, epochId: 2n } as EpochReport);

  // A fresh process whose last persisted epoch is 1 and whose epoch-3 report is not on chain yet re-dispatches.
  s.chain.anchor(3n);
  s.chain.height = 33n;
  const state2 = new MemoryEpochs();
  state2.value = 2n;
  const d2 = stubDispatcher(s.chain, s.buffer);
  const again = new ChallengerService({ chain: s.chain, dispatcher: d2 as unknown as Dispatcher, reporter: s.reporter, state: state2, pollIntervalMs: 1000 });
  await again.start();
  await again.tick();
  await again.stop();
  assert.deepEqual(d2.calls.map((c) => c.epoch), [3n]);
  assert.equal(state2.value, 3n);
  const last = s.chain.submitted.at(-1)!;
  assert.equal(last.epochId, 3n);
  assert.equal(new Set(last.storageProofResults!.map((r) => `${r.targetSupernodeAccount}/${r.bucketType}`)).size, last.storageProofResults!.length);
});

test('challenger loop: FULL-mode gaps are challenged before the report; no anchor → nothing; sc_enabled=false → host-only report', async (t) => {
  const s = setup(t);
  const d = stubDispatcher(s.chain, s.buffer);
  d.dropOld = true;
  const svc = new ChallengerService({ chain: s.chain, dispatcher: d as unknown as Dispatcher, reporter: s.reporter, state: new MemoryEpochs(), pollIntervalMs: 1000 });
  s.chain.height = 25n;
  await svc.tick();
  assert.equal(d.calls.length, 2);
  assert.deepEqual(d.calls[1]!.only, [{ target: 'A', buckets: [B.OLD] }]);
  assert.equal(s.chain.submitted[0]!.storageProofResults!.length, 2);

  const noAnchor = setup(t);
  const d2 = stubDispatcher(noAnchor.chain, noAnchor.buffer);
  noAnchor.chain.height = 45n; // epoch 4 has no anchor
  await new ChallengerService({ chain: noAnchor.chain, dispatcher: d2 as unknown as Dispatcher, reporter: noAnchor.reporter, state: new MemoryEpochs(), pollIntervalMs: 1000 }).tick();
  assert.equal(d2.calls.length + noAnchor.chain.submitted.length, 0);

  const off = setup(t, M.SHADOW);
  off.chain.auditParams = params({ storageTruthEnforcementMode: M.SHADOW as number, scEnabled: false });
  off.chain.height = 25n;
  const d3 = stubDispatcher(off.chain, off.buffer);
  await new ChallengerService({ chain: off.chain, dispatcher: d3 as unknown as Dispatcher, reporter: off.reporter, state: new MemoryEpochs(), pollIntervalMs: 1000 }).tick();
  assert.equal(d3.calls.length, 0);
  assert.equal(off.chain.submitted.length, 1);
  assert.deepEqual(off.chain.submitted[0]!.storageProofResults, []);
});

test('challenger loop: a report the chain keeps refusing is given up after maxRefusals; transient failures keep retrying', async (t) => {
  const s = setup(t);
  const d = stubDispatcher(s.chain, s.buffer);
  let attempts = 0;
  s.chain.submitEpochReport = async () => {
    attempts++;
    throw new ChainAbciError({ stage: 'simulate', codespace: 'audit', code: 9, log: 'storage_proof_results[0] NO_ELIGIBLE_TICKET conflicts with recently observed eligible ticket history: invalid storage proof results' });
  };
  const svc = new ChallengerService({ chain: s.chain, dispatcher: d as unknown as Dispatcher, reporter: s.reporter, state: new MemoryEpochs(), pollIntervalMs: 1000, maxRefusals: 3 });
  s.chain.height = 25n;
  for (let i = 0; i < 6; i++) await svc.tick();
  assert.equal(attempts, 3);
  assert.equal(d.calls.length, 1);

  const s2 = setup(t);
  let transient = 0;
  s2.chain.submitEpochReport = async () => {
    transient++;
    throw Object.assign(new Error('request timed out'), { name: 'TimeoutError' });
  };
  const svc2 = new ChallengerService({ chain: s2.chain, dispatcher: stubDispatcher(s2.chain, s2.buffer) as unknown as Dispatcher, reporter: s2.reporter, state: new MemoryEpochs(), pollIntervalMs: 1000, maxRefusals: 3 });
  s2.chain.height = 25n;
  for (let i = 0; i < 6; i++) await svc2.tick();
  assert.equal(transient, 6);
});

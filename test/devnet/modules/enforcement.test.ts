/** Epoch-end enforcement (spec 03 §6.4, §6.6–6.8): postponement, recovery, bands, divergence, clean epochs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeChain, host, report, assignmentOf, type TestChain } from './harness.js';
import { SuperNodeState } from '../../../src/devnet/modules/supernode/keeper.js';
import { newNodeRow, newReporterRow } from '../../../src/devnet/modules/audit/rows.js';
import { key, tGet, tSet } from '../../../src/devnet/modules/audit/table.js';

const last = (c: TestChain, acct: string) => c.sn.keeper.getByAccount(acct)!.states.at(-1)!;

describe('legacy postponement and recovery (spec 03 §6.8)', () => {
  it('an ACTIVE node without a report is POSTPONED at the epoch end with audit_missing_reports (rule 3.6.1)', () => {
    const c = makeChain();
    c.begin(1n);
    const [a, b] = c.accounts as [string, string];
    c.audit.keeper.submitEpochReport(2n, report(a, 0n));
    c.run(2n, 9n);
    assert.equal(last(c, b).state, SuperNodeState.ACTIVE, 'nothing happens before the end height');
    c.run(10n, 10n);
    assert.equal(last(c, a).state, SuperNodeState.ACTIVE);
    assert.deepEqual(last(c, b), { state: SuperNodeState.POSTPONED, height: 10n, reason: 'audit_missing_reports' });
  });

  it('empty anchor active set: a POSTPONED node with a compliant own report recovers; without or non-compliant it does not (edge case 37)', () => {
    const c = makeChain({ supernode: { states: { sn0: 'POSTPONED', sn1: 'POSTPONED', sn2: 'POSTPONED', sn3: 'POSTPONED' } }, audit: { min_cpu_free_percent: 50 } });
    c.begin(1n);
    const [g0, g1, g2] = c.genesis as unknown as [{ account: string }, { account: string }, { account: string }];
    c.audit.keeper.submitEpochReport(2n, report(g0.account, 0n, { hostReport: host({ cpuUsagePercent: 10, diskUsagePercent: 95 }) }));
    c.audit.keeper.submitEpochReport(2n, report(g1.account, 0n, { hostReport: host({ cpuUsagePercent: 80 }) }));
    c.run(2n, 10n);
    assert.equal(last(c, g0.account).state, SuperNodeState.STORAGE_FULL, 'recovers, but disk above the max lands in STORAGE_FULL (edge case 38)');
    assert.equal(last(c, g1.account).state, SuperNodeState.POSTPONED);
    assert.equal(last(c, g2.account).state, SuperNodeState.POSTPONED);
  });

  it('non-empty active set: recovery needs a peer observation with every required port OPEN', () => {
    const c = makeChain({ supernode: { states: { sn0: 'POSTPONED' } }, audit: { storage_truth_enforcement_mode: 'UNSPECIFIED' } });
    c.begin(1n);
    const postponed = c.genesis[0]!.account;
    c.audit.keeper.submitEpochReport(2n, report(postponed, 0n));
    const observers = assignmentOf(c, 0n).filter((x) => x.targets.includes(postponed));
    assert.ok(observers.length > 0);
    const o = observers[0]!;
    c.audit.keeper.submitEpochReport(
      2n,
      report(o.account, 0n, { storageChallengeObservations: o.targets.map((t) => ({ targetSupernodeAccount: t, portStates: t === postponed ? [1, 1, 2] : [1, 1, 1] })) }),
    );
    c.reportAll(0n, 2n);
    c.run(2n, 10n);
    assert.equal(last(c, postponed).state, SuperNodeState.POSTPONED, 'a CLOSED port blocks recovery');
    c.begin(11n);
    c.audit.keeper.submitEpochReport(12n, report(postponed, 1n));
    const o1 = assignmentOf(c, 1n).find((x) => x.targets.includes(postponed))!;
    c.audit.keeper.submitEpochReport(12n, report(o1.account, 1n, { storageChallengeObservations: o1.targets.map((t) => ({ targetSupernodeAccount: t, portStates: [1, 1, 1] })) }));
    c.reportAll(1n, 12n);
    c.run(12n, 20n);
    assert.equal(last(c, postponed).state, SuperNodeState.ACTIVE);
  });
});

describe('storage-truth bands and postponement (spec 03 §6.6–6.7)', () => {
  function withScore(mode: string, score: bigint, plant: (c: TestChain, target: string) => void = () => undefined) {
    const c = makeChain({ audit: { storage_truth_enforcement_mode: mode } });
    c.begin(1n);
    const target = c.accounts[1]!;
    tSet(c.audit.keeper.state.nodeSuspicion, target, { ...newNodeRow(target), suspicionScore: score });
    plant(c, target);
    c.reportAll(0n, 2n);
    c.run(2n, 10n);
    return { c, target };
  }
  const timeouts = (c: TestChain, target: string) => {
    for (let i = 0; i < 4; i++) {
      tSet(c.audit.keeper.state.nodeFailureFacts, key(target, 0n, `t${i}`, 'r'), { target, epochId: 0n, ticketId: `t${i}`, reporter: 'r', resultClass: 3, bucketType: 1, artifactClass: 2 });
    }
  };

  it('SHADOW emits the band event without postponing (edge case 34)', () => {
    const { c, target } = withScore('SHADOW', 100n, timeouts);
    assert.equal(last(c, target).state, SuperNodeState.ACTIVE);
    const ev = c.events.find((e) => e.type === 'storage_truth_band_postpone_candidate');
    assert.ok(ev);
    assert.deepEqual(
      ev.attributes.map((a) => [a.key, a.value]),
      [['module', 'audit'], ['target_supernode_account', target], ['epoch_id', '0'], ['node_suspicion_score', '100'], ['storage_truth_band', '3'], ['enforcement_mode', 'STORAGE_TRUTH_ENFORCEMENT_MODE_SHADOW']],
    );
  });

  it('SOFT: score above the postpone threshold without a predicate is not postponed; 4 TIMEOUT facts postpone (edge case 35)', () => {
    const quiet = withScore('SOFT', 100n);
    assert.equal(last(quiet.c, quiet.target).state, SuperNodeState.ACTIVE);
    const { c, target } = withScore('SOFT', 100n, timeouts);
    assert.deepEqual(last(c, target), { state: SuperNodeState.POSTPONED, height: 10n, reason: 'audit_storage_truth_suspicion' });
    assert.ok(c.events.some((e) => e.type === 'storage_truth_enforced'));
    assert.deepEqual(tGet(c.audit.keeper.state.storagePostponements, target), { epochId: 0n, strong: false });
  });

  it('FULL: score 200 with a recent INDEX failure → strong suspicion reason (edge case 36)', () => {
    const { c, target } = withScore('FULL', 200n, (ch, t) => {
      tSet(ch.audit.keeper.state.nodeSuspicion, t, { ...newNodeRow(t), suspicionScore: 200n, lastIndexFailEpoch: 0n });
      tSet(ch.audit.keeper.state.nodeFailureFacts, key(t, 0n, 'x', 'r'), { target: t, epochId: 0n, ticketId: 'x', reporter: 'r', resultClass: 2, bucketType: 1, artifactClass: 1 });
    });
    assert.equal(last(c, target).reason, 'audit_storage_truth_strong_suspicion');
  });

  it('recovery from a storage-truth postponement needs a low score and enough clean passes', () => {
    const { c, target } = withScore('SOFT', 100n, timeouts);
    const row = tGet(c.audit.keeper.state.nodeSuspicion, target)!;
    c.runReporting(11n, 20n);
    assert.equal(last(c, target).state, SuperNodeState.POSTPONED, 'score still above watch');
    row.suspicionScore = 5n;
    row.lastUpdatedEpoch = 1n;
    row.cleanPassCount = row.cleanPassCountAtPostpone + 3;
    row.lastCleanPassEpoch = 2n;
    c.runReporting(21n, 30n);
    assert.equal(last(c, target).state, SuperNodeState.ACTIVE);
    assert.equal(tGet(c.audit.keeper.state.storagePostponements, target), undefined);
    assert.ok(c.events.some((e) => e.type === 'storage_truth_recovered'));
  });
});

describe('reporter divergence and clean epochs (spec 03 §6.4)', () => {
  function facts(c: TestChain, reporter: string, total: number, neg: number) {
    for (let i = 0; i < total; i++) {
      tSet(c.audit.keeper.state.reporterResultFacts, key(reporter, 0n, `t${i}`, 'x'), { reporter, epochId: 0n, ticketId: `t${i}`, target: 'x', resultClass: i < neg ? 2 : 1, overturned: false, confirmed: false });
    }
  }

  it('20%/20%/90% negatives at 10 results each → only the 90% reporter gets +8 (edge case 44)', () => {
    const c = makeChain();
    c.begin(1n);
    const [a, b, d] = c.accounts as [string, string, string];
    for (const r of [a, b, d]) tSet(c.audit.keeper.state.reporterReliability, r, newReporterRow(r));
    facts(c, a, 10, 2);
    facts(c, b, 10, 2);
    facts(c, d, 10, 9);
    c.run(2n, 10n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, d)!.reliabilityScore, 8n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, a)!.reliabilityScore, 0n);
    assert.ok(c.events.some((e) => e.type === 'storage_truth_score_updated' && e.attributes.some((x) => x.key === 'divergence_penalty' && x.value === '8')));
  });

  it('5 PASS facts in an epoch give −4; 4 give nothing; an overturned failure suppresses it (edge case 43)', () => {
    const c = makeChain();
    c.begin(1n);
    const [a, b, d] = c.accounts as [string, string, string];
    for (const r of [a, b, d]) tSet(c.audit.keeper.state.reporterReliability, r, { ...newReporterRow(r), reliabilityScore: 10n });
    facts(c, a, 5, 0);
    facts(c, b, 4, 0);
    facts(c, d, 6, 0);
    tSet(c.audit.keeper.state.reporterResultFacts, key(d, 0n, 'bad', 'x'), { reporter: d, epochId: 0n, ticketId: 'bad', target: 'x', resultClass: 2, overturned: true, confirmed: false });
    c.run(2n, 10n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, a)!.reliabilityScore, 6n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, b)!.reliabilityScore, 10n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, d)!.reliabilityScore, 10n);
  });
});

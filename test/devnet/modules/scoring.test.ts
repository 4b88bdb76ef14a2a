/** Storage-truth scoring of accepted reports (spec 03 §6.3, edge cases 11–14 and 16 of §9). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeChain, proberWithTarget, proof, report, type TestChain } from './harness.js';
import { newNodeRow, newReporterRow, newTicketRow } from '../../../src/devnet/modules/audit/rows.js';
import { tGet, tSet } from '../../../src/devnet/modules/audit/table.js';
import { decay } from '../../../src/devnet/modules/audit/scoring-math.js';
import { scoreResult } from '../../../src/devnet/modules/audit/scoring.js';
import type { StorageProofResult } from '../../../src/devnet/modules/audit/types.js';

/** Reports one result (with full observation coverage) from the first prober of epoch E at height h. */
function reportOne(c: TestChain, e: bigint, h: bigint, over: Partial<StorageProofResult>) {
  const p = proberWithTarget(c, e);
  const t = p.targets[0]!;
  c.audit.keeper.submitEpochReport(
    h,
    report(p.account, e, {
      storageChallengeObservations: [{ targetSupernodeAccount: t, portStates: [1, 1, 1] }],
      storageProofResults: [proof(p.account, t, { transcriptHash: `th-${e}-${over.ticketId ?? '1'}`, ...over })],
    }),
  );
  const s = c.audit.keeper.state;
  return {
    reporter: p.account,
    target: t,
    node: tGet(s.nodeSuspicion, t)?.suspicionScore,
    rel: tGet(s.reporterReliability, p.account)?.reliabilityScore,
    ticket: tGet(s.ticketDeterioration, over.ticketId ?? '1')?.deteriorationScore,
  };
}

function fresh(): TestChain {
  const c = makeChain();
  c.begin(1n);
  return c;
}

describe('per-result scoring (spec 03 §6.3)', () => {
  it('decay(1000, 920, 2) = 846 and truncation toward zero', () => {
    assert.equal(decay(1000n, 920n, 2n), 846n);
    assert.equal(decay(50n, 920n, 3n), 38n);
    assert.equal(decay(7n, 900n, 100n), 0n);
    assert.equal(decay(5n, 1000n, 3n), 5n);
  });

  it('PASS RECENT on a fresh target creates node and ticket rows at 0 and no reporter row (edge case 11)', () => {
    const r = reportOne(fresh(), 0n, 2n, { resultClass: 1, bucketType: 1 });
    assert.deepEqual([r.node, r.rel, r.ticket], [0n, undefined, 0n]);
  });

  it('base deltas per class (edge case 12)', () => {
    assert.deepEqual(Object.values(pick(reportOne(fresh(), 0n, 2n, { resultClass: 2, artifactClass: 1 }))), [26n, 1n, 12n]);
    assert.deepEqual(Object.values(pick(reportOne(fresh(), 0n, 2n, { resultClass: 3 }))), [7n, undefined, 3n]);
    assert.deepEqual(Object.values(pick(reportOne(fresh(), 0n, 2n, { resultClass: 4 }))), [4n, undefined, undefined]);
    assert.deepEqual(Object.values(pick(reportOne(fresh(), 0n, 2n, { resultClass: 6 }))), [undefined, undefined, undefined]);
    assert.deepEqual(Object.values(pick(reportOne(fresh(), 0n, 2n, { resultClass: 7, bucketType: 4 }))), [15n, 3n, 8n]);
    const ne = reportOne(fresh(), 0n, 2n, { resultClass: 5, ticketId: '', artifactClass: 0, artifactKey: '', artifactCount: 0 });
    assert.deepEqual([ne.node, ne.rel], [undefined, undefined]);
  });

  it('decay over 3 epochs with the reporter multiplier (edge case 13)', () => {
    const c = makeChain();
    c.runReporting(1n, 30n);
    c.begin(31n);
    const p = proberWithTarget(c, 3n);
    const t = p.targets[0]!;
    const s = c.audit.keeper.state;
    tSet(s.nodeSuspicion, t, { ...newNodeRow(t), suspicionScore: 50n });
    tSet(s.reporterReliability, p.account, { ...newReporterRow(p.account), reliabilityScore: 10n });
    tSet(s.ticketDeterioration, '1', { ...newTicketRow('1'), deteriorationScore: 20n });
    const r = reportOne(c, 3n, 32n, { resultClass: 2, artifactClass: 1 });
    assert.deepEqual([r.node, r.rel, r.ticket], [62n, 8n, 25n]);
  });

  it('LOW_TRUST reporter (20) scales HASH_MISMATCH INDEX to node 20, ticket 9; reporter → 21 (edge case 14)', () => {
    const c = fresh();
    const p = proberWithTarget(c, 0n);
    tSet(c.audit.keeper.state.reporterReliability, p.account, { ...newReporterRow(p.account), reliabilityScore: 20n, trustBand: 2 });
    const r = reportOne(c, 0n, 2n, { resultClass: 2, artifactClass: 1 });
    assert.deepEqual([r.node, r.rel, r.ticket], [20n, 21n, 9n]);
  });

  it('two distinct tickets failing in consecutive epochs: node 26 → 23 + 26 + 10 = 59 (edge case 16)', () => {
    const c = makeChain();
    c.begin(1n);
    const first = reportOne(c, 0n, 1n, { resultClass: 2, artifactClass: 1, ticketId: 'A' });
    assert.equal(first.node, 26n);
    c.reportAll(0n, 1n);
    c.end(1n);
    c.run(2n, 10n);
    c.begin(11n);
    const p = proberWithTarget(c, 1n);
    const s = c.audit.keeper.state;
    if (p.targets[0] !== first.target) {
      // The walk picked another target this epoch: move the epoch-0 history onto it so the case's arithmetic holds.
      const t = p.targets[0]!;
      tSet(s.nodeSuspicion, t, { ...tGet(s.nodeSuspicion, first.target)!, supernodeAccount: t });
      const fact = Object.values(s.nodeFailureFacts)[0]!;
      tSet(s.nodeFailureFacts, 'moved', { ...fact, target: t });
    }
    const second = reportOne(c, 1n, 12n, { resultClass: 2, artifactClass: 1, ticketId: 'B' });
    assert.equal(second.node, 59n);
  });
});

describe('contradictions and recheck-bucket scoring (spec 03 §6.3.2, edge cases 17, 21)', () => {
  it('a PASS after another reporter\'s PASS contradicts the last failure: previous reporter 10 → 9 + 12 = 21', () => {
    const c = fresh();
    const [a, b, d, x] = c.accounts as [string, string, string, string];
    const env = c.env(2n);
    const res = (resultClass: number) => ({ ticketId: 'T', target: x, resultClass, bucketType: 1, artifactClass: 2 });
    scoreResult(env, 0n, b, res(1));
    scoreResult(env, 0n, a, res(3));
    tSet(c.audit.keeper.state.reporterReliability, a, { ...newReporterRow(a), reliabilityScore: 10n, lastUpdatedEpoch: 0n });
    const events: string[][] = [];
    scoreResult({ ...c.env(12n), emit: (e) => events.push(e.attributes.map((k) => `${k.key}=${k.value}`)) }, 1n, d, res(1));
    const s = c.audit.keeper.state;
    assert.equal(tGet(s.reporterReliability, a)!.reliabilityScore, 21n);
    assert.equal(tGet(s.reporterReliability, a)!.contradictionCount, 1n);
    assert.equal(tGet(s.reporterReliability, d)!.contradictionCount, 1n);
    assert.equal(tGet(s.ticketDeterioration, 'T')!.contradictionCount, 1n);
    assert.ok(events[0]!.includes('contradiction_detected=true'));
    assert.ok(events[0]!.includes(`contradicted_reporter=${a}`));
  });

  it('three RECHECK_CONFIRMED_FAIL results on distinct tickets put the node at exactly 45 (no pattern bonus)', () => {
    const c = fresh();
    const [r, x] = c.accounts as [string, string];
    for (const ticket of ['t1', 't2', 't3']) scoreResult(c.env(2n), 0n, r, { ticketId: ticket, target: x, resultClass: 7, bucketType: 4, artifactClass: 0 });
    assert.equal(tGet(c.audit.keeper.state.nodeSuspicion, x)!.suspicionScore, 45n);
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, r)!.reliabilityScore, 9n);
  });
});

function pick(r: { node?: bigint; rel?: bigint; ticket?: bigint }) {
  return { node: r.node, rel: r.rel, ticket: r.ticket };
}

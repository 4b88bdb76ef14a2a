/** Remaining spec 03 §9 edge cases that concern the supernode's messages (15, 18, 27, 28, 33, 40). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignmentOf, makeChain, report, type TestChain } from './harness.js';
import { scoreResult } from '../../../src/devnet/modules/audit/scoring.js';
import { newReporterRow, newTicketRow } from '../../../src/devnet/modules/audit/rows.js';
import { tGet, tSet } from '../../../src/devnet/modules/audit/table.js';
import { HealOpStatus } from '../../../src/devnet/modules/audit/enums.js';
import { SuperNodeState } from '../../../src/devnet/modules/supernode/keeper.js';
import type { HealOp } from '../../../src/devnet/modules/audit/types.js';

function reportedOp(c: TestChain, verifiers: string[], resultHash: string): HealOp {
  const op: HealOp = { healOpId: 1n, ticketId: 'T', scheduledEpochId: 0n, healerSupernodeAccount: c.accounts[0]!, verifierSupernodeAccounts: verifiers, status: HealOpStatus.HEALER_REPORTED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 3n, resultHash, notes: '' };
  tSet(c.audit.keeper.state.healOps, '1', op);
  return op;
}

describe('spec 03 §9 edge cases', () => {
  it('15: the same ticket failing one epoch later on the same holder: 7 → 6 + 12 + 6 = 24, two failure epochs, no node bonus', () => {
    const c = makeChain();
    c.begin(1n);
    const [r, x] = c.accounts as [string, string];
    const res = { ticketId: 'T', target: x, resultClass: 2, bucketType: 1, artifactClass: 1 };
    scoreResult(c.env(2n), 0n, r, res);
    const t = tGet(c.audit.keeper.state.ticketDeterioration, 'T')!;
    t.deteriorationScore = 7n;
    scoreResult(c.env(12n), 1n, r, res);
    assert.equal(t.deteriorationScore, 24n);
    assert.equal(t.recentFailureEpochCount, 2);
    assert.equal(tGet(c.audit.keeper.state.nodeSuspicion, x)!.suspicionScore, 49n); // 26 → 23, + 26, no distinct-ticket bonus
  });

  it('18: TIMEOUT on an INDEX artifact is Class B and unscaled even for a LOW_TRUST reporter', () => {
    const c = makeChain();
    c.begin(1n);
    const [r, x] = c.accounts as [string, string];
    tSet(c.audit.keeper.state.reporterReliability, r, { ...newReporterRow(r), reliabilityScore: 30n, trustBand: 2 });
    scoreResult(c.env(2n), 0n, r, { ticketId: 'T', target: x, resultClass: 3, bucketType: 1, artifactClass: 1 });
    const node = tGet(c.audit.keeper.state.nodeSuspicion, x)!;
    assert.equal(node.suspicionScore, 7n);
    assert.equal(node.classACountWindow, 0);
    assert.equal(node.classBCountWindow, 1);
    assert.equal(tGet(c.audit.keeper.state.ticketDeterioration, 'T')!.deteriorationScore, 3n);
  });

  it('27: 4 verifiers, 2 positives pending, the 3rd verifies; differing hashes pass only with an empty result_hash', () => {
    const c = makeChain({ supernodes: 5 });
    const v = c.accounts.slice(1, 5);
    const op = reportedOp(c, v, '');
    const k = c.audit.keeper;
    k.submitHealVerification(2n, { creator: v[0]!, healOpId: 1n, verified: true, verificationHash: 'h1', details: '' });
    k.submitHealVerification(2n, { creator: v[1]!, healOpId: 1n, verified: true, verificationHash: 'h2', details: '' });
    assert.equal(op.status, HealOpStatus.HEALER_REPORTED);
    k.submitHealVerification(3n, { creator: v[2]!, healOpId: 1n, verified: true, verificationHash: 'h3', details: '' });
    assert.equal(op.status, HealOpStatus.VERIFIED);
    assert.equal(op.resultHash, 'h3');
  });

  it('28: all-positive with D = 20 floors the ticket at 8', () => {
    const c = makeChain();
    tSet(c.audit.keeper.state.ticketDeterioration, 'T', { ...newTicketRow('T'), deteriorationScore: 20n, activeHealOpId: 1n });
    reportedOp(c, [c.accounts[1]!], 'm');
    c.audit.keeper.submitHealVerification(2n, { creator: c.accounts[1]!, healOpId: 1n, verified: true, verificationHash: 'm', details: '' });
    assert.equal(tGet(c.audit.keeper.state.ticketDeterioration, 'T')!.deteriorationScore, 8n);
  });

  it('33: expiring an op whose healer account is empty fails EndBlock with an internal error', () => {
    const c = makeChain();
    c.begin(1n);
    const op = reportedOp(c, [c.accounts[1]!], 'm');
    op.healerSupernodeAccount = '';
    op.deadlineEpochId = 0n + 1n;
    c.run(2n, 10n);
    assert.throws(() => c.run(11n, 20n), /missing healer account/);
  });

  it('40: peer-port threshold 100 needs unanimous CLOSED; 66 accepts 2 of 3', () => {
    const run = (threshold: number): number => {
      const c = makeChain({ audit: { storage_truth_enforcement_mode: 'UNSPECIFIED', peer_port_postpone_threshold_percent: threshold } });
      c.begin(1n);
      const x = c.accounts[3]!;
      const observers = assignmentOf(c, 0n).filter((p) => p.targets.includes(x));
      assert.equal(observers.length, 3);
      observers.forEach((p, i) => {
        const obs = p.targets.map((t) => ({ targetSupernodeAccount: t, portStates: t === x && i < 2 ? [2, 1, 1] : [1, 1, 1] }));
        c.audit.keeper.submitEpochReport(2n, report(p.account, 0n, { storageChallengeObservations: obs }));
      });
      c.audit.keeper.submitEpochReport(2n, report(x, 0n));
      c.run(2n, 10n);
      const last = c.sn.keeper.getByAccount(x)!.states.at(-1)!;
      if (last.state === SuperNodeState.POSTPONED) assert.equal(last.reason, 'audit_peer_ports');
      return last.state;
    };
    assert.equal(run(100), SuperNodeState.ACTIVE);
    assert.equal(run(66), SuperNodeState.POSTPONED);
  });
});

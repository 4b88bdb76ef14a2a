/** Heal-op lifecycle (spec 03 §4): scheduling, claim, verification quorum, expiry and rescheduling. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRule, makeChain, proberWithTarget, proof, report, type TestChain } from './harness.js';
import { newTicketRow } from '../../../src/devnet/modules/audit/rows.js';
import { tGet, tSet } from '../../../src/devnet/modules/audit/table.js';
import { HealOpStatus } from '../../../src/devnet/modules/audit/enums.js';
import type { HealOp, TicketDeteriorationState } from '../../../src/devnet/modules/audit/types.js';

/** Independent FNV-1a 64 (test-side cross-check of the healer index, rule 4.2.8). */
function fnv(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) % (1n << 64n);
  return h;
}

function putTicket(c: TestChain, id: string, over: Partial<TicketDeteriorationState>): TicketDeteriorationState {
  const t = { ...newTicketRow(id), ...over };
  tSet(c.audit.keeper.state.ticketDeterioration, id, t);
  return t;
}

const op = (c: TestChain, id: bigint): HealOp => {
  const o = tGet(c.audit.keeper.state.healOps, id.toString());
  assert.ok(o, `heal op ${id}`);
  return o;
};

/** Epoch 0 anchored, one candidate ticket "42", epoch 0 ended → op 1 scheduled. */
function scheduled(opts: Parameters<typeof makeChain>[0] = {}, score = 60n) {
  const c = makeChain(opts);
  putTicket(c, '42', { deteriorationScore: score, distinctHolderFailureCount: 2, lastTargetSupernodeAccount: c.accounts[0]!, lastFailureEpoch: 0n });
  c.runReporting(1n, 10n);
  return { c, o: op(c, 1n) };
}

describe('heal-op scheduling (spec 03 §4.2)', () => {
  it('schedules a candidate with the FNV-1a healer, the next verifiers and the deadline', () => {
    const { c, o } = scheduled();
    const pool = c.accounts.filter((a) => a !== c.accounts[0]);
    const idx = Number(fnv('42\u00000') % BigInt(pool.length));
    assert.equal(o.status, HealOpStatus.SCHEDULED);
    assert.equal(o.ticketId, '42');
    assert.equal(o.scheduledEpochId, 0n);
    assert.equal(o.deadlineEpochId, 3n);
    assert.equal(o.createdHeight, 10n);
    assert.equal(o.healerSupernodeAccount, pool[idx]);
    assert.deepEqual(o.verifierSupernodeAccounts, [pool[(idx + 1) % pool.length], pool[(idx + 2) % pool.length]]);
    assert.equal(tGet(c.audit.keeper.state.ticketDeterioration, '42')?.activeHealOpId, 1n);
    const ev = c.events.find((e) => e.type === 'storage_truth_heal_op_scheduled');
    assert.deepEqual(ev?.attributes.map((a) => a.key), ['module', 'epoch_id', 'heal_op_id', 'ticket_id', 'healer_supernode_account', 'deadline_epoch_id']);
  });

  it('report-driven: an INDEX hash mismatch in epoch ≥ 1 deteriorates the ticket and schedules a heal op at the epoch end', () => {
    const c = makeChain({ audit: { storage_truth_ticket_deterioration_heal_threshold: 10 } });
    c.runReporting(1n, 10n);
    c.begin(11n);
    const p = proberWithTarget(c, 1n);
    const t = p.targets[0]!;
    c.audit.keeper.submitEpochReport(12n, report(p.account, 1n, {
      storageChallengeObservations: [{ targetSupernodeAccount: t, portStates: [1, 1, 1] }],
      storageProofResults: [proof(p.account, t, { ticketId: '9', resultClass: 2, artifactClass: 1, transcriptHash: 'hm-9' })],
    }));
    const row = tGet(c.audit.keeper.state.ticketDeterioration, '9')!;
    // 12 scaled by the reporter multiplier: its empty epoch-0 report cost +8 (decayed to 7) → m = 93 → 11.
    assert.deepEqual([row.deteriorationScore, row.lastIndexFailureEpoch, row.lastTargetSupernodeAccount], [11n, 1n, t]);
    c.reportAll(1n, 12n);
    c.run(12n, 20n);
    const o = op(c, 1n);
    assert.equal(o.ticketId, '9');
    assert.notEqual(o.healerSupernodeAccount, t, 'the failing holder is not in the pool');
    assert.ok(!o.verifierSupernodeAccounts.includes(t));
  });

  it('cap 2: priority by score, skips below-threshold, probation and tickets with an open op; next id 102 (edge case 31)', () => {
    const c = makeChain({ audit: { storage_truth_max_self_heal_ops_per_epoch: 2 } });
    c.begin(1n);
    c.audit.keeper.state.nextHealOpId = 100n;
    putTicket(c, 'low', { deteriorationScore: 49n, distinctHolderFailureCount: 2 });
    putTicket(c, 'a50', { deteriorationScore: 50n, distinctHolderFailureCount: 2 });
    putTicket(c, 'b90', { deteriorationScore: 90n, distinctHolderFailureCount: 2 });
    putTicket(c, 'probation', { deteriorationScore: 95n, distinctHolderFailureCount: 2, probationUntilEpoch: 2n });
    putTicket(c, 'busy', { deteriorationScore: 99n, distinctHolderFailureCount: 2, activeHealOpId: 7n });
    tSet(c.audit.keeper.state.healOps, '7', { healOpId: 7n, ticketId: 'busy', scheduledEpochId: 0n, healerSupernodeAccount: c.accounts[0]!, verifierSupernodeAccounts: [c.accounts[1]!], status: HealOpStatus.IN_PROGRESS, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 9n, resultHash: '', notes: '' });
    c.run(2n, 10n);
    assert.equal(op(c, 100n).ticketId, 'b90');
    assert.equal(op(c, 101n).ticketId, 'a50');
    assert.equal(c.audit.keeper.state.nextHealOpId, 102n);
    assert.equal(tGet(c.audit.keeper.state.healOps, '102'), undefined);
  });

  it('a zero id counter recovers as max(existing id) + 1 (edge case 45)', () => {
    const c = makeChain();
    c.audit.keeper.state.nextHealOpId = 0n;
    tSet(c.audit.keeper.state.healOps, '7', { healOpId: 7n, ticketId: 'old', scheduledEpochId: 0n, healerSupernodeAccount: c.accounts[0]!, verifierSupernodeAccounts: [c.accounts[1]!], status: HealOpStatus.VERIFIED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 3n, resultHash: '', notes: '' });
    putTicket(c, '42', { deteriorationScore: 60n, distinctHolderFailureCount: 2 });
    c.runReporting(1n, 10n);
    assert.equal(op(c, 8n).ticketId, '42');
    assert.equal(c.audit.keeper.state.nextHealOpId, 9n);
  });

  it('UNSPECIFIED mode schedules nothing even at deterioration 999 (edge case 34)', () => {
    const c = makeChain({ audit: { storage_truth_enforcement_mode: 'UNSPECIFIED' } });
    c.begin(1n);
    putTicket(c, '42', { deteriorationScore: 999n, distinctHolderFailureCount: 2 });
    c.run(2n, 10n);
    assert.equal(tGet(c.audit.keeper.state.healOps, '1'), undefined);
  });

  it('a pool of one account emits insufficient_verifiers and schedules nothing', () => {
    const c = makeChain({ supernodes: 2 });
    c.begin(1n);
    putTicket(c, '42', { deteriorationScore: 60n, distinctHolderFailureCount: 2, lastTargetSupernodeAccount: c.accounts[0]! });
    c.run(2n, 10n);
    assert.equal(tGet(c.audit.keeper.state.healOps, '1'), undefined);
    assert.ok(c.events.some((e) => e.type === 'storage_truth_heal_op_insufficient_verifiers'));
  });
});

describe('MsgClaimHealComplete (spec 03 §4.3)', () => {
  it('validation order and texts', () => {
    const { c, o } = scheduled();
    const k = c.audit.keeper;
    const claim = (m: Partial<Parameters<typeof k.claimHealComplete>[1] & object>) => () =>
      k.claimHealComplete(12n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '', ...m });
    assertRule(() => k.claimHealComplete(12n, undefined), 'audit', 1, 'empty request: invalid signer');
    assertRule(claim({ creator: '' }), 'audit', 1, 'creator is required: invalid signer');
    assertRule(claim({ healOpId: 0n }), 'audit', 11, 'heal_op_id is required: heal op not found');
    assertRule(claim({ ticketId: '' }), 'audit', 14, 'ticket_id is required: heal op ticket mismatch');
    assertRule(claim({ healManifestHash: '' }), 'audit', 13, 'heal_manifest_hash is required: heal op invalid state transition');
    assertRule(claim({ healOpId: 9n }), 'audit', 11, 'heal op 9 not found: heal op not found');
    assertRule(claim({ ticketId: '43' }), 'audit', 14, 'ticket_id "43" does not match heal op ticket_id "42": heal op ticket mismatch');
    assertRule(claim({ creator: o.verifierSupernodeAccounts[0]! }), 'audit', 12, 'creator is not assigned healer for this heal op: heal op unauthorized actor');
    claim({ details: '  healed 8 symbols ' })();
    assert.equal(o.status, HealOpStatus.HEALER_REPORTED);
    assert.equal(o.resultHash, 'm');
    assert.equal(o.notes, 'healed 8 symbols');
    assert.equal(o.updatedHeight, 12n);
    assertRule(claim({}), 'audit', 13, 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition');
  });

  it('an op without verifiers refuses the claim and stays SCHEDULED (edge case 29)', () => {
    const c = makeChain();
    c.begin(1n);
    const healer = c.accounts[0]!;
    tSet(c.audit.keeper.state.healOps, '5', { healOpId: 5n, ticketId: 't', scheduledEpochId: 0n, healerSupernodeAccount: healer, verifierSupernodeAccounts: [], status: HealOpStatus.SCHEDULED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 3n, resultHash: '', notes: '' });
    assertRule(
      () => c.audit.keeper.claimHealComplete(2n, { creator: healer, healOpId: 5n, ticketId: 't', healManifestHash: 'm', details: '' }),
      'audit',
      13,
      'heal op has no independent verifier assignments: heal op invalid state transition',
    );
    assert.equal(op(c, 5n).status, HealOpStatus.SCHEDULED);
  });
});

describe('MsgSubmitHealVerification and quorum (spec 03 §4.4–4.5)', () => {
  it('2 verifiers: first positive pending, repeat refused, second positive → VERIFIED with ticket effects (edge case 25)', () => {
    const { c, o } = scheduled({}, 80n);
    const k = c.audit.keeper;
    const [v1, v2] = o.verifierSupernodeAccounts as [string, string];
    const vote = (creator: string, m: Partial<Parameters<typeof k.submitHealVerification>[1] & object> = {}) => () =>
      k.submitHealVerification(22n, { creator, healOpId: 1n, verified: true, verificationHash: 'm', details: '', ...m });
    assertRule(vote(v1), 'audit', 13, 'heal op status HEAL_OP_STATUS_SCHEDULED does not accept verification: heal op invalid state transition');
    k.claimHealComplete(12n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '' });
    assertRule(() => k.submitHealVerification(22n, undefined), 'audit', 1, 'empty request: invalid signer');
    assertRule(vote(''), 'audit', 1, 'creator is required: invalid signer');
    assertRule(vote(v1, { healOpId: 0n }), 'audit', 11, 'heal_op_id is required: heal op not found');
    assertRule(vote(v1, { verificationHash: '', verified: false }), 'audit', 13, 'verification_hash is required: heal op invalid state transition');
    assertRule(vote(v1, { healOpId: 3n }), 'audit', 11, 'heal op 3 not found: heal op not found');
    assertRule(vote(o.healerSupernodeAccount), 'audit', 12, 'creator is not assigned verifier for this heal op: heal op unauthorized actor');
    assertRule(vote(v1, { verificationHash: 'zz' }), 'audit', 17, 'positive attestation hash 7a7a mismatches heal-op result hash 6d: invalid heal verification');
    vote(v1)();
    assert.equal(o.status, HealOpStatus.HEALER_REPORTED);
    assertRule(vote(v1), 'audit', 15, 'verification already submitted by creator: heal verification already submitted');
    vote(v2, { details: 'ok' })();
    assert.equal(o.status, HealOpStatus.VERIFIED);
    const t = tGet(k.state.ticketDeterioration, '42')!;
    assert.equal(t.activeHealOpId, 0n);
    assert.equal(t.deteriorationScore, 20n); // max(8, 80 / 4)
    assert.equal(t.lastHealEpoch, 2n); // height 22 is epoch 2
    assert.equal(t.probationUntilEpoch, 5n);
    assert.equal(t.distinctHolderFailureCount, 0);
    assertRule(vote(v2), 'audit', 13, 'heal op status HEAL_OP_STATUS_VERIFIED does not accept verification: heal op invalid state transition');
    assertRule(
      () => k.claimHealComplete(23n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '' }),
      'audit',
      13,
      'heal op status HEAL_OP_STATUS_VERIFIED does not accept healer completion claim: heal op invalid state transition',
    );
  });

  it('3 verifiers: one negative pending, two negatives → FAILED, ticket +15 and probation (edge case 26)', () => {
    const { c, o } = scheduled({ supernodes: 5, audit: { storage_truth_heal_verifier_count: 3 } });
    const k = c.audit.keeper;
    assert.equal(o.verifierSupernodeAccounts.length, 3);
    k.claimHealComplete(12n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '' });
    const [v1, v2] = o.verifierSupernodeAccounts as [string, string];
    k.submitHealVerification(13n, { creator: v1, healOpId: 1n, verified: false, verificationHash: 'bad-1', details: '' });
    assert.equal(o.status, HealOpStatus.HEALER_REPORTED);
    k.submitHealVerification(14n, { creator: v2, healOpId: 1n, verified: false, verificationHash: 'bad-2', details: 'missing symbols' });
    assert.equal(o.status, HealOpStatus.FAILED);
    assert.equal(o.resultHash, 'bad-2');
    const t = tGet(k.state.ticketDeterioration, '42')!;
    assert.equal(t.deteriorationScore, 75n);
    assert.equal(t.probationUntilEpoch, 4n); // epoch 1 + 3
    assert.equal(t.activeHealOpId, 0n);
    assert.ok(tGet(k.state.failedHealMarkers, `${o.healerSupernodeAccount}\u00001`));
  });

  it('1 verifier: a single negative vote fails the op (edge case 28)', () => {
    const { c, o } = scheduled({ audit: { storage_truth_heal_verifier_count: 1 } });
    const k = c.audit.keeper;
    k.claimHealComplete(12n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '' });
    k.submitHealVerification(13n, { creator: o.verifierSupernodeAccounts[0]!, healOpId: 1n, verified: false, verificationHash: 'x', details: '' });
    assert.equal(o.status, HealOpStatus.FAILED);
    assert.equal(tGet(k.state.ticketDeterioration, '42')!.deteriorationScore, 75n);
  });

  it('deadline: a claimed op expires at the end of its deadline epoch and the ticket is rescheduled after probation (edge case 32)', () => {
    const { c, o } = scheduled({}, 50n);
    const k = c.audit.keeper;
    k.claimHealComplete(12n, { creator: o.healerSupernodeAccount, healOpId: 1n, ticketId: '42', healManifestHash: 'm', details: '' });
    k.submitHealVerification(13n, { creator: o.verifierSupernodeAccounts[0]!, healOpId: 1n, verified: true, verificationHash: 'm', details: '' });
    k.submitHealVerification(14n, { creator: o.verifierSupernodeAccounts[1]!, healOpId: 1n, verified: false, verificationHash: 'n', details: '' });
    c.runReporting(11n, 39n);
    assert.equal(o.status, HealOpStatus.HEALER_REPORTED);
    c.runReporting(40n, 40n); // end of epoch 3 = deadline
    assert.equal(o.status, HealOpStatus.EXPIRED);
    assert.equal(o.updatedHeight, 40n);
    const t = tGet(k.state.ticketDeterioration, '42')!;
    assert.equal(t.deteriorationScore, 65n);
    assert.equal(t.probationUntilEpoch, 6n);
    assert.equal(t.activeHealOpId, 0n);
    assert.ok(c.events.some((e) => e.type === 'storage_truth_heal_op_expired' && e.attributes.some((a) => a.key === 'heal_op_id' && a.value === '1')));
    c.runReporting(41n, 60n);
    assert.equal(tGet(k.state.healOps, '2'), undefined, 'no new op while in probation (until epoch 6)');
    c.runReporting(61n, 70n); // end of epoch 6: probation_until (6) <= 6
    const next = op(c, 2n);
    assert.equal(next.ticketId, '42');
    assert.equal(next.scheduledEpochId, 6n);
    assert.equal(next.status, HealOpStatus.SCHEDULED);
  });

  it('an unclaimed op also expires; expiry runs in UNSPECIFIED mode too (spec 03 §10.10)', () => {
    const { c, o } = scheduled();
    c.audit.keeper.state.params.storageTruthEnforcementMode = 0;
    c.run(11n, 40n);
    assert.equal(o.status, HealOpStatus.EXPIRED);
  });
});

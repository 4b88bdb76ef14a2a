/** MsgSubmitStorageRecheckEvidence (spec 03 §5): every validation step in order and the effects of §5.2. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRule, keyFor, makeChain, proberWithTarget, proof, report } from './harness.js';
import { tGet } from '../../../src/devnet/modules/audit/table.js';
import type { MsgSubmitStorageRecheckEvidence } from '../../../src/devnet/modules/audit/types.js';

const SUF = ': invalid storage recheck evidence';

/** Epoch 0: prober P reported HASH_MISMATCH (SYMBOL) on its target T for ticket "1" under transcript "th-orig". */
function setup(opts: Parameters<typeof makeChain>[0] = {}) {
  const c = makeChain(opts);
  c.begin(1n);
  const p = proberWithTarget(c, 0n);
  const t = p.targets[0]!;
  const r = c.accounts.find((x) => x !== p.account && x !== t)!;
  c.audit.keeper.submitEpochReport(
    2n,
    report(p.account, 0n, {
      storageChallengeObservations: [{ targetSupernodeAccount: t, portStates: [1, 1, 1] }],
      storageProofResults: [proof(p.account, t, { resultClass: 2, transcriptHash: 'th-orig' })],
    }),
  );
  const msg = (over: Partial<MsgSubmitStorageRecheckEvidence> = {}): MsgSubmitStorageRecheckEvidence => ({
    creator: r,
    epochId: 0n,
    challengedSupernodeAccount: t,
    ticketId: '1',
    challengedResultTranscriptHash: 'th-orig',
    recheckTranscriptHash: 'th-recheck',
    recheckResultClass: 7,
    details: '',
    ...over,
  });
  const send = (over: Partial<MsgSubmitStorageRecheckEvidence> = {}, h = 3n) => () => c.audit.keeper.submitRecheckEvidence(h, msg(over));
  return { c, p, t, r, msg, send };
}

describe('recheck evidence validation order (spec 03 §5.1)', () => {
  it('steps 1–17 with their exact texts', () => {
    const { c, p, r, send } = setup();
    const stranger = keyFor('stranger').account;
    assertRule(() => c.audit.keeper.submitRecheckEvidence(3n, undefined), 'audit', 1, 'empty request: invalid signer');
    assertRule(send({ creator: '' }), 'audit', 1, 'creator is required: invalid signer');
    assertRule(send({ challengedSupernodeAccount: '' }), 'audit', 10, 'challenged_supernode_account is required' + SUF);
    assertRule(send({ challengedSupernodeAccount: r }), 'audit', 10, 'challenged_supernode_account must not equal creator' + SUF);
    assertRule(send({ ticketId: '' }), 'audit', 10, 'ticket_id is required' + SUF);
    assertRule(send({ challengedResultTranscriptHash: '' }), 'audit', 10, 'challenged_result_transcript_hash is required' + SUF);
    assertRule(send({ recheckTranscriptHash: '' }), 'audit', 10, 'recheck_transcript_hash is required' + SUF);
    assertRule(send({ epochId: 4n }), 'audit', 2, 'epoch anchor not found for epoch_id 4: invalid epoch id');
    assertRule(send({ creator: stranger }), 'audit', 7, 'creator is not a registered supernode: reporter supernode not found');
    assertRule(send({ challengedSupernodeAccount: stranger }), 'audit', 10, 'challenged_supernode_account is not a registered supernode' + SUF);
    assertRule(send({ recheckResultClass: 0 }), 'audit', 10, 'recheck_result_class is invalid' + SUF);
    assertRule(send({ recheckResultClass: 5 }), 'audit', 10, 'recheck_result_class is invalid' + SUF);
    assertRule(send({ challengedResultTranscriptHash: 'nope' }), 'audit', 10, 'challenged_result_transcript_hash does not reference a submitted storage proof result' + SUF);
    c.run(2n, 10n);
    c.begin(11n);
    assertRule(send({ epochId: 1n }, 12n), 'audit', 10, 'challenged result epoch 0 does not match request epoch 1' + SUF);
    assertRule(send({ ticketId: '2' }), 'audit', 10, 'challenged result ticket_id does not match request ticket_id' + SUF);
    assertRule(send({ challengedSupernodeAccount: p.account }), 'audit', 10, 'challenged result target does not match challenged_supernode_account' + SUF);
    assertRule(send({ creator: p.account }), 'audit', 10, 'creator must be independent from the challenged result reporter' + SUF);
  });

  it('step 17: a PASS result is not recheck-eligible', () => {
    const c = makeChain();
    c.begin(1n);
    const p = proberWithTarget(c, 0n);
    const t = p.targets[0]!;
    const r = c.accounts.find((x) => x !== p.account && x !== t)!;
    c.audit.keeper.submitEpochReport(2n, report(p.account, 0n, { storageProofResults: [proof(p.account, t, { resultClass: 1, transcriptHash: 'th-pass' })] }));
    assertRule(
      () => c.audit.keeper.submitRecheckEvidence(3n, { creator: r, epochId: 0n, challengedSupernodeAccount: t, ticketId: '1', challengedResultTranscriptHash: 'th-pass', recheckTranscriptHash: 'rh', recheckResultClass: 1, details: '' }),
      'audit',
      10,
      'challenged result class is not recheck-eligible' + SUF,
    );
  });

  it('steps 18–20: replay, second rechecker, recheck-hash reuse (edge case 19)', () => {
    const { c, p, t, r, send } = setup({ supernodes: 5 });
    send()();
    assertRule(send(), 'audit', 10, `recheck evidence already submitted for epoch 0 ticket "1" by "${r}"` + SUF);
    const r2 = c.accounts.find((x) => x !== p.account && x !== t && x !== r)!;
    assertRule(send({ creator: r2, recheckTranscriptHash: 'th-other' }), 'audit', 10, 'challenged transcript "th-orig" already linked to recheck transcript "th-recheck"' + SUF);
    assertRule(send({ creator: r2 }), 'audit', 10, 'recheck transcript hash "th-recheck" already recorded for a different challenged transcript or reporter' + SUF);
  });

  it('a routine transcript hash cannot be reused as a recheck hash (rule 20)', () => {
    const { send } = setup();
    assertRule(send({ recheckTranscriptHash: 'th-orig' }), 'audit', 10, 'recheck transcript hash "th-orig" already recorded for a different challenged transcript or reporter' + SUF);
  });
});

describe('recheck effects (spec 03 §5.2)', () => {
  it('RECHECK_CONFIRMED_FAIL: target +15, ticket +8, rechecker +3, original reporter −3; event emitted (edge case 23)', () => {
    const { c, p, t, r } = setup();
    const k = c.audit.keeper;
    const before = tGet(k.state.nodeSuspicion, t)!.suspicionScore; // 18 from the SYMBOL hash mismatch
    assert.equal(before, 18n);
    const events: string[] = [];
    c.audit.keeper.submitRecheckEvidence(3n, { creator: r, epochId: 0n, challengedSupernodeAccount: t, ticketId: '1', challengedResultTranscriptHash: 'th-orig', recheckTranscriptHash: 'th-recheck', recheckResultClass: 7, details: '' }, (e) => events.push(e.type));
    assert.equal(tGet(k.state.nodeSuspicion, t)!.suspicionScore, 33n);
    assert.equal(tGet(k.state.reporterReliability, r)!.reliabilityScore, 3n);
    assert.equal(tGet(k.state.reporterReliability, p.account)!.reliabilityScore, 0n); // 1 − 3, floored
    assert.equal(tGet(k.state.ticketDeterioration, '1')!.deteriorationScore, 13n); // 5 + 8
    assert.ok(events.includes('storage_truth_recheck_evidence_submitted'));
    const rec = tGet(k.state.transcripts, 'th-orig')!;
    assert.equal(rec.linkedRecheckHash, 'th-recheck');
    assert.equal(rec.confirmed, true);
    const synthetic = tGet(k.state.transcripts, 'th-recheck')!;
    assert.equal(synthetic.bucketType, 4);
    assert.equal(synthetic.reporter, r);
    assert.equal(synthetic.recheckEligible, false);
  });

  it('PASS overturns: original reporter +25, never raises node suspicion (edge cases 22, 23)', () => {
    const { c, p, t, r } = setup();
    const k = c.audit.keeper;
    c.audit.keeper.submitRecheckEvidence(3n, { creator: r, epochId: 0n, challengedSupernodeAccount: t, ticketId: '1', challengedResultTranscriptHash: 'th-orig', recheckTranscriptHash: 'th-recheck', recheckResultClass: 1, details: '' });
    assert.equal(tGet(k.state.reporterReliability, p.account)!.reliabilityScore, 26n); // 1 + 25
    assert.equal(tGet(k.state.reporterReliability, p.account)!.contradictionCount, 1n);
    assert.equal(tGet(k.state.nodeSuspicion, t)!.suspicionScore, 16n); // 18 − 2
    assert.equal(tGet(k.state.transcripts, 'th-orig')!.contradicted, true);
  });
});

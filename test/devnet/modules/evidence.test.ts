/** MsgSubmitEvidence, legacy storage-challenge path (spec 03 §8): reserved types and challenger authorization. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { submitEvidence, legacyChallengers } from '../../../src/devnet/modules/audit/evidence.js';
import { getAnchor } from '../../../src/devnet/modules/audit/epochs.js';
import { assertRule, makeChain } from './harness.js';

describe('MsgSubmitEvidence', () => {
  it('refuses UNSPECIFIED and action-module types, bad addresses and empty metadata', () => {
    const c = makeChain();
    c.begin(1n);
    const [a, b] = c.accounts as [string, string];
    const send = (over: Partial<Parameters<typeof submitEvidence>[1] & object>) => () =>
      submitEvidence(c.env(2n), { creator: a, subjectAddress: b, evidenceType: 4, actionId: '', metadata: '{}', ...over });
    assertRule(send({ evidenceType: 0 }), 'audit', 1101, 'invalid evidence type');
    for (const t of [1, 2, 3, 5]) assertRule(send({ evidenceType: t }), 'audit', 1101, 'evidence type is reserved for the action module: invalid evidence type');
    assertRule(send({ metadata: '' }), 'audit', 1102, 'invalid evidence metadata');
    assertRule(send({ actionId: 'x'.repeat(4097) }), 'audit', 1105, 'action_id is too large: invalid action id');
    assert.throws(send({ subjectAddress: 'nope' }), (e: unknown) => e instanceof Error && e.message.endsWith(': invalid subject address'));
    const meta = (challenger: string, challenged: string) => JSON.stringify({ epoch_id: '0', challenger_supernode_account: challenger, challenged_supernode_account: challenged });
    assertRule(send({ metadata: meta(b, b) }), 'audit', 1104, 'reporter must match challenger_supernode_account: invalid reporter address');
    assertRule(send({ metadata: meta(a, a) }), 'audit', 1103, 'subject_address must match challenged_supernode_account: invalid subject address');
  });

  it('accepts an authorized challenger against an anchor target and numbers evidence from 1', () => {
    const c = makeChain({ supernodes: 6 });
    c.begin(1n);
    const anchor = getAnchor(c.audit.keeper, 0n)!;
    const chosen = legacyChallengers(anchor.activeSupernodeAccounts, anchor.seed, 0n, 0);
    assert.equal(chosen.length, 2, 'auto = max(1, ceil(6 / 3))');
    const challenger = chosen[0]!;
    const outsider = anchor.activeSupernodeAccounts.find((x) => !chosen.includes(x))!;
    const subject = anchor.targetSupernodeAccounts.find((x) => x !== challenger)!;
    const meta = (ch: string) => JSON.stringify({ epochId: '0', challengerSupernodeAccount: ch, challengedSupernodeAccount: subject, failure_type: 'TIMEOUT' });
    assertRule(
      () => submitEvidence(c.env(2n), { creator: outsider, subjectAddress: subject, evidenceType: 4, actionId: '', metadata: meta(outsider) }),
      'audit',
      1104,
      'reporter is not an authorized challenger for epoch: invalid reporter address',
    );
    assert.equal(submitEvidence(c.env(2n), { creator: challenger, subjectAddress: subject, evidenceType: 4, actionId: '7', metadata: meta(challenger) }), 1n);
    assert.equal(submitEvidence(c.env(3n), { creator: challenger, subjectAddress: subject, evidenceType: 4, actionId: '7', metadata: meta(challenger) }), 2n);
    c.audit.keeper.state.params.scEnabled = false;
    assertRule(
      () => submitEvidence(c.env(3n), { creator: challenger, subjectAddress: subject, evidenceType: 4, actionId: '', metadata: meta(challenger) }),
      'audit',
      1101,
      'storage challenge evidence is disabled: invalid evidence type',
    );
  });
});

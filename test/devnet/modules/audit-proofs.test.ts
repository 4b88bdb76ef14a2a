/** Storage-proof results of MsgSubmitEpochReport: structure (spec 03 §3.2) and artifact/NO_ELIGIBLE checks (§3.3). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRule, makeChain, proberWithTarget, assignmentOf, proof, report, type TestChain } from './harness.js';
import { tGet } from '../../../src/devnet/modules/audit/table.js';
import type { StorageProofResult } from '../../../src/devnet/modules/audit/types.js';

const F0 = 'storage_proof_results[0]';
const SUFFIX = ': invalid storage proof results';

function setup(opts: Parameters<typeof makeChain>[0] = {}) {
  const c = makeChain(opts);
  c.begin(1n);
  const p = proberWithTarget(c, 0n);
  const t = p.targets[0]!;
  const send = (results: (StorageProofResult | undefined)[], h = 2n) => () =>
    c.audit.keeper.submitEpochReport(h, report(p.account, 0n, { storageProofResults: results }));
  return { c, p, t, send };
}

describe('storage proof result structure (spec 03 §3.2)', () => {
  it('rule 3.2.2 / edge case 6: a non-prober may not send proof results (code 8)', () => {
    const c = makeChain({ supernode: { states: { sn0: 'POSTPONED' } } });
    c.begin(1n);
    const postponed = c.genesis[0]!.account;
    const other = c.accounts.find((x) => x !== postponed)!;
    assertRule(
      () => c.audit.keeper.submitEpochReport(2n, report(postponed, 0n, { storageProofResults: [proof(postponed, other)] })),
      'audit',
      8,
      'reporter not eligible for storage proof results in this epoch: invalid reporter state',
    );
  });

  it('per-result checks a–m in order', () => {
    const { c, p, t, send } = setup();
    const me = p.account;
    const unassigned = c.accounts.find((x) => x !== me && x !== t)!;
    const cases: [Partial<StorageProofResult> | undefined, string][] = [
      [undefined, `${F0} must not be nil`],
      [{ targetSupernodeAccount: '' }, `${F0}.target_supernode_account is required`],
      [{ challengerSupernodeAccount: '' }, `${F0}.challenger_supernode_account is required`],
      [{ challengerSupernodeAccount: t }, `${F0}.challenger_supernode_account must match report creator`],
      [{ targetSupernodeAccount: me }, `${F0} must not target the reporter`],
      [{ targetSupernodeAccount: unassigned }, `${F0}.target_supernode_account "${unassigned}" is not assigned to reporter in this epoch`],
      [{ transcriptHash: '' }, `${F0}.transcript_hash is required`],
      [{ bucketType: 0 }, `${F0}.bucket_type is invalid`],
      [{ bucketType: 5 }, `${F0}.bucket_type is invalid`],
      [{ resultClass: 0 }, `${F0}.result_class is invalid`],
      [{ resultClass: 8 }, `${F0}.result_class is invalid`],
      [{ resultClass: 5, bucketType: 3, ticketId: '' }, `${F0}.result_class NO_ELIGIBLE_TICKET is only valid for RECENT or OLD buckets`],
      [{ resultClass: 5 }, `${F0}.ticket_id must be empty for NO_ELIGIBLE_TICKET`],
      [{ resultClass: 5, ticketId: '' }, `${F0}.artifact_class must be UNSPECIFIED for NO_ELIGIBLE_TICKET`],
      [{ resultClass: 5, ticketId: '', artifactClass: 0, artifactOrdinal: 1 }, `${F0}.artifact_ordinal must be 0 for NO_ELIGIBLE_TICKET`],
      [{ resultClass: 5, ticketId: '', artifactClass: 0 }, `${F0}.artifact_key must be empty for NO_ELIGIBLE_TICKET`],
      [{ ticketId: '' }, `${F0}.ticket_id is required`],
      [{ artifactCount: 0 }, `${F0}.artifact_count must be > 0`],
      [{ artifactOrdinal: 8 }, `${F0}.artifact_ordinal must be < artifact_count`],
      [{ derivationInputHash: '' }, `${F0}.derivation_input_hash is required`],
      [{ challengerSignature: '' }, `${F0}.challenger_signature is required`],
      [{ artifactClass: 0 }, `${F0}.artifact_class is invalid`],
      [{ artifactKey: '' }, `${F0}.artifact_key is required`],
      [{ resultClass: 7, bucketType: 1 }, `${F0}.result_class RECHECK_CONFIRMED_FAIL requires RECHECK bucket`],
    ];
    for (const [over, text] of cases) {
      assertRule(send([over === undefined ? undefined : proof(me, t, over)]), 'audit', 9, text + SUFFIX);
    }
  });

  it('descriptor uniqueness ignores result_class and artifact_key (edge case 7)', () => {
    const { p, t, send } = setup();
    const a = proof(p.account, t, { transcriptHash: 'x1' });
    const b = proof(p.account, t, { transcriptHash: 'x2', resultClass: 2, artifactKey: 'other' });
    assertRule(send([a, b]), 'audit', 9, `storage_proof_results[1] duplicates another storage proof result descriptor${SUFFIX}`);
  });

  it('FULL mode: RECENT only is refused, RECENT + OLD accepted, zero results refused (edge case 10)', () => {
    const { p, t, send, c } = setup({ audit: { storage_truth_enforcement_mode: 'FULL' } });
    const recent = proof(p.account, t, { bucketType: 1, transcriptHash: 'r' });
    const old = proof(p.account, t, { bucketType: 2, transcriptHash: 'o' });
    assertRule(send([]), 'audit', 9, `storage_proof_results must include RECENT and OLD entries for every assigned target${SUFFIX}`);
    assertRule(send([recent]), 'audit', 9, `assigned target "${t}" must have exactly one RECENT and one OLD storage proof result${SUFFIX}`);
    const recent2 = proof(p.account, t, { bucketType: 1, ticketId: '2', transcriptHash: 'r2' });
    assertRule(send([recent, recent2, old]), 'audit', 9, `storage_proof_results[1] duplicates RECENT storage proof for assigned target${SUFFIX}`);
    const old2 = proof(p.account, t, { bucketType: 2, ticketId: '2', transcriptHash: 'o2' });
    assertRule(send([recent, old, old2]), 'audit', 9, `storage_proof_results[2] duplicates OLD storage proof for assigned target${SUFFIX}`);
    send([recent, old])();
    assert.ok(tGet(c.audit.keeper.state.reports, `0\u0000${p.account}`));
  });

  it('FULL mode: a prober without targets may send an empty report', () => {
    const c = makeChain({ audit: { storage_truth_enforcement_mode: 'FULL' } });
    c.begin(1n);
    const idle = assignmentOf(c, 0n).find((x) => x.isProber && x.targets.length === 0)!;
    c.audit.keeper.submitEpochReport(2n, report(idle.account, 0n));
  });
});

describe('artifact counts and NO_ELIGIBLE history (spec 03 §3.3)', () => {
  it('artifact count must equal the canonical count (edge case 8) and counts are immutable (edge case 46)', () => {
    const { c, p, t, send } = setup();
    c.audit.keeper.anchorArtifactCounts('1', 8, 20);
    assertRule(send([proof(p.account, t, { artifactClass: 1, artifactCount: 9 })]), 'audit', 16, `${F0} index artifact_count 9 does not match canonical count 8 for ticket "1": ticket artifact count mismatch`);
    assertRule(send([proof(p.account, t, { artifactClass: 2, artifactCount: 8 })]), 'audit', 16, `${F0} symbol artifact_count 8 does not match canonical count 20 for ticket "1": ticket artifact count mismatch`);
    assertRule(() => c.audit.keeper.anchorArtifactCounts('1', 9, 20), 'audit', 9, 'ticket "1" index artifact count is immutable (existing=8, new=9): invalid storage proof results');
    const events: string[] = [];
    c.audit.keeper.submitEpochReport(2n, report(p.account, 0n, { storageProofResults: [proof(p.account, t, { ticketId: '77', artifactCount: 3 })] }), (e) => events.push(e.type));
    assert.ok(events.includes('storage_truth_artifact_count_unanchored'));
  });

  it('NO_ELIGIBLE_TICKET conflicts with another reporter\'s PASS on the same target/bucket inside the window (edge case 9)', () => {
    // Legacy mode with 4 nodes: every prober is assigned all three others, so two reporters share targets.
    const c = makeChain({ audit: { storage_truth_enforcement_mode: 'UNSPECIFIED' } });
    c.begin(1n);
    const [a, b] = assignmentOf(c, 0n).filter((x) => x.targets.length === 3) as unknown as [{ account: string; targets: string[] }, { account: string; targets: string[] }];
    const x = a.targets.find((t) => b.targets.includes(t) && t !== b.account)!;
    c.audit.keeper.submitEpochReport(2n, report(a.account, 0n, { storageProofResults: [proof(a.account, x, { transcriptHash: 'pass-a' })] }));
    const ne = (bucketType: number, th: string) =>
      proof(b.account, x, { resultClass: 5, bucketType, ticketId: '', artifactClass: 0, artifactKey: '', artifactCount: 0, transcriptHash: th });
    const send = (h: bigint, e: bigint, r: StorageProofResult) => () => c.audit.keeper.submitEpochReport(h, report(b.account, e, { storageProofResults: [r] }));
    assertRule(
      send(3n, 0n, ne(1, 'ne-recent')),
      'audit',
      9,
      `${F0} NO_ELIGIBLE_TICKET conflicts with recently observed eligible ticket history for target "${x}" bucket STORAGE_PROOF_BUCKET_TYPE_RECENT${SUFFIX}`,
    );
    // OLD bucket has no eligible history for that target: accepted.
    send(3n, 0n, ne(2, 'ne-old'))();
    // RECENT window = ceil(recent_bucket_max_blocks / L) = ceil(30 / 10) = 3 epochs: epoch 3 no longer sees epoch 0.
    c.run(2n, 10n);
    c.runReporting(11n, 30n);
    c.begin(31n);
    send(32n, 3n, ne(1, 'ne-recent-3'))();
  });
});

/** Chain assignment wiring (spec 03 §2): anchors, snapshot params, reliability filter, agreement with src/deterministic. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chainAssignedTargets } from '../../../src/deterministic/index.js';
import { assignedTargets, eligibleChallengers } from '../../../src/devnet/modules/audit/assignment.js';
import { getAnchor, snapshotParams } from '../../../src/devnet/modules/audit/epochs.js';
import { newReporterRow } from '../../../src/devnet/modules/audit/rows.js';
import { tSet } from '../../../src/devnet/modules/audit/table.js';
import type { EpochAnchor } from '../../../src/devnet/modules/audit/types.js';
import { loadVectorFile } from '../../helpers/vectors.js';
import { makeChain } from './harness.js';

describe('audit assignment (spec 03 §2)', () => {
  it('anchors freeze ACTIVE+STORAGE_FULL as active and +POSTPONED as targets, sorted, with the block-hash seed', () => {
    const c = makeChain({ supernodes: 5, supernode: { states: { sn1: 'POSTPONED', sn2: 'STORAGE_FULL', sn3: 'DISABLED' } } });
    c.begin(1n);
    const a = getAnchor(c.audit.keeper, 0n)!;
    const acct = (i: number) => c.genesis[i]!.account;
    const sorted = (xs: string[]) => [...xs].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(a.activeSupernodeAccounts, sorted([acct(0), acct(2), acct(4)]));
    assert.deepEqual(a.targetSupernodeAccounts, sorted([acct(0), acct(1), acct(2), acct(4)]));
    assert.equal(a.epochStartHeight, 1n);
    assert.equal(a.epochEndHeight, 10n);
    assert.equal(a.seed.length, 32);
    // No anchor at a non-start height; one per epoch start.
    c.begin(2n);
    assert.equal(getAnchor(c.audit.keeper, 1n), undefined);
    c.run(2n, 11n);
    assert.notDeepEqual(getAnchor(c.audit.keeper, 1n)!.seed, a.seed);
  });

  it('agrees with src/deterministic chainAssignedTargets for several seeds and every reporter', () => {
    const c = makeChain({ supernodes: 7 });
    c.runReporting(1n, 50n);
    for (let e = 0n; e < 5n; e++) {
      const anchor = getAnchor(c.audit.keeper, e)!;
      const snap = snapshotParams(c.audit.keeper, e);
      const eligible = eligibleChallengers(c.audit.keeper, anchor, snap);
      let withTargets = 0;
      for (const reporter of anchor.targetSupernodeAccounts) {
        const expected = chainAssignedTargets({ seed: anchor.seed, eligibleChallengers: eligible, anchorTargets: anchor.targetSupernodeAccounts, params: { mode: snap.storageTruthEnforcementMode, challengeTargetDivisor: snap.storageTruthChallengeTargetDivisor }, reporter });
        const got = assignedTargets(c.audit.keeper, anchor, reporter);
        assert.deepEqual(got, expected);
        if (got.targets.length > 0) {
          withTargets++;
          assert.notEqual(got.targets[0], reporter);
        }
      }
      assert.equal(withTargets, 3, 'ceil(7 / 3) probers get one target each');
    }
  });

  it('reproduces the ChainAssignedTargets vectors through a planted anchor and snapshot', () => {
    const file = loadVectorFile('deterministic.json');
    const vectors = file.vectors.filter((v) => v.function === 'ChainAssignedTargets' && !('error' in (v.expected as object)));
    assert.ok(vectors.length >= 5);
    for (const v of vectors) {
      const inp = v.inputs as Record<string, unknown>;
      const c = makeChain({
        audit: {
          storage_truth_enforcement_mode: inp.mode,
          storage_truth_challenge_target_divisor: (inp.divisor as number | undefined) ?? 3,
          peer_quorum_reports: (inp.peer_quorum_reports as number | undefined) ?? 3,
          min_probe_targets_per_epoch: (inp.min_probe_targets_per_epoch as number | undefined) ?? 3,
          max_probe_targets_per_epoch: (inp.max_probe_targets_per_epoch as number | undefined) ?? 5,
        },
      });
      const anchor: EpochAnchor = {
        epochId: 0n,
        epochStartHeight: 1n,
        epochEndHeight: 10n,
        epochLengthBlocks: 10n,
        seed: new Uint8Array(Buffer.from(inp.seed_hex as string, 'hex')),
        activeSupernodeAccounts: inp.eligible_challengers as string[],
        targetSupernodeAccounts: inp.anchor_targets as string[],
        paramsCommitment: new Uint8Array(),
        activeSetCommitment: new Uint8Array(),
        targetsSetCommitment: new Uint8Array(),
      };
      tSet(c.audit.keeper.state.anchors, '0', anchor);
      const got = assignedTargets(c.audit.keeper, anchor, inp.reporter as string);
      const exp = v.expected as { targets: string[]; is_prober: boolean };
      assert.deepEqual({ targets: got.targets, isProber: got.isProber }, { targets: exp.targets, isProber: exp.is_prober }, v.id);
    }
  });

  it('a reporter at the ineligible threshold drops out and the walk reshuffles (rules 2.1.3, 2.1.4)', () => {
    const c = makeChain({ supernodes: 6 });
    c.begin(1n);
    const anchor = getAnchor(c.audit.keeper, 0n)!;
    const before = assignedTargets(c.audit.keeper, anchor, anchor.activeSupernodeAccounts[0]!);
    assert.equal(before.isProber, true);
    tSet(c.audit.keeper.state.reporterReliability, anchor.activeSupernodeAccounts[0]!, { ...newReporterRow(anchor.activeSupernodeAccounts[0]!), reliabilityScore: 90n });
    const after = assignedTargets(c.audit.keeper, anchor, anchor.activeSupernodeAccounts[0]!);
    assert.deepEqual(after, { targets: [], isProber: false });
    // ineligible_until_epoch keeps it out even with a low score.
    tSet(c.audit.keeper.state.reporterReliability, anchor.activeSupernodeAccounts[0]!, { ...newReporterRow(anchor.activeSupernodeAccounts[0]!), reliabilityScore: 10n, ineligibleUntilEpoch: 0n + 7n });
    assert.equal(assignedTargets(c.audit.keeper, anchor, anchor.activeSupernodeAccounts[0]!).isProber, false);
  });

  it('6 eligible with divisor 3: exactly 2 probers with one distinct non-self target; POSTPONED can be a target (edge case 42)', () => {
    const c = makeChain({ supernodes: 7, supernode: { states: { sn6: 'POSTPONED' } } });
    c.begin(1n);
    const anchor = getAnchor(c.audit.keeper, 0n)!;
    assert.equal(anchor.activeSupernodeAccounts.length, 6);
    const results = anchor.targetSupernodeAccounts.map((r) => ({ r, ...assignedTargets(c.audit.keeper, anchor, r) }));
    const probersWithTarget = results.filter((x) => x.targets.length > 0);
    assert.equal(probersWithTarget.length, 2);
    assert.equal(new Set(probersWithTarget.map((x) => x.targets[0])).size, 2);
    for (const x of probersWithTarget) assert.notEqual(x.targets[0], x.r);
    const postponed = results.find((x) => x.r === c.genesis[6]!.account)!;
    assert.equal(postponed.isProber, false);
  });
});

/** The modules as the node sees them: byte-level msg handlers, event buffering, persistence round trip. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditMsgTypes, auditQuery } from '../../../src/wire/index.js';
import { encodeState, decodeState } from '../../../src/devnet/state-codec.js';
import { ChainRuleError, type AbciEvent, type TxContext } from '../../../src/devnet/modules/types.js';
import { headerHash, makeChain, proberWithTarget, proof } from './harness.js';

function txCtx(height: bigint, signer: string): TxContext {
  return {
    height,
    time: new Date(Date.UTC(2026, 0, 1)),
    headerHash: headerHash(height),
    chainId: 'lumera-test-1',
    signers: [signer],
    msgIndex: 0,
    simulate: false,
    gasMeter: { consume: () => undefined, consumed: () => 0n },
  };
}

const T = auditMsgTypes;

describe('audit module contract', () => {
  it('executes encoded msgs, reports the signer, emits events only on success', () => {
    const c = makeChain();
    c.begin(1n);
    const p = proberWithTarget(c, 0n);
    const t = p.targets[0]!;
    const h = c.audit.msgs[T.MsgSubmitEpochReport.typeUrl]!;
    const bad = T.MsgSubmitEpochReport.codec.encode(T.MsgSubmitEpochReport.codec.fromPartial({ creator: p.account, epochId: 9n, hostReport: {} })).finish();
    assert.deepEqual(h.signers(bad), [p.account]);
    const events: AbciEvent[] = [];
    assert.throws(() => h.execute(txCtx(2n, p.account), bad, (e) => events.push(e)), (e: unknown) => e instanceof ChainRuleError && e.log === 'epoch_id 9 not accepted at height 2: invalid epoch id');
    assert.equal(events.length, 0);
    const good = T.MsgSubmitEpochReport.codec
      .encode(
        T.MsgSubmitEpochReport.codec.fromPartial({
          creator: p.account,
          epochId: 0n,
          hostReport: { diskUsagePercent: 10 },
          storageChallengeObservations: [{ targetSupernodeAccount: t, portStates: [1, 1, 1] }],
          storageProofResults: [proof(p.account, t, { resultClass: 2, artifactClass: 1, transcriptHash: 'abc' })],
        }),
      )
      .finish();
    const res = h.execute(txCtx(2n, p.account), good, (e) => events.push(e));
    assert.deepEqual(T.MsgSubmitEpochReportResponse.codec.decode(res), {});
    assert.ok(events.some((e) => e.type === 'storage_truth_score_updated'));
    assert.ok(events.some((e) => e.type === 'storage_truth_artifact_count_unanchored' && !e.attributes.some((a) => a.key === 'module')));
    assert.throws(() => h.execute(txCtx(2n, p.account), new Uint8Array([0xff, 0xff, 0xff]), () => undefined), (e: unknown) => e instanceof ChainRuleError && e.codespace === 'sdk' && e.abciCode === 2);
  });

  it('MsgUpdateParams: only the gov authority; epoch length is immutable; mode 0 stays UNSPECIFIED', () => {
    const c = makeChain();
    const gov = c.bank.moduleAddress('gov');
    const h = c.audit.msgs[T.MsgUpdateParams.typeUrl]!;
    const params = { ...c.audit.keeper.state.params };
    const enc = (authority: string, p: typeof params) => T.MsgUpdateParams.codec.encode(T.MsgUpdateParams.codec.fromPartial({ authority, params: p })).finish();
    assert.throws(() => h.execute(txCtx(2n, c.accounts[0]!), enc(c.accounts[0]!, params), () => undefined), (e: unknown) => e instanceof ChainRuleError && e.abciCode === 1 && e.log.startsWith('invalid authority; expected '));
    assert.throws(() => h.execute(txCtx(2n, gov), enc(gov, { ...params, epochLengthBlocks: 11n }), () => undefined), (e: unknown) => e instanceof ChainRuleError && e.log === 'epoch_length_blocks is immutable after genesis: invalid signer');
    h.execute(txCtx(2n, gov), enc(gov, { ...params, storageTruthEnforcementMode: 0, storageTruthHealVerifierCount: 0 }), () => undefined);
    assert.equal(c.audit.keeper.state.params.storageTruthEnforcementMode, 0);
    assert.equal(c.audit.keeper.state.params.storageTruthHealVerifierCount, 2, 'zero is replaced by the default');
  });

  it('state survives the node persistence codec and importState (supernode, action, audit)', () => {
    const c = makeChain();
    c.runReporting(1n, 10n);
    c.run(11n, 12n);
    const p = proberWithTarget(c, 1n);
    c.audit.keeper.submitEpochReport(13n, {
      creator: p.account,
      epochId: 1n,
      hostReport: undefined,
      storageChallengeObservations: [{ targetSupernodeAccount: p.targets[0]!, portStates: [1, 1, 1] }],
      storageProofResults: [proof(p.account, p.targets[0]!, { resultClass: 3, transcriptHash: 'persist' })],
    });
    const saved = [c.sn, c.action, c.audit].map((m) => encodeState(m.exportState()));
    const d = makeChain();
    [d.sn, d.action, d.audit].forEach((m, i) => m.importState(decodeState(saved[i]!)));
    assert.deepEqual(d.audit.keeper.state, c.audit.keeper.state);
    assert.deepEqual(d.sn.keeper.all(), c.sn.keeper.all());
    const q = auditQuery.epochReport;
    const bytes = (m: typeof c.audit) => m.queries[q.path]!({ height: 13n, time: new Date(0), headerHash: headerHash(13n), chainId: 'x' }, q.request.encode({ epochId: 1n, supernodeAccount: p.account }).finish());
    assert.deepEqual(bytes(d.audit), bytes(c.audit));
    // Both chains continue identically.
    c.run(13n, 30n);
    d.run(13n, 30n);
    assert.deepEqual(d.audit.keeper.state, c.audit.keeper.state);
  });
});

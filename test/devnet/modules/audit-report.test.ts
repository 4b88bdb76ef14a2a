/** MsgSubmitEpochReport: one test per validation step of spec 03 §3.1 with the chain's exact text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRule, keyFor, makeChain, proberWithTarget, assignmentOf, host, report, type TestChain } from './harness.js';
import { SuperNodeState } from '../../../src/devnet/modules/supernode/keeper.js';
import { tGet } from '../../../src/devnet/modules/audit/table.js';
import { goFloat } from '../../../src/devnet/modules/audit/format.js';

function chainAtEpoch0(opts: Parameters<typeof makeChain>[0] = {}): TestChain {
  const c = makeChain(opts);
  c.begin(1n);
  return c;
}

const submit = (c: TestChain, h: bigint, msg: Parameters<TestChain['audit']['keeper']['submitEpochReport']>[1]) => () =>
  c.audit.keeper.submitEpochReport(h, msg);

describe('audit MsgSubmitEpochReport validation order (spec 03 §3.1)', () => {
  it('step 1: missing message', () => {
    const c = chainAtEpoch0();
    assertRule(submit(c, 2n, undefined), 'audit', 1, 'empty request: invalid signer');
  });

  it('step 2: empty creator', () => {
    const c = chainAtEpoch0();
    assertRule(submit(c, 2n, report('', 0n)), 'audit', 1, 'creator is required: invalid signer');
  });

  it('step 4: epoch_id other than the current epoch', () => {
    const c = chainAtEpoch0();
    assertRule(submit(c, 2n, report(c.accounts[0]!, 5n)), 'audit', 2, 'epoch_id 5 not accepted at height 2: invalid epoch id');
    // Boundary: height 11 is epoch 1 (L = 10, Z = 1), so epoch 0 is refused there.
    assertRule(submit(c, 11n, report(c.accounts[0]!, 0n)), 'audit', 2, 'epoch_id 0 not accepted at height 11: invalid epoch id');
  });

  it('step 5: height below epoch_zero_height', () => {
    const c = makeChain({ audit: { epoch_zero_height: 5 } });
    assertRule(submit(c, 3n, report(c.accounts[0]!, 0n)), 'audit', 2, 'epoch_id not accepted at height 3: invalid epoch id');
  });

  it('step 6: creator not a registered supernode', () => {
    const c = chainAtEpoch0();
    const stranger = keyFor('stranger').account;
    assertRule(submit(c, 2n, report(stranger, 0n)), 'audit', 7, 'creator is not a registered supernode: reporter supernode not found');
  });

  it('step 7: cpu, mem, disk percentages in that order, Go float rendering', () => {
    const c = chainAtEpoch0();
    const a = c.accounts[0]!;
    const bad = (h: Partial<ReturnType<typeof host>>) => report(a, 0n, { hostReport: host(h) });
    assertRule(submit(c, 2n, bad({ cpuUsagePercent: 100.1, memUsagePercent: -1 })), 'audit', 18, 'cpu_usage_percent must be a finite percentage in [0,100], got 100.1: invalid host metric');
    assertRule(submit(c, 2n, bad({ memUsagePercent: -1 })), 'audit', 18, 'mem_usage_percent must be a finite percentage in [0,100], got -1: invalid host metric');
    assertRule(submit(c, 2n, bad({ diskUsagePercent: NaN })), 'audit', 18, 'disk_usage_percent must be a finite percentage in [0,100], got NaN: invalid host metric');
    assertRule(submit(c, 2n, bad({ cpuUsagePercent: Infinity })), 'audit', 18, 'cpu_usage_percent must be a finite percentage in [0,100], got +Inf: invalid host metric');
    assertRule(submit(c, 2n, bad({ memUsagePercent: 1e6 })), 'audit', 18, 'mem_usage_percent must be a finite percentage in [0,100], got 1e+06: invalid host metric');
  });

  it('Go %v float rendering of the error texts', () => {
    assert.equal(goFloat(100.1), '100.1');
    assert.equal(goFloat(-1), '-1');
    assert.equal(goFloat(1e6), '1e+06');
    assert.equal(goFloat(1.5e-5), '1.5e-05');
    assert.equal(goFloat(123456), '123456');
    assert.equal(goFloat(0.0001), '0.0001');
    assert.equal(goFloat(-Infinity), '-Inf');
    assert.equal(goFloat(2.5e21), '2.5e+21');
  });

  it('steps 8-9: cascade_kademlia_db_bytes finite and non-negative; 0 accepted', () => {
    const c = chainAtEpoch0();
    const a = c.accounts[0]!;
    assertRule(submit(c, 2n, report(a, 0n, { hostReport: host({ cascadeKademliaDbBytes: -Infinity }) })), 'audit', 18, 'cascade_kademlia_db_bytes must be a finite number: invalid host metric');
    assertRule(submit(c, 2n, report(a, 0n, { hostReport: host({ cascadeKademliaDbBytes: -5 }) })), 'audit', 18, 'cascade_kademlia_db_bytes must be >= 0, got -5: invalid host metric');
    c.audit.keeper.submitEpochReport(2n, report(a, 0n, { hostReport: host({ cascadeKademliaDbBytes: 0 }) }));
  });

  it('step 10: no anchor for the epoch (host metrics are checked first, edge case 41)', () => {
    const c = makeChain();
    const a = c.accounts[0]!;
    assertRule(submit(c, 2n, report(a, 0n, { hostReport: host({ cpuUsagePercent: -0.5 }) })), 'audit', 18, 'cpu_usage_percent must be a finite percentage in [0,100], got -0.5: invalid host metric');
    assertRule(submit(c, 2n, report(a, 0n)), 'audit', 2, 'epoch anchor not found for epoch_id 0: invalid epoch id');
  });

  it('steps 12-13: inbound_port_states length (edge case 1)', () => {
    const c = chainAtEpoch0();
    const [a, b, d] = c.accounts as [string, string, string];
    assertRule(submit(c, 2n, report(a, 0n, { hostReport: host({ inboundPortStates: [1, 1, 1, 1] }) })), 'audit', 6, 'inbound_port_states length 4 exceeds required_open_ports length 3: invalid port states length');
    assertRule(submit(c, 2n, report(a, 0n, { hostReport: host({ inboundPortStates: [1] }) })), 'audit', 6, 'inbound_port_states length 1 must be 0 or 3: invalid port states length');
    c.audit.keeper.submitEpochReport(2n, report(b, 0n, { hostReport: host({ inboundPortStates: [] }) }));
    c.audit.keeper.submitEpochReport(2n, report(d, 0n, { hostReport: host({ inboundPortStates: [1, 2, 1] }) }));
  });

  it('step 14: a non-prober (POSTPONED at epoch start) may not send observations', () => {
    const c = makeChain({ supernode: { states: { sn0: 'POSTPONED' } } });
    c.begin(1n);
    const postponed = c.genesis[0]!.account;
    const target = c.accounts.find((x) => x !== postponed)!;
    assertRule(
      submit(c, 2n, report(postponed, 0n, { storageChallengeObservations: [{ targetSupernodeAccount: target, portStates: [1, 1, 1] }] })),
      'audit',
      8,
      'reporter not eligible for storage challenge observations in this epoch: invalid reporter state',
    );
  });

  it('step 15: observation checks in list order (edge case 4)', () => {
    const c = chainAtEpoch0();
    const p = proberWithTarget(c, 0n);
    const t = p.targets[0]!;
    const other = c.accounts.find((x) => x !== p.account && !p.targets.includes(x))!;
    const obs = (targetSupernodeAccount: string, portStates = [1, 1, 1]) => ({ targetSupernodeAccount, portStates });
    const r = (o: Parameters<typeof report>[2]) => submit(c, 2n, report(p.account, 0n, o));
    assertRule(r({ storageChallengeObservations: [undefined] }), 'audit', 5, 'nil storage challenge observation: invalid peer observations');
    assertRule(r({ storageChallengeObservations: [obs('')] }), 'audit', 5, 'empty target_supernode_account: invalid peer observations');
    assertRule(r({ storageChallengeObservations: [obs(p.account)] }), 'audit', 5, 'self-targeting is not allowed: invalid peer observations');
    assertRule(r({ storageChallengeObservations: [obs(other)] }), 'audit', 5, `target "${other}" is not assigned to reporter in this epoch: invalid peer observations`);
    assertRule(r({ storageChallengeObservations: [obs(t), obs(t)] }), 'audit', 5, `duplicate storage challenge observation for target "${t}": invalid peer observations`);
    assertRule(r({ storageChallengeObservations: [obs(t, [1, 1])] }), 'audit', 6, 'port_states length 2 does not match required_open_ports length 3: invalid port states length');
  });

  it('step 16: at most 16 proof results', () => {
    const c = chainAtEpoch0();
    const p = proberWithTarget(c, 0n);
    const results = Array.from({ length: 17 }, () => undefined);
    assertRule(submit(c, 2n, report(p.account, 0n, { storageProofResults: results })), 'audit', 9, 'too many storage proof results: got 17, max 16: invalid storage proof results');
  });

  it('step 19: duplicate report is checked last (note 3.1.a)', () => {
    const c = chainAtEpoch0();
    const a = c.accounts[0]!;
    c.audit.keeper.submitEpochReport(2n, report(a, 0n));
    assertRule(submit(c, 3n, report(a, 0n)), 'audit', 4, 'report already submitted for this epoch: duplicate report');
    // A resubmission that no longer validates gets the validation error, not "duplicate report".
    assertRule(submit(c, 3n, report(a, 0n, { hostReport: host({ inboundPortStates: [1] }) })), 'audit', 6, 'inbound_port_states length 1 must be 0 or 3: invalid port states length');
  });
});

describe('audit report acceptance and stored state (spec 03 §3.5, §9)', () => {
  it('stores the report byte-identical and indexes it (edge case 5)', () => {
    const c = chainAtEpoch0();
    const p = proberWithTarget(c, 0n);
    const t = p.targets[0]!;
    const msg = report(p.account, 0n, {
      hostReport: host({ diskUsagePercent: 40, inboundPortStates: [1, 1, 2] }),
      storageChallengeObservations: [{ targetSupernodeAccount: t, portStates: [1, 2, 1] }],
    });
    c.audit.keeper.submitEpochReport(4n, msg);
    const stored = tGet(c.audit.keeper.state.reports, `0\u0000${p.account}`);
    assert.ok(stored);
    assert.equal(stored.reportHeight, 4n);
    assert.deepEqual(stored.storageChallengeObservations, msg.storageChallengeObservations);
    assert.deepEqual(stored.hostReport, msg.hostReport);
  });

  it('full observation coverage creates no reliability row; a missing observation costs +8 once (edge cases 2, 3)', () => {
    const c = makeChain({ audit: { storage_truth_enforcement_mode: 'UNSPECIFIED', peer_quorum_reports: 3, min_probe_targets_per_epoch: 3, max_probe_targets_per_epoch: 3 } });
    c.begin(1n);
    const all = assignmentOf(c, 0n);
    const [full, partial] = all.filter((x) => x.targets.length === 3) as [(typeof all)[0], (typeof all)[0]];
    const obs = (t: string) => ({ targetSupernodeAccount: t, portStates: [1, 1, 1] });
    c.audit.keeper.submitEpochReport(2n, report(full.account, 0n, { storageChallengeObservations: full.targets.map(obs) }));
    assert.equal(tGet(c.audit.keeper.state.reporterReliability, full.account), undefined);
    const events: { type: string; attributes: { key: string; value: string }[] }[] = [];
    c.audit.keeper.submitEpochReport(2n, report(partial.account, 0n, { storageChallengeObservations: partial.targets.slice(0, 2).map(obs) }), (e) => events.push(e));
    const row = tGet(c.audit.keeper.state.reporterReliability, partial.account);
    assert.equal(row?.reliabilityScore, 8n);
    assert.equal(row?.trustBand, 1);
    const ev = events.find((e) => e.type === 'storage_truth_score_updated');
    assert.ok(ev?.attributes.some((a) => a.key === 'reason' && a.value === 'INCOMPLETE_REPORT'));
  });

  it('disk usage above the max moves an ACTIVE reporter to STORAGE_FULL; a POSTPONED one stays (edge case 39)', () => {
    const c = makeChain({ supernode: { states: { sn1: 'POSTPONED' } } });
    c.begin(1n);
    const active = c.genesis[0]!.account;
    const postponed = c.genesis[1]!.account;
    c.audit.keeper.submitEpochReport(2n, report(active, 0n, { hostReport: host({ diskUsagePercent: 95 }) }));
    c.audit.keeper.submitEpochReport(2n, report(postponed, 0n, { hostReport: host({ diskUsagePercent: 95 }) }));
    const state = (acct: string) => c.sn.keeper.getByAccount(acct)!.states.at(-1)!.state;
    assert.equal(state(active), SuperNodeState.STORAGE_FULL);
    assert.equal(state(postponed), SuperNodeState.POSTPONED);
    // Back under the max in the next epoch: STORAGE_FULL → ACTIVE.
    c.run(2n, 10n);
    c.begin(11n);
    c.audit.keeper.submitEpochReport(12n, report(active, 1n, { hostReport: host({ diskUsagePercent: 50 }) }));
    assert.equal(state(active), SuperNodeState.ACTIVE);
  });

  it('copies cascade_kademlia_db_bytes into the supernode metrics state', () => {
    const c = chainAtEpoch0();
    const g = c.genesis[2]!;
    c.audit.keeper.submitEpochReport(3n, report(g.account, 0n, { hostReport: host({ cascadeKademliaDbBytes: 12345 }) }));
    const m = c.sn.keeper.metrics(g.validatorAddress);
    assert.equal(m?.metrics.cascadeKademliaDbBytes, 12345);
    assert.equal(m?.reportCount, 1n);
    assert.equal(m?.height, 3n);
  });
});

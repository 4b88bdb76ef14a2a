/** Byte-level query handlers of the three modules: errors (gRPC status), filters and SDK pagination past 100 entries. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditQuery, supernodeQuery } from '../../../src/wire/index.js';
import { ChainQueryError, type BlockContext, type DevnetModule } from '../../../src/devnet/modules/types.js';
import { HealOpStatus } from '../../../src/devnet/modules/audit/enums.js';
import { tSet } from '../../../src/devnet/modules/audit/table.js';
import type { QueryMethod, WireCodec } from '../../../src/wire/index.js';
import { headerHash, makeChain, report } from './harness.js';

const ctx = (height: bigint): BlockContext => ({ height, time: new Date(Date.UTC(2026, 0, 1)), headerHash: headerHash(height), chainId: 'lumera-test-1' });

function call<Req extends object, Res extends object>(
  m: DevnetModule,
  method: QueryMethod<WireCodec<Req>, WireCodec<Res>>,
  req: Parameters<WireCodec<Req>['fromPartial']>[0],
  height = 5n,
): Res {
  const handler = m.queries[method.path];
  assert.ok(handler, `handler for ${method.path}`);
  const bytes = handler(ctx(height), method.request.encode(method.request.fromPartial(req)).finish());
  return method.response.decode(bytes);
}

function rejects(fn: () => unknown, status: string, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ChainQueryError, String(err));
    assert.equal(err.grpcStatus, status);
    assert.equal(err.message, message);
    return true;
  });
}

describe('audit queries (spec 02 §3.2)', () => {
  it('epochs, anchors, assigned targets, reports and their errors', () => {
    const c = makeChain();
    c.begin(1n);
    const a = c.accounts[0]!;
    const cur = call(c.audit, auditQuery.currentEpoch, {}, 15n);
    assert.deepEqual([cur.epochId, cur.epochStartHeight, cur.epochEndHeight], [1n, 11n, 20n]);
    assert.equal(call(c.audit, auditQuery.epochAnchor, { epochId: 0n }).anchor?.epochId, 0n);
    rejects(() => call(c.audit, auditQuery.epochAnchor, { epochId: 3n }), 'NotFound', 'epoch anchor not found');
    rejects(() => call(c.audit, auditQuery.currentEpochAnchor, {}, 15n), 'NotFound', 'current epoch anchor not found');
    rejects(() => call(c.audit, auditQuery.assignedTargets, { supernodeAccount: '' }), 'InvalidArgument', 'supernode_account is required');
    rejects(() => call(c.audit, auditQuery.assignedTargets, { supernodeAccount: 'lumera1nobody' }), 'NotFound', 'supernode not found');
    rejects(() => call(c.audit, auditQuery.assignedTargets, { supernodeAccount: a, epochId: 2n, filterByEpochId: true }), 'NotFound', 'epoch anchor not found');
    // epoch_id is ignored without the flag.
    const at = call(c.audit, auditQuery.assignedTargets, { supernodeAccount: a, epochId: 2n, filterByEpochId: false });
    assert.deepEqual([at.epochId, at.epochStartHeight, at.requiredOpenPorts], [0n, 1n, [4444, 4445, 8002]]);
    rejects(() => call(c.audit, auditQuery.epochReport, { epochId: 0n, supernodeAccount: a }), 'NotFound', 'epoch report not found');
    c.audit.keeper.submitEpochReport(2n, report(a, 0n));
    assert.equal(call(c.audit, auditQuery.epochReport, { epochId: 0n, supernodeAccount: a }).report?.reportHeight, 2n);
    const byRep = call(c.audit, auditQuery.epochReportsByReporter, { supernodeAccount: a, epochId: 0n, filterByEpochId: true });
    assert.equal(byRep.reports.length, 1);
    assert.equal(call(c.audit, auditQuery.epochReportsByReporter, { supernodeAccount: a, epochId: 1n, filterByEpochId: true }).reports.length, 0);
    rejects(() => call(c.audit, auditQuery.nodeSuspicionState, { supernodeAccount: a }), 'NotFound', 'node suspicion state not found');
    rejects(() => call(c.audit, auditQuery.ticketDeteriorationState, { ticketId: '' }), 'InvalidArgument', 'ticket_id is required');
    rejects(() => call(c.audit, auditQuery.healOp, { healOpId: 0n }), 'InvalidArgument', 'heal_op_id is required');
    rejects(() => call(c.audit, auditQuery.healOp, { healOpId: 4n }), 'NotFound', 'heal op not found');
    rejects(() => call(c.audit, auditQuery.healOpsByStatus, { status: 0 }), 'InvalidArgument', 'status is required');
    assert.equal(call(c.audit, auditQuery.params, {}).params?.epochLengthBlocks, 10n);
  });

  it('HealOpsByStatus pages 150 ops by 100 without totals, ascending id, following next_key', () => {
    const c = makeChain();
    const healer = c.accounts[0]!;
    for (let i = 1n; i <= 150n; i++) {
      const status = i % 2n === 0n ? HealOpStatus.SCHEDULED : HealOpStatus.HEALER_REPORTED;
      tSet(c.audit.keeper.state.healOps, i.toString(), { healOpId: i, ticketId: `t${i}`, scheduledEpochId: 0n, healerSupernodeAccount: healer, verifierSupernodeAccounts: [], status, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 3n, resultHash: '', notes: '' });
    }
    const first = call(c.audit, auditQuery.healOpsByStatus, { status: HealOpStatus.SCHEDULED });
    assert.equal(first.healOps.length, 75);
    assert.equal(first.pagination?.nextKey.length, 0);
    for (let i = 151n; i <= 400n; i++) {
      tSet(c.audit.keeper.state.healOps, i.toString(), { healOpId: i, ticketId: `t${i}`, scheduledEpochId: 0n, healerSupernodeAccount: healer, verifierSupernodeAccounts: [], status: HealOpStatus.SCHEDULED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 3n, resultHash: '', notes: '' });
    }
    const ids: bigint[] = [];
    let key: Uint8Array = new Uint8Array();
    let pages = 0;
    do {
      const page = call(c.audit, auditQuery.healOpsByStatus, { status: HealOpStatus.SCHEDULED, pagination: key.length ? { key, limit: 100n } : undefined });
      assert.equal(page.pagination?.total, 0n);
      assert.ok(page.healOps.length <= 100);
      ids.push(...page.healOps.map((o) => o.healOpId));
      key = page.pagination?.nextKey ?? new Uint8Array();
      pages++;
    } while (key.length > 0 && pages < 10);
    assert.equal(ids.length, 325);
    assert.deepEqual(ids, [...ids].sort((x, y) => (x < y ? -1 : 1)));
    assert.equal(pages, 4);
  });
});

describe('audit report listings', () => {
  it('StorageChallengeReports lists other reporters\' observations about the account; HostReports the account\'s own', () => {
    const c = makeChain({ audit: { storage_truth_enforcement_mode: 'UNSPECIFIED' } });
    c.begin(1n);
    const [a, b, d] = c.accounts as [string, string, string];
    const obs = (targets: string[]) => targets.map((t) => ({ targetSupernodeAccount: t, portStates: [1, 2, 1] }));
    const targetsOf = (x: string) => call(c.audit, auditQuery.assignedTargets, { supernodeAccount: x }).targetSupernodeAccounts;
    c.audit.keeper.submitEpochReport(2n, report(a, 0n, { storageChallengeObservations: obs(targetsOf(a)), hostReport: { cpuUsagePercent: 1, memUsagePercent: 2, diskUsagePercent: 3, inboundPortStates: [], failedActionsCount: 0, cascadeKademliaDbBytes: 0 } }));
    c.audit.keeper.submitEpochReport(2n, report(b, 0n, { storageChallengeObservations: obs(targetsOf(b)) }));
    const about = (x: string, req: { epochId?: bigint; filterByEpochId?: boolean } = {}) => call(c.audit, auditQuery.storageChallengeReports, { supernodeAccount: x, ...req }).reports;
    const aboutD = about(d);
    assert.deepEqual(aboutD.map((r) => r.reporterSupernodeAccount).sort(), [a, b].filter((x) => targetsOf(x).includes(d)).sort());
    for (const r of aboutD) assert.deepEqual(r.portStates, [1, 2, 1]);
    assert.ok(!about(a).some((r) => r.reporterSupernodeAccount === a), 'own report skipped');
    assert.equal(about(d, { epochId: 1n }).length, 0, 'a non-zero epoch_id filters without the flag');
    const hr = call(c.audit, auditQuery.hostReports, { supernodeAccount: a }).reports;
    assert.equal(hr.length, 1);
    assert.equal(hr[0]!.hostReport?.memUsagePercent, 2);
    rejects(() => call(c.audit, auditQuery.storageChallengeReports, { supernodeAccount: 'lumera1x' }), 'NotFound', 'supernode not found');
  });
});

describe('supernode queries (spec 02 §7.2–7.3)', () => {
  it('ListSuperNodes pages 150 supernodes: default limit 100 with count_total, next_key to the end, offset paging', () => {
    const c = makeChain({ supernodes: 150 });
    const first = call(c.sn, supernodeQuery.listSuperNodes, {});
    assert.equal(first.supernodes.length, 100);
    assert.equal(first.pagination?.total, 150n);
    assert.ok((first.pagination?.nextKey.length ?? 0) > 0);
    const second = call(c.sn, supernodeQuery.listSuperNodes, { pagination: { key: first.pagination!.nextKey, limit: 100n } });
    assert.equal(second.supernodes.length, 50);
    assert.equal(second.pagination?.nextKey.length, 0);
    assert.equal(second.pagination?.total, 0n);
    const all = new Set([...first.supernodes, ...second.supernodes].map((s) => s.supernodeAccount));
    assert.equal(all.size, 150);
    const byOffset = call(c.sn, supernodeQuery.listSuperNodes, { pagination: { offset: 140n, limit: 20n, countTotal: true } });
    assert.equal(byOffset.supernodes.length, 10);
    assert.equal(byOffset.pagination?.total, 150n);
    rejects(() => call(c.sn, supernodeQuery.listSuperNodes, { pagination: { key: first.pagination!.nextKey, offset: 3n } }), 'InvalidArgument', 'invalid request, either offset or key is expected, got both');
    const g = c.genesis[7]!;
    const one = call(c.sn, supernodeQuery.getSuperNodeBySuperNodeAddress, { supernodeAddress: g.account }).supernode!;
    assert.equal(one.validatorAddress, g.validatorAddress);
    assert.equal(one.prevIpAddresses[0]?.address, `127.0.0.1:${g.grpcPort}`);
    assert.equal(one.p2pPort, String(g.p2pPort));
    assert.equal(one.states[0]?.state, 1);
    rejects(() => call(c.sn, supernodeQuery.getSuperNodeBySuperNodeAddress, { supernodeAddress: 'lumera1none' }), 'NotFound', 'supernode not found');
    assert.equal(call(c.sn, supernodeQuery.getSuperNode, { validatorAddress: g.validatorAddress }).supernode?.supernodeAccount, g.account);
    rejects(() => call(c.sn, supernodeQuery.getSuperNode, { validatorAddress: 'bogus' }), 'InvalidArgument', 'invalid validator address: bogus');
  });

  it('GetTopSuperNodesForBlock: default limit 25, POSTPONED excluded unless filtered, state as of the height', () => {
    const c = makeChain({ supernodes: 30, supernode: { states: { sn3: 'POSTPONED', sn4: 'STORAGE_FULL' } } });
    const top = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 10 });
    assert.equal(top.supernodes.length, 25);
    assert.ok(!top.supernodes.some((s) => s.supernodeAccount === c.genesis[3]!.account || s.supernodeAccount === c.genesis[4]!.account));
    const postponed = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 10, state: 'postponed' });
    assert.deepEqual(postponed.supernodes.map((s) => s.supernodeAccount), [c.genesis[3]!.account]);
    assert.equal(call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 10, limit: 3, state: 'SUPERNODE_STATE_ACTIVE' }).supernodes.length, 3);
    // Ranking is deterministic in the height and changes with it.
    const a = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 10, limit: 5 }).supernodes.map((s) => s.validatorAddress);
    const b = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 11, limit: 5 }).supernodes.map((s) => s.validatorAddress);
    assert.deepEqual(a, call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 10, limit: 5 }).supernodes.map((s) => s.validatorAddress));
    assert.notDeepEqual(a, b);
    // A state change at height 20 is invisible to a query for height 19.
    c.sn.keeper.setState(c.genesis[0]!.account, 5, 20n, 'audit_missing_reports');
    const at19 = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 19, limit: 30 }).supernodes.map((s) => s.supernodeAccount);
    const at20 = call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 20, limit: 30 }).supernodes.map((s) => s.supernodeAccount);
    assert.ok(at19.includes(c.genesis[0]!.account));
    assert.ok(!at20.includes(c.genesis[0]!.account));
    assert.throws(() => call(c.sn, supernodeQuery.getTopSuperNodesForBlock, { blockHeight: 0 }), ChainQueryError);
  });
});

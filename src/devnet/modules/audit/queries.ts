/**
 * `lumera.audit.v1.Query` (spec 02 §3, §3.2): filters, ordering, pagination (default limit 100 without
 * totals) and the gRPC errors of each query.
 */
import { decodeBech32 } from '../../../crypto/account-keys.js';
import { auditQuery } from '../../../wire/index.js';
import type { BlockContext, QueryHandler } from '../types.js';
import { assignedTargets } from './assignment.js';
import { epochAt, getAnchor, snapshotParams } from './epochs.js';
import { invalidArgument, notFound } from './errors.js';
import { queryHandler } from './handlers.js';
import type { AuditKeeper } from './keeper.js';
import { auditDefaultPage, paginate, sortByKey, u64Key, utf8Key, type KeyedItem } from './pagination.js';
import { key, strCmp, tGet, tValues } from './table.js';
import type { EpochReport, Evidence, HealOp } from './types.js';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function requireRegistered(k: AuditKeeper, account: string): void {
  if (account === '') throw invalidArgument('supernode_account is required');
  if (k.supernodes.getByAccount(account) === undefined) throw notFound('supernode not found');
}

function evidenceList(k: AuditKeeper, pred: (e: Evidence) => boolean): KeyedItem<Evidence>[] {
  return sortByKey(tValues(k.state.evidence).filter(pred).map((e) => ({ key: u64Key(e.evidenceId), value: e })));
}

function healOpList(k: AuditKeeper, pred: (op: HealOp) => boolean): KeyedItem<HealOp>[] {
  return sortByKey(tValues(k.state.healOps).filter(pred).map((op) => ({ key: u64Key(op.healOpId), value: op })));
}

/** Epoch filter of StorageChallengeReports / HostReports: the flag, or a non-zero epoch_id. */
const epochFilter = (req: { epochId: bigint; filterByEpochId: boolean }) => req.filterByEpochId || req.epochId !== 0n;

export function auditQueries(k: AuditKeeper): Record<string, QueryHandler> {
  const q = auditQuery;
  const current = (ctx: BlockContext) => epochAt(k.state.params, ctx.height);
  return Object.fromEntries([
    queryHandler(q.params, () => ({ params: k.state.params })),
    queryHandler(q.evidenceById, (_ctx, req) => {
      const ev = tGet(k.state.evidence, req.evidenceId.toString());
      if (ev === undefined) throw notFound('evidence not found');
      return { evidence: ev };
    }),
    queryHandler(q.evidenceBySubject, (_ctx, req) => {
      if (req.subjectAddress === '') throw invalidArgument('subject_address is required');
      try {
        decodeBech32(req.subjectAddress);
      } catch {
        throw invalidArgument('invalid subject_address');
      }
      const { items, page } = paginate(evidenceList(k, (e) => e.subjectAddress === req.subjectAddress), auditDefaultPage(req.pagination));
      return { evidence: items, pagination: page };
    }),
    queryHandler(q.evidenceByAction, (_ctx, req) => {
      if (req.actionId === '') throw invalidArgument('action_id is required');
      const { items, page } = paginate(evidenceList(k, (e) => e.actionId === req.actionId), auditDefaultPage(req.pagination));
      return { evidence: items, pagination: page };
    }),
    queryHandler(q.currentEpoch, (ctx) => {
      const e = current(ctx);
      return { epochId: e.epochId, epochStartHeight: e.startHeight, epochEndHeight: e.endHeight };
    }),
    queryHandler(q.epochAnchor, (_ctx, req) => {
      const anchor = getAnchor(k, req.epochId);
      if (anchor === undefined) throw notFound('epoch anchor not found');
      return { anchor };
    }),
    queryHandler(q.currentEpochAnchor, (ctx) => {
      const anchor = getAnchor(k, current(ctx).epochId);
      if (anchor === undefined) throw notFound('current epoch anchor not found');
      return { anchor };
    }),
    queryHandler(q.assignedTargets, (ctx, req) => {
      requireRegistered(k, req.supernodeAccount);
      const epochId = req.filterByEpochId ? req.epochId : current(ctx).epochId;
      const anchor = getAnchor(k, epochId);
      if (anchor === undefined) throw notFound('epoch anchor not found');
      const { targets } = assignedTargets(k, anchor, req.supernodeAccount);
      return {
        epochId,
        epochStartHeight: anchor.epochStartHeight,
        requiredOpenPorts: [...snapshotParams(k, epochId).requiredOpenPorts],
        targetSupernodeAccounts: targets,
      };
    }),
    queryHandler(q.epochReport, (_ctx, req) => {
      requireRegistered(k, req.supernodeAccount);
      const report = tGet(k.state.reports, key(req.epochId, req.supernodeAccount));
      if (report === undefined) throw notFound('epoch report not found');
      return { report };
    }),
    queryHandler(q.epochReportsByReporter, (_ctx, req) => {
      requireRegistered(k, req.supernodeAccount);
      if (req.filterByEpochId) {
        const report = tGet(k.state.reports, key(req.epochId, req.supernodeAccount));
        return { reports: report === undefined ? [] : [report], pagination: { nextKey: new Uint8Array(), total: 0n } };
      }
      const list = sortByKey(
        tValues(k.state.reports)
          .filter((r) => r.supernodeAccount === req.supernodeAccount)
          .map((r) => ({ key: u64Key(r.epochId), value: r })),
      );
      const { items, page } = paginate(list, auditDefaultPage(req.pagination));
      return { reports: items, pagination: page };
    }),
    queryHandler(q.storageChallengeReports, (_ctx, req) => {
      requireRegistered(k, req.supernodeAccount);
      const list: KeyedItem<{ reporterSupernodeAccount: string; epochId: bigint; reportHeight: bigint; portStates: number[] }>[] = [];
      for (const r of reportsSorted(k)) {
        if (r.supernodeAccount === req.supernodeAccount || (epochFilter(req) && r.epochId !== req.epochId)) continue;
        const obs = r.storageChallengeObservations.find((o) => o.targetSupernodeAccount === req.supernodeAccount);
        if (obs === undefined || obs.portStates.length === 0) continue;
        list.push({
          key: concat(u64Key(r.epochId), utf8Key(r.supernodeAccount)),
          value: { reporterSupernodeAccount: r.supernodeAccount, epochId: r.epochId, reportHeight: r.reportHeight, portStates: [...obs.portStates] },
        });
      }
      const { items, page } = paginate(list, auditDefaultPage(req.pagination));
      return { reports: items, pagination: page };
    }),
    queryHandler(q.hostReports, (_ctx, req) => {
      if (req.supernodeAccount === '') throw invalidArgument('supernode_account is required');
      const list = reportsSorted(k)
        .filter((r) => r.supernodeAccount === req.supernodeAccount && (!epochFilter(req) || r.epochId === req.epochId))
        .map((r) => ({ key: u64Key(r.epochId), value: { epochId: r.epochId, reportHeight: r.reportHeight, hostReport: r.hostReport } }));
      const { items, page } = paginate(list, auditDefaultPage(req.pagination));
      return { reports: items, pagination: page };
    }),
    queryHandler(q.nodeSuspicionState, (_ctx, req) => {
      if (req.supernodeAccount === '') throw invalidArgument('supernode_account is required');
      const state = tGet(k.state.nodeSuspicion, req.supernodeAccount);
      if (state === undefined) throw notFound('node suspicion state not found');
      return { state };
    }),
    queryHandler(q.reporterReliabilityState, (_ctx, req) => {
      if (req.reporterSupernodeAccount === '') throw invalidArgument('reporter_supernode_account is required');
      const state = tGet(k.state.reporterReliability, req.reporterSupernodeAccount);
      if (state === undefined) throw notFound('reporter reliability state not found');
      return { state };
    }),
    queryHandler(q.ticketDeteriorationState, (_ctx, req) => {
      if (req.ticketId === '') throw invalidArgument('ticket_id is required');
      const state = tGet(k.state.ticketDeterioration, req.ticketId);
      if (state === undefined) throw notFound('ticket deterioration state not found');
      return { state };
    }),
    queryHandler(q.healOp, (_ctx, req) => {
      if (req.healOpId === 0n) throw invalidArgument('heal_op_id is required');
      const healOp = tGet(k.state.healOps, req.healOpId.toString());
      if (healOp === undefined) throw notFound('heal op not found');
      return { healOp };
    }),
    queryHandler(q.healOpsByTicket, (_ctx, req) => {
      if (req.ticketId === '') throw invalidArgument('ticket_id is required');
      const { items, page } = paginate(healOpList(k, (op) => op.ticketId === req.ticketId), auditDefaultPage(req.pagination));
      return { healOps: items, pagination: page };
    }),
    queryHandler(q.healOpsByStatus, (_ctx, req) => {
      if (req.status === 0) throw invalidArgument('status is required');
      const { items, page } = paginate(healOpList(k, (op) => op.status === req.status), auditDefaultPage(req.pagination));
      return { healOps: items, pagination: page };
    }),
  ]);
}

function reportsSorted(k: AuditKeeper): EpochReport[] {
  return tValues(k.state.reports).sort((a, b) => (a.epochId < b.epochId ? -1 : a.epochId > b.epochId ? 1 : strCmp(a.supernodeAccount, b.supernodeAccount)));
}

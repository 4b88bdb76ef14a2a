/**
 * The devnet's `supernode` module (spec 02 §7): genesis registration of the devnet's supernodes (ACTIVE
 * unless an override says otherwise), the queries the daemon uses, and MsgReportSupernodeMetrics.
 * State changes (postpone / recover / STORAGE_FULL) come from the audit module through the keeper.
 */
import { decodeBech32 } from '../../../crypto/account-keys.js';
import { InvalidArgumentError } from '../../../util/errors.js';
import { supernodeMsgTypes, supernodeQuery } from '../../../wire/index.js';
import type { DevnetModule, ModuleInit } from '../types.js';
import { SupernodeMetrics } from '../../../gen/lumera/supernode/v1/metrics.js';
import { invalidArgument, notFound, plainError } from '../audit/errors.js';
import { msgHandler, queryHandler } from '../audit/handlers.js';
import { paginate, sortByKey } from '../audit/pagination.js';
import {
  SupernodeKeeper,
  defaultSupernodeParams,
  emptySupernodeState,
  parseStateFilter,
  validatorKeyBytes,
  type SuperNodeRecord,
  type SupernodeStateData,
} from './keeper.js';

export { SupernodeKeeper, SuperNodeState, currentState, currentAddress } from './keeper.js';
export type { SuperNodeRecord } from './keeper.js';

export interface SupernodeModule extends DevnetModule {
  readonly keeper: SupernodeKeeper;
}

/** Overrides: `states` maps a supernode name or account to a state name (genesis state other than ACTIVE). */
export interface SupernodeOverrides {
  states?: Record<string, string>;
  maxStorageUsagePercent?: number;
}

const DEFAULT_TOP_LIMIT = 25;

/** The wire shape of a record (legacy evidence and metrics aggregate are always empty on the devnet). */
export function toWire(sn: SuperNodeRecord) {
  return { ...sn, evidence: [], metrics: undefined };
}

export function createSupernodeModule(init: ModuleInit): SupernodeModule {
  const ov = init.overrides as SupernodeOverrides;
  const params = defaultSupernodeParams();
  if (ov.maxStorageUsagePercent !== undefined) {
    if (!Number.isFinite(ov.maxStorageUsagePercent) || ov.maxStorageUsagePercent <= 0 || ov.maxStorageUsagePercent > 100) {
      throw new InvalidArgumentError('supernode.maxStorageUsagePercent', `must be in (0,100], got ${ov.maxStorageUsagePercent}`);
    }
    params.maxStorageUsagePercent = ov.maxStorageUsagePercent;
  }
  let state: SupernodeStateData = emptySupernodeState(params);
  const keeper = new SupernodeKeeper(() => state);
  const h = init.genesis.initialHeight;
  for (const g of init.genesis.supernodes) {
    const named = ov.states?.[g.name] ?? ov.states?.[g.account] ?? 'ACTIVE';
    const st = parseStateFilter(named);
    if (st === undefined) throw new InvalidArgumentError(`supernode.states.${g.name}`, `is not a supernode state: ${named}`);
    keeper.register({
      validatorAddress: g.validatorAddress,
      states: [{ state: st, height: h, reason: '' }],
      prevIpAddresses: [{ address: `${g.ip}:${g.grpcPort}`, height: h }],
      note: '',
      supernodeAccount: g.account,
      p2pPort: String(g.p2pPort),
      prevSupernodeAccounts: [{ account: g.account, height: h }],
    });
  }

  const q = supernodeQuery;
  const queries = Object.fromEntries([
    queryHandler(q.params, () => ({ params: {} })),
    queryHandler(q.getSuperNode, (_ctx, req) => {
      try {
        decodeBech32(req.validatorAddress);
      } catch {
        throw invalidArgument(`invalid validator address: ${req.validatorAddress}`);
      }
      const sn = keeper.getByValidator(req.validatorAddress);
      if (sn === undefined) throw notFound('supernode not found');
      return { supernode: toWire(sn) };
    }),
    queryHandler(q.getSuperNodeBySuperNodeAddress, (_ctx, req) => {
      if (req.supernodeAddress === '') throw invalidArgument('invalid request');
      const sn = keeper.getByAccount(req.supernodeAddress);
      if (sn === undefined) throw notFound('supernode not found');
      return { supernode: toWire(sn) };
    }),
    queryHandler(q.listSuperNodes, (_ctx, req) => {
      const list = sortByKey(keeper.all().map((sn) => ({ key: validatorKeyBytes(sn.validatorAddress), value: sn })));
      const { items, page } = paginate(list, req.pagination, (sn) => sn.states.length > 0);
      return { supernodes: items.map(toWire), pagination: page };
    }),
    queryHandler(q.getTopSuperNodesForBlock, (_ctx, req) => {
      if (req.blockHeight <= 0) throw invalidArgument(`invalid block height: ${req.blockHeight}`);
      const limit = req.limit <= 0 ? DEFAULT_TOP_LIMIT : req.limit;
      return { supernodes: keeper.topForBlock(BigInt(req.blockHeight), limit, parseStateFilter(req.state)).map(toWire) };
    }),
    queryHandler(q.getMetrics, (_ctx, req) => {
      const m = keeper.metrics(req.validatorAddress);
      if (m === undefined) throw notFound('metrics not found');
      return { metricsState: m };
    }),
  ]);

  const t = supernodeMsgTypes;
  const msgs = Object.fromEntries([
    msgHandler(t.MsgReportSupernodeMetrics, t.MsgReportSupernodeMetricsResponse, (m) => m.supernodeAccount, (ctx, m) => {
      const sn = keeper.getByValidator(m.validatorAddress);
      if (sn === undefined) throw plainError(`supernode ${m.validatorAddress} not found`);
      if (sn.supernodeAccount !== m.supernodeAccount) throw plainError(`supernode account mismatch for ${m.validatorAddress}`);
      keeper.recordMetrics(m.validatorAddress, m.metrics ?? emptyMetrics(), ctx.height);
      return { compliant: true, issues: [] };
    }),
  ]);

  return {
    name: 'supernode',
    keeper,
    msgs,
    queries,
    exportState: () => state,
    importState(saved) {
      if (saved === null || typeof saved !== 'object' || !('nodes' in saved)) throw plainError('supernode: saved state is not a supernode module state');
      state = saved as SupernodeStateData;
    },
  };
}

function emptyMetrics(): SupernodeMetrics {
  return SupernodeMetrics.fromPartial({});
}

/**
 * The devnet's `action` module: Cascade MsgRequestAction / MsgFinalizeAction and the action queries
 * (spec 02 §6.3) with the SDK's lexical-key pagination (default limit 100 with totals).
 */
import { Params as ActionParamsMsg } from '../../../gen/lumera/action/v1/params.js';
import type { Action } from '../../../gen/lumera/action/v1/action.js';
import { ActionState, actionStateToJSON } from '../../../gen/lumera/action/v1/action_state.js';
import { actionMsgTypes, actionQuery } from '../../../wire/index.js';
import type { DevnetModule, ModuleInit } from '../types.js';
import { invalidArgument, notFound, plainError } from '../audit/errors.js';
import { msgHandler, queryHandler } from '../audit/handlers.js';
import type { AuditModule } from '../audit/index.js';
import { paginate, sortByKey, utf8Key, type PageRequest } from '../audit/pagination.js';
import type { SupernodeModule } from '../supernode/index.js';
import { ActionKeeper, decodeCascade, defaultActionParams, emptyActionState, type ActionStateData, type ActionVerifiers } from './keeper.js';

export { ActionKeeper, type ActionVerifiers } from './keeper.js';

export interface ActionModule extends DevnetModule {
  readonly keeper: ActionKeeper;
}

/** Overrides: verifier hooks (not persisted) and the RaptorQ symbol count written as rq_ids_max. */
export interface ActionOverrides extends ActionVerifiers {
  maxRaptorQSymbols?: number;
}

function list(k: ActionKeeper, pred: (a: Action) => boolean, req: PageRequest | undefined) {
  const items = sortByKey(k.all().map((a) => ({ key: utf8Key(a.actionID), value: a })));
  const { items: actions, page } = paginate(items, req, pred);
  return { actions, pagination: page, total: page.total };
}

export function createActionModule(init: ModuleInit): ActionModule {
  const ov = init.overrides as ActionOverrides;
  const params = defaultActionParams();
  if (ov.maxRaptorQSymbols !== undefined) params.maxRaptorQSymbols = BigInt(ov.maxRaptorQSymbols);
  let state: ActionStateData = emptyActionState(params);
  const keeper = new ActionKeeper(() => state, {
    bank: init.deps.bank,
    auth: init.deps.auth,
    supernodes: init.deps.module<SupernodeModule>('supernode').keeper,
    audit: () => init.deps.module<AuditModule>('audit').keeper,
    verifiers: { verifyIndexIds: ov.verifyIndexIds, verifyChunkProofs: ov.verifyChunkProofs },
  });
  const seconds = (d: Date) => BigInt(Math.floor(d.getTime() / 1000));

  const t = actionMsgTypes;
  const msgs = Object.fromEntries([
    msgHandler(t.MsgRequestAction, t.MsgRequestActionResponse, (m) => m.creator, (ctx, m, emit) => {
      const a = keeper.request(ctx.height, seconds(ctx.time), m, emit);
      return { actionId: a.actionID, status: actionStateToJSON(a.state) };
    }),
    msgHandler(t.MsgFinalizeAction, t.MsgFinalizeActionResponse, (m) => m.creator, (ctx, m, emit) => {
      keeper.finalize(ctx.height, m, emit);
      return {};
    }),
    msgHandler(t.MsgApproveAction, t.MsgApproveActionResponse, (m) => m.creator, (_ctx, m, emit) => {
      const a = keeper.approve(m, emit);
      return { actionId: a.actionID, status: actionStateToJSON(a.state) };
    }),
  ]);

  const q = actionQuery;
  const p = () => state.params;
  const queries = Object.fromEntries([
    queryHandler(q.params, () => ({
      params: ActionParamsMsg.fromPartial({
        baseActionFee: { denom: 'ulume', amount: p().baseActionFee.toString() },
        feePerKbyte: { denom: 'ulume', amount: p().feePerKbyte.toString() },
        maxActionsPerBlock: 10n,
        minSuperNodes: 3n,
        maxDdAndFingerprints: 50n,
        maxRaptorQSymbols: p().maxRaptorQSymbols,
        expirationDuration: { seconds: p().expirationSeconds, nanos: 0 },
        minProcessingTime: { seconds: 60n, nanos: 0 },
        maxProcessingTime: { seconds: 3600n, nanos: 0 },
        superNodeFeeShare: '1.000000000000000000',
        foundationFeeShare: '0.000000000000000000',
        svcChallengeCount: p().svcChallengeCount,
        svcMinChunksForChallenge: p().svcMinChunksForChallenge,
      }),
    })),
    queryHandler(q.getAction, (_ctx, req) => {
      if (req.actionID === '') throw invalidArgument('invalid request');
      const action = keeper.get(req.actionID);
      if (action === undefined) throw notFound('failed to get action by ID');
      return { action };
    }),
    queryHandler(q.getActionFee, (_ctx, req) => {
      if (!/^\d+$/.test(req.dataSize)) throw invalidArgument(`invalid data size: ${req.dataSize}`);
      return { amount: keeper.fee(BigInt(req.dataSize)).toString() };
    }),
    queryHandler(q.listActions, (_ctx, req) =>
      list(keeper, (a) => (req.actionType === 0 || a.actionType === req.actionType) && (req.actionState === 0 || a.state === req.actionState), req.pagination),
    ),
    queryHandler(q.listActionsByCreator, (_ctx, req) => {
      if (req.creator === '') throw invalidArgument('invalid request');
      return list(keeper, (a) => a.creator === req.creator, req.pagination);
    }),
    queryHandler(q.listActionsBySuperNode, (_ctx, req) => {
      if (req.superNodeAddress === '') throw invalidArgument('invalid request');
      return list(keeper, (a) => a.superNodes.includes(req.superNodeAddress), req.pagination);
    }),
    queryHandler(q.listActionsByBlockHeight, (_ctx, req) => list(keeper, (a) => a.blockHeight === req.blockHeight, req.pagination)),
    queryHandler(q.listExpiredActions, (_ctx, req) => list(keeper, (a) => a.state === ActionState.ACTION_STATE_EXPIRED, req.pagination)),
    queryHandler(q.queryActionByMetadata, (_ctx, req) => {
      const m = /^([a-z_]+)=(.*)$/.exec(req.metadataQuery);
      if (m === null) throw invalidArgument('invalid metadata query format');
      const [, field, value] = m as unknown as [string, string, string];
      return list(
        keeper,
        (a) => {
          if (req.actionType !== 0 && a.actionType !== req.actionType) return false;
          const meta = decodeCascade(a) as unknown as Record<string, unknown>;
          const camel = field.replace(/_([a-z])/g, (_x, c: string) => c.toUpperCase());
          return String(meta[camel]) === value;
        },
        req.pagination,
      );
    }),
  ]);

  return {
    name: 'action',
    keeper,
    msgs,
    queries,
    beginBlock(ctx, emit) {
      keeper.expire(seconds(ctx.time), emit);
    },
    exportState: () => state,
    importState(saved) {
      if (saved === null || typeof saved !== 'object' || !('actions' in saved)) throw plainError('action: saved state is not an action module state');
      state = saved as ActionStateData;
    },
  };
}

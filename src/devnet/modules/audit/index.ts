/**
 * The devnet's `audit` module (spec 03): DevnetModule entry point around AuditKeeper. Params come from the
 * chain defaults, the devnet epoch length and the genesis overrides (see overrides.ts).
 */
import { auditMsgTypes } from '../../../wire/index.js';
import type { DevnetModule, ModuleInit } from '../types.js';
import type { SupernodeModule } from '../supernode/index.js';
import { AuditErr, plainError, wrap } from './errors.js';
import { msgHandler } from './handlers.js';
import { AuditKeeper, emptyAuditState } from './keeper.js';
import { auditParamsFromOverrides } from './overrides.js';
import { validateAuditParams, withDefaults, type AuditParams } from './params.js';
import { auditQueries } from './queries.js';
import type { AuditStateData } from './types.js';
import { submitEvidence } from './evidence.js';

export { AuditKeeper } from './keeper.js';
export type { AuditParams } from './params.js';

export interface AuditModule extends DevnetModule {
  readonly keeper: AuditKeeper;
}

export function createAuditModule(init: ModuleInit): AuditModule {
  const params = auditParamsFromOverrides(init.overrides as Record<string, unknown>, init.genesis.epochBlocks);
  let state: AuditStateData = emptyAuditState(params);
  const supernodes = init.deps.module<SupernodeModule>('supernode').keeper;
  const keeper = new AuditKeeper(() => state, supernodes);
  const t = auditMsgTypes;
  const authority = () => init.deps.bank.moduleAddress('gov');

  const msgs = Object.fromEntries([
    msgHandler(t.MsgSubmitEpochReport, t.MsgSubmitEpochReportResponse, (m) => m.creator, (ctx, m, emit) => {
      keeper.submitEpochReport(ctx.height, m, emit);
      return {};
    }),
    msgHandler(t.MsgSubmitStorageRecheckEvidence, t.MsgSubmitStorageRecheckEvidenceResponse, (m) => m.creator, (ctx, m, emit) => {
      keeper.submitRecheckEvidence(ctx.height, m, emit);
      return {};
    }),
    msgHandler(t.MsgClaimHealComplete, t.MsgClaimHealCompleteResponse, (m) => m.creator, (ctx, m, emit) => {
      keeper.claimHealComplete(ctx.height, m, emit);
      return {};
    }),
    msgHandler(t.MsgSubmitHealVerification, t.MsgSubmitHealVerificationResponse, (m) => m.creator, (ctx, m, emit) => {
      keeper.submitHealVerification(ctx.height, m, emit);
      return {};
    }),
    msgHandler(t.MsgSubmitEvidence, t.MsgSubmitEvidenceResponse, (m) => m.creator, (ctx, m, emit) => ({
      evidenceId: submitEvidence(keeper.env(ctx.height, emit), m),
    })),
    msgHandler(t.MsgUpdateParams, t.MsgUpdateParamsResponse, (m) => m.authority, (_ctx, m) => {
      if (m.authority !== authority()) throw wrap(AuditErr.InvalidSigner, `invalid authority; expected ${authority()}, got ${m.authority}`);
      const next = withDefaults((m.params ?? {}) as Partial<AuditParams>);
      if (next.epochLengthBlocks !== state.params.epochLengthBlocks) throw wrap(AuditErr.InvalidSigner, 'epoch_length_blocks is immutable after genesis');
      if (next.epochZeroHeight !== state.params.epochZeroHeight) throw wrap(AuditErr.InvalidSigner, 'epoch_zero_height is immutable after genesis');
      const problem = validateAuditParams(next);
      if (problem !== undefined) throw plainError(problem);
      state.params = next;
      return {};
    }),
  ]);

  return {
    name: 'audit',
    keeper,
    msgs,
    queries: auditQueries(keeper),
    beginBlock(ctx, emit) {
      keeper.beginBlock(ctx.height, ctx.headerHash, emit);
    },
    endBlock(ctx, emit) {
      keeper.endBlock(ctx.height, emit);
    },
    exportState: () => state,
    importState(saved) {
      if (saved === null || typeof saved !== 'object' || !('params' in saved) || !('anchors' in saved)) {
        throw plainError('audit: saved state is not an audit module state');
      }
      state = { ...emptyAuditState(params), ...(saved as AuditStateData) };
    },
  };
}

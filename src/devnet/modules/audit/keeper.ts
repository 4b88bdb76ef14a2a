/**
 * The audit keeper: owns the module state and wires the block hooks (BeginBlock anchor, EndBlock epoch
 * processing in the chain's order, rule 1.3.2) and the msg handlers. Driven directly by tests and by the
 * DevnetModule adapter in index.ts.
 */
import { goQuote, type AbciEvent } from '../types.js';
import type { SupernodeKeeper } from '../supernode/keeper.js';
import type { AuditEnv } from './env.js';
import { runEnforcement } from './enforcement.js';
import { epochAt, maybeCreateAnchor } from './epochs.js';
import { AuditErr, wrap } from './errors.js';
import { claimHealComplete, expireHealOps, scheduleHealOps, submitHealVerification } from './heal-ops.js';
import type { AuditParams } from './params.js';
import { prune } from './prune.js';
import { storeEvidence } from './evidence.js';
import { submitRecheckEvidence } from './recheck.js';
import { submitEpochReport } from './report.js';
import { cleanEpochRecovery, divergencePenalties } from './reporters.js';
import { newTable, tGet, tSet } from './table.js';
import type { AuditStateData, MsgClaimHealComplete, MsgSubmitEpochReport, MsgSubmitHealVerification, MsgSubmitStorageRecheckEvidence } from './types.js';

export function emptyAuditState(params: AuditParams): AuditStateData {
  return {
    params,
    anchors: newTable(),
    paramsSnapshots: newTable(),
    reports: newTable(),
    transcripts: newTable(),
    nodeSuspicion: newTable(),
    reporterReliability: newTable(),
    ticketDeterioration: newTable(),
    ticketArtifactCounts: newTable(),
    healOps: newTable(),
    healVotes: newTable(),
    nextHealOpId: 1n,
    nodeFailureFacts: newTable(),
    reporterResultFacts: newTable(),
    recheckDedup: newTable(),
    storagePostponements: newTable(),
    actionPostponements: newTable(),
    failedHealMarkers: newTable(),
    evidence: newTable(),
    nextEvidenceId: 1n,
  };
}

export type Emit = (e: AbciEvent) => void;

export class AuditKeeper {
  constructor(
    private readonly getState: () => AuditStateData,
    readonly supernodes: SupernodeKeeper,
  ) {}

  get state(): AuditStateData {
    return this.getState();
  }

  env(height: bigint, emit: Emit = () => undefined): AuditEnv {
    return { state: this.getState(), supernodes: this.supernodes, height, emit };
  }

  beginBlock(height: bigint, headerHash: Uint8Array, emit?: Emit): void {
    maybeCreateAnchor(this.env(height, emit), headerHash);
  }

  /** EndBlock: only at an epoch end height (rule 1.3.2), in the chain's order. */
  endBlock(height: bigint, emit?: Emit): void {
    const env = this.env(height, emit);
    const p = env.state.params;
    if (height < p.epochZeroHeight) return;
    const epoch = epochAt(p, height);
    if (epoch.endHeight !== height) return;
    const e = epoch.epochId;
    runEnforcement(env, e);
    divergencePenalties(env, e);
    cleanEpochRecovery(env, e);
    expireHealOps(env, e);
    scheduleHealOps(env, e);
    prune(env, e);
  }

  submitEpochReport(height: bigint, msg: MsgSubmitEpochReport | undefined, emit?: Emit): void {
    submitEpochReport(this.env(height, emit), msg);
  }

  claimHealComplete(height: bigint, msg: MsgClaimHealComplete | undefined, emit?: Emit): void {
    claimHealComplete(this.env(height, emit), msg);
  }

  submitHealVerification(height: bigint, msg: MsgSubmitHealVerification | undefined, emit?: Emit): void {
    submitHealVerification(this.env(height, emit), msg);
  }

  submitRecheckEvidence(height: bigint, msg: MsgSubmitStorageRecheckEvidence | undefined, emit?: Emit): void {
    submitRecheckEvidence(this.env(height, emit), msg);
  }

  /**
   * Artifact-count anchoring called by the action module when a Cascade action reaches DONE (rule 3.3.3).
   * Once non-zero a count is immutable. Errors are the audit texts the action module re-wraps.
   */
  anchorArtifactCounts(ticketId: string, indexCount: number, symbolCount: number): void {
    if (ticketId === '') throw wrap(AuditErr.InvalidStorageProofs, 'ticket_id is required');
    if (indexCount <= 0 || symbolCount <= 0) throw wrap(AuditErr.InvalidStorageProofs, 'index_artifact_count and symbol_artifact_count must be > 0');
    const prev = tGet(this.state.ticketArtifactCounts, ticketId);
    if (prev !== undefined) {
      if (prev.indexArtifactCount !== 0 && prev.indexArtifactCount !== indexCount) {
        throw wrap(AuditErr.InvalidStorageProofs, `ticket ${goQuote(ticketId)} index artifact count is immutable (existing=${prev.indexArtifactCount}, new=${indexCount})`);
      }
      if (prev.symbolArtifactCount !== 0 && prev.symbolArtifactCount !== symbolCount) {
        throw wrap(AuditErr.InvalidStorageProofs, `ticket ${goQuote(ticketId)} symbol artifact count is immutable (existing=${prev.symbolArtifactCount}, new=${symbolCount})`);
      }
    }
    tSet(this.state.ticketArtifactCounts, ticketId, { indexArtifactCount: indexCount, symbolArtifactCount: symbolCount });
  }

  /** Evidence recorded by the action module (finalization evidence types 1–3). Returns the new id. */
  recordEvidence(height: bigint, subject: string, reporter: string, actionId: string, evidenceType: number, metadata: Uint8Array): bigint {
    const s = this.state;
    return storeEvidence(s, {
      subjectAddress: subject,
      reporterAddress: reporter,
      actionId,
      evidenceType,
      metadata,
      reportedHeight: height,
      epochId: epochAt(s.params, height).epochId,
    });
  }
}

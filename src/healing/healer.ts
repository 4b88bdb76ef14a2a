/**
 * Healer role (spec 04 R3.4, R3.5): rebuild and stage the ticket of each SCHEDULED op assigned to us, then
 * pending row → MsgClaimHealComplete → submitted row. After a crash or an ambiguous submit the op is read
 * back from the chain before anything local is removed; transient errors never remove anything.
 */
import { HealOpStatus, type HealOp } from '../gen/lumera/audit/v1/audit.js';
import { isHealOpPastDeadline, isTransient } from '../chain/errors.js';
import type { HealClaimRow, HealClaimsRepo } from '../store/lep6-heal.js';
import { AlreadyRecordedError } from '../store/lep6-tables.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { HealChain } from './chain.js';
import { deadlinePassed } from './deadlines.js';
import { throwIfAborted } from './op-context.js';
import type { HealHooks } from './hooks.js';
import type { HealMetrics } from './metrics.js';
import type { StagedResult } from './reconstruct.js';
import type { Semaphore } from './semaphore.js';
import type { StagingArea } from './staging.js';

export interface HealerDeps {
  self: string;
  chain: Pick<HealChain, 'getHealOp' | 'claimHealComplete' | 'getCurrentEpoch'>;
  claims: HealClaimsRepo;
  staging: StagingArea;
  reconstruct(op: HealOp, signal: AbortSignal): Promise<StagedResult>;
  reconstructSlots: Semaphore;
  metrics: HealMetrics;
  logger: Logger;
  auditQueryTimeoutMs: number;
  hooks?: HealHooks;
}

const METRIC = 'heal_claims_submitted_total';

export class HealError extends SupernodeError {}

/** R3.4.2: reconstruct, stage, claim. Resolves when the op needs nothing more from us this tick. */
export async function reconstructAndClaim(deps: HealerDeps, op: HealOp, signal: AbortSignal): Promise<void> {
  const release = await deps.reconstructSlots.acquire(signal);
  try {
    const dir = deps.staging.dirOf(op.healOpId);
    let staged: StagedResult;
    try {
      staged = await deps.reconstruct(op, signal);
    } catch (err) {
      await deps.staging.remove(dir);
      deps.metrics.inc(METRIC, 'result=reconstruct_error');
      throw new HealError('HEAL_RECONSTRUCT_FAILED', `heal op ${op.healOpId}: reconstruct ${op.ticketId}: ${errorMessage(err)}`, {}, { cause: err });
    }
    const manifestHash = staged.manifest.manifest_hash_b64.trim();
    if (manifestHash === '') {
      await deps.staging.remove(dir);
      throw new HealError('HEAL_RECONSTRUCT_FAILED', `heal op ${op.healOpId}: empty manifest hash`);
    }
    await deps.hooks?.afterStage?.(op, staged.dir, signal);
    try {
      deps.claims.insertPending({ healOpId: op.healOpId, ticketId: op.ticketId, manifestHash, stagingDir: staged.dir });
    } catch (err) {
      if (err instanceof AlreadyRecordedError) {
        deps.metrics.inc(METRIC, 'result=dedup');
        return;
      }
      await deps.staging.remove(dir);
      deps.metrics.inc(METRIC, 'result=stage_error');
      throw err;
    }
    const dl = await deadlinePassed(deps.chain, op, deps.auditQueryTimeoutMs);
    if (dl === 'unknown') deps.logger.warn({ healOpId: op.healOpId }, 'deadline pre-check failed; submitting anyway');
    if (dl === 'passed') {
      deps.claims.deletePending(op.healOpId);
      await deps.staging.remove(dir);
      deps.metrics.inc(METRIC, 'result=deadline_skipped');
      return;
    }
    await deps.hooks?.beforeClaimSubmit?.(op, signal);
    // The per-op deadline (chain deadline epoch or hard cap) may have passed while we rebuilt: no fee-burning
    // submit after it. The pending row stays; the resume flow settles it against the chain.
    throwIfAborted(signal, `heal op ${op.healOpId} claim`);
    try {
      await deps.chain.claimHealComplete({ healOpId: op.healOpId, ticketId: op.ticketId, healManifestHash: manifestHash, details: '' });
    } catch (err) {
      if (isTransient(err)) {
        deps.metrics.inc(METRIC, 'result=submit_transient');
        throw err;
      }
      if (isHealOpPastDeadline(err)) {
        deps.claims.deletePending(op.healOpId);
        await deps.staging.remove(dir);
        deps.metrics.inc(METRIC, 'result=deadline_rejected');
        return;
      }
      // Invalid state or anything unclassified: the chain decides what our pending row means.
      try {
        await resumePendingClaim(deps, op.healOpId);
      } catch (resumeErr) {
        throw new HealError('HEAL_CLAIM_FAILED', `heal op ${op.healOpId}: submit: ${errorMessage(err)}; resume: ${errorMessage(resumeErr)}`, {}, { cause: err });
      }
      if (deps.claims.hasSubmitted(op.healOpId)) return;
      deps.metrics.inc(METRIC, 'result=submit_error');
      throw err;
    }
    await deps.hooks?.afterClaimSubmitted?.(op, signal);
    try {
      deps.claims.markSubmitted(op.healOpId);
    } catch (err) {
      deps.metrics.inc(METRIC, 'result=mark_error');
      throw err;
    }
    deps.metrics.inc(METRIC, 'result=submitted');
    deps.logger.info({ healOpId: op.healOpId, ticketId: op.ticketId, manifestHash }, 'heal claim submitted');
  } finally {
    release();
  }
}

/**
 * R3.5.1: reconcile a pending claim row with the chain. Errors keep the row and staging (whatever the error);
 * only a definite chain answer removes anything.
 */
export async function resumePendingClaim(deps: Pick<HealerDeps, 'chain' | 'claims' | 'staging' | 'metrics' | 'logger'>, healOpId: bigint): Promise<void> {
  const row: HealClaimRow | undefined = deps.claims.get(healOpId);
  if (!row || row.status !== 'pending') return;
  const op = await deps.chain.getHealOp(healOpId);
  if (!op || op.healOpId === 0n) throw new HealError('HEAL_OP_MISSING', `heal op ${healOpId}: chain returned no op`);
  const drop = async (label: string) => {
    await deps.staging.remove(row.stagingDir);
    deps.claims.deletePending(healOpId);
    deps.metrics.inc(METRIC, `result=${label}`);
    deps.logger.info({ healOpId, status: op.status, label }, 'pending heal claim dropped after reading the chain');
  };
  switch (op.status) {
    case HealOpStatus.HEAL_OP_STATUS_SCHEDULED:
      await drop('resume_reset');
      return;
    case HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED:
    case HealOpStatus.HEAL_OP_STATUS_VERIFIED:
      if (op.resultHash === row.manifestHash) {
        deps.claims.markSubmitted(healOpId);
        deps.metrics.inc('heal_claims_reconciled_total');
        deps.metrics.inc(METRIC, 'result=resume_promoted');
        deps.logger.info({ healOpId }, 'pending heal claim found on chain; marked submitted');
        return;
      }
      await drop('resume_foreign');
      return;
    default:
      await drop('resume_terminal');
  }
}

/**
 * R3.5.2: the chain holds a claim for this op (found e.g. after losing the database): record it as ours when
 * its hash is our staged manifest hash, otherwise remove the staging and persist nothing.
 */
export async function reconcileExistingClaim(deps: Pick<HealerDeps, 'chain' | 'claims' | 'staging' | 'metrics'>, healOpId: bigint, ticketId: string, manifestHash: string, stagingDir: string): Promise<boolean> {
  const op = await deps.chain.getHealOp(healOpId);
  if (!op || op.resultHash !== manifestHash) {
    await deps.staging.remove(stagingDir);
    return false;
  }
  deps.claims.recordSubmitted({ healOpId, ticketId, manifestHash, stagingDir });
  deps.metrics.inc('heal_claims_reconciled_total');
  deps.metrics.inc(METRIC, 'result=reconciled');
  return true;
}

/**
 * Finalizer (spec 04 §3.7): for every claim row, read the op from the chain. VERIFIED → publish the staged
 * artefacts, then delete the row, then remove staging. FAILED / EXPIRED / gone → remove staging and the row,
 * never publish. Anything else, or any error that is not a definite "not found", → leave everything for the
 * next tick.
 */
import { HealOpStatus, healOpStatusToJSON } from '../gen/lumera/audit/v1/audit.js';
import { isHealOpNotFound, isTransient } from '../chain/errors.js';
import type { HealClaimRow, HealClaimsRepo } from '../store/lep6-heal.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { HealChain } from './chain.js';
import type { HealMetrics } from './metrics.js';
import type { Publisher } from './publisher.js';
import type { Semaphore } from './semaphore.js';
import { readManifestIn, type StagingArea } from './staging.js';

export interface FinalizerDeps {
  chain: Pick<HealChain, 'getHealOp'>;
  claims: HealClaimsRepo;
  staging: StagingArea;
  publisher: Publisher;
  publishSlots: Semaphore;
  metrics: HealMetrics;
  logger: Logger;
}

export type FinalizeOutcome = 'published' | 'cleaned' | 'kept' | 'waiting';

export async function finalizeClaim(deps: FinalizerDeps, row: HealClaimRow, signal: AbortSignal): Promise<FinalizeOutcome> {
  let status: HealOpStatus;
  try {
    const op = await deps.chain.getHealOp(row.healOpId);
    status = op ? op.status : HealOpStatus.HEAL_OP_STATUS_EXPIRED; // pruned or never existed: nothing will ever need it
  } catch (err) {
    if (!isTransient(err) && isHealOpNotFound(err)) status = HealOpStatus.HEAL_OP_STATUS_EXPIRED;
    else {
      deps.logger.warn({ healOpId: row.healOpId, err: errorMessage(err) }, 'finalizer: heal op query failed; retrying next tick');
      return 'kept';
    }
  }
  switch (status) {
    case HealOpStatus.HEAL_OP_STATUS_VERIFIED:
      return publish(deps, row, signal);
    case HealOpStatus.HEAL_OP_STATUS_FAILED:
    case HealOpStatus.HEAL_OP_STATUS_EXPIRED:
      await cleanup(deps, row, status);
      return 'cleaned';
    default:
      return 'waiting';
  }
}

async function publish(deps: FinalizerDeps, row: HealClaimRow, signal: AbortSignal): Promise<FinalizeOutcome> {
  const release = await deps.publishSlots.acquire(signal);
  try {
    const manifest = await readManifestIn(row.stagingDir);
    if (!manifest) {
      // Nothing staged to publish (lost staging); keep the row so an operator sees it, but say why.
      deps.logger.error({ healOpId: row.healOpId, dir: row.stagingDir }, 'finalizer: VERIFIED op has no staged manifest; cannot publish');
      return 'kept';
    }
    try {
      await deps.publisher.publish(row.healOpId, manifest, signal);
    } catch (err) {
      deps.logger.warn({ healOpId: row.healOpId, err: errorMessage(err) }, 'finalizer: publish failed; retrying next tick');
      return 'kept';
    }
    deps.claims.deleteFinalized(row.healOpId);
    try {
      await deps.staging.remove(row.stagingDir);
    } catch (err) {
      deps.logger.warn({ healOpId: row.healOpId, err: errorMessage(err) }, 'finalizer: staging removal failed');
    }
    deps.metrics.inc('heal_finalize_publishes_total');
    deps.logger.info({ healOpId: row.healOpId, ticketId: row.ticketId }, 'heal op VERIFIED: artefacts published, staging removed');
    return 'published';
  } finally {
    release();
  }
}

async function cleanup(deps: FinalizerDeps, row: HealClaimRow, status: HealOpStatus): Promise<void> {
  try {
    await deps.staging.remove(row.stagingDir);
  } catch (err) {
    deps.logger.warn({ healOpId: row.healOpId, err: errorMessage(err) }, 'finalizer: staging removal failed');
  }
  deps.claims.deleteFinalized(row.healOpId);
  deps.metrics.inc('heal_finalize_cleanups_total', healOpStatusToJSON(status));
  deps.logger.info({ healOpId: row.healOpId, status: healOpStatusToJSON(status) }, 'heal op final without publish: staging removed');
}

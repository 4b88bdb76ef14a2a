/**
 * Verifier role (spec 04 R3.6): stream the rebuilt file from the op's assigned healer (never anyone else),
 * hash it, and vote: positive with `op.result_hash` when it matches; negative with the reason's placeholder
 * hash (R3.6.4) on a mismatch (our computed hash goes into the details) or when the fetch fails. Votes are staged as pending rows first
 * and marked submitted after the chain accepts them (or says we already voted).
 */
import type { HealOp } from '../gen/lumera/audit/v1/audit.js';
import { isTransient, isVerificationAlreadySubmitted } from '../chain/errors.js';
import type { HealVerificationsRepo } from '../store/lep6-heal.js';
import { AlreadyRecordedError } from '../store/lep6-tables.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { HealChain } from './chain.js';
import { negativeAttestationHash } from './constants.js';
import { deadlinePassed } from './deadlines.js';
import { digestHealerStream, type HealerStreamSource, type StreamDigest } from './healer-stream.js';
import type { HealHooks } from './hooks.js';
import type { HealMetrics } from './metrics.js';
import { sleep, throwIfAborted } from './op-context.js';
import type { Semaphore } from './semaphore.js';

export interface VerifierDeps {
  self: string;
  chain: Pick<HealChain, 'submitHealVerification' | 'getCurrentEpoch' | 'simulateHealVerification'>;
  verifications: HealVerificationsRepo;
  source: HealerStreamSource;
  verifySlots: Semaphore;
  metrics: HealMetrics;
  logger: Logger;
  auditQueryTimeoutMs: number;
  fetchAttempts: number;
  fetchTimeoutMs: number;
  backoffBaseMs: number;
  hooks?: HealHooks;
}

export interface Vote {
  verified: boolean;
  verificationHash: string;
  details: string;
}

const METRIC = 'heal_verifications_submitted_total';

/** R3.6.2 step 4: up to `fetchAttempts` attempts, each bounded, with exponential backoff between them. */
export async function fetchWithRetries(deps: Pick<VerifierDeps, 'source' | 'self' | 'fetchAttempts' | 'fetchTimeoutMs' | 'backoffBaseMs' | 'logger'>, op: HealOp, signal: AbortSignal): Promise<StreamDigest> {
  const healer = op.healerSupernodeAccount.trim();
  let last: unknown;
  for (let n = 0; n < deps.fetchAttempts; n++) {
    const attempt = new AbortController();
    const onParent = () => attempt.abort(signal.reason);
    signal.addEventListener('abort', onParent, { once: true });
    const timer = setTimeout(() => attempt.abort(new Error(`fetch attempt timed out after ${deps.fetchTimeoutMs} ms`)), deps.fetchTimeoutMs);
    try {
      const stream = await deps.source.open(healer, op.healOpId, deps.self, Date.now() + deps.fetchTimeoutMs, attempt.signal);
      return await digestHealerStream(stream);
    } catch (err) {
      last = err;
      deps.logger.warn({ healOpId: op.healOpId, healer, attempt: n + 1, err: errorMessage(err) }, 'fetch from healer failed');
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onParent);
    }
    if (n + 1 < deps.fetchAttempts) {
      try {
        await sleep(deps.backoffBaseMs * 2 ** n, signal);
      } catch {
        break;
      }
    }
  }
  throw last ?? new SupernodeError('HEAL_FETCH_FAILED', 'no fetch attempt ran');
}

/** R3.6.2 steps 4–7: the vote this verifier casts on `op`. */
export async function decideVote(deps: Parameters<typeof fetchWithRetries>[0], op: HealOp, expected: string, signal: AbortSignal): Promise<Vote> {
  let digest: StreamDigest;
  try {
    digest = await fetchWithRetries(deps, op, signal);
  } catch (err) {
    return { verified: false, verificationHash: negativeAttestationHash('reason_fetch_failed'), details: `reason_fetch_failed:${errorMessage(err)}` };
  }
  if (digest.hashB64 === expected) return { verified: true, verificationHash: digest.hashB64, details: '' };
  // Issue 6 asks for the placeholder on every negative vote (the reference sends its computed hash here);
  // the computed hash still reaches the chain, in the details.
  return { verified: false, verificationHash: negativeAttestationHash('reason_hash_mismatch'), details: `reason_hash_mismatch:computed=${digest.hashB64}` };
}

/** R3.6.2 in full: acquire a slot, check, fetch, vote. */
export async function verifyAndSubmit(deps: VerifierDeps, op: HealOp, signal: AbortSignal): Promise<void> {
  const release = await deps.verifySlots.acquire(signal);
  try {
    const expected = op.resultHash.trim();
    if (expected === '') throw new SupernodeError('HEAL_NO_RESULT_HASH', `heal op ${op.healOpId}: op.ResultHash empty (op not in HEALER_REPORTED?)`);
    if ((await deadlinePassed(deps.chain, op, deps.auditQueryTimeoutMs)) === 'passed') {
      deps.metrics.inc(METRIC, 'result=deadline_skipped');
      return;
    }
    await deps.hooks?.beforeVerifyFetch?.(op, signal);
    const vote = await decideVote(deps, op, expected, signal);
    throwIfAborted(signal, `heal op ${op.healOpId} vote`); // past the per-op deadline: no fee-burning submit
    await submitVote(deps, op, vote, signal);
  } finally {
    release();
  }
}

/** R3.6.5: pending row → MsgSubmitHealVerification → submitted row. */
export async function submitVote(deps: Pick<VerifierDeps, 'self' | 'chain' | 'verifications' | 'metrics' | 'logger' | 'hooks'>, op: HealOp, vote: Vote, signal: AbortSignal = new AbortController().signal): Promise<void> {
  const label = `verified=${vote.verified}`;
  try {
    deps.verifications.insertPending({ healOpId: op.healOpId, verifierAccount: deps.self, verified: vote.verified, verificationHash: vote.verificationHash });
  } catch (err) {
    if (err instanceof AlreadyRecordedError) {
      deps.metrics.inc(METRIC, `${label},result=dedup`);
      deps.metrics.inc('heal_verifications_already_exists_total');
      return;
    }
    deps.metrics.inc(METRIC, `${label},result=stage_error`);
    throw err;
  }
  try {
    await deps.chain.submitHealVerification({ healOpId: op.healOpId, verified: vote.verified, verificationHash: vote.verificationHash, details: vote.details });
  } catch (err) {
    if (isTransient(err)) {
      deps.metrics.inc(METRIC, `${label},result=submit_transient`);
      throw err;
    }
    if (isVerificationAlreadySubmitted(err)) {
      deps.verifications.markSubmitted(op.healOpId, deps.self);
      return;
    }
    deps.verifications.deletePending(op.healOpId, deps.self);
    deps.metrics.inc(METRIC, `${label},result=submit_error`);
    throw err;
  }
  await deps.hooks?.afterVerificationSubmitted?.(op, signal);
  try {
    deps.verifications.markSubmitted(op.healOpId, deps.self);
  } catch (err) {
    deps.metrics.inc(METRIC, `${label},result=mark_error`);
    throw err;
  }
  deps.metrics.inc(METRIC, `${label},result=submitted`);
  deps.logger.info({ healOpId: op.healOpId, verified: vote.verified, details: vote.details }, 'heal verification submitted');
}

/**
 * A vote left `pending` (crash or transient error between staging and marking). The reference deletes it and
 * votes again (R3.6.1), which re-submits a vote that may already be on chain. We first ask the chain by
 * simulating the same message: "already submitted" → mark submitted (nothing broadcast); accepted → the vote
 * never landed, drop the row and vote fresh; transient → keep the row and try next tick.
 */
export async function reconcilePendingVote(deps: Pick<VerifierDeps, 'self' | 'chain' | 'verifications' | 'metrics' | 'logger'>, op: HealOp): Promise<'submitted' | 'retry' | 'later'> {
  const row = deps.verifications.get(op.healOpId, deps.self);
  if (!row || row.status !== 'pending') return row ? 'submitted' : 'retry';
  try {
    await deps.chain.simulateHealVerification({ healOpId: op.healOpId, verified: row.verified, verificationHash: row.verificationHash, details: '' });
  } catch (err) {
    if (isVerificationAlreadySubmitted(err)) {
      deps.verifications.markSubmitted(op.healOpId, deps.self);
      deps.metrics.inc('heal_verifications_reconciled_total');
      deps.logger.info({ healOpId: op.healOpId }, 'pending heal verification found on chain; marked submitted');
      return 'submitted';
    }
    if (isTransient(err)) return 'later';
    deps.logger.info({ healOpId: op.healOpId, err: errorMessage(err) }, 'pending heal verification would be rejected; dropping it');
  }
  deps.verifications.deletePending(op.healOpId, deps.self);
  return 'retry';
}

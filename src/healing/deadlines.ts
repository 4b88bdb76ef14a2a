/**
 * Chain-derived deadlines of heal-op work (spec 04 R3.8.2, R3.8.3).
 */
import type { HealOp } from '../gen/lumera/audit/v1/audit.js';
import type { HealChain } from './chain.js';
import { ESTIMATED_BLOCK_MS } from './constants.js';
import { withTimeout } from './op-context.js';

/**
 * Wall-clock deadline (epoch ms) of healer/verifier work on `op`: the earlier of now + hardTimeoutMs and the
 * end of the deadline epoch translated at 6 s per block. Missing anchors → hard timeout only.
 *
 * Deliberate difference from the reference (spec 04 §11 point 10): the chain accepts claims and votes in
 * every block of the deadline epoch (it expires the op in that epoch's EndBlock, spec 03 §4.1.2), so work is
 * cut off only once the current epoch is PAST the deadline epoch; inside the deadline epoch the budget is
 * that epoch's length. A late tx costs a fee at worst, and its rejection runs the safe resume flow.
 */
export async function opDeadline(chain: Pick<HealChain, 'getCurrentEpochAnchor' | 'getEpochAnchor'>, op: Pick<HealOp, 'deadlineEpochId'>, hardTimeoutMs: number, queryTimeoutMs: number, now = Date.now()): Promise<number> {
  const hard = now + hardTimeoutMs;
  if (op.deadlineEpochId === 0n) return hard;
  try {
    const cur = await withTimeout(chain.getCurrentEpochAnchor(), queryTimeoutMs, 'current epoch anchor query');
    if (!cur || cur.epochId === 0n || cur.epochEndHeight <= 0n) return hard;
    if (cur.epochId > op.deadlineEpochId) return now;
    if (cur.epochId === op.deadlineEpochId) return Math.min(hard, now + Number(cur.epochEndHeight - cur.epochStartHeight + 1n) * ESTIMATED_BLOCK_MS);
    const dl = await withTimeout(chain.getEpochAnchor(op.deadlineEpochId), queryTimeoutMs, 'deadline epoch anchor query');
    if (!dl || dl.epochEndHeight <= 0n) return hard;
    if (dl.epochEndHeight <= cur.epochEndHeight) return now;
    return Math.min(hard, now + Number(dl.epochEndHeight - cur.epochEndHeight) * ESTIMATED_BLOCK_MS);
  } catch {
    return hard;
  }
}

/**
 * R3.8.3 pre-check before a fee-burning submit: 'passed' iff the current epoch is past the deadline epoch (the
 * chain has expired the op; see opDeadline for why the deadline epoch itself still counts); 'unknown' when the
 * epoch query fails (the caller proceeds and lets the chain decide).
 */
export async function deadlinePassed(chain: Pick<HealChain, 'getCurrentEpoch'>, op: Pick<HealOp, 'deadlineEpochId'>, queryTimeoutMs: number): Promise<'passed' | 'open' | 'unknown'> {
  if (op.deadlineEpochId === 0n) return 'open';
  try {
    const cur = await withTimeout(chain.getCurrentEpoch(), queryTimeoutMs, 'current epoch query');
    if (!cur || cur.epochId === 0n) return 'open';
    return cur.epochId > op.deadlineEpochId ? 'passed' : 'open';
  } catch {
    return 'unknown';
  }
}

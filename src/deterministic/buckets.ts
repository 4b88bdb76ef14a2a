/** Ticket bucket classification (spec 01 §5, supernode-canonical). */
import { StorageProofBucketType, UINT64_MAX } from './constants.js';
import { checkInt64, checkUint64 } from './validate.js';

/**
 * `ClassifyTicketBucket`: δ = current − anchor; δ ≤ recentMax → RECENT (checked first), δ ≥ oldMin →
 * OLD, else UNSPECIFIED (middle band); current < anchor → UNSPECIFIED. Never PROBATION or RECHECK.
 * The dispatcher passes the action's registration height as `anchorHeight` and the dispatched epoch's
 * end height as `currentHeight`.
 */
export function classifyTicketBucket(
  currentHeight: bigint,
  anchorHeight: bigint,
  recentMaxBlocks: bigint,
  oldMinBlocks: bigint,
): StorageProofBucketType {
  checkInt64(currentHeight, 'currentHeight');
  checkInt64(anchorHeight, 'anchorHeight');
  checkUint64(recentMaxBlocks, 'recentMaxBlocks');
  checkUint64(oldMinBlocks, 'oldMinBlocks');
  if (currentHeight < anchorHeight) return StorageProofBucketType.UNSPECIFIED;
  // Go computes uint64(current - anchor); int64 subtraction of two int64 with current ≥ anchor fits uint64.
  const delta = (currentHeight - anchorHeight) & UINT64_MAX;
  if (delta <= recentMaxBlocks) return StorageProofBucketType.RECENT;
  if (delta >= oldMinBlocks) return StorageProofBucketType.OLD;
  return StorageProofBucketType.UNSPECIFIED;
}

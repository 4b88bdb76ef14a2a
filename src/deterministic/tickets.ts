/** Ticket selection per (target, bucket) (spec 01 §6). */
import { DOMAIN_TICKET_RANK, type StorageProofBucketType, bucketDomain } from './constants.js';
import { compareDigests, compareStrings, MiddleHasher, Preimage, utf8 } from './hash.js';
import { checkBytes, checkEnumNumber, checkString, checkStringList, checkStringSet } from './validate.js';

const ZERO = new Uint8Array(1);
const TICKET_RANK_SUFFIX = Buffer.concat([Buffer.from([0]), utf8(DOMAIN_TICKET_RANK)]);

/**
 * `SelectTicketForBucket`: argmin over tickets (skipping "" and excluded ids) of
 * (H(seed; target, bucketDomain, ticket, "ticket_rank"), ticket). Returns "" when the bucket has no
 * domain string, the pool is empty, or every ticket is excluded. Order-independent.
 *
 * Hot path (a target may hold very many tickets): one preimage buffer with the fixed prefix written
 * once, one digest allocation per ticket (node:crypto's), nothing else.
 */
export function selectTicketForBucket(
  tickets: readonly string[],
  excluded: ReadonlySet<string> | readonly string[] | null | undefined,
  seed: Uint8Array,
  target: string,
  bucket: StorageProofBucketType | number,
): string {
  checkStringList(tickets, 'tickets');
  const skip = checkStringSet(excluded, 'excluded');
  checkBytes(seed, 'seed');
  checkString(target, 'target');
  const b = bucketDomain(checkEnumNumber(bucket, 'bucket'));
  if (b === '') return '';
  const prefix = new Preimage(seed.length + target.length * 3 + 32).raw(seed).partString(target).partString(b).raw(ZERO).bytes();
  const h = new MiddleHasher(TICKET_RANK_SUFFIX).setPrefix(Buffer.from(prefix));
  let best = '';
  let bestD: Buffer | undefined;
  for (let i = 0; i < tickets.length; i++) {
    const t = tickets[i] as string;
    if (t === '' || skip.has(t)) continue;
    const d = h.hashString(t);
    if (bestD === undefined) {
      best = t;
      bestD = d;
      continue;
    }
    const c = compareDigests(d, bestD);
    if (c < 0 || (c === 0 && compareStrings(t, best) < 0)) {
      best = t;
      bestD = d;
    }
  }
  return best;
}

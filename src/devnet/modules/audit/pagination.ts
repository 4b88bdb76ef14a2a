/**
 * Cosmos SDK key/offset pagination (`query.Paginate` / `query.FilteredPaginate`) over an in-memory list
 * sorted by store key. Shared by the audit, action and supernode modules so every list query pages the
 * way the chain does: `next_key` = the store key of the first entry after the page (empty on the last
 * page), `total` only when counting was requested (or implied by a zero limit) and no key was given.
 */
import { invalidArgument } from './errors.js';

export interface PageRequest {
  key: Uint8Array;
  offset: bigint;
  limit: bigint;
  countTotal: boolean;
  reverse: boolean;
}

export interface PageResponse {
  nextKey: Uint8Array;
  total: bigint;
}

export interface KeyedItem<T> {
  key: Uint8Array;
  value: T;
}

export const DEFAULT_PAGE_LIMIT = 100n;

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b); // takes plain Uint8Arrays: no Buffer views per comparison
}

export function sortByKey<T>(items: KeyedItem<T>[]): KeyedItem<T>[] {
  return items.sort((x, y) => compareBytes(x.key, y.key));
}

/** The page request an audit query handler substitutes when the client sent none: limit 100, no totals. */
export function auditDefaultPage(req: PageRequest | undefined): PageRequest {
  return req ?? { key: new Uint8Array(), offset: 0n, limit: DEFAULT_PAGE_LIMIT, countTotal: false, reverse: false };
}

/**
 * Pages `sorted` (ascending by key). With `filter`, only matching items count as hits (FilteredPaginate);
 * non-matching items are skipped but can still become `next_key` on the key path, as in the SDK.
 */
export function paginate<T>(
  sorted: KeyedItem<T>[],
  request: PageRequest | undefined,
  filter?: (value: T) => boolean,
): { items: T[]; page: PageResponse } {
  const req = request ?? { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false };
  if (req.offset > 0n && req.key.length > 0) {
    throw invalidArgument('invalid request, either offset or key is expected, got both');
  }
  let limit = req.limit;
  let countTotal = req.countTotal;
  if (limit === 0n) {
    limit = DEFAULT_PAGE_LIMIT;
    countTotal = true;
  }
  const order = req.reverse ? [...sorted].reverse() : sorted;
  const accept = filter ?? (() => true);
  const items: T[] = [];

  if (req.key.length > 0) {
    const start = order.findIndex((it) => (req.reverse ? compareBytes(it.key, req.key) <= 0 : compareBytes(it.key, req.key) >= 0));
    let hits = 0n;
    let nextKey: Uint8Array = new Uint8Array();
    if (start >= 0) {
      for (let i = start; i < order.length; i++) {
        const it = order[i] as KeyedItem<T>;
        if (hits === limit) {
          nextKey = it.key;
          break;
        }
        if (accept(it.value)) {
          items.push(it.value);
          hits++;
        }
      }
    }
    return { items, page: { nextKey, total: 0n } };
  }

  const end = req.offset + limit;
  let hits = 0n;
  let nextKey: Uint8Array = new Uint8Array();
  for (const it of order) {
    if (!accept(it.value)) continue;
    hits++;
    if (hits <= req.offset) continue;
    if (hits <= end) items.push(it.value);
    else if (hits === end + 1n) {
      nextKey = it.key;
      if (!countTotal) break;
    }
  }
  return { items, page: { nextKey, total: countTotal ? hits : 0n } };
}

/** 8-byte big-endian encoding of a u64 (the index suffix used as `next_key` for id/epoch keyed stores). */
export function u64Key(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n));
  return out;
}

export function utf8Key(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

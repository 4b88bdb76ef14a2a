/**
 * Follows `next_key` to the end of a paginated list query (spec 02 §3.2: the server silently truncates at its
 * default page of 100; the reference client stops there). A page cap bounds a misbehaving server; hitting it
 * is logged and the partial list returned with `truncated: true`. A repeated `next_key` is a server bug and
 * stops the loop with an error rather than spinning.
 */
import type { Logger } from '../util/logger.js';
import { ChainResponseError } from './errors.js';

export interface Page<T> {
  items: T[];
  nextKey: Uint8Array | undefined;
}

export interface PaginateOptions {
  /** Entries asked for per request. Default 100. */
  pageLimit?: bigint;
  /** Most pages fetched before giving up (logged). Default 1000. */
  maxPages?: number;
  logger?: Logger;
  /** Name of the query, for logs and errors. */
  what: string;
}

export async function collectAllPages<T>(
  fetchPage: (key: Uint8Array, limit: bigint) => Promise<Page<T>>,
  opts: PaginateOptions,
): Promise<{ items: T[]; pages: number; truncated: boolean }> {
  const limit = opts.pageLimit ?? 100n;
  const maxPages = opts.maxPages ?? 1000;
  const items: T[] = [];
  const seen = new Set<string>();
  let key: Uint8Array = new Uint8Array();
  for (let pages = 1; ; pages++) {
    const page = await fetchPage(key, limit);
    items.push(...page.items);
    const next = page.nextKey;
    if (!next || next.length === 0) return { items, pages, truncated: false };
    const hex = Buffer.from(next).toString('hex');
    if (seen.has(hex)) throw new ChainResponseError(`of ${opts.what}`, `repeated pagination next_key ${hex} (server paging loop)`);
    seen.add(hex);
    if (pages >= maxPages) {
      opts.logger?.warn({ query: opts.what, pages, entries: items.length }, 'pagination page cap reached; list is truncated');
      return { items, pages, truncated: true };
    }
    key = next;
  }
}

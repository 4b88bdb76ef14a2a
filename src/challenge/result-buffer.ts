/**
 * The per-process result buffer (spec 04 §2.9): rows keyed by epoch with arrival time and a process-wide
 * sequence; `collect` drains one epoch, throttled to the chain's 16-result cap fairly across
 * (target, bucket) groups, and returns rows sorted by (bucket, ticket, target, sequence) — the total order
 * spec 04 §11.13 asks for. Rows of epochs older than `retainEpochs` behind the newest appended epoch are
 * dropped (the reference keeps them forever, §11 R2.9.6; a report for those epochs can no longer land).
 */
import type { StorageProofResult } from '../gen/lumera/audit/v1/audit.js';
import { MAX_STORAGE_PROOF_RESULTS_PER_REPORT, StorageProofResultClass } from '../deterministic/index.js';
import type { Lep6Metrics } from './metrics.js';

export const THROTTLE_POLICY = 'oldest-arrival-fair-by-target-bucket';

interface Entry {
  row: StorageProofResult;
  arrival: number;
  seq: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function olderFirst(a: Entry, b: Entry): number {
  return a.arrival - b.arrival || a.seq - b.seq || cmp(a.row.ticketId, b.row.ticketId);
}

function outputOrder(a: Entry, b: Entry): number {
  return (a.row.bucketType as number) - (b.row.bucketType as number) || cmp(a.row.ticketId, b.row.ticketId) || cmp(a.row.targetSupernodeAccount, b.row.targetSupernodeAccount) || a.seq - b.seq;
}

export interface ResultBufferOptions {
  now?: () => number;
  metrics?: Lep6Metrics;
  retainEpochs?: bigint;
  cap?: number;
}

export class ResultBuffer {
  private readonly epochs = new Map<bigint, Entry[]>();
  private seq = 0;
  private readonly now: () => number;
  private readonly retain: bigint;
  private readonly cap: number;

  constructor(private readonly opts: ResultBufferOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.retain = opts.retainEpochs ?? 8n;
    this.cap = opts.cap ?? MAX_STORAGE_PROOF_RESULTS_PER_REPORT;
  }

  append(epochId: bigint, row: StorageProofResult | null | undefined): void {
    if (!row) return;
    let list = this.epochs.get(epochId);
    if (!list) this.epochs.set(epochId, (list = []));
    list.push({ row, arrival: this.now(), seq: ++this.seq });
    for (const e of [...this.epochs.keys()]) if (e + this.retain < epochId) this.epochs.delete(e);
  }

  /** Re-appends rows as the newest arrivals (after a failed submit). */
  requeue(epochId: bigint, rows: readonly StorageProofResult[]): void {
    for (const r of rows) this.append(epochId, r);
  }

  /** Any buffered non-NO_ELIGIBLE row for (epoch, target, bucket). */
  hasEligibleResult(epochId: bigint, target: string, bucket: number): boolean {
    return (this.epochs.get(epochId) ?? []).some(
      (e) => e.row.targetSupernodeAccount === target && e.row.bucketType === bucket && (e.row.resultClass as number) !== StorageProofResultClass.NO_ELIGIBLE_TICKET,
    );
  }

  /** Rows currently buffered for an epoch (not drained). */
  peek(epochId: bigint): StorageProofResult[] {
    return (this.epochs.get(epochId) ?? []).map((e) => e.row);
  }

  /** Drains one epoch: throttled to the cap, sorted. */
  collect(epochId: bigint): StorageProofResult[] {
    const list = this.epochs.get(epochId) ?? [];
    this.epochs.delete(epochId);
    const kept = list.length > this.cap ? this.throttle(list) : list;
    return [...kept].sort(outputOrder).map((e) => e.row);
  }

  private throttle(list: Entry[]): Entry[] {
    const groups = new Map<string, { target: string; bucket: number; entries: Entry[] }>();
    for (const e of list) {
      const k = `${e.row.targetSupernodeAccount}\u0000${e.row.bucketType}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { target: e.row.targetSupernodeAccount, bucket: e.row.bucketType, entries: [] }));
      g.entries.push(e);
    }
    for (const g of groups.values()) g.entries.sort(olderFirst);
    let total = list.length;
    let dropped = 0;
    // Phase 1: shave the largest group (ties: smallest target, then smallest bucket) down to one entry.
    while (total > this.cap) {
      let largest: { target: string; bucket: number; entries: Entry[] } | undefined;
      for (const g of groups.values()) {
        if (!largest || g.entries.length > largest.entries.length
          || (g.entries.length === largest.entries.length && (cmp(g.target, largest.target) < 0 || (g.target === largest.target && g.bucket < largest.bucket)))) {
          largest = g;
        }
      }
      if (!largest || largest.entries.length <= 1) break;
      largest.entries.shift();
      total--;
      dropped++;
    }
    // Phase 2: drop the globally oldest head entries.
    while (total > this.cap) {
      let oldest: { entries: Entry[] } | undefined;
      for (const g of groups.values()) {
        if (g.entries.length === 0) continue;
        if (!oldest || olderFirst(g.entries[0]!, oldest.entries[0]!) < 0) oldest = g;
      }
      if (!oldest) break;
      oldest.entries.shift();
      total--;
      dropped++;
    }
    this.opts.metrics?.inc('dispatch_throttled_total', THROTTLE_POLICY, dropped);
    return [...groups.values()].flatMap((g) => g.entries);
  }
}

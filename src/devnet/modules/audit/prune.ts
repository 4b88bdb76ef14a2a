/** Pruning at the end of epoch E (spec 03 §1.4): keep epochs [E+1−K, E]. */
import type { AuditEnv } from './env.js';
import { isFinalHealStatus } from './enums.js';
import { tDelete, tEntries, type Table } from './table.js';

function dropWhere<T>(t: Table<T>, old: (v: T, k: string) => boolean): void {
  for (const [k, v] of tEntries(t)) if (old(v, k)) tDelete(t, k);
}

export function prune(env: AuditEnv, e: bigint): void {
  const s = env.state;
  const k = s.params.keepLastEpochEntries;
  if (e + 1n <= k) return;
  const minKept = e + 1n - k;
  const old = (epoch: bigint) => epoch < minKept;
  const epochOfKey = (key: string) => BigInt(key.split('\u0000')[0] as string);
  dropWhere(s.anchors, (a) => old(a.epochId));
  dropWhere(s.paramsSnapshots, (_v, key) => old(BigInt(key)));
  dropWhere(s.reports, (r) => old(r.epochId));
  dropWhere(s.recheckDedup, (_v, key) => old(epochOfKey(key)));
  dropWhere(s.transcripts, (t) => old(t.epochId));
  dropWhere(s.nodeFailureFacts, (f) => old(f.epochId));
  dropWhere(s.reporterResultFacts, (f) => old(f.epochId));
  dropWhere(s.failedHealMarkers, (m) => old(m.epochId));
  // Terminal heal ops with scheduled_epoch_id + K < E go with their votes (rule 1.4.2).
  for (const [id, op] of tEntries(s.healOps)) {
    if (!isFinalHealStatus(op.status) || op.scheduledEpochId + k >= e) continue;
    tDelete(s.healOps, id);
    dropWhere(s.healVotes, (_v, key) => key.split('\u0000')[0] === id);
  }
  // Ticket rows: only idle, zero-score rows untouched for K epochs (rule 1.4.3).
  if (e > k) {
    dropWhere(s.ticketDeterioration, (t) => t.lastUpdatedEpoch < e - k && t.deteriorationScore === 0n && t.activeHealOpId === 0n);
  }
}

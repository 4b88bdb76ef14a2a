/**
 * Epoch report assembly and submission (spec 04 §2.10, spec 03 §3). Right before submitting, the
 * assignment is re-queried (spec 03 §10.1: it can change inside an epoch); rows for targets no longer
 * assigned are dropped, duplicate descriptors removed (the chain refuses them), and in FULL mode exactly one
 * RECENT and one OLD row per target are kept. Missing FULL-mode pairs are returned to the caller so it can
 * challenge them before the report goes out; the epoch is never stalled on them forever.
 */
import type { HostReport, StorageChallengeObservation, StorageProofResult } from '../gen/lumera/audit/v1/audit.js';
import { StorageProofBucketType, StorageProofResultClass, StorageTruthEnforcementMode } from '../deterministic/index.js';
import { isEpochReportDuplicate, isTransient } from '../chain/errors.js';
import { errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { AuditParams, ChallengeChain } from './chain.js';
import { diskUsagePercent, observeTargets } from './observations.js';
import type { ResultBuffer } from './result-buffer.js';

export interface MissingPair {
  target: string;
  buckets: StorageProofBucketType[];
}

export type ReportOutcome =
  | { kind: 'submitted'; rows: number; txHeight: bigint }
  | { kind: 'already-reported' }
  | { kind: 'incomplete'; missing: MissingPair[] }
  | { kind: 'failed'; error: string; transient: boolean };

export interface ReporterOptions {
  chain: ChallengeChain;
  identity: string;
  buffer: ResultBuffer;
  /** Directory whose volume's usage is reported (the artefact store). */
  diskDir: string;
  probeTimeoutMs?: number;
  logger?: Logger;
}

function descriptor(r: StorageProofResult): string {
  return [r.targetSupernodeAccount, r.bucketType, r.ticketId, r.artifactClass, r.artifactOrdinal].join('\u0000');
}

/**
 * Keeps rows the chain can accept for this assignment and mode; the rest is returned as `dropped`. In FULL
 * mode a real (ticketed) row wins over a NO_ELIGIBLE row for the same (target, bucket). Output keeps input order.
 */
export function selectRows(rows: readonly StorageProofResult[], assigned: readonly string[], full: boolean): { kept: StorageProofResult[]; dropped: StorageProofResult[] } {
  const allowed = new Set(assigned);
  const seen = new Set<string>();
  const perBucket = new Set<string>();
  const keep = new Set<StorageProofResult>();
  const noEligible = (r: StorageProofResult) => (r.resultClass as number) === StorageProofResultClass.NO_ELIGIBLE_TICKET;
  const order = [...rows.filter((r) => !noEligible(r)), ...rows.filter(noEligible)];
  for (const r of order) {
    const d = descriptor(r);
    const coverage = `${r.targetSupernodeAccount}\u0000${r.bucketType}`;
    const counted = (r.bucketType as number) === StorageProofBucketType.RECENT || (r.bucketType as number) === StorageProofBucketType.OLD;
    if (!allowed.has(r.targetSupernodeAccount) || seen.has(d) || (full && counted && perBucket.has(coverage))) continue;
    seen.add(d);
    if (counted) perBucket.add(coverage);
    keep.add(r);
  }
  return { kept: rows.filter((r) => keep.has(r)), dropped: rows.filter((r) => !keep.has(r)) };
}

/** FULL mode: (target, bucket) pairs of the assignment without a RECENT or OLD row. */
export function missingCoverage(rows: readonly StorageProofResult[], assigned: readonly string[]): MissingPair[] {
  const have = new Set(rows.map((r) => `${r.targetSupernodeAccount}\u0000${r.bucketType}`));
  const out: MissingPair[] = [];
  for (const t of assigned) {
    const buckets = [StorageProofBucketType.RECENT, StorageProofBucketType.OLD].filter((b) => !have.has(`${t}\u0000${b}`));
    if (buckets.length > 0) out.push({ target: t, buckets });
  }
  return out;
}

export class EpochReporter {
  private readonly log: Logger;

  constructor(private readonly o: ReporterOptions) {
    this.log = o.logger ?? silentLogger();
  }

  /** Whether our report for the epoch is already on chain (errors propagate). */
  async isReported(epochId: bigint): Promise<boolean> {
    return (await this.o.chain.getEpochReport(epochId, this.o.identity)) !== undefined;
  }

  /**
   * One attempt to get the epoch's report on chain. `allowIncomplete`: submit even when FULL coverage is
   * missing (the chain then decides; used once the caller has no way left to fill the gaps).
   */
  async report(epochId: bigint, params: AuditParams | undefined, allowIncomplete: boolean): Promise<ReportOutcome> {
    if (await this.isReported(epochId)) {
      this.o.buffer.collect(epochId); // stale rows of an epoch already on chain
      return { kind: 'already-reported' };
    }
    const assignment = await this.o.chain.getAssignedTargets(this.o.identity, epochId);
    const assigned = assignment.targetSupernodeAccounts.map((t) => t.trim()).filter((t) => t !== '' && t !== this.o.identity);
    const full = (params?.storageTruthEnforcementMode as number | undefined) === StorageTruthEnforcementMode.FULL;
    const drained = this.o.buffer.collect(epochId);
    const { kept, dropped } = selectRows(drained, assigned, full);
    if (dropped.length > 0) this.log.info({ epochId: String(epochId), dropped: dropped.length }, 'epoch report: rows for unassigned targets or duplicates dropped');
    if (full && assigned.length > 0) {
      const missing = missingCoverage(kept, assigned);
      if (missing.length > 0 && !allowIncomplete) {
        this.o.buffer.requeue(epochId, kept);
        return { kind: 'incomplete', missing };
      }
    }
    const observations: StorageChallengeObservation[] = assigned.length === 0 ? [] : await observeTargets(this.o.chain, assigned, assignment.requiredOpenPorts, this.o.probeTimeoutMs);
    const hostReport: Partial<HostReport> = {
      cpuUsagePercent: 0,
      memUsagePercent: 0,
      diskUsagePercent: await diskUsagePercent(this.o.diskDir),
    };
    try {
      const tx = await this.o.chain.submitEpochReport({ epochId, hostReport, storageChallengeObservations: observations, storageProofResults: kept });
      this.log.info({ epochId: String(epochId), rows: kept.length, height: String(tx.height) }, 'epoch report submitted');
      return { kind: 'submitted', rows: kept.length, txHeight: tx.height };
    } catch (err) {
      if (isEpochReportDuplicate(err)) return { kind: 'already-reported' };
      this.o.buffer.requeue(epochId, kept);
      this.log.warn({ epochId: String(epochId), err: errorMessage(err) }, 'epoch report submit failed; rows requeued');
      return { kind: 'failed', error: errorMessage(err), transient: isTransient(err) };
    }
  }
}

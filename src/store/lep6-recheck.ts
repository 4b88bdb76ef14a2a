/**
 * Repositories for recheck submissions (§5.3) and the per-(epoch, ticket) recheck failure budget (§5.4,
 * §4.6). Recheck rows are keyed (epoch_id, ticket_id): the chain accepts one recheck per (epoch, ticket,
 * creator) and the creator is always us; the target is metadata. Submitted rows are never deleted.
 */
import type { Database, Statement } from 'better-sqlite3';
import { InvalidArgumentError } from '../util/errors.js';
import {
  AlreadyRecordedError, asBigInt, asNumber, asStatus, asText, checkChainId, checkText, unixSeconds,
  type Clock, type Lep6RowStatus, type RawRow,
} from './lep6-tables.js';
import { PendingRows } from './lep6-pending-rows.js';

export interface NewRecheckSubmission {
  epochId: bigint;
  ticketId: string;
  targetAccount: string;
  challengedTranscriptHash: string;
  recheckTranscriptHash: string;
  /** StorageProofResultClass enum number (spec 04 §0.1). */
  resultClass: number;
}

export interface RecheckSubmissionRow extends NewRecheckSubmission {
  status: Lep6RowStatus;
  submittedAt: number;
}

function submissionRow(r: RawRow): RecheckSubmissionRow {
  return {
    epochId: asBigInt(r.epoch_id ?? null),
    ticketId: asText(r.ticket_id ?? null),
    targetAccount: asText(r.target_account ?? null),
    challengedTranscriptHash: asText(r.challenged_transcript_hash ?? null),
    recheckTranscriptHash: asText(r.recheck_transcript_hash ?? null),
    resultClass: asNumber(r.result_class ?? null),
    status: asStatus(r.status ?? null),
    submittedAt: asNumber(r.submitted_at ?? null),
  };
}

function key(epochId: bigint, ticketId: string): [bigint, string] {
  return [checkChainId('epochId', epochId), checkText('ticketId', ticketId)];
}

function checkSubmission(s: NewRecheckSubmission): void {
  key(s.epochId, s.ticketId);
  checkText('targetAccount', s.targetAccount);
  checkText('challengedTranscriptHash', s.challengedTranscriptHash);
  checkText('recheckTranscriptHash', s.recheckTranscriptHash);
  if (!Number.isInteger(s.resultClass) || s.resultClass < 1 || s.resultClass > 7) {
    throw new InvalidArgumentError('resultClass', `must be a StorageProofResultClass number 1..7, got ${s.resultClass}`);
  }
}

export class RecheckSubmissionsRepo {
  private readonly rows: PendingRows<RecheckSubmissionRow>;

  constructor(db: Database, clock: Clock = Date.now) {
    this.rows = new PendingRows(
      db,
      {
        table: 'storage_recheck_submissions',
        keyColumns: ['epoch_id', 'ticket_id'],
        dataColumns: ['target_account', 'challenged_transcript_hash', 'recheck_transcript_hash', 'result_class'],
        toRow: submissionRow,
      },
      clock,
    );
  }

  private write(s: NewRecheckSubmission, status: Lep6RowStatus): boolean {
    checkSubmission(s);
    return this.rows.insert([s.epochId, s.ticketId, s.targetAccount, s.challengedTranscriptHash, s.recheckTranscriptHash, s.resultClass], status);
  }

  /** Stages a recheck before submitting it (§4.5 step 3). Throws AlreadyRecordedError when (epoch, ticket) has a row. */
  insertPending(s: NewRecheckSubmission): void {
    if (!this.write(s, 'pending')) throw new AlreadyRecordedError('storage_recheck_submissions', `epoch_id=${s.epochId} ticket_id=${s.ticketId}`);
  }

  /** Records a submitted recheck directly; silent (returns false) when (epoch, ticket) already has a row. */
  recordSubmitted(s: NewRecheckSubmission): boolean {
    return this.write(s, 'submitted');
  }

  markSubmitted(epochId: bigint, ticketId: string): boolean {
    return this.rows.markSubmitted(key(epochId, ticketId));
  }

  get(epochId: bigint, ticketId: string): RecheckSubmissionRow | undefined {
    return this.rows.get(key(epochId, ticketId));
  }

  /** Any row, pending or submitted (candidate discovery skips both; §4.2 step 6). */
  has(epochId: bigint, ticketId: string): boolean {
    return this.get(epochId, ticketId) !== undefined;
  }

  /**
   * Rechecks staged but not confirmed. Discovery treats them as done (spec 04 §11.6), so the runtime must
   * resubmit these itself after a restart or a transient failure; the chain's "already submitted" answer
   * then promotes them.
   */
  listPending(): RecheckSubmissionRow[] {
    return this.rows.listPending();
  }

  /** Drops a pending recheck after a definite chain rejection. Submitted rows stay. */
  deletePending(epochId: bigint, ticketId: string): boolean {
    return this.rows.deletePending(key(epochId, ticketId));
  }
}

export interface RecheckFailureRow {
  epochId: bigint;
  ticketId: string;
  targetAccount: string;
  attempts: number;
  lastError: string;
  /** Unix seconds after which the budget for this (epoch, ticket) resets. */
  expiresAt: number;
}

export interface RecheckFailure {
  epochId: bigint;
  ticketId: string;
  targetAccount: string;
  error: string;
}

/** Failure budget with a sliding TTL (§4.6). Rows are local bookkeeping only: deleting them is always safe. */
export class RecheckFailuresRepo {
  private readonly upsert: Statement;
  private readonly select: Statement;
  private readonly remove: Statement;
  private readonly purge: Statement;

  constructor(db: Database, private readonly clock: Clock = Date.now) {
    this.upsert = db.prepare(`INSERT INTO recheck_attempt_failures (epoch_id, ticket_id, target_account, attempts, last_error, expires_at)
      VALUES (?, ?, ?, 1, ?, ?)
      ON CONFLICT (epoch_id, ticket_id) DO UPDATE SET
        attempts = attempts + 1, target_account = excluded.target_account,
        last_error = excluded.last_error, expires_at = excluded.expires_at`);
    this.select = db.prepare('SELECT epoch_id, ticket_id, target_account, attempts, last_error, expires_at FROM recheck_attempt_failures WHERE epoch_id = ? AND ticket_id = ?').safeIntegers(true);
    this.remove = db.prepare('DELETE FROM recheck_attempt_failures WHERE epoch_id = ? AND ticket_id = ?');
    this.purge = db.prepare('DELETE FROM recheck_attempt_failures WHERE expires_at <= ?');
  }

  /** Counts one failed attempt; the window restarts at now + ttl (rounded up to whole seconds). */
  recordFailure(f: RecheckFailure, ttlMs: number): RecheckFailureRow {
    const [e, t] = key(f.epochId, f.ticketId);
    checkText('targetAccount', f.targetAccount, { allowEmpty: true });
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 0) throw new InvalidArgumentError('ttlMs', `must be an integer >= 0, got ${ttlMs}`);
    this.upsert.run(e, t, f.targetAccount, f.error, unixSeconds(this.clock) + Math.ceil(ttlMs / 1000));
    const row = this.get(e, t);
    if (!row) throw new Error('recheck_attempt_failures: row vanished after upsert');
    return row;
  }

  get(epochId: bigint, ticketId: string): RecheckFailureRow | undefined {
    const r = this.select.get(...key(epochId, ticketId)) as RawRow | undefined;
    if (!r) return undefined;
    return {
      epochId: asBigInt(r.epoch_id ?? null),
      ticketId: asText(r.ticket_id ?? null),
      targetAccount: asText(r.target_account ?? null),
      attempts: asNumber(r.attempts ?? null),
      lastError: asText(r.last_error ?? null),
      expiresAt: asNumber(r.expires_at ?? null),
    };
  }

  /** `maxAttempts <= 0` → never; no row → no; expired row → deleted, no; else attempts >= maxAttempts. */
  isExhausted(epochId: bigint, ticketId: string, maxAttempts: number): boolean {
    if (!Number.isInteger(maxAttempts)) throw new InvalidArgumentError('maxAttempts', `must be an integer, got ${maxAttempts}`);
    if (maxAttempts <= 0) return false;
    const row = this.get(epochId, ticketId);
    if (!row) return false;
    if (row.expiresAt <= unixSeconds(this.clock)) {
      this.remove.run(row.epochId, row.ticketId);
      return false;
    }
    return row.attempts >= maxAttempts;
  }

  /** Deletes every expired row; returns how many. */
  purgeExpired(): number {
    return this.purge.run(unixSeconds(this.clock)).changes;
  }
}

/**
 * The LEP-6 tables of the local state database (spec 04 §5.1–§5.5) and what their repositories share.
 * Primary keys are the keys the chain deduplicates on: one heal claim per heal op, one verification per
 * (heal op, verifier), one recheck per (epoch, ticket) for our creator account (§4.5), one failure budget
 * per (epoch, ticket). Rows move `pending` (staged before a submit) → `submitted` (chain accepted or
 * already had it); pending rows survive restarts so the runtime can reconcile and retry them.
 * Timestamps are Unix seconds.
 */
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';

export const LEP6_TABLES_SQL = `
CREATE TABLE heal_claims_submitted (
  heal_op_id    INTEGER PRIMARY KEY CHECK (heal_op_id > 0),
  ticket_id     TEXT    NOT NULL CHECK (ticket_id <> ''),
  manifest_hash TEXT    NOT NULL CHECK (manifest_hash <> ''),
  staging_dir   TEXT    NOT NULL CHECK (staging_dir <> ''),
  status        TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN ('pending', 'submitted')),
  submitted_at  INTEGER NOT NULL
);
CREATE INDEX idx_heal_claims_status ON heal_claims_submitted (status);

CREATE TABLE heal_verifications_submitted (
  heal_op_id        INTEGER NOT NULL CHECK (heal_op_id > 0),
  verifier_account  TEXT    NOT NULL CHECK (verifier_account <> ''),
  verified          INTEGER NOT NULL CHECK (verified IN (0, 1)),
  verification_hash TEXT    NOT NULL CHECK (verification_hash <> ''),
  status            TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN ('pending', 'submitted')),
  submitted_at      INTEGER NOT NULL,
  PRIMARY KEY (heal_op_id, verifier_account)
);
CREATE INDEX idx_heal_verifications_status ON heal_verifications_submitted (status);

CREATE TABLE storage_recheck_submissions (
  epoch_id                   INTEGER NOT NULL CHECK (epoch_id > 0),
  ticket_id                  TEXT    NOT NULL CHECK (ticket_id <> ''),
  target_account             TEXT    NOT NULL,
  challenged_transcript_hash TEXT    NOT NULL,
  recheck_transcript_hash    TEXT    NOT NULL,
  result_class               INTEGER NOT NULL,
  status                     TEXT    NOT NULL DEFAULT 'submitted' CHECK (status IN ('pending', 'submitted')),
  submitted_at               INTEGER NOT NULL,
  PRIMARY KEY (epoch_id, ticket_id)
);
CREATE INDEX idx_storage_recheck_submissions_status ON storage_recheck_submissions (status);

CREATE TABLE recheck_attempt_failures (
  epoch_id       INTEGER NOT NULL CHECK (epoch_id > 0),
  ticket_id      TEXT    NOT NULL CHECK (ticket_id <> ''),
  target_account TEXT    NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 1,
  last_error     TEXT,
  expires_at     INTEGER NOT NULL,
  PRIMARY KEY (epoch_id, ticket_id)
);
CREATE INDEX idx_recheck_attempt_failures_expires ON recheck_attempt_failures (expires_at);

CREATE TABLE storage_challenge_state (
  state_key  TEXT    PRIMARY KEY NOT NULL,
  epoch_id   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/** Migration entry (version assigned in migrations.ts). */
export const LEP6_TABLES_MIGRATION = { name: 'lep6_tables', sql: LEP6_TABLES_SQL } as const;

export type Lep6RowStatus = 'pending' | 'submitted';

/** A row with this key is already recorded (pending or submitted): the caller's dedup signal. */
export class AlreadyRecordedError extends SupernodeError {
  constructor(table: string, key: string) {
    super('ALREADY_RECORDED', `${table}: ${key} is already recorded`, { table, key });
  }
}

export function isAlreadyRecorded(err: unknown): err is AlreadyRecordedError {
  return err instanceof AlreadyRecordedError;
}

/** Clock in milliseconds (Date.now by default); rows store whole seconds. */
export type Clock = () => number;
export const unixSeconds = (clock: Clock): number => Math.floor(clock() / 1000);

const MAX_INT64 = (1n << 63n) - 1n;

/** Chain ids (heal op, epoch) are uint64 on the chain; SQLite holds signed 64-bit, so 1..2^63-1. */
export function checkChainId(name: string, value: bigint): bigint {
  if (typeof value !== 'bigint') throw new InvalidArgumentError(name, `must be a bigint, got ${typeof value}`);
  if (value <= 0n || value > MAX_INT64) throw new InvalidArgumentError(name, `must be in 1..${MAX_INT64}, got ${value}`);
  return value;
}

export function checkText(name: string, value: string, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(name, `must be a string, got ${typeof value}`);
  if (!allowEmpty && value.trim() === '') throw new InvalidArgumentError(name, 'must not be empty');
  return value;
}

/** A row as better-sqlite3 returns it with safeIntegers on: every INTEGER column is a bigint. */
export type RawRow = Record<string, bigint | string | null>;

export const asBigInt = (v: RawRow[string]): bigint => (typeof v === 'bigint' ? v : BigInt(v ?? 0));
export const asNumber = (v: RawRow[string]): number => Number(v ?? 0);
export const asText = (v: RawRow[string]): string => (v === null ? '' : String(v));
export const asStatus = (v: RawRow[string]): Lep6RowStatus => (v === 'pending' ? 'pending' : 'submitted');

/**
 * `storage_challenge_state` (spec 04 §5.5): small key → epoch records. The challenger stores
 * `lep6.last_submitted_epoch` — here it means what it says: the last epoch whose report is on chain
 * (accepted, or found there after a restart), so a restarted node neither re-reports nor skips an epoch.
 */
import type { Database } from 'better-sqlite3';
import { InvalidArgumentError } from '../util/errors.js';

export const LAST_SUBMITTED_EPOCH_KEY = 'lep6.last_submitted_epoch';

/** Idempotent DDL (spec 04 §5.5), also usable as a migration body. */
export const CHALLENGE_STATE_DDL = `CREATE TABLE IF NOT EXISTS storage_challenge_state (
  state_key  TEXT PRIMARY KEY NOT NULL,
  epoch_id   INTEGER NOT NULL,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

export interface ChallengeStateStore {
  get(key: string): bigint | undefined;
  set(key: string, epochId: bigint): void;
}

export class SqliteChallengeState implements ChallengeStateStore {
  constructor(private readonly db: Database) {
    db.exec(CHALLENGE_STATE_DDL);
  }

  get(key: string): bigint | undefined {
    const row = this.db.prepare('SELECT epoch_id FROM storage_challenge_state WHERE state_key = ?').safeIntegers(true).get(key) as { epoch_id: bigint } | undefined;
    return row?.epoch_id;
  }

  set(key: string, epochId: bigint): void {
    if (typeof epochId !== 'bigint' || epochId < 0n) throw new InvalidArgumentError('epochId', `must be a non-negative bigint, got ${String(epochId)}`);
    this.db.prepare(
      `INSERT INTO storage_challenge_state (state_key, epoch_id, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)
       ON CONFLICT(state_key) DO UPDATE SET epoch_id = excluded.epoch_id, updated_at = CURRENT_TIMESTAMP`,
    ).run(key, epochId);
  }
}

/** In-memory variant for tests. */
export class MemoryChallengeState implements ChallengeStateStore {
  private readonly m = new Map<string, bigint>();
  get(key: string): bigint | undefined {
    return this.m.get(key);
  }
  set(key: string, epochId: bigint): void {
    this.m.set(key, epochId);
  }
}

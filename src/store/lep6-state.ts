/**
 * Small persisted challenger state (§5.5) and one factory for all LEP-6 repositories.
 */
import type { Database, Statement } from 'better-sqlite3';
import { InvalidArgumentError } from '../util/errors.js';
import { asBigInt, checkText, unixSeconds, type Clock, type RawRow } from './lep6-tables.js';
import { HealClaimsRepo, HealVerificationsRepo } from './lep6-heal.js';
import { RecheckFailuresRepo, RecheckSubmissionsRepo } from './lep6-recheck.js';

/** The last epoch the challenger dispatched and submitted for (survives restarts; §2.11). */
export const LAST_SUBMITTED_EPOCH_KEY = 'lep6.last_submitted_epoch';

const MAX_INT64 = (1n << 63n) - 1n;

export class ChallengeStateRepo {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(db: Database, private readonly clock: Clock = Date.now) {
    this.select = db.prepare('SELECT epoch_id FROM storage_challenge_state WHERE state_key = ?').safeIntegers(true);
    this.upsert = db.prepare(`INSERT INTO storage_challenge_state (state_key, epoch_id, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (state_key) DO UPDATE SET epoch_id = excluded.epoch_id, updated_at = excluded.updated_at`);
  }

  /** The stored epoch for `key`, or undefined when never set. */
  getEpoch(key: string): bigint | undefined {
    const r = this.select.get(checkText('key', key)) as RawRow | undefined;
    return r ? asBigInt(r.epoch_id ?? null) : undefined;
  }

  setEpoch(key: string, epochId: bigint): void {
    checkText('key', key);
    if (typeof epochId !== 'bigint' || epochId < 0n || epochId > MAX_INT64) throw new InvalidArgumentError('epochId', `must be a bigint in 0..${MAX_INT64}, got ${String(epochId)}`);
    this.upsert.run(key, epochId, unixSeconds(this.clock));
  }

  getLastSubmittedEpoch(): bigint | undefined {
    return this.getEpoch(LAST_SUBMITTED_EPOCH_KEY);
  }

  setLastSubmittedEpoch(epochId: bigint): void {
    this.setEpoch(LAST_SUBMITTED_EPOCH_KEY, epochId);
  }
}

export interface Lep6Repositories {
  healClaims: HealClaimsRepo;
  healVerifications: HealVerificationsRepo;
  recheckSubmissions: RecheckSubmissionsRepo;
  recheckFailures: RecheckFailuresRepo;
  challengeState: ChallengeStateRepo;
}

/** All LEP-6 repositories over one open database (after migrations). `clock` is milliseconds. */
export function lep6Repositories(db: Database, clock: Clock = Date.now): Lep6Repositories {
  return {
    healClaims: new HealClaimsRepo(db, clock),
    healVerifications: new HealVerificationsRepo(db, clock),
    recheckSubmissions: new RecheckSubmissionsRepo(db, clock),
    recheckFailures: new RecheckFailuresRepo(db, clock),
    challengeState: new ChallengeStateRepo(db, clock),
  };
}

/**
 * Opening the local state database: one better-sqlite3 connection per process, shared by every store
 * (LEP-6 tables, artefact index, …), with an exclusive per-database lock and the schema brought up to
 * date by the migrations list before anyone uses it.
 *
 * Settings and why:
 * - journal_mode=WAL: readers (status, CLI inspection) never block the daemon's writes.
 * - synchronous=NORMAL: in WAL mode this never corrupts the file; an OS crash or power loss can lose
 *   the last few commits but an application crash loses nothing. Every row here mirrors something the
 *   chain also knows (claims, votes, rechecks, last epoch) and the runtime reconciles against the chain
 *   ("already submitted", heal-op status), so a lost commit costs a repeated query or a dedup answer,
 *   never a wrong submission. FULL would fsync on every commit for no such gain; it stays available.
 * - busy_timeout=5000: better-sqlite3 is synchronous, so a busy wait blocks the whole event loop (gRPC,
 *   timers). The lock below keeps other writers out; 5 s only covers an operator's ad-hoc sqlite3 session.
 *   (The reference waits 120 s, which in Node would freeze the daemon for two minutes.)
 * - foreign_keys=ON: enforced for any table that declares them.
 * - cache_size=-262144: up to 256 MiB of page cache, as the reference; only used as the file grows.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';
import { acquireDbLock, type DbLock } from './db-lock.js';
import { applyMigrations, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations.js';

export interface OpenDatabaseOptions {
  /** Schema history to apply (default: the project's MIGRATIONS). */
  migrations?: readonly Migration[];
  /** Take the one-daemon-per-database lock (default true). */
  lock?: boolean;
  busyTimeoutMs?: number;
  synchronous?: 'NORMAL' | 'FULL';
  /** Milliseconds clock for `applied_at` (tests). */
  clock?: () => number;
}

export interface StateDatabase {
  /** The shared connection; hand it to repositories. Do not close it directly: call close(). */
  readonly db: Database.Database;
  readonly path: string;
  /** Highest schema version recorded after opening. */
  readonly schemaVersion: number;
  /** Versions this open applied (empty on a database already up to date). */
  readonly appliedMigrations: readonly number[];
  /** Closes the connection, then releases the lock. Idempotent. */
  close(): void;
}

export const HISTORY_DB_FILE = 'history.db';

function setPragmas(db: Database.Database, options: OpenDatabaseOptions): void {
  const busy = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busy) || busy < 0) throw new InvalidArgumentError('busyTimeoutMs', `must be an integer >= 0, got ${busy}`);
  db.pragma(`busy_timeout = ${busy}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') throw new SupernodeError('DB_OPEN_FAILED', `cannot switch ${db.name} to WAL journal mode (got ${String(mode)}); is it on a filesystem without shared-memory support?`);
  db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -262144');
}

/** Opens (creating if needed) the database at `path`, locks it and applies pending migrations. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): StateDatabase {
  if (typeof path !== 'string' || path.trim() === '') throw new InvalidArgumentError('path', 'must not be empty');
  const file = resolve(path);
  const lock: DbLock | undefined = options.lock === false ? undefined : acquireDbLock(file);
  let db: Database.Database | undefined;
  try {
    try {
      db = new Database(file);
    } catch (err) {
      throw new SupernodeError('DB_OPEN_FAILED', `cannot open database ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
    }
    setPragmas(db, options);
    const result = applyMigrations(db, options.migrations ?? MIGRATIONS, options.clock);
    const conn = db;
    let open = true;
    return {
      db: conn,
      path: file,
      schemaVersion: result.version,
      appliedMigrations: result.applied,
      close() {
        if (!open) return;
        open = false;
        try {
          conn.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    db?.close();
    lock?.release();
    if (err instanceof SupernodeError || err instanceof InvalidArgumentError) throw err;
    // e.g. SQLITE_NOTADB for a file that is not a database, SQLITE_CORRUPT, SQLITE_READONLY.
    throw new SupernodeError('DB_OPEN_FAILED', `cannot open database ${file}: ${(err as Error).message}`, { path: file, sqliteCode: (err as { code?: string }).code }, { cause: err });
  }
}

/** `<baseDir>/history.db` (spec 04 R5.0): creates the base dir (0700) when missing; blank base dir refused. */
export function openHistoryDb(baseDir: string, options: OpenDatabaseOptions = {}): StateDatabase {
  if (typeof baseDir !== 'string' || baseDir.trim() === '') throw new InvalidArgumentError('baseDir', 'must not be empty');
  const file = join(resolve(baseDir), HISTORY_DB_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return openDatabase(file, options);
}

/**
 * One daemon per database. Two processes on one base dir would both submit claims, verifications and
 * rechecks from the same local state and race each other's rows, so the second is refused.
 *
 * Mechanism: a small SQLite file next to the database (`<db>.lock`) held in EXCLUSIVE locking mode after
 * one write. SQLite then keeps an OS-level (POSIX fcntl) lock on it for as long as the connection is open;
 * the kernel drops it when the process exits or is killed, so there is no stale-lock state to detect and
 * no PID that could be reused (a container restarting as PID 1 would fool a pid file). The lock is also
 * honoured between connections of one process. A side file `<db>.lock.owner` records who holds it, for the
 * refusal message only. Not reliable on network filesystems whose fcntl locks are advisory or broken.
 */
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SupernodeError } from '../util/errors.js';

export class DbLockedError extends SupernodeError {
  constructor(dbPath: string, owner: string | undefined) {
    super(
      'DB_LOCKED',
      `database ${dbPath} is in use by another supernode process${owner ? ` (${owner})` : ''}; ` +
        'two daemons on one base dir would submit from the same state — stop the other one or use another base dir',
      { dbPath },
    );
  }
}

export function isDbLocked(err: unknown): err is DbLockedError {
  return err instanceof DbLockedError;
}

export interface DbLock {
  readonly lockPath: string;
  release(): void;
}

function describeOwner(ownerPath: string): string | undefined {
  try {
    const o = JSON.parse(readFileSync(ownerPath, 'utf8')) as { pid?: number; host?: string; since?: string };
    return `pid ${o.pid ?? '?'} on ${o.host ?? '?'} since ${o.since ?? '?'}`;
  } catch {
    return undefined;
  }
}

/**
 * Lock connections held by this process. better-sqlite3 closes a connection when it is garbage
 * collected, which would silently drop the lock if a caller kept only the database handle; this set keeps
 * every held lock reachable until release().
 */
const held = new Set<Database.Database>();

/** Takes the lock for `dbPath` or throws DbLockedError at once (no waiting). */
export function acquireDbLock(dbPath: string): DbLock {
  const lockPath = `${dbPath}.lock`;
  const ownerPath = `${lockPath}.owner`;
  const conn = new Database(lockPath);
  try {
    conn.pragma('busy_timeout = 0');
    conn.pragma('locking_mode = EXCLUSIVE');
    conn.pragma('journal_mode = MEMORY');
    // The write is what makes SQLite take and then keep the EXCLUSIVE lock in this locking mode.
    conn.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, since TEXT NOT NULL)');
    conn.prepare('INSERT OR REPLACE INTO holder (id, pid, since) VALUES (1, ?, ?)').run(process.pid, new Date().toISOString());
  } catch (err) {
    conn.close();
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new DbLockedError(dbPath, describeOwner(ownerPath));
    throw new SupernodeError('DB_LOCK_FAILED', `cannot create the lock file ${lockPath}: ${(err as Error).message}`, { lockPath }, { cause: err });
  }
  try {
    writeFileSync(ownerPath, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), { mode: 0o600 });
  } catch {
    // Informational only; the lock itself is held.
  }
  held.add(conn);
  return {
    lockPath,
    release() {
      if (!held.delete(conn)) return;
      rmSync(ownerPath, { force: true });
      conn.close();
    },
  };
}

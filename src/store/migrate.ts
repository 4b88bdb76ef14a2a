/**
 * Versioned schema migrations for the local state database. Each migration runs once, in ascending
 * version order, inside its own write transaction together with its `schema_migrations` row, so a
 * migration either lands completely or not at all. A database that records a version this build does not
 * know (written by a newer build) is refused rather than used half-understood.
 */
import type { Database } from 'better-sqlite3';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';

export interface Migration {
  /** Position in the schema history: unique, ascending, never renumbered or reused once released. */
  readonly version: number;
  /** Short identifier stored with the version; a stored name that differs from the code's is refused. */
  readonly name: string;
  /**
   * Forward-only, non-destructive change: CREATE TABLE / INDEX, ALTER TABLE … ADD COLUMN, data backfills.
   * Never DROP or rewrite data an older build or the chain may still need. Give `sql` or `up`, not both.
   */
  readonly sql?: string;
  readonly up?: (db: Database) => void;
}

export class SchemaError extends SupernodeError {}

export function isSchemaError(err: unknown): err is SchemaError {
  return err instanceof SchemaError;
}

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Refuses a list with duplicate or invalid versions or names, or entries with neither or both of sql/up. */
export function checkMigrationList(migrations: readonly Migration[]): Migration[] {
  const versions = new Set<number>();
  const names = new Set<string>();
  migrations.forEach((m, i) => {
    const at = `migrations[${i}]`;
    if (!Number.isSafeInteger(m.version) || m.version < 1) throw new InvalidArgumentError(`${at}.version`, `must be a positive integer, got ${m.version}`);
    if (versions.has(m.version)) throw new InvalidArgumentError(`${at}.version`, `must be unique, got ${m.version} twice`);
    if (!/^[a-z0-9_]{1,64}$/.test(m.name)) throw new InvalidArgumentError(`${at}.name`, `must be 1..64 of a-z, 0-9, _, got ${JSON.stringify(m.name)}`);
    if (names.has(m.name)) throw new InvalidArgumentError(`${at}.name`, `must be unique, got ${JSON.stringify(m.name)} twice`);
    if ((m.sql === undefined) === (m.up === undefined)) throw new InvalidArgumentError(at, 'must define exactly one of sql and up');
    versions.add(m.version);
    names.add(m.name);
  });
  return [...migrations].sort((a, b) => a.version - b.version);
}

export interface MigrationResult {
  /** Versions applied by this call, ascending. */
  applied: number[];
  /** Highest version now recorded (0 for an empty list). */
  version: number;
}

/**
 * Brings `db` up to date with `migrations`. Idempotent: a second call applies nothing. Throws SchemaError
 * `DB_SCHEMA_TOO_NEW` / `DB_SCHEMA_MISMATCH` before changing anything, and `DB_MIGRATION_FAILED` (with the
 * earlier migrations of this call kept, the failing one rolled back) when a migration throws.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[], now: () => number = Date.now): MigrationResult {
  const ordered = checkMigrationList(migrations);
  db.exec(BOOKKEEPING);
  const known = new Map(ordered.map((m) => [m.version, m]));
  const maxKnown = ordered.at(-1)?.version ?? 0;
  const recorded = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string }>;
  for (const row of recorded) {
    const m = known.get(row.version);
    if (m === undefined && row.version > maxKnown) {
      throw new SchemaError('DB_SCHEMA_TOO_NEW', `database schema version ${row.version} (${row.name}) is newer than this build knows (up to ${maxKnown}); run a newer supernode or restore a matching backup`, { version: row.version, maxKnown });
    }
    if (m === undefined || m.name !== row.name) {
      throw new SchemaError('DB_SCHEMA_MISMATCH', `database records migration ${row.version} as ${JSON.stringify(row.name)} but this build ${m ? `calls it ${JSON.stringify(m.name)}` : 'has no such migration'}; the database was written by a different build`, { version: row.version });
    }
  }
  const done = new Set(recorded.map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of ordered) {
    if (done.has(m.version)) continue;
    const run = db.transaction(() => {
      if (m.sql !== undefined) db.exec(m.sql);
      else m.up?.(db);
      record.run(m.version, m.name, Math.floor(now() / 1000));
    });
    try {
      // IMMEDIATE takes the write lock up front, so the migration never fails half-way on a busy upgrade.
      run.immediate();
    } catch (err) {
      throw new SchemaError('DB_MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed and was rolled back: ${(err as Error).message}`, { version: m.version }, { cause: err });
    }
    applied.push(m.version);
  }
  return { applied, version: Math.max(maxKnown, ...recorded.map((r) => r.version), 0) };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, openHistoryDb } from '../../src/store/db.js';
import { applyMigrations, isSchemaError, type Migration } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { isDbLocked } from '../../src/store/db-lock.js';
import type { TestContext } from 'node:test';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'lep6-db-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);

test('history.db is created under the base dir with WAL, NORMAL sync, foreign keys and the LEP-6 tables', (t) => {
  const base = join(tempDir(t), 'nested', 'base');
  const s = openHistoryDb(base);
  t.after(() => s.close());
  assert.equal(s.path, join(base, 'history.db'));
  assert.ok(existsSync(s.path));
  assert.equal(statSync(base).mode & 0o777, 0o700);
  assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(s.db.pragma('synchronous', { simple: true }), 1, 'NORMAL');
  assert.equal(s.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(s.db.pragma('busy_timeout', { simple: true }), 5000);
  for (const name of ['heal_claims_submitted', 'heal_verifications_submitted', 'storage_recheck_submissions', 'recheck_attempt_failures', 'storage_challenge_state', 'schema_migrations']) {
    assert.ok(tables(s.db).includes(name), name);
  }
  assert.deepEqual(s.appliedMigrations, MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
});

test('a blank base dir or path is refused', () => {
  assert.throws(() => openHistoryDb('  '), /baseDir must not be empty/);
  assert.throws(() => openDatabase(''), /path must not be empty/);
});

test('re-opening applies nothing and keeps the data (idempotent migrations)', (t) => {
  const file = join(tempDir(t), 'h.db');
  const first = openDatabase(file);
  first.db.prepare("INSERT INTO storage_challenge_state (state_key, epoch_id, updated_at) VALUES ('k', 9, 1)").run();
  const version = first.schemaVersion;
  first.close();
  first.close();
  const second = openDatabase(file);
  t.after(() => second.close());
  assert.deepEqual(second.appliedMigrations, []);
  assert.equal(second.schemaVersion, version);
  assert.equal((second.db.prepare("SELECT epoch_id FROM storage_challenge_state WHERE state_key = 'k'").get() as { epoch_id: number }).epoch_id, 9);
  const rows = second.db.prepare('SELECT version FROM schema_migrations').all();
  assert.equal(rows.length, MIGRATIONS.length);
});

const extra: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER)' },
  { version: 3, name: 'three', up: (db) => db.exec('CREATE TABLE three (x INTEGER)') },
  { version: 2, name: 'two', sql: 'CREATE TABLE two (x INTEGER); INSERT INTO two VALUES (1)' },
];

test('migrations run in version order, each once, and new entries appended later are applied', () => {
  const db = new Database(':memory:');
  const order: string[] = [];
  const traced = extra.map((m) => ({ ...m, sql: undefined, up: (d: Database.Database) => { order.push(m.name); if (m.sql) d.exec(m.sql); else m.up?.(d); } }));
  assert.deepEqual(applyMigrations(db, traced.slice(0, 2)), { applied: [1, 3], version: 3 });
  assert.deepEqual(applyMigrations(db, traced), { applied: [2], version: 3 });
  assert.deepEqual(order, ['one', 'three', 'two']);
  assert.deepEqual(applyMigrations(db, traced), { applied: [], version: 3 });
  db.close();
});

test('a database with a newer schema version than the code knows is refused, untouched', (t) => {
  const file = join(tempDir(t), 'h.db');
  const newer = [...MIGRATIONS, { version: 999, name: 'from_the_future', sql: 'CREATE TABLE future (x INTEGER)' }];
  openDatabase(file, { migrations: newer }).close();
  assert.throws(() => openDatabase(file), (err: unknown) => isSchemaError(err) && err.code === 'DB_SCHEMA_TOO_NEW' && /999 \(from_the_future\) is newer than this build knows/.test(err.message));
  // The refusal released the lock: the newer build can still open it.
  openDatabase(file, { migrations: newer }).close();
  const renamed = newer.map((m) => (m.version === 999 ? { ...m, name: 'renamed' } : m));
  assert.throws(() => openDatabase(file, { migrations: renamed }), (err: unknown) => isSchemaError(err) && err.code === 'DB_SCHEMA_MISMATCH');
});

test('a failing migration rolls back completely and is not recorded; earlier ones stay', () => {
  const db = new Database(':memory:');
  const failing: Migration[] = [
    extra[0] as Migration,
    { version: 2, name: 'broken', up: (d) => { d.exec('CREATE TABLE half (x INTEGER); INSERT INTO half VALUES (1)'); throw new Error('boom'); } },
    { version: 3, name: 'after', sql: 'CREATE TABLE after_broken (x INTEGER)' },
  ];
  assert.throws(() => applyMigrations(db, failing), (err: unknown) => isSchemaError(err) && err.code === 'DB_MIGRATION_FAILED' && /migration 2 \(broken\) failed and was rolled back: boom/.test(err.message));
  assert.deepEqual(tables(db), ['one', 'schema_migrations']);
  assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }]);
  db.close();
});

test('malformed migration lists are refused', () => {
  const db = new Database(':memory:');
  assert.throws(() => applyMigrations(db, [extra[0] as Migration, { version: 1, name: 'dup', sql: 'SELECT 1' }]), /migrations\[1\]\.version must be unique, got 1 twice/);
  assert.throws(() => applyMigrations(db, [{ version: 0, name: 'zero', sql: 'SELECT 1' }]), /must be a positive integer, got 0/);
  assert.throws(() => applyMigrations(db, [{ version: 4, name: 'neither' }]), /must define exactly one of sql and up/);
  assert.throws(() => applyMigrations(db, [{ version: 4, name: 'Bad Name', sql: 'SELECT 1' }]), /migrations\[0\]\.name must be/);
  db.close();
});

test('a second open of the same database in one process is refused until the first closes', (t) => {
  const base = tempDir(t);
  const first = openHistoryDb(base);
  assert.throws(() => openHistoryDb(base), (err: unknown) => isDbLocked(err) && err.code === 'DB_LOCKED' && new RegExp(`in use by another supernode process \\(pid ${process.pid} `).test(err.message));
  first.close();
  const again = openHistoryDb(base);
  again.close();
});

test('a second daemon process is refused; the lock dies with its holder (no stale lock)', async (t) => {
  const base = tempDir(t);
  const dbModule = new URL('../../src/store/db.js', import.meta.url).href;
  // The child drops the returned handle and forces a GC: the lock must survive that.
  const script = `import(${JSON.stringify(dbModule)}).then((m) => { m.openHistoryDb(${JSON.stringify(base)}); globalThis.gc?.(); process.stdout.write('held\\n'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  await new Promise<void>((resolveHeld, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not take the lock within 20 s')), 20_000);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('held')) { clearTimeout(timer); resolveHeld(); } });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited early with ${code}`)); });
  });
  assert.throws(() => openHistoryDb(base), (err: unknown) => isDbLocked(err) && err.message.includes(`pid ${child.pid} `));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
  const mine = openHistoryDb(base);
  mine.close();
});

test('a file that is not a database is a clear open error, and the lock is released', (t) => {
  const file = join(tempDir(t), 'h.db');
  writeFileSync(file, 'this is not sqlite, just some text that is long enough to be read as a header........');
  assert.throws(() => openDatabase(file), (err: unknown) => (err as { code?: string }).code === 'DB_OPEN_FAILED' && /cannot open database .*h\.db: file is not a database/.test((err as Error).message));
  rmSync(file);
  openDatabase(file).close();
});

/**
 * SQLite index of local artefacts → the action they belong to (better-sqlite3). One row per (key, action):
 * the same blob can belong to several actions (identical symbols of identical files). `kind` says what
 * the blob is, so a storage challenge or a heal can list an action's index files, layout files or symbols.
 *
 * Schema: ARTEFACT_INDEX_MIGRATION is the versioned migration for the shared database (src/store/migrations.ts);
 * `ensureArtefactIndexSchema` applies the same DDL idempotently for databases opened without it.
 */
import type { Database } from 'better-sqlite3';
import { InvalidArgumentError } from '../util/errors.js';
import { parseArtefactKey } from './artefacts.js';

export type ArtefactKind = 'symbol' | 'layout' | 'index';
const KINDS: readonly ArtefactKind[] = ['symbol', 'layout', 'index'];

export const ARTEFACT_INDEX_DDL = `
CREATE TABLE IF NOT EXISTS artefact_actions (
  key        TEXT    NOT NULL,
  action_id  TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('symbol', 'layout', 'index')),
  size       INTEGER NOT NULL CHECK (size > 0),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (key, action_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS artefact_actions_by_action ON artefact_actions (action_id, kind);
`;

/**
 * One row per indexed action, for the artefact sweeper: when an artefact of it was last recorded, whether
 * the chain said it is finalised (`settled`: DONE / APPROVED are final, never asked about again) and when
 * the chain was last asked (0 = never). Kept apart from artefact_actions so that finding the actions due
 * for a check reads one indexed row per action, not every symbol row.
 */
export const ARTEFACT_CHECKS_DDL = `
CREATE TABLE IF NOT EXISTS artefact_action_checks (
  action_id   TEXT    NOT NULL PRIMARY KEY,
  recorded_at INTEGER NOT NULL,
  settled     INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1)),
  checked_at  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS artefact_action_checks_due ON artefact_action_checks (settled, checked_at);
INSERT OR IGNORE INTO artefact_action_checks (action_id, recorded_at)
  SELECT action_id, MAX(created_at) FROM artefact_actions GROUP BY action_id;
`;

/** Migration entries for the shared migrations list: name + forward-only, non-destructive SQL. */
export const ARTEFACT_INDEX_MIGRATION = { name: 'artefact_actions', sql: ARTEFACT_INDEX_DDL } as const;
export const ARTEFACT_CHECKS_MIGRATION = { name: 'artefact_action_checks', sql: ARTEFACT_CHECKS_DDL } as const;

export function ensureArtefactIndexSchema(db: Database): void {
  db.exec(ARTEFACT_INDEX_DDL);
  db.exec(ARTEFACT_CHECKS_DDL);
}

export interface ArtefactRecord {
  key: string;
  kind: ArtefactKind;
  size: number;
}

function checkActionId(actionId: unknown): string {
  if (typeof actionId !== 'string' || !/^[0-9]{1,20}$/.test(actionId)) throw new InvalidArgumentError('actionId', 'must be a decimal action id (1–20 digits)');
  return actionId;
}

function checkRecord(r: ArtefactRecord, i: number): void {
  parseArtefactKey(r.key, `records[${i}].key`);
  if (!KINDS.includes(r.kind)) throw new InvalidArgumentError(`records[${i}].kind`, `must be one of ${KINDS.join(', ')}`);
  if (!Number.isSafeInteger(r.size) || r.size <= 0) throw new InvalidArgumentError(`records[${i}].size`, 'must be a positive integer');
}

export class ArtefactIndex {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /** Records that `records` belong to `actionId` (upsert; one transaction). */
  record(actionId: string, records: readonly ArtefactRecord[]): void {
    checkActionId(actionId);
    records.forEach(checkRecord);
    const stmt = this.db.prepare(
      `INSERT INTO artefact_actions (key, action_id, kind, size, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key, action_id) DO UPDATE SET kind = excluded.kind, size = excluded.size`,
    );
    const touch = this.db.prepare(
      `INSERT INTO artefact_action_checks (action_id, recorded_at) VALUES (?, ?)
       ON CONFLICT (action_id) DO UPDATE SET recorded_at = excluded.recorded_at`,
    );
    const at = this.now();
    this.db.transaction(() => {
      for (const r of records) stmt.run(r.key, actionId, r.kind, r.size, at);
      touch.run(actionId, at);
    })();
  }

  /** Actions a key belongs to, ascending by id. */
  actionsOf(key: string): string[] {
    parseArtefactKey(key);
    const rows = this.db.prepare('SELECT action_id FROM artefact_actions WHERE key = ?').all(key) as Array<{ action_id: string }>;
    return rows.map((r) => r.action_id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  }

  /** Artefacts recorded for an action (optionally one kind), ordered by key. */
  artefactsOf(actionId: string, kind?: ArtefactKind): ArtefactRecord[] {
    checkActionId(actionId);
    if (kind !== undefined && !KINDS.includes(kind)) throw new InvalidArgumentError('kind', `must be one of ${KINDS.join(', ')}`);
    const rows = (
      kind === undefined
        ? this.db.prepare('SELECT key, kind, size FROM artefact_actions WHERE action_id = ? ORDER BY key').all(actionId)
        : this.db.prepare('SELECT key, kind, size FROM artefact_actions WHERE action_id = ? AND kind = ? ORDER BY key').all(actionId, kind)
    ) as ArtefactRecord[];
    return rows;
  }

  /** Size recorded for a key (any action), or undefined. */
  sizeOf(key: string): number | undefined {
    parseArtefactKey(key);
    const row = this.db.prepare('SELECT size FROM artefact_actions WHERE key = ? LIMIT 1').get(key) as { size: number } | undefined;
    return row?.size;
  }

  /**
   * Actions worth asking the chain about: every artefact recorded at or before `recordedBefore`, not known
   * to be finalised, and not asked about since `checkedBefore`; the longest-unasked first, at most `limit`.
   */
  dueForCheck(o: { recordedBefore: number; checkedBefore: number; limit: number }): string[] {
    const rows = this.db.prepare(
      `SELECT action_id AS id FROM artefact_action_checks
       WHERE settled = 0 AND checked_at <= ? AND recorded_at <= ? ORDER BY checked_at, action_id LIMIT ?`,
    ).all(o.checkedBefore, o.recordedBefore, o.limit) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** Records what the chain said of an action: finalised (`settled`, never asked again) or not yet. */
  markChecked(actionId: string, settled: boolean): void {
    checkActionId(actionId);
    this.db.prepare('UPDATE artefact_action_checks SET settled = ?, checked_at = ? WHERE action_id = ?').run(settled ? 1 : 0, this.now(), actionId);
  }

  /** Keys of `actionId` that no other action references (what removing it would leave unreferenced). */
  orphanedBy(actionId: string): string[] {
    checkActionId(actionId);
    const rows = this.db.prepare(
      `SELECT a.key FROM artefact_actions a WHERE a.action_id = ?
       AND NOT EXISTS (SELECT 1 FROM artefact_actions b WHERE b.key = a.key AND b.action_id <> a.action_id) ORDER BY a.key`,
    ).all(actionId) as Array<{ key: string }>;
    return rows.map((r) => r.key);
  }

  /** Forgets an action; returns the keys no other action references any more (candidates for deletion). */
  removeAction(actionId: string): string[] {
    checkActionId(actionId);
    return this.db.transaction(() => {
      const keys = (this.db.prepare('SELECT key FROM artefact_actions WHERE action_id = ?').all(actionId) as Array<{ key: string }>).map((r) => r.key);
      this.db.prepare('DELETE FROM artefact_actions WHERE action_id = ?').run(actionId);
      this.db.prepare('DELETE FROM artefact_action_checks WHERE action_id = ?').run(actionId);
      const still = this.db.prepare('SELECT 1 FROM artefact_actions WHERE key = ? LIMIT 1');
      return keys.filter((k) => still.get(k) === undefined).sort();
    })();
  }

  /** Forgets a key for every action (after the blob was deleted). */
  removeKey(key: string): void {
    parseArtefactKey(key);
    this.db.prepare('DELETE FROM artefact_actions WHERE key = ?').run(key);
  }
}

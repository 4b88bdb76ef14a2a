/**
 * The pending → submitted row life cycle shared by the LEP-6 submission tables (heal claims, heal
 * verifications, recheck submissions): a row is staged as `pending` before the chain tx, promoted to
 * `submitted` once the chain holds it, and only pending rows may be dropped by the runtime. The repositories
 * keep validation and their public API; this class owns the SQL.
 */
import type { Database, Statement } from 'better-sqlite3';
import { unixSeconds, type Clock, type Lep6RowStatus, type RawRow } from './lep6-tables.js';

export interface PendingRowsSpec<Row> {
  table: string;
  /** Primary-key columns, also the listing order. */
  keyColumns: readonly string[];
  /** The other columns except `status` and `submitted_at`, in the order `insert` receives them. */
  dataColumns: readonly string[];
  toRow(raw: RawRow): Row;
}

type SqlValue = bigint | number | string;

export class PendingRows<Row> {
  private readonly insertRow: Statement;
  private readonly select: Statement;
  private readonly promote: Statement;
  private readonly all: Statement;
  private readonly pending: Statement;
  private readonly removePending: Statement;
  private readonly removeAny: Statement;
  private readonly toRow: (raw: RawRow) => Row;

  constructor(db: Database, spec: PendingRowsSpec<Row>, private readonly clock: Clock) {
    const { table, keyColumns } = spec;
    const columnList = [...keyColumns, ...spec.dataColumns, 'status', 'submitted_at'];
    const columns = columnList.join(', ');
    const key = keyColumns.map((c) => `${c} = ?`).join(' AND ');
    const order = keyColumns.join(', ');
    this.toRow = spec.toRow;
    this.insertRow = db.prepare(`INSERT INTO ${table} (${columns}) VALUES (${columnList.map(() => '?').join(', ')}) ON CONFLICT (${order}) DO NOTHING`);
    this.select = db.prepare(`SELECT ${columns} FROM ${table} WHERE ${key}`).safeIntegers(true);
    this.promote = db.prepare(`UPDATE ${table} SET status = 'submitted', submitted_at = ? WHERE ${key} AND status = 'pending'`);
    this.all = db.prepare(`SELECT ${columns} FROM ${table} ORDER BY ${order}`).safeIntegers(true);
    this.pending = db.prepare(`SELECT ${columns} FROM ${table} WHERE status = 'pending' ORDER BY ${order}`).safeIntegers(true);
    this.removePending = db.prepare(`DELETE FROM ${table} WHERE ${key} AND status = 'pending'`);
    this.removeAny = db.prepare(`DELETE FROM ${table} WHERE ${key}`);
  }

  /** Inserts key + data columns with `status`, stamped now; false (no change) when the key already has a row. */
  insert(values: readonly SqlValue[], status: Lep6RowStatus): boolean {
    return this.insertRow.run(...values, status, unixSeconds(this.clock)).changes > 0;
  }

  get(key: readonly SqlValue[]): Row | undefined {
    const r = this.select.get(...key) as RawRow | undefined;
    return r ? this.toRow(r) : undefined;
  }

  /** pending → submitted, stamped now. False when there is no pending row (absent or already submitted). */
  markSubmitted(key: readonly SqlValue[]): boolean {
    return this.promote.run(unixSeconds(this.clock), ...key).changes > 0;
  }

  listAll(): Row[] {
    return (this.all.all() as RawRow[]).map(this.toRow);
  }

  listPending(): Row[] {
    return (this.pending.all() as RawRow[]).map(this.toRow);
  }

  /** Drops the row only while it is pending. */
  deletePending(key: readonly SqlValue[]): boolean {
    return this.removePending.run(...key).changes > 0;
  }

  /** Drops the row whatever its status. */
  deleteAny(key: readonly SqlValue[]): boolean {
    return this.removeAny.run(...key).changes > 0;
  }
}

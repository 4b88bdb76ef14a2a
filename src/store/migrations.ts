/**
 * The schema history of the local state database (`<base_dir>/history.db`), applied in version order
 * when the database opens (src/store/db.ts). To add a table, append ONE entry with the next version:
 *   { version: <last + 1>, ...MY_TABLE_MIGRATION },   // MY_TABLE_MIGRATION = { name, sql } or { name, up }
 * Never edit, renumber or remove a released entry: databases in the field already recorded it.
 */
import type { Migration } from './migrate.js';
import { LEP6_TABLES_MIGRATION } from './lep6-tables.js';
import { ARTEFACT_CHECKS_MIGRATION, ARTEFACT_INDEX_MIGRATION } from './artefact-index.js';

export type { Migration } from './migrate.js';

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, ...LEP6_TABLES_MIGRATION },
  { version: 2, ...ARTEFACT_INDEX_MIGRATION },
  { version: 3, ...ARTEFACT_CHECKS_MIGRATION },
];

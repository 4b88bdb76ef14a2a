import { join } from 'node:path';
import type { SupernodeConfig } from './types.js';

/** The local state database (spec 04 R5.0): `<base_dir>/history.db`. */
export function historyDbPath(config: Pick<SupernodeConfig, 'baseDir'>): string {
  return join(config.baseDir, 'history.db');
}

/**
 * The chain modules the devnet runs, in hook order: supernode → action → audit (audit reads supernode states
 * and action artifact counts). Each factory follows the contract in modules/types.ts.
 */
import { createSupernodeModule } from './modules/supernode/index.js';
import { createActionModule } from './modules/action/index.js';
import { createAuditModule } from './modules/audit/index.js';
import type { DevnetModule, ModuleInit } from './modules/types.js';

export const MODULE_FACTORIES: readonly { name: string; create: (init: ModuleInit) => DevnetModule }[] = [
  { name: 'supernode', create: createSupernodeModule },
  { name: 'action', create: createActionModule },
  { name: 'audit', create: createAuditModule },
];

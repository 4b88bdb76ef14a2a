/**
 * Loads the chain modules (supernode → action → audit) from src/devnet/modules/<name>/index.js. Each index
 * exports `create<Name>Module(init: ModuleInit)` (see modules/types.ts). A module whose index is not present
 * in this build is skipped with a warning, so the node runs (bank/auth only) while modules are developed.
 */
import type { DevnetModule, ModuleInit } from './modules/types.js';

export const MODULE_ORDER = ['supernode', 'action', 'audit'] as const;

export interface LoadedModules {
  modules: DevnetModule[];
  missing: string[];
}

type Factory = (init: ModuleInit) => DevnetModule;

export async function loadModuleFactories(): Promise<{ name: string; create: Factory }[]> {
  const out: { name: string; create: Factory }[] = [];
  for (const name of MODULE_ORDER) {
    const factoryName = `create${name[0]!.toUpperCase()}${name.slice(1)}Module`;
    let mod: Record<string, unknown>;
    try {
      // A computed specifier: the file may not exist yet in a partial tree.
      const spec = `./modules/${name}/index.js`;
      mod = (await import(spec)) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`modules/${name}/index.js`)) continue;
      throw err;
    }
    const create = mod[factoryName];
    if (typeof create !== 'function') throw new Error(`src/devnet/modules/${name}/index.ts must export ${factoryName}`);
    out.push({ name, create: create as Factory });
  }
  return out;
}

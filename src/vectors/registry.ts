import type { VectorHandlers } from './runner.js';
import { deterministicVectorHandlers } from '../deterministic/vectors.js';
import { altsVectorHandlers } from '../transport/vectors.js';
import { cascadeVectorHandlers } from '../cascade/vectors.js';

/** Every function name a vector file may use, across the derivation, transport and cascade suites. */
export function allVectorHandlers(): VectorHandlers {
  const merged: Record<string, VectorHandlers[string]> = {};
  for (const suite of [deterministicVectorHandlers, altsVectorHandlers, cascadeVectorHandlers]) {
    for (const [name, fn] of Object.entries(suite)) {
      if (merged[name]) throw new Error(`vector function ${name} registered twice`);
      merged[name] = fn;
    }
  }
  return merged;
}

import type { VectorHandlers } from '../vectors/runner.js';

/** Vector functions of the derivation library (spec 01), keyed by the function names of the shared vector files. */
export const deterministicVectorHandlers: VectorHandlers = {};

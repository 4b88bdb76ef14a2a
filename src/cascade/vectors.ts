import type { VectorHandlers } from '../vectors/runner.js';

/** Vector functions of the cascade artefacts (spec 05 §1, §4), keyed by the function names of the shared vector files. */
export const cascadeVectorHandlers: VectorHandlers = {};

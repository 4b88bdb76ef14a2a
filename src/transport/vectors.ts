import type { VectorHandlers } from '../vectors/runner.js';

/** Vector functions of the lumera-alts transport (spec 05 §5), keyed by the function names of the shared vector files. */
export const altsVectorHandlers: VectorHandlers = {};

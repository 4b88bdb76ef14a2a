import { InvalidArgumentError } from '../util/errors.js';

/** One known-answer vector as stored in the shared vector files (spec 01 Appendix D). */
export interface Vector {
  id: string;
  function: string;
  inputs: Record<string, unknown>;
  expected: unknown;
  [extra: string]: unknown;
}

export interface VectorFile {
  vectors: Vector[];
  properties?: unknown[];
}

/** Parses and shape-checks a vector file; every problem names the offending vector and field. */
export function parseVectorFile(text: string, source: string): VectorFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(source, `is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { vectors?: unknown }).vectors)) {
    throw new InvalidArgumentError(`${source}: vectors`, 'must be an array');
  }
  const vectors = (doc as { vectors: unknown[] }).vectors;
  vectors.forEach((v, i) => {
    const where = `${source}: vectors[${i}]`;
    if (typeof v !== 'object' || v === null) throw new InvalidArgumentError(where, 'must be an object');
    const o = v as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id === '') throw new InvalidArgumentError(`${where}.id`, 'must be a non-empty string');
    if (typeof o.function !== 'string' || o.function === '') {
      throw new InvalidArgumentError(`${where}.function`, 'must be a non-empty string');
    }
    if (typeof o.inputs !== 'object' || o.inputs === null || Array.isArray(o.inputs)) {
      throw new InvalidArgumentError(`${where}.inputs`, 'must be an object');
    }
    if (!('expected' in o)) throw new InvalidArgumentError(`${where}.expected`, 'is missing');
  });
  return doc as VectorFile;
}

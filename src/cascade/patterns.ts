/**
 * Deterministic test-file patterns of the shared cascade vectors (cascade.json `encoding.files`), also used
 * by tests and the benchmark so that their inputs are reproducible.
 */
import { InvalidArgumentError } from '../util/errors.js';

export type FilePattern = 'mod251' | 'zero' | 'xorshift32';

export interface FileSpec {
  size: number;
  pattern: FilePattern;
  seed?: number;
}

export function makeFile(spec: FileSpec): Uint8Array {
  const { size, pattern } = spec;
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError('file.size', `must be a non-negative integer, got ${size}`);
  const out = new Uint8Array(size);
  if (pattern === 'zero') return out;
  if (pattern === 'mod251') {
    for (let i = 0; i < size; i++) out[i] = i % 251;
    return out;
  }
  if (pattern === 'xorshift32') {
    const seed = spec.seed;
    if (seed === undefined || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidArgumentError('file.seed', 'must be a uint32');
    let x = seed >>> 0;
    const whole = size - (size % 4);
    const dv = new DataView(out.buffer);
    for (let j = 0; j < whole; j += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      dv.setUint32(j, x >>> 0, true);
    }
    if (whole < size) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      for (let b = 0; whole + b < size; b++) out[whole + b] = (x >>> (8 * b)) & 0xff;
    }
    return out;
  }
  throw new InvalidArgumentError('file.pattern', `must be mod251, zero or xorshift32, got ${String(pattern)}`);
}

/** Parses `inputs.file` of a vector: {size: decimal string, pattern, [seed]}. */
export function parseFileSpec(v: unknown): FileSpec {
  if (typeof v !== 'object' || v === null) throw new InvalidArgumentError('file', 'must be an object');
  const o = v as Record<string, unknown>;
  if (typeof o.size !== 'string' || !/^(0|[1-9][0-9]*)$/.test(o.size)) throw new InvalidArgumentError('file.size', 'must be a decimal string');
  const size = Number(o.size);
  if (o.pattern !== 'mod251' && o.pattern !== 'zero' && o.pattern !== 'xorshift32') throw new InvalidArgumentError('file.pattern', 'must be mod251, zero or xorshift32');
  const spec: FileSpec = { size, pattern: o.pattern };
  if (o.seed !== undefined) {
    if (typeof o.seed !== 'number') throw new InvalidArgumentError('file.seed', 'must be a number');
    spec.seed = o.seed;
  }
  return spec;
}

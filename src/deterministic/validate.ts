/**
 * Type guards for the public functions. The library is called from JS (CLI, vectors, peers' requests),
 * so every input is checked against its protocol type and a violation names the argument and the limit.
 */
import { DerivationError, DerivationErrorCode } from './errors.js';
import { INT64_MAX, UINT32_MAX, UINT64_MAX } from './constants.js';

const INVALID = DerivationErrorCode.InvalidInput;

export function checkBytes(value: unknown, argument: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new DerivationError(INVALID, argument, 'must be a byte array (Uint8Array)');
  return value;
}

export function checkString(value: unknown, argument: string): string {
  if (typeof value !== 'string') throw new DerivationError(INVALID, argument, 'must be a string');
  return value;
}

export function checkStringList(value: unknown, argument: string): readonly string[] {
  if (!Array.isArray(value)) throw new DerivationError(INVALID, argument, 'must be an array of strings');
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') throw new DerivationError(INVALID, `${argument}[${i}]`, 'must be a string');
  }
  return value as readonly string[];
}

/** An optional collection of strings (array or Set); absent means empty. */
export function checkStringSet(value: unknown, argument: string): ReadonlySet<string> {
  if (value === undefined || value === null) return EMPTY_SET;
  if (value instanceof Set) {
    for (const v of value) if (typeof v !== 'string') throw new DerivationError(INVALID, argument, 'must hold only strings');
    return value as ReadonlySet<string>;
  }
  return new Set(checkStringList(value, argument));
}
const EMPTY_SET: ReadonlySet<string> = new Set();

/** Non-negative integer below 2^32, given as a JS number (proto uint32). */
export function checkUint32(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new DerivationError(INVALID, argument, `must be an integer in [0, ${UINT32_MAX}]`, { value: String(value) });
  }
  if (value < 0 || value > UINT32_MAX) {
    throw new DerivationError(INVALID, argument, `must be in [0, ${UINT32_MAX}], got ${value}`);
  }
  return value;
}

/** A non-negative integer that fits a JS number exactly (list lengths, small counts, k, divisor). */
export function checkCount(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DerivationError(INVALID, argument, `must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Signed integer (the Go `int` of k): any safe integer, sign checked by the caller's rule. */
export function checkInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DerivationError(INVALID, argument, `must be an integer, got ${String(value)}`);
  }
  return value;
}

/** uint64 as bigint. */
export function checkUint64(value: unknown, argument: string): bigint {
  if (typeof value !== 'bigint') throw new DerivationError(INVALID, argument, 'must be a bigint (uint64)');
  if (value < 0n || value > UINT64_MAX) throw new DerivationError(INVALID, argument, `must be in [0, 2^64-1], got ${value}`);
  return value;
}

/** int64 as bigint (heights, file_size_kbs); the sign rule, if any, is the caller's. */
export function checkInt64(value: unknown, argument: string): bigint {
  if (typeof value !== 'bigint') throw new DerivationError(INVALID, argument, 'must be a bigint (int64)');
  if (value < -INT64_MAX - 1n || value > INT64_MAX) {
    throw new DerivationError(INVALID, argument, `must be in [-2^63, 2^63-1], got ${value}`);
  }
  return value;
}

export function checkUint64List(value: unknown, argument: string): readonly bigint[] {
  if (!Array.isArray(value)) throw new DerivationError(INVALID, argument, 'must be an array of bigint (uint64)');
  value.forEach((v, i) => checkUint64(v, `${argument}[${i}]`));
  return value as readonly bigint[];
}

/** An enum value as a number (any integer; values outside the enum are "unsupported", not malformed). */
export function checkEnumNumber(value: unknown, argument: string): number {
  return checkInt(value, argument);
}

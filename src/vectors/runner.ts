import { isDeepStrictEqual } from 'node:util';
import type { Vector } from './format.js';
import { errorMessage } from '../util/errors.js';

/**
 * Computes the actual value for one vector. Throwing means "the call failed"; handlers whose expected
 * error carries partial results (e.g. frames opened before a tamper) return `{ error: true, ... }` instead.
 */
export type VectorHandler = (inputs: Record<string, unknown>, vector: Vector) => unknown | Promise<unknown>;
export type VectorHandlers = Readonly<Record<string, VectorHandler>>;

export interface VectorOutcome {
  id: string;
  ok: boolean;
  /** Present when !ok: what went wrong, one line. */
  reason?: string;
}

// Fields of an expected error that only document the reference's message; never compared.
const INFORMATIONAL_ERROR_FIELDS = new Set(['reference_error']);

function isErrorExpectation(v: unknown): v is Record<string, unknown> & { error: true } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { error?: unknown }).error === true;
}

function short(v: unknown): string {
  const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** Normalises handler output to the JSON shapes of the vector files (bigint → decimal string, bytes → hex). */
export function toJsonShape(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (Array.isArray(v)) return v.map(toJsonShape);
  if (v instanceof Map) return toJsonShape(Object.fromEntries(v));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toJsonShape(x)]));
  }
  return v;
}

export async function runVector(vector: Vector, handlers: VectorHandlers): Promise<VectorOutcome> {
  const handler = handlers[vector.function];
  if (!handler) return { id: vector.id, ok: false, reason: `unknown function ${JSON.stringify(vector.function)}` };
  const expected = vector.expected;
  let actual: unknown;
  try {
    actual = toJsonShape(await handler(vector.inputs, vector));
  } catch (err) {
    if (isErrorExpectation(expected)) {
      const extra = Object.keys(expected).filter((k) => k !== 'error' && !INFORMATIONAL_ERROR_FIELDS.has(k));
      if (extra.length === 0) return { id: vector.id, ok: true };
      return { id: vector.id, ok: false, reason: `expected an error with ${extra.join(', ')}; the call threw: ${errorMessage(err)}` };
    }
    return { id: vector.id, ok: false, reason: `expected ${short(expected)} got error: ${errorMessage(err)}` };
  }
  if (isErrorExpectation(expected)) {
    if (!isErrorExpectation(actual)) return { id: vector.id, ok: false, reason: `expected an error got ${short(actual)}` };
    for (const [k, want] of Object.entries(expected)) {
      if (INFORMATIONAL_ERROR_FIELDS.has(k)) continue;
      if (!isDeepStrictEqual(actual[k], want)) {
        return { id: vector.id, ok: false, reason: `expected error.${k} = ${short(want)} got ${short(actual[k])}` };
      }
    }
    return { id: vector.id, ok: true };
  }
  if (isDeepStrictEqual(actual, expected)) return { id: vector.id, ok: true };
  return { id: vector.id, ok: false, reason: `expected ${short(expected)} got ${short(actual)}` };
}

/**
 * JSON encoding of devnet state with the two non-JSON types modules may use: bigint → {"$n":"123"},
 * Uint8Array → {"$b":"<hex>"}. Anything else that JSON cannot represent faithfully is refused, so a module
 * that stores a Map or a Date finds out at the first save instead of silently losing data on restart.
 */
import { toHex, fromHex } from '@cosmjs/encoding';
import { SupernodeError } from '../util/errors.js';

export function encodeState(value: unknown): string {
  return JSON.stringify(toJson(value, '$'));
}

export function decodeState(text: string): unknown {
  return fromJson(JSON.parse(text) as unknown);
}

function toJson(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SupernodeError('DEVNET_STATE', `state value at ${path} is a non-finite number`);
    return value;
  }
  if (typeof value === 'bigint') return { $n: value.toString() };
  if (value instanceof Uint8Array) return { $b: toHex(value) };
  if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new SupernodeError('DEVNET_STATE', `state value at ${path} is a ${(value as object).constructor?.name ?? 'class instance'}; only plain objects are persisted`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = toJson(v, `${path}.${k}`);
    }
    return out;
  }
  if (value === undefined) return null;
  throw new SupernodeError('DEVNET_STATE', `state value at ${path} has unsupported type ${typeof value}`);
}

function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && typeof obj.$n === 'string') return BigInt(obj.$n);
    if (keys.length === 1 && typeof obj.$b === 'string') return fromHex(obj.$b);
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = fromJson(obj[k]);
    return out;
  }
  return value;
}

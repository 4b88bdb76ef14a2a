/**
 * Genesis param overrides for the audit module: accepts snake_case (proto) or camelCase keys, decimal
 * strings / numbers for 64-bit fields and enum names for the enforcement mode, then applies the chain's
 * defaults and validation. Bad input is refused with an error naming the field.
 */
import { InvalidArgumentError } from '../../../util/errors.js';
import { ENFORCEMENT_MODE_NAMES } from './enums.js';
import { defaultAuditParams, validateAuditParams, withDefaults, type AuditParams } from './params.js';

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function toBigInt(v: unknown, field: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new InvalidArgumentError(field, `must be an integer, got ${String(v)}`);
}

function toNumber(v: unknown, field: string): number {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError(field, `must be an integer in [0, 4294967295], got ${String(v)}`);
  }
  return n;
}

function toMode(v: unknown, field: string): number {
  if (typeof v === 'string' && !/^\d+$/.test(v)) {
    const name = v.toUpperCase();
    const idx = ENFORCEMENT_MODE_NAMES.findIndex((n) => n === name || n === `STORAGE_TRUTH_ENFORCEMENT_MODE_${name}`);
    if (idx < 0) throw new InvalidArgumentError(field, `must be one of UNSPECIFIED, SHADOW, SOFT, FULL, got ${v}`);
    return idx;
  }
  const n = toNumber(v, field);
  if (n > 3) throw new InvalidArgumentError(field, `must be in [0,3], got ${n}`);
  return n;
}

/** Builds the genesis params from the chain defaults, the devnet epoch length and the overrides. */
export function auditParamsFromOverrides(overrides: Record<string, unknown>, epochBlocks?: number): AuditParams {
  const defaults = defaultAuditParams() as unknown as Record<string, unknown>;
  const partial: Record<string, unknown> = {};
  if (epochBlocks !== undefined && epochBlocks > 0) partial.epochLengthBlocks = BigInt(epochBlocks);
  for (const [rawKey, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    const k = camel(rawKey);
    const field = `audit.${rawKey}`;
    const def = defaults[k];
    if (def === undefined) throw new InvalidArgumentError(field, 'is not an audit param');
    if (k === 'storageTruthEnforcementMode') partial[k] = toMode(v, field);
    else if (typeof def === 'bigint') partial[k] = toBigInt(v, field);
    else if (typeof def === 'boolean') {
      if (typeof v !== 'boolean') throw new InvalidArgumentError(field, 'must be a boolean');
      partial[k] = v;
    } else if (Array.isArray(def)) {
      if (!Array.isArray(v)) throw new InvalidArgumentError(field, 'must be a list of ports');
      partial[k] = v.map((x, i) => toNumber(x, `${field}[${i}]`));
    } else partial[k] = toNumber(v, field);
  }
  const params = withDefaults(partial as Partial<AuditParams>);
  const problem = validateAuditParams(params);
  if (problem !== undefined) throw new InvalidArgumentError('audit params', `are invalid: ${problem}`);
  return params;
}

/**
 * The CometBFT tx_search query language subset cosmjs and the daemon use: conditions joined by AND, each
 * `<composite.key> <op> <value>` with op one of = < <= > >= CONTAINS EXISTS, values in single quotes or bare
 * numbers. `tx.height` and `tx.hash` are the indexer's implicit keys.
 */
import { InvalidArgumentError } from '../util/errors.js';

export type Op = '=' | '<' | '<=' | '>' | '>=' | 'CONTAINS' | 'EXISTS';

export interface Condition {
  key: string;
  op: Op;
  value: string;
}

const COND = /^\s*([A-Za-z0-9_.\-/]+)\s*(?:(<=|>=|=|<|>|CONTAINS)\s*(?:'([^']*)'|(-?\d+(?:\.\d+)?))|(EXISTS))\s*$/;

export function parseTxQuery(query: string): Condition[] {
  if (typeof query !== 'string' || query.trim() === '') throw new InvalidArgumentError('query', 'must be a non-empty string');
  if (query.length > 4096) throw new InvalidArgumentError('query', 'must be at most 4096 characters');
  return query.split(/\s+AND\s+/).map((part) => {
    const m = COND.exec(part);
    if (!m) throw new InvalidArgumentError('query', `has an unsupported condition: ${part.trim()}`);
    if (m[5]) return { key: m[1]!, op: 'EXISTS' as const, value: '' };
    return { key: m[1]!, op: m[2] as Op, value: m[3] ?? m[4] ?? '' };
  });
}

/** True when `values` (all values recorded under the condition's key) satisfy the condition. */
export function matches(cond: Condition, values: string[]): boolean {
  if (cond.op === 'EXISTS') return values.length > 0;
  return values.some((v) => {
    switch (cond.op) {
      case '=': return v === cond.value;
      case 'CONTAINS': return v.includes(cond.value);
      default: {
        const a = Number(v);
        const b = Number(cond.value);
        if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
        return cond.op === '<' ? a < b : cond.op === '<=' ? a <= b : cond.op === '>' ? a > b : a >= b;
      }
    }
  });
}

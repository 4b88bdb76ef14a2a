/**
 * Typed field descriptors for the YAML configuration. Each field knows how to turn a YAML value into its
 * typed form (or say which type it expected), which range rules apply, what its default is, and how to
 * write the value back as YAML. The schema (schema.ts) is a tree of these; the loader walks it.
 */
import { checkAddress, LUMERA_ADDRESS_PREFIX } from '../crypto/account-keys.js';
import { formatDuration, parseDuration } from './duration.js';

/** One rule violation, phrased to follow the key path: `<path><suffix> <text>`. */
export interface Problem {
  /** Appended to the key path, e.g. `[1]` for the second list element. */
  suffix?: string;
  text: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export interface Field<T> {
  readonly kind: 'field';
  /** What the key does; the first line is used in the example file. */
  readonly doc: string;
  /** The accepted YAML type, as shown in docs ("integer >= 0", "duration string"). */
  readonly typeLabel: string;
  /** Undefined means the key is required. */
  readonly default: T | undefined;
  /** Spec 04 R7.2: a zero value means "use the default" (negatives stay and fail validation). */
  readonly zeroMeansDefault: boolean;
  /** A path resolved against the base dir unless absolute (empty stays empty). */
  readonly isPath: boolean;
  /** Value written to the example file when it differs from the default. */
  readonly example?: T;
  /** Model property when it is not the camelCase of the key (`recipient_read_timeout` → `recipientReadTimeoutMs`). */
  readonly property?: string;
  // Method syntax on purpose: lets Field<number> be stored as Field<unknown> in the schema tree.
  parse(raw: unknown): Parsed<T>;
  check(value: T): Problem[];
  isZero(value: T): boolean;
  toYaml(value: T): unknown;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(text: string, suffix?: string): Parsed<T> => ({ ok: false, problem: suffix ? { suffix, text } : { text } });

/** How a wrong value is shown in an error: strings quoted, with their YAML type when that is the problem. */
export function describeValue(raw: unknown): string {
  if (typeof raw === 'string') return `${JSON.stringify(raw)} (a string)`;
  if (typeof raw === 'number' || typeof raw === 'boolean') return `${String(raw)} (a ${typeof raw})`;
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  return String(raw);
}

interface Base<T> {
  doc: string;
  default?: T;
  example?: T;
}

function field<T>(spec: Omit<Field<T>, 'kind' | 'zeroMeansDefault' | 'isPath' | 'check' | 'isZero' | 'toYaml' | 'example'> &
  Partial<Pick<Field<T>, 'zeroMeansDefault' | 'isPath' | 'check' | 'isZero' | 'toYaml' | 'example'>>): Field<T> {
  return {
    kind: 'field',
    zeroMeansDefault: false,
    isPath: false,
    check: () => [],
    isZero: () => false,
    toYaml: (v) => v,
    ...spec,
  };
}

export function bool(spec: Base<boolean>): Field<boolean> {
  return field<boolean>({
    ...spec,
    default: spec.default,
    typeLabel: 'boolean',
    parse: (raw) => (typeof raw === 'boolean' ? ok(raw) : bad(`must be true or false, got ${describeValue(raw)}`)),
  });
}

interface IntSpec extends Base<number> {
  min?: number;
  max?: number;
  /** Why the maximum exists, shown in the error. */
  maxReason?: string;
  zeroMeansDefault?: boolean;
}

/** setTimeout/setInterval treat anything above 2^31-1 ms as 1 ms: a typo would turn a poll into a busy loop. */
export const MAX_TIMER_MS = 2_147_483_647;

export function int(spec: IntSpec): Field<number> {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return field<number>({
    doc: spec.doc,
    default: spec.default,
    example: spec.example,
    zeroMeansDefault: spec.zeroMeansDefault ?? true,
    typeLabel: `integer >= ${min}` + (spec.max !== undefined ? ` and <= ${spec.max}` : ''),
    parse: (raw) => {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad(`must be an integer, got ${describeValue(raw)}`);
      if (!Number.isInteger(raw)) return bad(`must be an integer, got ${raw}`);
      if (!Number.isSafeInteger(raw)) return bad(`must be <= ${Number.MAX_SAFE_INTEGER}, got ${raw}`);
      return ok(raw);
    },
    check: (v) => {
      if (v < min) return [{ text: `must be >= ${min}, got ${v}` }];
      if (v > max) return [{ text: `must be <= ${max}${spec.maxReason ? ` (${spec.maxReason})` : ''}, got ${v}` }];
      return [];
    },
    isZero: (v) => v === 0,
  });
}

/** A millisecond knob: integer, >= 0, zero means default, at most what a Node.js timer can hold. */
export function millis(spec: Base<number>): Field<number> {
  return int({ ...spec, min: 0, max: MAX_TIMER_MS, maxReason: 'the longest Node.js timer' });
}

/** A Go-style duration string (`30s`, `1m30s`, `500ms`); the model holds whole milliseconds. */
export function duration(spec: Base<number> & { property?: string }): Field<number> {
  return field<number>({
    doc: spec.doc,
    ...(spec.property ? { property: spec.property } : {}),
    default: spec.default,
    zeroMeansDefault: true,
    typeLabel: 'duration string such as "30s", "1m30s" or "500ms"',
    parse: (raw) => {
      if (raw === 0) return ok(0);
      if (typeof raw !== 'string') return bad(`must be a duration string such as "30s", got ${describeValue(raw)}`);
      const ms = parseDuration(raw);
      if (ms === undefined) return bad(`must be a duration string such as "30s" (units ns, us, ms, s, m, h), got ${JSON.stringify(raw)}`);
      if (!Number.isInteger(ms)) return bad(`must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
      return ok(ms);
    },
    check: (v) => {
      if (v < 0) return [{ text: `must be >= 0, got ${formatDuration(v)}` }];
      if (v > MAX_TIMER_MS) return [{ text: `must be <= ${formatDuration(MAX_TIMER_MS)} (the longest Node.js timer), got ${formatDuration(v)}` }];
      return [];
    },
    isZero: (v) => v === 0,
    toYaml: (v) => formatDuration(v),
  });
}

interface StringSpec extends Base<string> {
  /** Returns a problem text, or undefined when the string is acceptable. Not called for an empty optional value. */
  validate?: (value: string) => string | undefined;
  typeLabel?: string;
  /** Empty string allowed (means "off"/"unset"); otherwise empty is an error. */
  allowEmpty?: boolean;
  isPath?: boolean;
}

export function str(spec: StringSpec): Field<string> {
  return field<string>({
    doc: spec.doc,
    default: spec.default,
    example: spec.example,
    isPath: spec.isPath ?? false,
    typeLabel: spec.typeLabel ?? 'string',
    parse: (raw) => (typeof raw === 'string' ? ok(raw.trim()) : bad(`must be a string, got ${describeValue(raw)}`)),
    check: (v) => {
      if (v === '') return spec.allowEmpty ? [] : [{ text: 'must not be empty' }];
      const problem = spec.validate?.(v);
      return problem ? [{ text: problem }] : [];
    },
  });
}

export function oneOf<const T extends string>(values: readonly T[], spec: Base<T>): Field<T> {
  return field<T>({
    ...spec,
    default: spec.default,
    typeLabel: values.join(' | '),
    parse: (raw) =>
      typeof raw === 'string' && (values as readonly string[]).includes(raw)
        ? ok(raw as T)
        : bad(`must be one of ${values.join(', ')}, got ${describeValue(raw)}`),
  });
}

/** A bech32 `lumera1…` account address (20 bytes), checked by the shared decoder; the texts name the value. */
export function accountAddress(spec: Base<string>): Field<string> {
  return str({
    ...spec,
    typeLabel: 'a bech32 account address lumera1…',
    validate: (v) => {
      const check = checkAddress(v, LUMERA_ADDRESS_PREFIX);
      if (check.ok) return undefined;
      const p = check.problem;
      if (p.kind === 'encoding') return `must be a bech32 address (${p.detail}), got ${JSON.stringify(v)}`;
      if (p.kind === 'prefix') return `must have prefix ${LUMERA_ADDRESS_PREFIX}, got ${JSON.stringify(v)}`;
      return `must hold 20 address bytes, got ${p.length} in ${JSON.stringify(v)}`;
    },
  });
}

/** `host:port` (IPv6 as `[::1]:port`); empty means the listener is off. */
export function listenAddress(spec: Base<string>): Field<string> {
  return str({
    ...spec,
    allowEmpty: true,
    typeLabel: 'host:port, or empty for off',
    validate: (v) => {
      const parts = splitHostPort(v);
      return parts ? undefined : `must be host:port with a port in 0..65535 (IPv6 as [::1]:port), got ${JSON.stringify(v)}`;
    },
  });
}

export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}

/** A list of CometBFT RPC endpoints (http/https URLs); a single string is accepted as a one-element list. */
export function urlList(spec: Base<string[]>): Field<string[]> {
  return field<string[]>({
    doc: spec.doc,
    default: spec.default,
    example: spec.example,
    typeLabel: 'list of http(s) URLs',
    parse: (raw) => {
      const list = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(list)) return bad(`must be a list of http(s) URLs, got ${describeValue(raw)}`);
      const out: string[] = [];
      for (const [i, item] of list.entries()) {
        if (typeof item !== 'string') return bad(`must be a URL string, got ${describeValue(item)}`, `[${i}]`);
        out.push(item.trim());
      }
      return ok(out);
    },
    check: (list) => {
      if (list.length === 0) return [{ text: 'must list at least one endpoint' }];
      const problems: Problem[] = [];
      const seen = new Set<string>();
      list.forEach((u, i) => {
        let url: URL | undefined;
        try {
          url = new URL(u);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          problems.push({ suffix: `[${i}]`, text: `must be an http:// or https:// URL, got ${JSON.stringify(u)}` });
        } else if (seen.has(url.href)) {
          problems.push({ suffix: `[${i}]`, text: `repeats an earlier endpoint, got ${JSON.stringify(u)}` });
        }
        if (url) seen.add(url.href);
      });
      return problems;
    },
  });
}

/**
 * Gas price in ulume per gas unit. YAML takes `<decimal>ulume` (e.g. `0.025ulume`, the cosmjs form) or a
 * bare number; the model holds the decimal amount alone (`"0.025"`), which is what the chain client's tx
 * pipeline takes. Fees on Lumera are paid in ulume only (spec 02 §1.5), so any other denom is refused.
 */
export function gasPrice(spec: Base<string>): Field<string> {
  return field<string>({
    doc: spec.doc,
    default: spec.default,
    zeroMeansDefault: true,
    typeLabel: 'decimal amount + ulume, e.g. "0.025ulume"',
    parse: (raw) => {
      const text = typeof raw === 'number' ? `${raw}` : raw;
      if (typeof text !== 'string') return bad(`must be a gas price such as "0.025ulume", got ${describeValue(raw)}`);
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z][A-Za-z0-9/:._-]*)?\s*$/.exec(text);
      if (!m) return bad(`must be a gas price such as "0.025ulume", got ${JSON.stringify(text)}`);
      if ((m[2] ?? 'ulume') !== 'ulume') return bad(`must be priced in ulume (the chain's only fee denom), got ${JSON.stringify(text)}`);
      const amount = m[1] ?? '';
      if ((amount.split('.')[1] ?? '').length > 18) return bad(`must have at most 18 decimal places, got ${JSON.stringify(text)}`);
      return ok(amount);
    },
    check: (v) => (v.startsWith('-') ? [{ text: `must be >= 0, got ${v}ulume` }] : []),
    isZero: (v) => Number.parseFloat(v) === 0,
    toYaml: (v) => `${v}ulume`,
  });
}

/** A positive decimal multiplier (gas adjustment); zero means default. */
export function multiplier(spec: Base<number> & { min: number; max: number }): Field<number> {
  return field<number>({
    doc: spec.doc,
    default: spec.default,
    zeroMeansDefault: true,
    typeLabel: `number >= ${spec.min} and <= ${spec.max}`,
    parse: (raw) => (typeof raw === 'number' && Number.isFinite(raw) ? ok(raw) : bad(`must be a number, got ${describeValue(raw)}`)),
    check: (v) => {
      if (v < spec.min) return [{ text: `must be >= ${spec.min}, got ${v}` }];
      if (v > spec.max) return [{ text: `must be <= ${spec.max}, got ${v}` }];
      return [];
    },
    isZero: (v) => v === 0,
  });
}

/** A TCP port; 0 asks the OS for a free port (tests, devnets), which a registered supernode must not use. */
export function port(spec: Base<number>): Field<number> {
  return { ...int({ ...spec, min: 0, max: 65535 }), zeroMeansDefault: false, typeLabel: 'port 0..65535' };
}

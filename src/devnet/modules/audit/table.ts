/**
 * Keyed tables kept as plain objects (the module contract persists only plain data). Keys are prefixed
 * so that chain input such as a ticket id `__proto__` can never collide with Object internals.
 */
export type Table<T> = Record<string, T>;

const P = '#';

export function newTable<T>(): Table<T> {
  return {};
}

export function tGet<T>(t: Table<T>, key: string): T | undefined {
  const k = P + key;
  return Object.hasOwn(t, k) ? t[k] : undefined;
}

export function tHas<T>(t: Table<T>, key: string): boolean {
  return Object.hasOwn(t, P + key);
}

export function tSet<T>(t: Table<T>, key: string, value: T): void {
  t[P + key] = value;
}

export function tDelete<T>(t: Table<T>, key: string): void {
  delete t[P + key];
}

export function tValues<T>(t: Table<T>): T[] {
  return Object.values(t);
}

export function tEntries<T>(t: Table<T>): [string, T][] {
  return Object.entries(t).map(([k, v]) => [k.slice(P.length), v]);
}

/** Composite key from parts; NUL cannot appear in bech32 accounts or decimal ids. */
export function key(...parts: (string | bigint | number)[]): string {
  return parts.map(String).join('\u0000');
}

/** Go string order (UTF-8 bytes), never localeCompare (spec 01 §0). */
export function strCmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sortedUnique(list: string[]): string[] {
  return [...new Set(list.filter((s) => s !== ''))].sort(strCmp);
}

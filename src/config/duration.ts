/**
 * Go-style duration strings (the reference writes `recipient_read_timeout: 30s`): a signed sequence of
 * decimal numbers with units ns, us (µs), ms, s, m, h, e.g. `1m30s`, `1.5h`, `-5s`, `0`.
 */
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const WHOLE = /^([+-])?((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Milliseconds (possibly fractional) of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = WHOLE.exec(s);
  if (!m) return undefined;
  let ms = 0;
  for (const part of (m[2] ?? '').matchAll(PART)) ms += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? Number.NaN);
  // Round away binary noise such as 0.1s → 100.00000000000001 before the whole-millisecond check.
  const rounded = Math.round(ms * 1e6) / 1e6;
  return m[1] === '-' ? -rounded : rounded;
}

/** Canonical text of a whole number of milliseconds: `1h2m3s`, `250ms`, `0s`, `-5s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const msPart = rest - s * 1000;
  let out = '';
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  if (msPart) out += `${msPart}ms`;
  return sign + out;
}

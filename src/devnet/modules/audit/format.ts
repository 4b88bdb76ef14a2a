/**
 * Renders values inside chain error texts exactly as the Go chain does (spec 03 §0.2), so devnet
 * logs are byte-identical to a real Lumera node's. `{q:…}` is `goQuote` from the module contract.
 */

/** `{x:…}`: lower-case hex of the string's UTF-8 bytes. */
export function goHexString(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/**
 * `{f:…}`: Go `%v` of a float64 — shortest round-trip digits; exponent form (at least two exponent
 * digits) when the decimal exponent is < -4 or >= 6, as Go's shortest `%g` does (JS switches at 21).
 */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const [mant, expText] = Math.abs(v).toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 6) {
    const frac = digits.slice(1);
    const e = Math.abs(exp).toString().padStart(2, '0');
    body = `${digits[0]}${frac ? `.${frac}` : ''}e${exp < 0 ? '-' : '+'}${e}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${body}` : body;
}

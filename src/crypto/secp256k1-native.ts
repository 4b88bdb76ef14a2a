/**
 * The native libsecp256k1 binding (npm `secp256k1`, N-API) used for account-key signing and verification,
 * about 20-50× faster than the pure-JS curve. Loaded once at import.
 *
 * We require the package's `bindings` entry, not its main entry: the main entry silently falls back to a
 * pure-JS `elliptic` implementation when the native addon is missing, and we would rather fall back to
 * @noble/curves (already our reference implementation) and say so. The addon comes from the prebuilt
 * binary shipped inside the npm tarball (linux-x64 glibc/musl, darwin-arm64, win32-x64) or from a
 * node-gyp build of the bundled libsecp256k1 sources at install time; nothing is downloaded.
 *
 * LEP6_SECP256K1_BACKEND=noble forces the fallback (for comparisons and for a host where the addon
 * misbehaves).
 */
import { createRequire } from 'node:module';
import type * as Secp256k1Binding from 'secp256k1';
import { moduleLogger } from '../util/logger.js';

export type NativeSecp256k1 = typeof Secp256k1Binding;

export type Secp256k1BackendName = 'libsecp256k1' | 'noble';

interface Loaded {
  binding: NativeSecp256k1 | undefined;
  /** Why the native addon is not in use, when it is not. */
  reason: string | undefined;
}

function load(): Loaded {
  if (process.env.LEP6_SECP256K1_BACKEND === 'noble') {
    return { binding: undefined, reason: 'LEP6_SECP256K1_BACKEND=noble' };
  }
  try {
    const require = createRequire(import.meta.url);
    const binding = require('secp256k1/bindings.js') as NativeSecp256k1;
    if (typeof binding.ecdsaSign !== 'function' || typeof binding.ecdsaVerify !== 'function') {
      return { binding: undefined, reason: 'secp256k1/bindings.js lacks ecdsaSign/ecdsaVerify' };
    }
    return { binding, reason: undefined };
  } catch (err) {
    return { binding: undefined, reason: err instanceof Error ? err.message : String(err) };
  }
}

const loaded = load();
let reported = false;

/**
 * The native binding, or undefined when it could not be loaded. The first call logs which backend is in
 * use: debug for native (the normal case; one-shot CLI commands keep a clean stderr), one warning for the
 * fallback. Later calls are silent; `secp256k1Backend()` answers at any time (e.g. for a startup line).
 */
export function nativeSecp256k1(): NativeSecp256k1 | undefined {
  if (!reported) {
    reported = true;
    const log = moduleLogger('secp256k1');
    if (loaded.binding) log.debug({ backend: 'libsecp256k1' }, 'account-key signatures use native libsecp256k1');
    else log.warn({ backend: 'noble', reason: loaded.reason }, 'native libsecp256k1 unavailable; account-key signatures fall back to pure-JS @noble/curves (~30x slower)');
  }
  return loaded.binding;
}

/** Which implementation signs and verifies account-key signatures in this process. */
export function secp256k1Backend(): Secp256k1BackendName {
  return loaded.binding ? 'libsecp256k1' : 'noble';
}

/**
 * Keccak-256 (the pre-NIST padding Ethereum and eth_secp256k1 use; not SHA3-256, which node:crypto has).
 * Every eth_secp256k1 signature and verification hashes its message with it, so it sits on the hot path of
 * every proof, vote and handshake. The native sponge of the `keccak` package (N-API, prebuilt for the
 * common platforms inside its tarball) is about 20× faster than @noble/hashes for short messages; we drive
 * its sponge directly because the package's own wrapper builds a stream object per digest. When the addon
 * does not load (or LEP6_KECCAK_BACKEND=noble) @noble/hashes gives the identical bytes.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { keccak_256 as nobleKeccak256 } from '@noble/hashes/sha3.js';

interface KeccakSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Uint8Array): void;
  absorbLastFewBits(bits: number): void;
  squeeze(bytes: number): Buffer;
}

type SpongeClass = new () => KeccakSponge;

function loadSponge(): SpongeClass | undefined {
  if (process.env.LEP6_KECCAK_BACKEND === 'noble') return undefined;
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('keccak/package.json'));
    const addon = (require('node-gyp-build') as (dir: string) => unknown)(dir);
    return typeof addon === 'function' ? (addon as SpongeClass) : undefined;
  } catch {
    return undefined;
  }
}

const Sponge = loadSponge();

/** Which implementation is in use (startup line, tests). */
export const keccakBackend: 'native' | 'noble' = Sponge ? 'native' : 'noble';

/** Keccak-256 of `data` (32 bytes). */
export function keccak256(data: Uint8Array): Uint8Array {
  if (!Sponge) return nobleKeccak256(data);
  const s = new Sponge();
  s.initialize(1088, 512);
  s.absorb(data);
  s.absorbLastFewBits(0x01);
  const d = s.squeeze(32);
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

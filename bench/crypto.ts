/**
 * Bench: account-key signing and verification (src/crypto/account-keys.ts, which runs on native
 * libsecp256k1 when the addon loads) beside @noble/curves called directly on the same keys and messages
 * in the same run. The message is hashed inside both figures (Keccak-256 for eth_secp256k1, SHA-256 for
 * legacy secp256k1), as every caller pays that too. BENCH_CRYPTO_MS sets the time per figure (default 700).
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { BenchRow, BenchSuite } from './types.js';
import { publicKeyOf, signMessage, verifyMessage, type AccountKeyType } from '../src/crypto/account-keys.js';
import { secp256k1Backend } from '../src/crypto/secp256k1-native.js';

const MS = Number(process.env.BENCH_CRYPTO_MS ?? 700);
const KEYS = 64;

/** Calls `op(i)` for i = 0, 1, … for about MS milliseconds (after a short warm-up); returns ops/s. */
function opsPerSecond(op: (i: number) => unknown): number {
  for (let i = 0; i < 50; i++) op(i);
  const budget = BigInt(MS) * 1_000_000n;
  const started = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let j = 0; j < 16; j++) op(n++);
    elapsed = process.hrtime.bigint() - started;
  }
  return n / (Number(elapsed) / 1e9);
}

function digest(keyType: AccountKeyType, message: Uint8Array): Uint8Array {
  return keyType === 'eth_secp256k1' ? keccak_256(message) : sha256(message);
}

export const cryptoBench: BenchSuite = {
  name: 'crypto',
  async run(): Promise<BenchRow[]> {
    const privs = Array.from({ length: KEYS }, (_, i) => new Uint8Array(createHash('sha256').update(`lep6 bench crypto key ${i}`).digest()));
    const pubs = privs.map((k) => publicKeyOf(k));
    // About the size of a signed GetCompoundProof response or a handshake transcript.
    const messages = privs.map((_, i) => new Uint8Array(createHash('sha512').update(`lep6 bench crypto message ${i}`).digest()).subarray(0, 48 + (i % 16) * 8));
    const backend = secp256k1Backend();
    const rows: BenchRow[] = [];
    for (const keyType of ['eth_secp256k1', 'secp256k1'] as const) {
      const sigs = privs.map((k, i) => signMessage(k, messages[i]!, keyType));
      const ours = opsPerSecond((i) => signMessage(privs[i % KEYS]!, messages[i % KEYS]!, keyType));
      const noble = opsPerSecond((i) => secp256k1.sign(digest(keyType, messages[i % KEYS]!), privs[i % KEYS]!, { prehash: false, lowS: true, format: 'recovered' }));
      rows.push({ measure: `signMessage ${keyType} (${backend})`, figure: ours, unit: 'ops/s', baseline: noble, baselineName: '@noble/curves sign', ratio: ours / noble });
      let ok = 0;
      const oursV = opsPerSecond((i) => { if (verifyMessage(pubs[i % KEYS]!, messages[i % KEYS]!, sigs[i % KEYS]!, keyType)) ok++; });
      const nobleV = opsPerSecond((i) => secp256k1.verify(sigs[i % KEYS]!.subarray(0, 64), digest(keyType, messages[i % KEYS]!), pubs[i % KEYS]!, { prehash: false, lowS: true, format: 'compact' }));
      if (ok === 0) throw new Error(`verifyMessage ${keyType} rejected every signature`);
      rows.push({ measure: `verifyMessage ${keyType} (${backend})`, figure: oursV, unit: 'ops/s', baseline: nobleV, baselineName: '@noble/curves verify', ratio: oursV / nobleV });
    }
    return rows;
  },
};

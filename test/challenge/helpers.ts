/** Shared pieces for the challenge/recheck unit tests: keys, a counting reader, request builders. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountSignerFromPrivateKey, type AccountSigner } from '../../src/transport/handshake-message.js';
import type { GetCompoundProofRequest } from '../../src/gen/supernode/storage_challenge.js';
import { blake3Base58 } from '../../src/cascade/hash.js';
import type { ArtefactRangeReader } from '../../src/challenge/recipient.js';

export function testKey(label: string): AccountSigner & { privateKey: Uint8Array } {
  const privateKey = new Uint8Array(createHash('sha256').update(`lep6 challenge test ${label}`).digest());
  return { ...accountSignerFromPrivateKey(privateKey, 'eth_secp256k1'), privateKey };
}

export function tempDir(t: { after(fn: () => void): void }, prefix = 'lep6-challenge-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic pseudo-random blob. */
export function blob(size: number, label = 'blob'): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash('sha256').update(label).digest();
  for (let i = 0; i < size; i++) {
    if (i % 32 === 0 && i > 0) block = createHash('sha256').update(block).digest();
    out[i] = block[i % 32]!;
  }
  return out;
}

/** In-memory reader that counts reads and behaves like the store (content check, bounds). */
export class CountingReader implements ArtefactRangeReader {
  reads = 0;
  failWith: Error | undefined;
  delayMs = 0;
  private readonly blobs = new Map<string, Uint8Array>();

  add(data: Uint8Array): string {
    const key = blake3Base58(data);
    this.blobs.set(key, data);
    return key;
  }

  size(key: string): number | undefined {
    return this.blobs.get(key)?.length;
  }

  async readRanges(key: string, ranges: ReadonlyArray<{ start: number; end: number }>): Promise<Uint8Array[]> {
    this.reads += ranges.length;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    const b = this.blobs.get(key);
    if (!b) throw new Error(`artefact ${key}: not in the local store`);
    return ranges.map(({ start, end }, rangeIndex) => {
      if (end > b.length) throw Object.assign(new Error(`artefact ${key}: out of bounds: end (${end}) > artifact_size (${b.length})`), { details: { rangeIndex } });
      return b.slice(start, end);
    });
  }
}

export function request(over: Partial<GetCompoundProofRequest> & { target: string; challenger: string }): GetCompoundProofRequest {
  const { target, challenger, ...rest } = over;
  return {
    challengeId: 'cid-1',
    epochId: 7n,
    seed: new Uint8Array(32).fill(3),
    ticketId: 'ticket-1',
    targetSupernodeAccount: target,
    challengerAccount: challenger,
    observerAccounts: [],
    artifactClass: 2,
    artifactOrdinal: 0,
    artifactCount: 4,
    bucketType: 1,
    artifactKey: '',
    artifactSize: 4096n,
    ranges: [0n, 256n, 512n, 768n].map((s) => ({ start: s, end: s + 256n })),
    ...rest,
  };
}

export function ranges(count: number, len: number, step = len): Array<{ start: bigint; end: bigint }> {
  return Array.from({ length: count }, (_, i) => ({ start: BigInt(i * step), end: BigInt(i * step + len) }));
}

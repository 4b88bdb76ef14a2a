/**
 * Bench: GetCompoundProof throughput and latency at 64 concurrent callers over lumera-alts on loopback,
 * beside the same handler (admission, caps, content-checked store reads, hashing, signing) called in-process
 * in the same run (BENCH_CHALLENGE_MEASURED calls each, default 5,000). The served node runs in a worker
 * thread (challenge-server.ts) as it would on its own machine; the callers and the in-process baseline run
 * on the main thread. Then heap growth of the served node across many proofs over lumera-alts
 * (BENCH_CHALLENGE_PROOFS, default 20,000 to keep `npm run bench` short; set 100000 for the full run): its
 * heap after a forced GC at the end vs after warm-up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import type { BenchRow, BenchSuite } from './types.js';
import { AltsChannelCredentials } from '../src/transport/grpc-credentials.js';
import { accountSignerFromPrivateKey } from '../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../src/transport/identity-verifier.js';
import { ArtefactStore } from '../src/store/artefacts.js';
import { CompoundProofRecipient } from '../src/challenge/recipient-service.js';
import {
  StorageChallengeServiceClient, GetCompoundProofRequest, type GetCompoundProofResponse,
} from '../src/gen/supernode/storage_challenge.js';
import type { ChallengeServerData } from './challenge-server.js';

const CONCURRENCY = 64;
const MEASURED = Number(process.env.BENCH_CHALLENGE_MEASURED ?? 5_000);
const MEMORY_PROOFS = Number(process.env.BENCH_CHALLENGE_PROOFS ?? 20_000);
const privateKey = (label: string) => new Uint8Array(createHash('sha256').update(`lep6 bench challenge ${label}`).digest());
const signer = (label: string) => accountSignerFromPrivateKey(privateKey(label));
const anyone: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };

/** Starts the served node in a worker; resolves with its port and a way to ask it for its heap. */
async function startServer(data: ChallengeServerData): Promise<{ port: number; heap: () => Promise<number>; stop: () => Promise<void> }> {
  const worker = new Worker(new URL('./challenge-server.js', import.meta.url), { workerData: data });
  const next = () => new Promise<Record<string, number>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { port } = await next();
  return {
    port: port!,
    heap: async () => {
      worker.postMessage('heap');
      return (await next()).heap!;
    },
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `total` calls with `concurrency` workers; returns proofs/s and per-call latencies (ms). */
async function drive(total: number, concurrency: number, one: () => Promise<void>): Promise<{ rate: number; lat: number[] }> {
  const lat: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) {
      const t0 = process.hrtime.bigint();
      await one();
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  lat.sort((a, b) => a - b);
  return { rate: total / secs, lat };
}

export const challengeBench: BenchSuite = {
  name: 'challenge',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'lep6-bench-challenge-'));
    const server = signer('server');
    const client = signer('client');
    const store = await ArtefactStore.open(dir);
    const key = await store.put(randomBytes(64 * 1024));
    const recipient = new CompoundProofRecipient({
      identity: server.address, reader: store, signer: server, params: undefined, perCallerRatePerSec: 1e9, perCallerBurst: 1e9, maxInFlight: 10_000,
    });
    const req = GetCompoundProofRequest.fromPartial({
      challengeId: 'bench', epochId: 9n, seed: randomBytes(32), ticketId: '42', targetSupernodeAccount: server.address, challengerAccount: client.address,
      artifactClass: 2, artifactOrdinal: 3, artifactCount: 8, bucketType: 1, artifactKey: key, artifactSize: 65536n,
      ranges: [100n, 9000n, 30000n, 60000n].map((s) => ({ start: s, end: s + 256n })),
    });
    const srv = await startServer({ dir, key: privateKey('server') });
    const port = srv.port;
    const stub = new StorageChallengeServiceClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: anyone, expectedServer: server.address }));
    const remote = () => new Promise<void>((resolve, reject) => {
      (stub as unknown as { getCompoundProof: Function }).getCompoundProof(req, { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res?: GetCompoundProofResponse) => {
        if (err || !res?.ok) reject(err ?? new Error(res?.error ?? 'no response'));
        else resolve();
      });
    });
    const local = async () => {
      const { response } = await recipient.handle(req, client.address);
      if (!response?.ok) throw new Error(response?.error ?? 'refused');
    };
    try {
      await drive(2000, CONCURRENCY, local);
      await drive(2000, CONCURRENCY, remote);
      const inproc = await drive(MEASURED, CONCURRENCY, local);
      const alts = await drive(MEASURED, CONCURRENCY, remote);
      // One caller at a time: the latency of a proof itself, without 63 others queued ahead of it.
      const single = await drive(500, 1, remote);
      const singleLocal = await drive(500, 1, local);

      const heapBefore = await srv.heap();
      await drive(MEMORY_PROOFS, CONCURRENCY, remote);
      const heapAfter = await srv.heap();
      const mib = (n: number) => n / 2 ** 20;
      return [
        { measure: `GetCompoundProof, ${CONCURRENCY} concurrent callers, lumera-alts loopback (4×256 B, signed)`, figure: alts.rate, unit: 'proofs/s', baseline: inproc.rate, baselineName: 'same handler in-process', ratio: alts.rate / inproc.rate, goal: '≥ 0.5' },
        { measure: 'GetCompoundProof p50 latency', figure: percentile(alts.lat, 50), unit: 'ms', baseline: percentile(inproc.lat, 50), baselineName: 'in-process p50', ratio: percentile(inproc.lat, 50) / percentile(alts.lat, 50) },
        { measure: 'GetCompoundProof p99 latency', figure: percentile(alts.lat, 99), unit: 'ms', baseline: percentile(inproc.lat, 99), baselineName: 'in-process p99', ratio: percentile(inproc.lat, 99) / percentile(alts.lat, 99), goal: 'p99 < 20 ms' },
        { measure: 'GetCompoundProof p99 latency, 1 caller', figure: percentile(single.lat, 99), unit: 'ms', baseline: percentile(singleLocal.lat, 99), baselineName: 'in-process p99, 1 caller', ratio: percentile(singleLocal.lat, 99) / percentile(single.lat, 99), goal: 'p99 < 20 ms' },
        { measure: `served node's heap after ${MEMORY_PROOFS} proofs over lumera-alts (after GC)`, figure: mib(heapAfter), unit: 'MiB', baseline: mib(heapBefore), baselineName: 'heap after warm-up', ratio: heapBefore / heapAfter, goal: 'flat (ratio ≈ 1)' },
      ];
    } finally {
      stub.close();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

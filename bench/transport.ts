/**
 * Bench (a): bulk transfer over lumera-alts gRPC (server-streaming, 1 MiB messages) on loopback, beside a raw
 * TCP socket copy of the same bytes in the same run. The sending side runs in a child process (as a real
 * peer would), the receiving side here, for every row, so each side has its own core and event loop.
 * Extra rows: lumera-alts with 4 KiB writer frames (the size a Go peer writes, so what we receive from Go
 * peers; our default is 64 KiB frames, which every reader accepts), and plain-text gRPC, which separates the
 * cost of HTTP/2 + grpc-js from the cost of the record layer.
 *
 * What is timed: the 256 MiB stream on an established channel. The gRPC rows connect first (waitForReady:
 * TCP connect, plus the lumera-alts handshake on the secured rows) and start the clock and both sides' CPU
 * counters when the call starts; the raw TCP row's clock includes its connect, which is ~0.1 ms. Peer
 * connections are pooled (PeerDialer), so a bulk transfer runs on a channel that is already up; the cost of
 * setting one up is reported in a row of its own (median connect time, lumera-alts vs plain gRPC) rather than
 * folded into the throughput. Earlier versions of this bench also counted the sender's CPU from before the
 * handshake. BENCH_TRANSPORT_VERBOSE=1 prints each side's CPU seconds per run (profiling aid).
 */
import net from 'node:net';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { BenchRow, BenchSuite } from './types.js';
import { AltsGrpcServer } from '../src/transport/grpc-server.js';
import { AltsChannelCredentials } from '../src/transport/grpc-credentials.js';
import { accountSignerFromPrivateKey } from '../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../src/transport/identity-verifier.js';
import { DEFAULT_FLOW_CONTROL_WINDOW } from '../src/transport/peer-dialer.js';
import { DEFAULT_MAX_PLAINTEXT_PER_FRAME } from '../src/transport/record-cipher.js';

const TOTAL = Number(process.env.BENCH_TRANSPORT_MIB ?? 256) * 1024 * 1024;
const CHUNK = 1024 * 1024;
const SENDER_FLAG = '--lep6-transport-sender';
type Mode = 'raw' | 'alts' | 'alts4k' | 'plain';

const bytes = (b: Buffer): Buffer => b;
const bulkService = {
  pull: {
    path: '/lep6bench.Bulk/Pull',
    requestStream: false,
    responseStream: true,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
} satisfies grpc.ServiceDefinition;
const BulkClient = grpc.makeGenericClientConstructor(bulkService, 'Bulk');
// The receive window our peer dialer uses (applied to the plain-text row too, for a like-for-like figure).
const grpcOptions = {
  'grpc.max_receive_message_length': 4 * CHUNK,
  'grpc.max_send_message_length': 4 * CHUNK,
  'grpc-node.flow_control_window': DEFAULT_FLOW_CONTROL_WINDOW,
};
const signer = (label: string) => accountSignerFromPrivateKey(new Uint8Array(createHash('sha256').update(`lep6 bench ${label}`).digest()));
const anyone: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };

/** Writes TOTAL bytes in CHUNK pieces, honouring backpressure. */
function pump(write: (b: Buffer) => boolean, onDrain: (f: () => void) => void, end: () => void, chunk: Buffer): void {
  let sent = 0;
  const step = (): void => {
    while (sent < TOTAL) {
      sent += CHUNK;
      if (!write(chunk)) return onDrain(step);
    }
    end();
  };
  step();
}

async function runSender(mode: Mode): Promise<void> {
  process.on('disconnect', () => process.exit(0)); // never outlive the bench that started us
  const chunk = randomBytes(CHUNK);
  const impl: grpc.UntypedServiceImplementation = {
    pull: (call: grpc.ServerWritableStream<Buffer, Buffer>) => pump((b) => call.write(b), (f) => call.once('drain', f), () => call.end(), chunk),
  };
  let port: number;
  if (mode === 'raw') {
    const server = net.createServer((s) => pump((b) => s.write(b), (f) => s.once('drain', f), () => s.end(), chunk));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  } else if (mode === 'plain') {
    const server = new grpc.Server(grpcOptions);
    server.addService(bulkService, impl);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
  } else {
    const server = new AltsGrpcServer({ signer: signer('server'), verifier: anyone, grpcOptions, maxPlaintextPerFrame: mode === 'alts4k' ? DEFAULT_MAX_PLAINTEXT_PER_FRAME : undefined });
    server.addService(bulkService, impl);
    port = await server.listen('127.0.0.1', 0);
  }
  // 'start' (sent by the bench right before the timed transfer) resets the CPU counter; 'cpu' reads it.
  let cpuAtStart = process.cpuUsage();
  process.on('message', (msg) => {
    if (msg === 'start') {
      cpuAtStart = process.cpuUsage();
      process.send!({ started: true });
      return;
    }
    const u = process.cpuUsage(cpuAtStart);
    process.send!({ cpuSeconds: (u.user + u.system) / 1e6 });
  });
  process.send!({ port });
}

async function startSender(mode: Mode): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), [SENDER_FLAG, mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [msg] = (await Promise.race([
    once(child, 'message'),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`transport bench sender (${mode}) did not start in 30 s`)), 30_000).unref()),
  ])) as [{ port: number }];
  return { child, port: msg.port };
}

interface Receiver {
  /** Milliseconds from creating the client to a ready channel (0 for raw TCP, which connects in `run`). */
  connectMs: number;
  /** Runs the transfer; resolves with the bytes received. */
  run(): Promise<number>;
}

async function connectReceiver(mode: Mode, port: number): Promise<Receiver> {
  if (mode === 'raw') {
    return {
      connectMs: 0,
      run: () =>
        new Promise((resolve, reject) => {
          let received = 0;
          const s = net.connect(port, '127.0.0.1');
          s.on('data', (b: Buffer) => (received += b.length));
          s.on('error', reject);
          s.on('end', () => resolve(received));
        }),
    };
  }
  const creds = mode === 'plain' ? grpc.credentials.createInsecure() : new AltsChannelCredentials({ signer: signer('client'), verifier: anyone, expectedServer: signer('server').address });
  const t0 = process.hrtime.bigint();
  const client = new BulkClient(`127.0.0.1:${port}`, creds, grpcOptions);
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 30_000, (err) => (err ? reject(err) : resolve())));
  const connectMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    connectMs,
    run: () =>
      new Promise((resolve, reject) => {
        let received = 0;
        const stream = (client as unknown as { pull(req: Buffer): grpc.ClientReadableStream<Buffer> }).pull(Buffer.alloc(0));
        stream.on('data', (b: Buffer) => (received += b.length));
        stream.on('error', (err) => {
          client.close();
          reject(err);
        });
        stream.on('end', () => {
          client.close();
          resolve(received);
        });
      }),
  };
}

interface Measured {
  /** Wall-clock MB/s. */
  wall: number;
  /** MB per CPU-second of the busier side: what the pair would do with a core each and no other load. */
  perCore: number;
  /** Channel setup time, ms (gRPC rows). */
  connectMs: number;
}

async function measure(mode: Mode): Promise<Measured> {
  const { child, port } = await startSender(mode);
  try {
    const receiver = await connectReceiver(mode, port);
    child.send('start');
    await once(child, 'message');
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const n = await receiver.run();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    if (n !== TOTAL) throw new Error(`${mode} transfer moved ${n} bytes, expected ${TOTAL}`);
    child.send('cpu');
    const [reply] = (await once(child, 'message')) as [{ cpuSeconds: number }];
    const receiverCpu = (cpu.user + cpu.system) / 1e6;
    if (process.env.BENCH_TRANSPORT_VERBOSE) {
      console.error(`transport ${mode}: ${secs.toFixed(3)} s wall, sender ${reply.cpuSeconds.toFixed(3)} CPU-s, receiver ${receiverCpu.toFixed(3)} CPU-s, connect ${receiver.connectMs.toFixed(1)} ms`);
    }
    const busiest = Math.max(reply.cpuSeconds, receiverCpu);
    return { wall: TOTAL / 1e6 / secs, perCore: TOTAL / 1e6 / busiest, connectMs: receiver.connectMs };
  } finally {
    child.kill();
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};

export const transportBench: BenchSuite = {
  name: 'transport',
  async run(): Promise<BenchRow[]> {
    const mib = TOTAL / 1024 / 1024;
    // Best of N interleaved rounds: on a shared machine a slow round says more about the neighbours.
    const rounds = Math.max(1, Number(process.env.BENCH_TRANSPORT_ROUNDS ?? 3));
    // Profiling aid: BENCH_TRANSPORT_MODES=alts runs only that row (the others then print 0).
    const only = (process.env.BENCH_TRANSPORT_MODES ?? '').split(',').filter(Boolean);
    const best: Record<Mode, { wall: number; perCore: number }> = {
      raw: { wall: 0, perCore: 0 },
      alts: { wall: 0, perCore: 0 },
      alts4k: { wall: 0, perCore: 0 },
      plain: { wall: 0, perCore: 0 },
    };
    const connects: Record<Mode, number[]> = { raw: [], alts: [], alts4k: [], plain: [] };
    for (let i = 0; i < rounds; i++) {
      for (const mode of ['raw', 'alts', 'alts4k', 'plain'] as const) {
        if (only.length && !only.includes(mode)) continue;
        const m = await measure(mode);
        best[mode] = { wall: Math.max(best[mode].wall, m.wall), perCore: Math.max(best[mode].perCore, m.perCore) };
        connects[mode].push(m.connectMs);
      }
    }
    const { raw, alts, alts4k, plain } = best;
    const altsConnect = median([...connects.alts, ...connects.alts4k]);
    const plainConnect = median(connects.plain);
    const row = (measure: string, figure: number, baseline: number, baselineName: string, goal?: string): BenchRow => ({
      measure,
      figure,
      unit: 'MB/s',
      baseline,
      baselineName,
      ratio: figure / baseline,
      goal,
    });
    return [
      row(`lumera-alts gRPC stream, ${mib} MiB in 1 MiB msgs (64 KiB frames, default), best of ${rounds}`, alts.wall, raw.wall, 'raw TCP copy', '≥ 0.5'),
      row(`lumera-alts gRPC stream, 4 KiB writer frames (the Go writer's size)`, alts4k.wall, raw.wall, 'raw TCP copy'),
      row(`plain-text gRPC stream (context, no security)`, plain.wall, raw.wall, 'raw TCP copy'),
      row(`lumera-alts gRPC, MB per CPU-second of the busier side`, alts.perCore, raw.perCore, 'raw TCP, same measure'),
      row(`lumera-alts gRPC vs plain gRPC, MB per CPU-second`, alts.perCore, plain.perCore, 'plain gRPC, same measure'),
      {
        measure: 'channel setup before the stream (TCP + lumera-alts handshake), median; not in the MB/s rows',
        figure: altsConnect,
        unit: 'ms',
        baseline: plainConnect,
        baselineName: 'plain gRPC connect',
        ratio: altsConnect > 0 ? plainConnect / altsConnect : 0,
      },
    ];
  },
};

if (process.argv[2] === SENDER_FLAG) {
  runSender(process.argv[3] as Mode).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

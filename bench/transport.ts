/**
 * Bench (a): bulk transfer over lumera-alts gRPC (server-streaming, 1 MiB messages) on loopback, beside a raw
 * TCP socket copy of the same bytes in the same run. A second row shows plain-text gRPC over the same
 * loopback, which separates the cost of HTTP/2 + grpc-js from the cost of the record layer.
 */
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { BenchRow, BenchSuite } from './types.js';
import { AltsGrpcServer } from '../src/transport/grpc-server.js';
import { AltsChannelCredentials } from '../src/transport/grpc-credentials.js';
import { accountSignerFromPrivateKey } from '../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../src/transport/identity-verifier.js';

const TOTAL = Number(process.env.BENCH_TRANSPORT_MIB ?? 256) * 1024 * 1024;
const CHUNK = 1024 * 1024;

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

function bulkImplementation(chunk: Buffer): grpc.UntypedServiceImplementation {
  return {
    pull: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      let sent = 0;
      const pump = (): void => {
        while (sent < TOTAL) {
          sent += CHUNK;
          if (!call.write(chunk)) {
            call.once('drain', pump);
            return;
          }
        }
        call.end();
      };
      pump();
    },
  };
}

const grpcOptions = { 'grpc.max_receive_message_length': 4 * CHUNK, 'grpc.max_send_message_length': 4 * CHUNK };

function pull(client: grpc.Client): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const stream = (client as unknown as { pull(req: Buffer): grpc.ClientReadableStream<Buffer> }).pull(Buffer.alloc(0));
    stream.on('data', (b: Buffer) => (received += b.length));
    stream.on('error', reject);
    stream.on('end', () => resolve(received));
  });
}

async function timeIt(run: () => Promise<number>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const n = await run();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (n !== TOTAL) throw new Error(`transfer moved ${n} bytes, expected ${TOTAL}`);
  return TOTAL / 1e6 / secs;
}

async function rawTcp(chunk: Buffer): Promise<number> {
  const server = net.createServer((socket) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < TOTAL) {
        sent += CHUNK;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    return await timeIt(
      () =>
        new Promise((resolve, reject) => {
          let received = 0;
          const s = net.connect(port, '127.0.0.1');
          s.on('data', (b: Buffer) => (received += b.length));
          s.on('error', reject);
          s.on('end', () => resolve(received));
        }),
    );
  } finally {
    server.close();
  }
}

async function altsGrpc(chunk: Buffer): Promise<number> {
  const key = (label: string) => new Uint8Array(createHash('sha256').update(`lep6 bench ${label}`).digest());
  const serverSigner = accountSignerFromPrivateKey(key('server'));
  const clientSigner = accountSignerFromPrivateKey(key('client'));
  const verifier: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };
  const server = new AltsGrpcServer({ signer: serverSigner, verifier, grpcOptions, maxPlaintextPerFrame: Number(process.env.FRAME ?? 4072) });
  server.addService(bulkService, bulkImplementation(chunk));
  const port = await server.listen('127.0.0.1', 0);
  const client = new BulkClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: clientSigner, verifier, expectedServer: serverSigner.address }), grpcOptions);
  try {
    return await timeIt(() => pull(client));
  } finally {
    client.close();
    await server.close(100);
  }
}

async function plainGrpc(chunk: Buffer): Promise<number> {
  const server = new grpc.Server(grpcOptions);
  server.addService(bulkService, bulkImplementation(chunk));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const client = new BulkClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), grpcOptions);
  try {
    return await timeIt(() => pull(client));
  } finally {
    client.close();
    server.forceShutdown();
  }
}

export const transportBench: BenchSuite = {
  name: 'transport',
  async run(): Promise<BenchRow[]> {
    const chunk = randomBytes(CHUNK);
    const mib = TOTAL / 1024 / 1024;
    const raw = await rawTcp(chunk);
    const alts = await altsGrpc(chunk);
    const plain = await plainGrpc(chunk);
    return [
      { measure: `lumera-alts gRPC stream, ${mib} MiB in 1 MiB msgs`, figure: alts, unit: 'MB/s', baseline: raw, baselineName: 'raw TCP copy', ratio: alts / raw, goal: '≥ 0.5' },
      { measure: `plain-text gRPC stream, ${mib} MiB (context)`, figure: plain, unit: 'MB/s', baseline: raw, baselineName: 'raw TCP copy', ratio: plain / raw },
    ];
  },
};

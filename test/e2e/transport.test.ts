import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { AltsChannelCredentials } from '../../src/transport/grpc-credentials.js';
import { clientHandshake } from '../../src/transport/handshake.js';
import { EphemeralKey } from '../../src/transport/record-keys.js';
import { RecordSealer } from '../../src/transport/record-cipher.js';
import { buildHandshakeMessage, encodeHandshakeInfo, encodeHandshakeMessage, PEER_TYPE_SUPERNODE } from '../../src/transport/handshake-message.js';
import { isTransportError, type TransportErrorCode } from '../../src/transport/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { EchoClient, FakeChain, echoImplementation, echoService, testSigner, whoAmI } from '../transport/helpers.js';

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

interface Reported {
  err: Error;
  /** The TCP peer `ip:port` the server saw. */
  remote: string;
}

interface Node {
  server: AltsGrpcServer;
  port: number;
  handshakeErrors: Reported[];
  connectionErrors: Reported[];
  handled: number;
}

async function startNode(signer: ReturnType<typeof testSigner>, chain: FakeChain, handshakeTimeoutMs = 5000): Promise<Node> {
  const node: Partial<Node> & { handshakeErrors: Reported[]; connectionErrors: Reported[]; handled: number } = { handshakeErrors: [], connectionErrors: [], handled: 0 };
  const server = new AltsGrpcServer({
    signer,
    verifier: chain,
    handshakeTimeoutMs,
    logger: silentLogger(),
    onHandshakeError: (err, remote) => node.handshakeErrors.push({ err, remote }),
    onConnectionError: (err, _identity, remote) => node.connectionErrors.push({ err, remote }),
  });
  server.addService(echoService, {
    whoAmI: (call: grpc.ServerUnaryCall<Buffer, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      node.handled++;
      (echoImplementation.whoAmI as (c: unknown, cb: unknown) => void)(call, cb);
    },
  });
  node.server = server;
  node.port = await server.listen('127.0.0.1', 0);
  return node as Node;
}

/**
 * Resolves with the error the node reported for our connection (bounded wait): the one from `socket`'s
 * address, or for connections grpc-js opened (port unknown) the first one with `code`. Late reports from
 * an earlier subtest's connections cannot be mistaken for this one's.
 */
async function errorFor(list: Reported[], from: net.Socket | TransportErrorCode, timeoutMs = 5000): Promise<Error> {
  const match = typeof from === 'string'
    ? (r: Reported) => isTransportError(r.err, from)
    : ((key: string | undefined) => (r: Reported) => r.remote === key)(localKeys.get(from));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = list.find(match);
    if (hit) return hit.err;
    if (Date.now() > until) throw new Error(`no matching error reported within ${timeoutMs} ms (got ${list.map((r) => `${r.remote} ${r.err.message}`).join('; ') || 'none'}; wanted ${typeof from === 'string' ? from : localKeys.get(from)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function assertCode(err: Error, code: TransportErrorCode): void {
  assert.ok(isTransportError(err, code), `expected ${code}, got ${(err as { code?: string }).code}: ${err.message}`);
}

const localKeys = new WeakMap<net.Socket, string>();

async function rawConnect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  localKeys.set(socket, `${socket.localAddress}:${socket.localPort}`); // node forgets it once closed
  return socket;
}

/** Waits until the server closes `socket`; returns the bytes it sent first. */
async function closedByServer(socket: net.Socket, timeoutMs = 5000): Promise<Buffer> {
  const got: Buffer[] = [];
  socket.on('data', (b: Buffer) => got.push(b));
  socket.on('error', () => {});
  const timer = setTimeout(() => socket.destroy(new Error('server did not close the connection in time')), timeoutMs);
  await once(socket, 'close');
  clearTimeout(timer);
  return Buffer.concat(got);
}

test('e2e transport: peers authenticate and the handler sees the caller', async () => {
  const a = testSigner('node-a');
  const b = testSigner('node-b');
  const chain = new FakeChain().register(a, b);
  const nodeA = await startNode(a, chain);
  const nodeB = await startNode(b, chain);
  const aToB = new EchoClient(`127.0.0.1:${nodeB.port}`, new AltsChannelCredentials({ signer: a, verifier: chain, expectedServer: b.address }));
  const bToA = new EchoClient(`127.0.0.1:${nodeA.port}`, new AltsChannelCredentials({ signer: b, verifier: chain, expectedServer: a.address }));
  try {
    const r1 = await whoAmI(aToB, 'hello from a');
    assert.deepEqual(r1, { caller: a.address, peerType: PEER_TYPE_SUPERNODE, echo: 'hello from a' });
    const r2 = await whoAmI(bToA, 'hello from b');
    assert.deepEqual(r2, { caller: b.address, peerType: PEER_TYPE_SUPERNODE, echo: 'hello from b' });
    // Several calls reuse the one authenticated connection.
    const many = await Promise.all([1, 2, 3].map((i) => whoAmI(aToB, `call ${i}`)));
    assert.deepEqual(many.map((r) => r.caller), [a.address, a.address, a.address]);
    assert.equal(nodeB.server.connectionCount, 1);
    assert.equal(nodeB.handled, 4);
    assert.deepEqual(nodeA.handshakeErrors.concat(nodeB.handshakeErrors), []);
  } finally {
    aToB.close();
    bToA.close();
    await nodeA.server.close(100);
    await nodeB.server.close(100);
  }
});

test('e2e transport: every forged handshake is refused', async (t) => {
  const server = testSigner('server');
  const client = testSigner('client');
  const stranger = testSigner('stranger'); // valid key, not on chain
  const chain = new FakeChain().register(server, client);
  const node = await startNode(server, chain, 400);
  t.after(() => node.server.close(100));
  t.beforeEach(() => {
    node.handshakeErrors.length = 0;
    node.connectionErrors.length = 0;
  });

  await t.test('wrong signature', async () => {
    const info = encodeHandshakeInfo({ address: client.address, peerType: 2, ephemeralPublicKey: EphemeralKey.generate().publicKey, accountPublicKey: client.publicKey, keyType: client.keyType });
    const socket = await rawConnect(node.port);
    socket.write(encodeHandshakeMessage(info, stranger.sign(info)));
    assert.equal((await closedByServer(socket)).length, 0, 'the server must not reply to a refused client');
    assertCode(await errorFor(node.handshakeErrors, socket), 'ALTS_BAD_SIGNATURE');
  });

  await t.test('address not matching the key', async () => {
    // Claims the registered client's address but carries (and signs with) the stranger's key.
    const info = encodeHandshakeInfo({ address: client.address, peerType: 2, ephemeralPublicKey: EphemeralKey.generate().publicKey, accountPublicKey: stranger.publicKey, keyType: stranger.keyType });
    const socket = await rawConnect(node.port);
    socket.write(encodeHandshakeMessage(info, stranger.sign(info)));
    assert.equal((await closedByServer(socket)).length, 0);
    assertCode(await errorFor(node.handshakeErrors, socket), 'ALTS_ADDRESS_MISMATCH');
  });

  await t.test('account not a registered supernode', async () => {
    const grpcClient = new EchoClient(`127.0.0.1:${node.port}`, new AltsChannelCredentials({ signer: stranger, verifier: chain, expectedServer: server.address }));
    try {
      await assert.rejects(whoAmI(grpcClient, 'x', 2000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED);
    } finally {
      grpcClient.close();
    }
    assertCode(await errorFor(node.handshakeErrors, 'ALTS_NOT_REGISTERED'), 'ALTS_NOT_REGISTERED');
    // And the other direction: a client refuses a server that is not a registered supernode.
    const liar = await startNode(stranger, chain);
    try {
      const socket = await rawConnect(liar.port);
      await assert.rejects(clientHandshake(socket, { signer: client, verifier: chain, expectedServer: stranger.address }), (err: Error) => isTransportError(err, 'ALTS_NOT_REGISTERED'));
    } finally {
      await liar.server.close(100);
    }
  });

  await t.test('server whose address differs from the dialled identity', async () => {
    const before = node.handled;
    const grpcClient = new EchoClient(`127.0.0.1:${node.port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: stranger.address }));
    try {
      await assert.rejects(whoAmI(grpcClient, 'x', 2000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED);
    } finally {
      grpcClient.close();
    }
    assert.equal(node.handled, before, 'no call may reach a handler through an unverified server');
    const socket = await rawConnect(node.port);
    await assert.rejects(clientHandshake(socket, { signer: client, verifier: chain, expectedServer: stranger.address }), (err: Error) => isTransportError(err, 'ALTS_WRONG_IDENTITY'));
  });

  async function securedRawClient(): Promise<{ socket: net.Socket; sealer: RecordSealer }> {
    const socket = await rawConnect(node.port);
    const hs = await clientHandshake(socket, { signer: client, verifier: chain, expectedServer: server.address });
    socket.resume();
    return { socket, sealer: new RecordSealer(hs.keys.key, hs.keys.nonceMask, 'client') };
  }

  await t.test('replayed record frame', async () => {
    const { socket, sealer } = await securedRawClient();
    const frame0 = sealer.seal(HTTP2_PREFACE.subarray(0, 8));
    socket.write(Buffer.concat([frame0, frame0]));
    await closedByServer(socket);
    assertCode(await errorFor(node.connectionErrors, socket), 'ALTS_FRAME_AUTH');
  });

  await t.test('reordered record frame', async () => {
    const { socket, sealer } = await securedRawClient();
    const frame0 = sealer.seal(HTTP2_PREFACE.subarray(0, 8));
    const frame1 = sealer.seal(HTTP2_PREFACE.subarray(8));
    socket.write(Buffer.concat([frame1, frame0]));
    await closedByServer(socket);
    assertCode(await errorFor(node.connectionErrors, socket), 'ALTS_FRAME_AUTH');
  });

  await t.test('frame over the size limit', async () => {
    const { socket } = await securedRawClient();
    const header = Buffer.alloc(8);
    header.writeUInt32LE(1024 * 1024 + 1, 0);
    header.writeUInt32LE(6, 4);
    socket.write(header); // refused from the header alone, before any payload
    await closedByServer(socket);
    assertCode(await errorFor(node.connectionErrors, socket), 'ALTS_FRAME_TOO_LARGE');
  });

  await t.test('a peer that stalls mid-handshake', async () => {
    const message = buildHandshakeMessage(client, 2, EphemeralKey.generate().publicKey);
    const socket = await rawConnect(node.port);
    socket.write(message.subarray(0, 20)); // then nothing: the server's 400 ms deadline must fire
    const started = Date.now();
    await closedByServer(socket);
    assert.ok(Date.now() - started < 4000, 'closed by the deadline, not by the test timeout');
    assertCode(await errorFor(node.handshakeErrors, socket), 'ALTS_HANDSHAKE_TIMEOUT');
    // The client side has the same deadline: a server that accepts and never answers.
    const mute = net.createServer(() => {});
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const s = await rawConnect((mute.address() as net.AddressInfo).port);
      await assert.rejects(clientHandshake(s, { signer: client, verifier: chain, expectedServer: server.address, timeoutMs: 300 }), (err: Error) => isTransportError(err, 'ALTS_HANDSHAKE_TIMEOUT'));
      assert.equal(s.destroyed, true);
    } finally {
      mute.close();
    }
  });

  await t.test('garbage bytes instead of a handshake', async () => {
    const socket = await rawConnect(node.port);
    socket.write('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
    assert.equal((await closedByServer(socket)).length, 0);
    assertCode(await errorFor(node.handshakeErrors, socket), 'ALTS_BAD_HANDSHAKE');
    // A plausible length followed by bytes that are not a HandshakeInfo.
    const s2 = await rawConnect(node.port);
    const junk = Buffer.alloc(4 + 40 + 4 + 65, 0xff);
    junk.writeUInt32BE(40, 0);
    junk.writeUInt32BE(65, 44);
    s2.write(junk);
    await closedByServer(s2);
    assertCode(await errorFor(node.handshakeErrors, s2), 'ALTS_BAD_HANDSHAKE');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { AltsChannelCredentials } from '../../src/transport/grpc-credentials.js';
import { isTransportError } from '../../src/transport/errors.js';
import { isInvalidArgument } from '../../src/util/errors.js';
import { EchoClient, FakeChain, echoImplementation, echoService, testSigner, whoAmI } from './helpers.js';

const server = testSigner('cap-server');
const client = testSigner('cap-client');

test('alts server: handshakes beyond the cap wait for a slot; a stalled peer holds it only until its deadline', async () => {
  const chain = new FakeChain().register(server, client);
  const errors: Error[] = [];
  const node = new AltsGrpcServer({ signer: server, verifier: chain, maxConcurrentHandshakes: 1, handshakeTimeoutMs: 600, onHandshakeError: (e) => errors.push(e) });
  node.addService(echoService, echoImplementation);
  const port = await node.listen('127.0.0.1', 0);
  const staller = net.connect(port, '127.0.0.1');
  staller.on('error', () => {});
  await once(staller, 'connect');
  staller.write(Buffer.from([0, 0, 0, 200])); // a length prefix, then silence
  await new Promise((r) => setTimeout(r, 50));
  const c = new EchoClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  try {
    const started = Date.now();
    // The queued handshake shares the 600 ms deadline with its wait, so it may time out once; grpc-js retries.
    const r = await whoAmI(c, 'after the staller', 10_000);
    assert.equal(r.caller, client.address);
    assert.ok(Date.now() - started >= 300, 'the second handshake had to wait for the stalled one');
    assert.ok(errors.some((e) => isTransportError(e, 'ALTS_HANDSHAKE_TIMEOUT')));
  } finally {
    c.close();
    staller.destroy();
    await node.close(100);
  }
});

test('alts server: close() ends open connections and refuses new ones; bad options are typed errors', async () => {
  const chain = new FakeChain().register(server, client);
  const node = new AltsGrpcServer({ signer: server, verifier: chain });
  node.addService(echoService, echoImplementation);
  assert.throws(() => node.addService(echoService, echoImplementation), isInvalidArgument);
  const port = await node.listen('127.0.0.1', 0);
  const c = new EchoClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  try {
    await whoAmI(c, 'one');
    assert.equal(node.connectionCount, 1);
    await node.close(100);
    assert.equal(node.connectionCount, 0);
    await assert.rejects(whoAmI(c, 'two', 1000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED);
  } finally {
    c.close();
  }
  assert.throws(() => new AltsGrpcServer({ signer: server, verifier: chain, handshakeTimeoutMs: 0 }), isInvalidArgument);
  assert.throws(() => new AltsGrpcServer({ signer: server, verifier: chain, maxConcurrentHandshakes: 0 }), isInvalidArgument);
  assert.throws(() => new AltsGrpcServer({ signer: server, verifier: chain, maxConnections: 0 }), isInvalidArgument);
});

test('alts server: connections beyond maxConnections are dropped; idle connections are closed', async () => {
  const chain = new FakeChain().register(server, client);
  const node = new AltsGrpcServer({ signer: server, verifier: chain, maxConnections: 1, grpcOptions: { 'grpc.max_connection_idle_ms': 300 } });
  node.addService(echoService, echoImplementation);
  const port = await node.listen('127.0.0.1', 0);
  const first = net.connect(port, '127.0.0.1');
  first.on('error', () => {});
  await once(first, 'connect');
  const second = net.connect(port, '127.0.0.1');
  second.on('error', () => {});
  const timer = setTimeout(() => second.destroy(), 5000);
  await once(second, 'close'); // dropped by the server at once
  clearTimeout(timer);
  first.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const c = new EchoClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  try {
    await whoAmI(c, 'hi');
    assert.equal(node.connectionCount, 1);
    const until = Date.now() + 5000;
    while (node.connectionCount > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(node.connectionCount, 0, 'the idle connection was closed');
  } finally {
    c.close();
    await node.close(100);
  }
});

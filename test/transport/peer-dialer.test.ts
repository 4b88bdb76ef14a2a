import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { PeerDialer, type PeerAddressResolver } from '../../src/transport/peer-dialer.js';
import type { RemoteIdentity } from '../../src/transport/handshake.js';
import { silentLogger } from '../../src/util/logger.js';
import { EchoClient, FakeChain, echoImplementation, echoService, testSigner, whoAmI } from './helpers.js';

const me = testSigner('dialer-me');
const peer = testSigner('dialer-peer');

async function startPeer(chain: FakeChain, handshakes: RemoteIdentity[]): Promise<{ server: AltsGrpcServer; port: number }> {
  const server = new AltsGrpcServer({ signer: peer, verifier: chain, logger: silentLogger(), onHandshake: (id) => handshakes.push(id) });
  server.addService(echoService, echoImplementation);
  return { server, port: await server.listen('127.0.0.1', 0) };
}

class MapResolver implements PeerAddressResolver {
  readonly addresses = new Map<string, string>();
  lookups = 0;
  async resolvePeerAddress(account: string): Promise<string> {
    this.lookups++;
    const a = this.addresses.get(account);
    if (a === undefined) throw new Error('supernode not found');
    return a;
  }
}

test('peer dialer: one pooled connection and one handshake per peer under concurrent calls', async () => {
  const chain = new FakeChain().register(me, peer);
  const handshakes: RemoteIdentity[] = [];
  const { server, port } = await startPeer(chain, handshakes);
  const resolver = new MapResolver();
  resolver.addresses.set(peer.address, `127.0.0.1:${port}`);
  const dialer = new PeerDialer({ signer: me, verifier: chain, resolver, defaultPort: 4444, logger: silentLogger() });
  try {
    const clients = await Promise.all(Array.from({ length: 8 }, () => dialer.client<grpc.Client>(peer.address, EchoClient)));
    assert.ok(clients.every((c) => c === clients[0]), 'the same client object is reused');
    const results = await Promise.all(clients.map((c, i) => whoAmI(c, `call ${i}`)));
    assert.ok(results.every((r) => r.caller === me.address));
    assert.equal(handshakes.length, 1, 'exactly one handshake to the peer');
    assert.equal(server.connectionCount, 1);
    assert.equal(resolver.lookups, 1, 'concurrent resolutions are coalesced');
    assert.equal(dialer.size, 1);
    await dialer.waitForReady(peer.address, 2000);
  } finally {
    dialer.close();
    await server.close(100);
  }
});

test('peer dialer: calls without a deadline get the default one', async () => {
  const chain = new FakeChain().register(me, peer);
  const server = new AltsGrpcServer({ signer: peer, verifier: chain, logger: silentLogger() });
  server.addService(echoService, { whoAmI: () => {} }); // never answers
  const port = await server.listen('127.0.0.1', 0);
  const resolver = new MapResolver();
  resolver.addresses.set(peer.address, `127.0.0.1:${port}`);
  const dialer = new PeerDialer({ signer: me, verifier: chain, resolver, defaultPort: 4444, callTimeoutMs: 300 });
  try {
    const client = await dialer.client<grpc.Client>(peer.address, EchoClient);
    const started = Date.now();
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      (client as unknown as { whoAmI(req: Buffer, cb: (e: grpc.ServiceError) => void): void }).whoAmI(Buffer.from('x'), (e) => resolve(e)),
    );
    assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 5000);
  } finally {
    dialer.close();
    await server.close(100);
  }
});

test('peer dialer: resolution errors are typed and an address change reconnects', async () => {
  const chain = new FakeChain().register(me, peer);
  const handshakes: RemoteIdentity[] = [];
  const first = await startPeer(chain, handshakes);
  const second = await startPeer(chain, handshakes);
  const resolver = new MapResolver();
  const dialer = new PeerDialer({ signer: me, verifier: chain, resolver, defaultPort: 4444, resolveTtlMs: 1 });
  try {
    await assert.rejects(dialer.client(peer.address, EchoClient), (e: { code?: string; message: string }) => e.code === 'PEER_RESOLVE_FAILED' && e.message.startsWith(`resolve target "${peer.address}"`));
    resolver.addresses.set(peer.address, '');
    await assert.rejects(dialer.client(peer.address, EchoClient), (e: { code?: string }) => e.code === 'PEER_NO_ADDRESS');
    resolver.addresses.set(peer.address, 'bad host');
    await assert.rejects(dialer.client(peer.address, EchoClient), (e: { code?: string }) => e.code === 'PEER_BAD_ADDRESS');
    await assert.rejects(dialer.client('not-an-account', EchoClient), (e: { code?: string }) => e.code === 'INVALID_ARGUMENT');
    resolver.addresses.set(peer.address, `127.0.0.1:${first.port}`);
    await whoAmI(await dialer.client<grpc.Client>(peer.address, EchoClient), 'one');
    assert.equal(first.server.connectionCount, 1);
    await new Promise((r) => setTimeout(r, 5));
    resolver.addresses.set(peer.address, `127.0.0.1:${second.port}`);
    await whoAmI(await dialer.client<grpc.Client>(peer.address, EchoClient), 'two');
    assert.equal(second.server.connectionCount, 1);
    assert.equal(handshakes.length, 2);
    assert.equal(dialer.size, 1);
  } finally {
    dialer.close();
    await first.server.close(100);
    await second.server.close(100);
  }
});

test('peer dialer: a peer that is down fails fast and is reached once it comes up', async () => {
  const chain = new FakeChain().register(me, peer);
  const probe = await startPeer(chain, []);
  const port = probe.port;
  await probe.server.close(50); // the port is now (very likely) free and closed
  const resolver = new MapResolver();
  resolver.addresses.set(peer.address, `127.0.0.1:${port}`);
  const dialer = new PeerDialer({ signer: me, verifier: chain, resolver, defaultPort: 4444, initialBackoffMs: 50, maxBackoffMs: 100 });
  try {
    await assert.rejects(dialer.waitForReady(peer.address, 300), (e: { code?: string }) => e.code === 'PEER_NOT_READY');
    // R1.6.2: attempts fail fast on TRANSIENT_FAILURE, a bounded number of times.
    const started = Date.now();
    await assert.rejects(dialer.connect(peer.address, { attempts: 2, attemptTimeoutMs: 2000, gapMs: 50 }), (e: { code?: string }) => e.code === 'PEER_NOT_READY');
    assert.ok(Date.now() - started < 3000, 'failed fast rather than waiting out both attempts');
    const again = new AltsGrpcServer({ signer: peer, verifier: chain, logger: silentLogger() });
    again.addService(echoService, echoImplementation);
    try {
      await again.listen('127.0.0.1', port);
      await dialer.connect(peer.address, { attempts: 20, attemptTimeoutMs: 1000, gapMs: 100, overallTimeoutMs: 8000 });
      const r = await whoAmI(await dialer.client<grpc.Client>(peer.address, EchoClient), 'back');
      assert.equal(r.caller, me.address);
    } finally {
      await again.close(100);
    }
  } finally {
    dialer.close();
  }
});

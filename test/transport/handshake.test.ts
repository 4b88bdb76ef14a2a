import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { clientHandshake, serverHandshake, type ClientHandshakeOptions, type ServerHandshakeOptions } from '../../src/transport/handshake.js';
import { HandshakeLimiter } from '../../src/transport/handshake-limiter.js';
import { secureSocket } from '../../src/transport/alts-socket.js';
import { EphemeralKey, deriveRecordKeys } from '../../src/transport/record-keys.js';
import { buildHandshakeMessage, encodeHandshakeInfo, encodeHandshakeMessage, verifyHandshakeInfo } from '../../src/transport/handshake-message.js';
import { isTransportError, type TransportErrorCode } from '../../src/transport/errors.js';
import { FakeChain, testSigner } from './helpers.js';

const serverSigner = testSigner('hs-server');
const clientSigner = testSigner('hs-client');
const legacySigner = testSigner('hs-legacy', 'secp256k1');

/** A connected TCP socket pair on 127.0.0.1. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  server.close();
  return [client, serverSide];
}

const isCode = (code: TransportErrorCode) => (err: unknown) => isTransportError(err, code);

async function run(c: Partial<ClientHandshakeOptions>, s: Partial<ServerHandshakeOptions>, chain = new FakeChain().register(serverSigner, clientSigner, legacySigner)) {
  const [a, b] = await socketPair();
  const client = clientHandshake(a, { signer: clientSigner, verifier: chain, expectedServer: serverSigner.address, timeoutMs: 2000, ...c });
  const server = serverHandshake(b, { signer: serverSigner, verifier: chain, timeoutMs: 2000, ...s });
  const settled = await Promise.allSettled([client, server]);
  return { sockets: [a, b] as const, client: settled[0], server: settled[1] };
}

test('handshake: both sides agree on identities and keys, and the record stream carries data both ways', async () => {
  const r = await run({}, {});
  assert.equal(r.client.status, 'fulfilled');
  assert.equal(r.server.status, 'fulfilled');
  const c = (r.client as PromiseFulfilledResult<Awaited<ReturnType<typeof clientHandshake>>>).value;
  const s = (r.server as PromiseFulfilledResult<Awaited<ReturnType<typeof serverHandshake>>>).value;
  assert.deepEqual(c.remote, { address: serverSigner.address, peerType: 2 });
  assert.deepEqual(s.remote, { address: clientSigner.address, peerType: 2 });
  assert.deepEqual(c.keys, s.keys);
  const cs = secureSocket(r.sockets[0], c);
  const ss = secureSocket(r.sockets[1], s);
  const payload = Buffer.alloc(50_000, 7);
  cs.write(payload);
  const got: Buffer[] = [];
  let n = 0;
  await new Promise<void>((resolve) => ss.on('data', (b: Buffer) => { got.push(b); n += b.length; if (n >= payload.length) resolve(); }));
  assert.deepEqual(Buffer.concat(got), payload);
  ss.write('pong');
  const [pong] = (await once(cs, 'data')) as [Buffer];
  assert.equal(pong.toString(), 'pong');
  cs.destroy();
  ss.destroy();
});

/** Length fields of the record frames written on `socket` from now on (the wire bytes are parsed as sent). */
function recordFrameLengths(socket: net.Socket): number[] {
  const lengths: number[] = [];
  let wire = Buffer.alloc(0);
  const write = socket.write.bind(socket) as (chunk: Buffer, cb?: () => void) => boolean;
  socket.write = ((chunk: Buffer, cb?: () => void) => {
    wire = Buffer.concat([wire, chunk]);
    while (wire.length >= 4 && wire.length >= 4 + wire.readUInt32LE(0)) {
      lengths.push(wire.readUInt32LE(0));
      wire = wire.subarray(4 + wire.readUInt32LE(0));
    }
    return write(chunk, cb);
  }) as typeof socket.write;
  return lengths;
}

test('handshake: the secured socket writes 64 KiB frames by default and reads the Go writer\'s 4 KiB frames', async () => {
  const r = await run({}, {});
  const c = (r.client as PromiseFulfilledResult<Awaited<ReturnType<typeof clientHandshake>>>).value;
  const s = (r.server as PromiseFulfilledResult<Awaited<ReturnType<typeof serverHandshake>>>).value;
  const clientFrames = recordFrameLengths(r.sockets[0]);
  const serverFrames = recordFrameLengths(r.sockets[1]);
  const cs = secureSocket(r.sockets[0], c);
  const ss = secureSocket(r.sockets[1], s, { maxPlaintextPerFrame: 4072 }); // as a Go peer writes
  const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
  const receive = (sock: typeof cs) =>
    new Promise<Buffer>((resolve) => {
      const got: Buffer[] = [];
      let n = 0;
      sock.on('data', (b: Buffer) => {
        got.push(b);
        n += b.length;
        if (n >= payload.length) resolve(Buffer.concat(got));
      });
    });
  const atServer = receive(ss);
  const atClient = receive(cs);
  cs.write(payload);
  ss.write(payload);
  assert.deepEqual(await atServer, payload);
  assert.deepEqual(await atClient, payload);
  // Length field = 4 (type) + plaintext + 16 (tag): 65536 - 4 for a full 64 KiB frame, 4092 for a Go-sized one.
  assert.deepEqual(clientFrames, [65532, 65532, 65532, 4 + (200_000 - 3 * 65512) + 16]);
  assert.equal(serverFrames.length, Math.ceil(200_000 / 4072));
  assert.ok(serverFrames.slice(0, -1).every((l) => l === 4092));
  cs.destroy();
  ss.destroy();
});

test('handshake: a legacy secp256k1 client and a Simplenode client are accepted', async () => {
  const legacy = await run({ signer: legacySigner }, {});
  assert.equal(legacy.server.status, 'fulfilled');
  const chain = new FakeChain().register(serverSigner);
  const simple = testSigner('simplenode');
  chain.accounts.add(simple.address); // an account, not a supernode
  const r = await run({ signer: simple, peerType: 1 }, {}, chain);
  assert.equal(r.server.status, 'fulfilled');
  assert.deepEqual((r.server as PromiseFulfilledResult<{ remote: unknown }>).value.remote, { address: simple.address, peerType: 1 });
  // A server may refuse Simplenodes altogether.
  const refused = await run({ signer: simple, peerType: 1 }, { acceptPeerTypes: [2] }, chain);
  assert.equal(refused.server.status, 'rejected');
  assert.ok(isCode('ALTS_BAD_PEER_TYPE')((refused.server as PromiseRejectedResult).reason));
  for (const s of [...legacy.sockets, ...r.sockets, ...refused.sockets]) s.destroy();
});

test('handshake: each refusal has its own code on the refusing side', async () => {
  const stranger = testSigner('hs-stranger');
  const cases: Array<[string, Partial<ClientHandshakeOptions>, Partial<ServerHandshakeOptions>, 'client' | 'server', TransportErrorCode]> = [
    ['client not on chain', { signer: stranger }, {}, 'server', 'ALTS_NOT_REGISTERED'],
    ['wrong expected server', { expectedServer: stranger.address }, {}, 'client', 'ALTS_WRONG_IDENTITY'],
    ['server not on chain', { expectedServer: stranger.address }, { signer: stranger }, 'client', 'ALTS_NOT_REGISTERED'],
  ];
  for (const [name, c, s, side, code] of cases) {
    const r = await run(c, s);
    const outcome = side === 'client' ? r.client : r.server;
    assert.equal(outcome.status, 'rejected', name);
    assert.ok(isCode(code)((outcome as PromiseRejectedResult).reason), `${name}: ${(outcome as PromiseRejectedResult).reason}`);
    assert.ok(r.sockets.some((x) => x.destroyed), `${name}: a socket is closed`);
    for (const x of r.sockets) x.destroy();
  }
  // A chain that cannot answer refuses with its own code (never cached as "not registered").
  const down = new FakeChain();
  down.isRegisteredSupernode = async () => { throw new Error('rpc down'); };
  const r = await run({}, {}, down);
  assert.ok(isCode('ALTS_CHAIN_UNAVAILABLE')((r.server as PromiseRejectedResult).reason));
  for (const x of r.sockets) x.destroy();
});

test('handshake message checks: signature, address, peer type, key encoding', () => {
  const eph = EphemeralKey.generate().publicKey;
  const info = encodeHandshakeInfo({ address: clientSigner.address, peerType: 2, ephemeralPublicKey: eph, accountPublicKey: clientSigner.publicKey, keyType: clientSigner.keyType });
  assert.equal(verifyHandshakeInfo(info, clientSigner.sign(info)).address, clientSigner.address);
  assert.equal(verifyHandshakeInfo(info, clientSigner.sign(info).subarray(0, 64)).address, clientSigner.address, '64-byte R||S accepted');
  assert.throws(() => verifyHandshakeInfo(info, serverSigner.sign(info)), isCode('ALTS_BAD_SIGNATURE'));
  const tampered = new Uint8Array(info);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => verifyHandshakeInfo(tampered, clientSigner.sign(info)), isCode('ALTS_BAD_SIGNATURE'));
  const lying = encodeHandshakeInfo({ address: serverSigner.address, peerType: 2, ephemeralPublicKey: eph, accountPublicKey: clientSigner.publicKey, keyType: clientSigner.keyType });
  assert.throws(() => verifyHandshakeInfo(lying, clientSigner.sign(lying)), isCode('ALTS_ADDRESS_MISMATCH'));
  // The same key declared as the other key type derives another address.
  const wrongType = encodeHandshakeInfo({ address: clientSigner.address, peerType: 2, ephemeralPublicKey: eph, accountPublicKey: clientSigner.publicKey, keyType: 'secp256k1' });
  assert.throws(() => verifyHandshakeInfo(wrongType, clientSigner.sign(wrongType)), isCode('ALTS_ADDRESS_MISMATCH'));
  const shortEph = encodeHandshakeInfo({ address: clientSigner.address, peerType: 2, ephemeralPublicKey: eph.subarray(1), accountPublicKey: clientSigner.publicKey, keyType: clientSigner.keyType });
  assert.throws(() => verifyHandshakeInfo(shortEph, clientSigner.sign(shortEph)), isCode('ALTS_BAD_HANDSHAKE'));
  assert.throws(() => verifyHandshakeInfo(new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array(65)), isCode('ALTS_BAD_HANDSHAKE'));
});

test('handshake: peer types other than 1 and 2 are refused', async () => {
  const [a, b] = await socketPair();
  const chain = new FakeChain().register(serverSigner, clientSigner);
  const server = serverHandshake(b, { signer: serverSigner, verifier: chain, timeoutMs: 2000 });
  a.write(buildHandshakeMessage(clientSigner, 0 as 1, EphemeralKey.generate().publicKey));
  await assert.rejects(server, isCode('ALTS_BAD_PEER_TYPE'));
  a.destroy();
});

test('handshake: oversized length prefixes and early close are refused', async () => {
  const chain = new FakeChain().register(serverSigner, clientSigner);
  const [a, b] = await socketPair();
  const server = serverHandshake(b, { signer: serverSigner, verifier: chain, timeoutMs: 2000 });
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(1 << 30);
  a.write(huge);
  await assert.rejects(server, isCode('ALTS_BAD_HANDSHAKE'));
  a.destroy();
  const [c, d] = await socketPair();
  const server2 = serverHandshake(d, { signer: serverSigner, verifier: chain, timeoutMs: 2000 });
  c.end(encodeHandshakeMessage(new Uint8Array(10), new Uint8Array(0)).subarray(0, 9));
  await assert.rejects(server2, isCode('ALTS_CONNECTION_CLOSED'));
});

test('handshake limiter: caps concurrency, queues in order, refuses beyond the queue', async () => {
  const limiter = new HandshakeLimiter(2, 1);
  const r1 = await limiter.acquire();
  const r2 = await limiter.acquire();
  let third = false;
  const p3 = limiter.acquire().then((r) => { third = true; return r; });
  await assert.rejects(limiter.acquire(), isCode('ALTS_HANDSHAKE_BUSY'));
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  assert.equal(limiter.inProgress, 2);
  r1();
  r1(); // releasing twice is harmless
  const r3 = await p3;
  assert.equal(limiter.inProgress, 2);
  r2();
  r3();
  assert.equal(limiter.inProgress, 0);
});

test('handshake: the deadline covers waiting for a limiter slot', async () => {
  const limiter = new HandshakeLimiter(1, 4);
  const hold = await limiter.acquire();
  const [a, b] = await socketPair();
  const chain = new FakeChain().register(serverSigner, clientSigner);
  await assert.rejects(serverHandshake(b, { signer: serverSigner, verifier: chain, timeoutMs: 100, limiter }), isCode('ALTS_HANDSHAKE_TIMEOUT'));
  hold();
  await new Promise((r) => setImmediate(r));
  assert.equal(limiter.inProgress, 0, 'the timed-out waiter gave its slot back');
  a.destroy();
});

test('record keys: ECDH from both sides gives the same key material', () => {
  const x = EphemeralKey.generate();
  const y = EphemeralKey.generate();
  assert.deepEqual(x.sharedSecret(y.publicKey), y.sharedSecret(x.publicKey));
  const k1 = deriveRecordKeys(x.sharedSecret(y.publicKey), 'c', 's');
  const k2 = deriveRecordKeys(x.sharedSecret(y.publicKey), 's', 'c');
  assert.notDeepEqual(k1.key, k2.key);
  const offCurve = new Uint8Array(65);
  offCurve[0] = 4;
  assert.throws(() => x.sharedSecret(offCurve));
});

test('handshake: every connection uses a fresh ephemeral key, hence fresh record keys', async () => {
  const one = await run({}, {});
  const two = await run({}, {});
  const keysOf = (r: Awaited<ReturnType<typeof run>>) => (r.client as PromiseFulfilledResult<{ keys: { key: Uint8Array } }>).value.keys.key;
  assert.notDeepEqual(keysOf(one), keysOf(two));
  for (const s of [...one.sockets, ...two.sockets]) s.destroy();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { AltsChannelCredentials } from '../../src/transport/grpc-credentials.js';
import { serverHandshake } from '../../src/transport/handshake.js';
import { RecordSealer } from '../../src/transport/record-cipher.js';
import { EchoClient, FakeChain, testSigner, whoAmI } from './helpers.js';

test('grpc client: a server that sends a forged frame right after the handshake fails the call, not the process', async () => {
  const server = testSigner('forger-server');
  const client = testSigner('forger-client');
  const chain = new FakeChain().register(server, client);
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    serverHandshake(socket, { signer: server, verifier: chain }).then(
      (hs) => {
        // A frame sealed with the client's direction counter cannot authenticate on the client.
        socket.write(new RecordSealer(hs.keys.key, hs.keys.nonceMask, 'client').seal(Buffer.from('not from the server')));
      },
      () => {},
    );
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const c = new EchoClient(`127.0.0.1:${(tcp.address() as net.AddressInfo).port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  try {
    await assert.rejects(whoAmI(c, 'x', 2000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED);
  } finally {
    c.close();
    for (const s of sockets) s.destroy();
    tcp.close();
  }
});

/**
 * Guards the grpc-js internals the client connector depends on. If an upgrade of @grpc/grpc-js changes
 * them, these tests fail by name instead of peers silently failing to connect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AltsChannelCredentials, altsClientFor } from '../../src/transport/grpc-credentials.js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { repoRoot } from '../helpers/vectors.js';
import { EchoClient, FakeChain, echoImplementation, echoService, testSigner, whoAmI } from './helpers.js';

const require = createRequire(import.meta.url);
const grpcRoot = dirname(require.resolve('@grpc/grpc-js/package.json'));

test('grpc-js hook: the pinned version is installed and package.json pins it exactly', () => {
  const installed = JSON.parse(readFileSync(join(grpcRoot, 'package.json'), 'utf8')).version;
  const declared = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')).dependencies['@grpc/grpc-js'];
  assert.equal(declared, '1.14.7', 'package.json must pin @grpc/grpc-js exactly (the connector hook is internal)');
  assert.equal(installed, '1.14.7', `installed @grpc/grpc-js is ${installed}; re-verify the lumera-alts connector hook before upgrading`);
});

test('grpc-js hook: subchannels still obtain their connector from ChannelCredentials._createSecureConnector', () => {
  const subchannel = readFileSync(join(grpcRoot, 'build/src/subchannel.js'), 'utf8');
  assert.match(subchannel, /credentials\._createSecureConnector\(/);
  const transport = readFileSync(join(grpcRoot, 'build/src/transport.js'), 'utf8');
  assert.match(transport, /secureConnector\.connect\(tcpConnection\)/);
  assert.match(transport, /createConnection: \(authority, option\) => \{\s*return secureConnectResult\.socket;/);
  assert.equal(typeof (grpc.Server.prototype as unknown as Record<string, unknown>).createConnectionInjector, 'function');
});

test('grpc-js hook: a call through the custom connector really runs the handshake', async () => {
  const server = testSigner('hook-server');
  const client = testSigner('hook-client');
  const chain = new FakeChain().register(server, client);
  const node = new AltsGrpcServer({ signer: server, verifier: chain });
  node.addService(echoService, echoImplementation);
  const port = await node.listen('127.0.0.1', 0);
  const creds = new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address });
  let connects = 0;
  const original = creds._createSecureConnector.bind(creds);
  creds._createSecureConnector = (...args) => {
    const c = original(...args);
    return { ...c, connect: (s) => { connects++; return c.connect(s); } };
  };
  const c = new EchoClient(`127.0.0.1:${port}`, creds);
  try {
    assert.equal((await whoAmI(c, 'hook')).caller, client.address);
    assert.equal(connects, 1, 'grpc-js called our connector exactly once');
    assert.ok(chain.lookups >= 2, 'both sides checked the chain');
  } finally {
    c.close();
    await node.close(100);
  }
});

test('altsClientFor: the identity before @ is the one the server must prove', async () => {
  const server = testSigner('dial-server');
  const client = testSigner('dial-client');
  const chain = new FakeChain().register(server, client);
  const node = new AltsGrpcServer({ signer: server, verifier: chain });
  node.addService(echoService, echoImplementation);
  const port = await node.listen('127.0.0.1', 0);
  const good = altsClientFor<grpc.Client>(`${server.address}@127.0.0.1:${port}`, EchoClient, { signer: client, verifier: chain });
  const wrong = altsClientFor<grpc.Client>(`${client.address}@127.0.0.1:${port}`, EchoClient, { signer: client, verifier: chain });
  try {
    assert.equal((await whoAmI(good, 'ok')).caller, client.address);
    await assert.rejects(whoAmI(wrong, 'no', 2000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED);
    assert.throws(() => altsClientFor(`127.0.0.1:${port}`, EchoClient, { signer: client, verifier: chain }), /identity is mandatory/);
  } finally {
    good.close();
    wrong.close();
    await node.close(100);
  }
});

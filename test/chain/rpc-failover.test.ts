import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FailoverRpcClient } from '../../src/chain/rpc-failover.js';
import { ChainRpcError, ChainTransportError, isTransient } from '../../src/chain/errors.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

type Mode = 'ok' | 'hang' | '503' | 'rpc-error' | 'garbage';

interface FakeNode {
  url: string;
  mode: Mode;
  hits: number;
  close(): Promise<void>;
}

async function fakeNode(name: string, mode: Mode = 'ok'): Promise<FakeNode> {
  const sockets = new Set<import('node:net').Socket>();
  const node = { mode, hits: 0 } as FakeNode;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      node.hits++;
      const id = (JSON.parse(body) as { id: unknown }).id;
      if (node.mode === 'hang') return; // never answers
      if (node.mode === '503') {
        res.writeHead(503).end('busy');
        return;
      }
      if (node.mode === 'garbage') {
        res.writeHead(200).end('<html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if (node.mode === 'rpc-error') res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: 'Internal error', data: 'tx not found' } }));
      else res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { node: name } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  node.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return node;
}

/** A URL on which nothing listens (connection refused). */
async function deadUrl(): Promise<string> {
  const n = await fakeNode('dead');
  const url = n.url;
  await n.close();
  return url;
}

const req = (method = 'status') => ({ jsonrpc: '2.0' as const, id: 1, method, params: {} });
const answeredBy = (r: { result: unknown }) => (r.result as { node: string }).node;

test('fails over to the next endpoint when the first refuses connections', async () => {
  const b = await fakeNode('b');
  const c = new FailoverRpcClient({ urls: [await deadUrl(), b.url], requestTimeoutMs: 2000, probeIntervalMs: 60_000 });
  try {
    assert.equal(answeredBy(await c.execute(req())), 'b');
    assert.equal(c.activeUrl, b.url);
    assert.equal(answeredBy(await c.execute(req())), 'b');
    assert.equal(b.hits, 2);
  } finally {
    c.disconnect();
    await b.close();
  }
});

test('a hanging endpoint costs one deadline, then the call is answered by the next', async () => {
  const a = await fakeNode('a', 'hang');
  const b = await fakeNode('b');
  const c = new FailoverRpcClient({ urls: [a.url, b.url], requestTimeoutMs: 500, probeIntervalMs: 60_000 });
  try {
    assert.equal(answeredBy(await c.execute(req())), 'b');
    assert.equal(a.hits, 1, 'the hanging endpoint was asked once and abandoned at its deadline');
    assert.equal(c.activeUrl, b.url);
  } finally {
    c.disconnect();
    await a.close();
    await b.close();
  }
});

test('HTTP 503 fails over; a JSON-RPC error is an answer (no failover); garbage is a bad response', async () => {
  const a = await fakeNode('a', '503');
  const b = await fakeNode('b');
  const c = new FailoverRpcClient({ urls: [a.url, b.url], requestTimeoutMs: 2000, probeIntervalMs: 60_000 });
  try {
    assert.equal(answeredBy(await c.execute(req())), 'b');
    b.mode = 'rpc-error';
    const err = await c.execute(req('tx')).catch((e: unknown) => e);
    assert.ok(err instanceof ChainRpcError);
    assert.equal(err.rpcCode, -32603);
    assert.equal(err.rpcData, 'tx not found');
    assert.equal(isTransient(err), false);
    assert.equal(c.activeUrl, b.url, 'an answer does not move us');
    b.mode = 'garbage';
    await assert.rejects(c.execute(req()), (e: unknown) => (e as { code?: string }).code === 'CHAIN_BAD_RESPONSE');
  } finally {
    c.disconnect();
    await a.close();
    await b.close();
  }
});

test('goes back to the first endpoint once the periodic probe sees it answer', async () => {
  const a = await fakeNode('a', '503');
  const b = await fakeNode('b');
  const c = new FailoverRpcClient({ urls: [a.url, b.url], requestTimeoutMs: 1000, probeIntervalMs: 40 });
  try {
    assert.equal(answeredBy(await c.execute(req())), 'b');
    a.mode = 'ok';
    const deadline = Date.now() + 3000;
    while (c.activeUrl !== a.url && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.activeUrl, a.url);
    assert.equal(answeredBy(await c.execute(req())), 'a');
  } finally {
    c.disconnect();
    await a.close();
    await b.close();
  }
});

test('all endpoints down: a transient ChainTransportError naming the last endpoint', async () => {
  const urls = [await deadUrl(), await deadUrl()];
  const c = new FailoverRpcClient({ urls, requestTimeoutMs: 500 });
  try {
    const err = await c.execute(req()).catch((e: unknown) => e);
    assert.ok(err instanceof ChainTransportError);
    assert.equal(err.reason, 'connection');
    assert.equal(isTransient(err), true);
  } finally {
    c.disconnect();
  }
});

test('configuration is validated', () => {
  assert.throws(() => new FailoverRpcClient({ urls: [] }), InvalidArgumentError);
  assert.throws(() => new FailoverRpcClient({ urls: ['ftp://x'] }), /chain.rpc_endpoints\[0\] must be http/);
  assert.throws(() => new FailoverRpcClient({ urls: ['http://127.0.0.1:1'], requestTimeoutMs: 0 }), /request_timeout_ms/);
});

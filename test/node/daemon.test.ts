import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { join } from 'node:path';
import { SupernodeNode } from '../../src/node/daemon.js';
import { TickLoop } from '../../src/node/startable.js';
import { configFromObject } from '../../src/config/index.js';
import { openDatabase } from '../../src/store/db.js';
import { signingKeyFromPrivateKey } from '../../src/chain/keys.js';
import type { LumeraClient } from '../../src/chain/client.js';
import { tempDir } from '../challenge/helpers.js';

const key = signingKeyFromPrivateKey(new Uint8Array(32).fill(9));

function fakeChain(): LumeraClient & { closed: number } {
  const c = { closed: 0, close() { c.closed++; }, isRegisteredSupernode: async () => true, accountExists: async () => true };
  return c as unknown as LumeraClient & { closed: number };
}

function config(baseDir: string, port = 0, lep6 = false) {
  return configFromObject({
    supernode: { identity: key.address, key_name: 'k', host: '127.0.0.1', port },
    lumera: { chain_id: 'lumera-test-1', rpc_endpoints: ['http://127.0.0.1:1'] },
    storage_challenge: { enabled: lep6, lep6: { enabled: lep6 } },
  }, { baseDir });
}

async function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

test('SupernodeNode starts its services in order and closes them in reverse (database last)', async (t) => {
  const dir = tempDir(t, 'lep6-node-');
  const chain = fakeChain();
  const node = new SupernodeNode({ config: config(dir), key, chain, disableHostReporter: true });
  await node.start();
  assert.deepEqual(node.serviceNames, ['state-db', 'artefact-store', 'peer-server', 'peer-dialer', 'artefact-gc']);
  assert.ok(node.port > 0);
  assert.equal(await refused(node.port), false);
  await node.close();
  await node.close(); // idempotent
  assert.equal(await refused(node.port), true);
  assert.deepEqual(node.serviceNames, []);
  assert.equal(chain.closed, 1);
  // The database lock is released: another process (here: connection) may open it.
  openDatabase(join(dir, 'history.db')).close();
});

test('a service that fails to start stops the ones already started', async (t) => {
  const dir = tempDir(t, 'lep6-node-');
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const node = new SupernodeNode({ config: config(dir, port), key, chain: fakeChain(), disableHostReporter: true });
  await assert.rejects(node.start());
  assert.deepEqual(node.serviceNames, []);
  openDatabase(join(dir, 'history.db')).close();
});

test('LEP-6 enabled adds the challenger; a key that is not supernode.identity is refused', async (t) => {
  const dir = tempDir(t, 'lep6-node-');
  const node = new SupernodeNode({ config: config(dir, 0, true), key, chain: fakeChain(), disableHostReporter: false });
  await node.start();
  try {
    assert.deepEqual(node.serviceNames, ['state-db', 'artefact-store', 'peer-server', 'peer-dialer', 'artefact-gc', 'storage-challenger']);
    assert.ok(node.dispatcher);
  } finally {
    await node.close();
  }
  const other = signingKeyFromPrivateKey(new Uint8Array(32).fill(5));
  assert.throws(() => new SupernodeNode({ config: config(dir), key: other, chain: fakeChain() }), { argument: 'supernode.key_name' } as object);
});

test('each service logs under its own svc field (a refused handshake is logged by the peer server)', async (t) => {
  const dir = tempDir(t, 'lep6-node-');
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  const node = new SupernodeNode({ config: config(dir), key, chain: fakeChain(), disableHostReporter: true, logger: pino({ level: 'debug' }, sink) });
  await node.start();
  t.after(() => node.close());
  const s = net.connect(node.port, '127.0.0.1');
  s.on('error', () => undefined);
  s.write(Buffer.alloc(64, 0xee)); // not a handshake
  const deadline = Date.now() + 5000;
  while (!lines.some((l) => /handshake refused/.test(String(l.msg))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  s.destroy();
  const refusedLine = lines.find((l) => /handshake refused/.test(String(l.msg)));
  assert.ok(refusedLine, `no handshake log line in ${JSON.stringify(lines)}`);
  assert.equal(refusedLine.svc, 'peer-server');
  assert.ok(lines.some((l) => l.msg === 'supernode started' && l.svc === undefined), 'node-level lines carry no svc');
});

test('TickLoop never overlaps ticks and stop() waits for the running one', async () => {
  let running = 0;
  let maxRunning = 0;
  let ticks = 0;
  const loop = new TickLoop(5, async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 20));
    ticks++;
    running--;
  }, () => undefined);
  loop.start(0);
  await new Promise((r) => setTimeout(r, 100));
  await loop.stop();
  const after = ticks;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(maxRunning, 1);
  assert.ok(after >= 2);
  assert.equal(ticks, after, 'no tick after stop');
  assert.equal(running, 0);
});

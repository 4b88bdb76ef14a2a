import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { connectWithRetry } from '../../src/node/lifecycle-startup.js';
import { configFromObject } from '../../src/config/index.js';
import { generateMnemonic, signingKeyFromMnemonic } from '../../src/chain/keys.js';
import { startDevnet } from '../../src/devnet/index.js';
import { isUserFacing } from '../../src/util/errors.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function capture(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

test('startup: while no chain endpoint answers, start logs and retries with growing backoff, then connects', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const key = await signingKeyFromMnemonic(generateMnemonic());
  const cfg = configFromObject({ supernode: { identity: key.address, key_name: 'k' }, lumera: { chain_id: 'lumera-devnet-1', rpc_endpoints: [`http://127.0.0.1:${port}`], call_timeout_ms: 1000 } });
  const { log, lines } = capture();
  const connecting = connectWithRetry(cfg, key, log, { connectBackoffMs: { initial: 100, max: 400 } });
  await new Promise((r) => setTimeout(r, 1500));
  const devnet = await startDevnet({ supernodes: 1, rpcPort: port, blockMs: 100 }, silentLogger());
  try {
    const client = await connecting;
    assert.equal(client.chainId, 'lumera-devnet-1');
    assert.ok((await client.getHeight()) >= 1n);
    client.close();
    const retries = lines.filter((l) => l.msg === 'chain unreachable; retrying');
    assert.ok(retries.length >= 3, `retried (${retries.length} times)`);
    const waits = retries.map((l) => Number(l.retryInMs));
    assert.deepEqual(waits.slice(0, 3), [100, 200, 400], 'the wait doubles up to the maximum');
    assert.ok(waits.every((w) => w <= 400));
  } finally {
    await devnet.stop();
  }
});

test('startup: a signal while waiting for the chain abandons the start with a clear error', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const key = await signingKeyFromMnemonic(generateMnemonic());
  const cfg = configFromObject({ supernode: { identity: key.address, key_name: 'k' }, lumera: { chain_id: 'lumera-devnet-1', rpc_endpoints: [`http://127.0.0.1:${port}`], call_timeout_ms: 1000 } });
  const abort = new AbortController();
  const connecting = connectWithRetry(cfg, key, silentLogger(), { signal: abort.signal, connectBackoffMs: { initial: 10_000, max: 10_000 } });
  setTimeout(() => abort.abort(), 300);
  const t0 = Date.now();
  await assert.rejects(connecting, (e: unknown) => isUserFacing(e) && e.code === 'STARTUP_ABORTED');
  assert.ok(Date.now() - t0 < 5000, 'the backoff wait is cut short by the signal');
});

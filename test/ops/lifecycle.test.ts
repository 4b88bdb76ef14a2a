import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TickLoop } from '../../src/node/startable.js';
import { onShutdownSignals, FORCED_EXIT_CODE } from '../../src/node/signals.js';
import { installProcessGuards, guardCounters } from '../../src/node/lifecycle-guards.js';
import { silentLogger } from '../../src/util/logger.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('loops: an iteration that throws (sync or async) or an error handler that throws does not end the loop; failures are counted', async () => {
  const before = TickLoop.failures;
  let runs = 0;
  const seen: string[] = [];
  const loop = new TickLoop(5, () => {
    runs++;
    if (runs === 1) throw new Error('sync boom');
    if (runs === 2) return Promise.reject(new Error('async boom'));
    return Promise.resolve();
  }, (err) => {
    seen.push((err as Error).message);
    if (seen.length === 1) throw new Error('handler boom');
  });
  loop.start(0);
  const deadline = Date.now() + 5000;
  while (runs < 5 && Date.now() < deadline) await sleep(5);
  await loop.stop();
  assert.ok(runs >= 5, `the loop kept running (${runs} runs)`);
  assert.deepEqual(seen, ['sync boom', 'async boom']);
  assert.equal(TickLoop.failures - before, 2);
});

test('signals: the first SIGTERM stops in order, a second one while stopping forces exit', async () => {
  let stops = 0;
  let forced: number | undefined;
  let finishStop!: () => void;
  const { done } = onShutdownSignals(async () => {
    stops++;
    await new Promise<void>((r) => (finishStop = r));
  }, { log: silentLogger(), forceExit: (code) => (forced = code) });
  process.emit('SIGTERM', 'SIGTERM');
  await sleep(10);
  assert.equal(stops, 1);
  process.emit('SIGINT', 'SIGINT');
  assert.equal(forced, FORCED_EXIT_CODE, 'second signal forces exit');
  finishStop();
  assert.equal(await done, 'SIGTERM');
  assert.equal(process.listenerCount('SIGTERM'), 0, 'handlers removed after shutdown');
  assert.equal(process.listenerCount('SIGINT'), 0);
  const h = onShutdownSignals(async () => undefined, { log: silentLogger() });
  assert.equal(process.listenerCount('SIGTERM'), 1);
  h.cancel();
  assert.equal(process.listenerCount('SIGTERM'), 0, 'cancel removes the handlers');
});

test('guards: an unhandled rejection is logged and counted, an uncaught exception asks for an orderly stop', () => {
  let fatal: unknown;
  const g = installProcessGuards(silentLogger(), (err) => (fatal = err));
  try {
    const before = guardCounters.unhandledRejections;
    g.onUnhandledRejection(new Error('async handler threw'));
    assert.equal(guardCounters.unhandledRejections, before + 1);
    assert.equal(fatal, undefined, 'a rejection does not stop the daemon');
    const boom = new Error('boom');
    g.onUncaughtException(boom);
    assert.equal(fatal, boom);
    assert.ok(process.listeners('unhandledRejection').includes(g.onUnhandledRejection));
  } finally {
    g.uninstall();
  }
  assert.ok(!process.listeners('unhandledRejection').includes(g.onUnhandledRejection));
});

/** Semaphores from config, the per-op in-flight guard and cancellable slot waits (R3.8.1). */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore, InFlight } from '../../src/healing/semaphore.js';
import { withTimeout } from '../../src/healing/op-context.js';
import { isTransient } from '../../src/chain/errors.js';
import { FakeChain, env, op, type Env } from './fakes.js';
import { Doubles, buildService } from './service-helpers.js';

let e: Env;
beforeEach(async () => {
  e = await env();
});
afterEach(() => e.cleanup());

describe('concurrency limits', () => {
  it('a semaphore never grants more than its capacity and a cancelled wait takes no slot', async () => {
    const s = new Semaphore('test', 2);
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    let third = false;
    const p3 = s.acquire().then((r) => ((third = true), r));
    const ctl = new AbortController();
    const p4 = s.acquire(ctl.signal);
    ctl.abort();
    await assert.rejects(p4, /cancelled/);
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false);
    r1();
    r1(); // releasing twice is harmless
    const r3 = await p3;
    assert.equal(s.inUse, 2);
    r2();
    r3();
    assert.equal(s.inUse, 0);
    assert.throws(() => new Semaphore('self_healing.max_concurrent_reconstructs', 0), /max_concurrent_reconstructs must be an integer >= 1/);
  });

  it('reconstructs run at most max_concurrent_reconstructs at a time; a running op is not started twice', async () => {
    const chain = new FakeChain();
    for (const id of [1n, 2n, 3n]) chain.put(op({ healOpId: id }));
    const d = new Doubles(e);
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const inner = d.reconstruct;
    d.reconstruct = async (o) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return inner(o);
    };
    const s = buildService(e, chain, d, { config: { pollIntervalMs: 3_600_000, maxConcurrentReconstructs: 1, maxConcurrentVerifications: 1, maxConcurrentPublishes: 1, verifierFetchTimeoutMs: 1000, verifierFetchAttempts: 1, verifierBackoffBaseMs: 1, auditQueryTimeoutMs: 300 } });
    await s.tick();
    await s.tick(); // same ops again while in flight: no second task per op
    const deadline = Date.now() + 10_000;
    while (chain.claims.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      release.shift()?.();
    }
    await s.drain();
    assert.equal(peak, 1);
    assert.deepEqual([...d.reconstructs].sort(), [1n, 2n, 3n]);
    assert.equal(chain.claims.length, 3);
  });

  it('in-flight keys and bounded waits', async () => {
    const f = new InFlight();
    assert.equal(f.tryAdd('7/healer'), true);
    assert.equal(f.tryAdd('7/healer'), false);
    assert.equal(f.tryAdd('7/verifier'), true);
    f.delete('7/healer');
    assert.equal(f.tryAdd('7/healer'), true);
    const err = await withTimeout(new Promise(() => undefined), 20, 'stuck query').catch((x: unknown) => x);
    assert.match(String((err as Error).message), /stuck query did not finish within 20 ms/);
    assert.equal(isTransient(err), true, 'our own deadline is transient: nothing local is deleted because of it');
  });
});

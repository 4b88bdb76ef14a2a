import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachingIdentityVerifier, type RemoteIdentityVerifier } from '../../src/transport/identity-verifier.js';
import { isInvalidArgument } from '../../src/util/errors.js';

class CountingChain implements RemoteIdentityVerifier {
  calls: string[] = [];
  supernodes = new Set<string>(['sn1']);
  fail = false;
  release: (() => void) | null = null;
  gate: Promise<void> | null = null;

  async isRegisteredSupernode(address: string): Promise<boolean> {
    this.calls.push(`sn:${address}`);
    if (this.gate) await this.gate;
    if (this.fail) throw new Error('chain down');
    return this.supernodes.has(address);
  }

  async accountExists(address: string): Promise<boolean> {
    this.calls.push(`acct:${address}`);
    return address.startsWith('acct');
  }
}

test('caching verifier: answers are cached for their TTL, negatives for a shorter one', async () => {
  let now = 1000;
  const chain = new CountingChain();
  const v = new CachingIdentityVerifier(chain, { positiveTtlMs: 1000, negativeTtlMs: 100, now: () => now });
  assert.equal(await v.isRegisteredSupernode('sn1'), true);
  assert.equal(await v.isRegisteredSupernode('sn1'), true);
  assert.equal(await v.isRegisteredSupernode('nobody'), false);
  assert.equal(await v.isRegisteredSupernode('nobody'), false);
  assert.deepEqual(chain.calls, ['sn:sn1', 'sn:nobody']);
  now += 150; // negative expired, positive not
  chain.supernodes.add('nobody');
  assert.equal(await v.isRegisteredSupernode('nobody'), true);
  assert.equal(await v.isRegisteredSupernode('sn1'), true);
  assert.deepEqual(chain.calls, ['sn:sn1', 'sn:nobody', 'sn:nobody']);
  now += 1000;
  await v.isRegisteredSupernode('sn1');
  assert.equal(chain.calls.length, 4);
  // The two questions are cached separately.
  assert.equal(await v.accountExists('sn1'), false);
  assert.equal(await v.accountExists('acct1'), true);
  assert.equal(chain.calls.length, 6);
});

test('caching verifier: concurrent lookups are coalesced and failures are not cached', async () => {
  const chain = new CountingChain();
  chain.gate = new Promise((r) => (chain.release = r));
  const v = new CachingIdentityVerifier(chain);
  const all = Promise.all(Array.from({ length: 10 }, () => v.isRegisteredSupernode('sn1')));
  await new Promise((r) => setImmediate(r));
  chain.release!();
  assert.deepEqual(await all, Array(10).fill(true));
  assert.equal(chain.calls.length, 1);
  chain.gate = null;
  chain.fail = true;
  await assert.rejects(v.isRegisteredSupernode('sn2'), /chain down/);
  chain.fail = false;
  chain.supernodes.add('sn2');
  assert.equal(await v.isRegisteredSupernode('sn2'), true);
  assert.equal(chain.calls.length, 3);
});

test('caching verifier: the cache is bounded, oldest first', async () => {
  const chain = new CountingChain();
  const v = new CachingIdentityVerifier(chain, { maxEntries: 3 });
  for (const a of ['acct1', 'acct2', 'acct3', 'acct4']) await v.accountExists(a);
  assert.equal(v.size, 3);
  await v.accountExists('acct4'); // cached
  await v.accountExists('acct1'); // evicted ⇒ asked again
  assert.deepEqual(chain.calls, ['acct:acct1', 'acct:acct2', 'acct:acct3', 'acct:acct4', 'acct:acct1']);
  assert.throws(() => new CachingIdentityVerifier(chain, { maxEntries: -1 }), isInvalidArgument);
});

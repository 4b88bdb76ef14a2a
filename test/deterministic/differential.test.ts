/**
 * Differential checks: the optimised ranking loops against a naive transcription of spec 01 §4.2 / §4.3
 * / §6 built only on storageTruthAssignmentHash, over pseudo-random inputs with duplicates, empty ids,
 * targets outside the challenger set and non-ASCII ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as d from '../../src/deterministic/index.js';

const H = (seed: Uint8Array, ...parts: string[]): Buffer => Buffer.from(d.storageTruthAssignmentHash(seed, parts));
const byteCmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const uniq = (l: string[]): string[] => [...new Set(l)].filter((x) => x !== '').sort(byteCmp);

function argmin(seed: Uint8Array, c: string, pool: Iterable<string>, skip: (t: string) => boolean): string | undefined {
  let best: string | undefined;
  let bestH: Buffer | undefined;
  for (const t of pool) {
    if (t === c || skip(t)) continue;
    const h = H(seed, c, t, 'pair');
    if (!bestH || Buffer.compare(h, bestH) < 0 || (h.equals(bestH) && byteCmp(t, best!) < 0)) {
      best = t;
      bestH = h;
    }
  }
  return best;
}

function naiveChain(seed: Uint8Array, cIn: string[], tIn: string[], divisor: number): Map<string, string> {
  const out = new Map<string, string>();
  const C = uniq(cIn);
  let T = uniq(tIn);
  if (T.length === 0) T = C;
  if (C.length <= 1 || T.length === 0) return out;
  const dv = divisor === 0 ? 3 : divisor;
  const count = Math.min(Math.min(Math.max(Math.ceil(C.length / dv), 1), C.length), T.length);
  const R = [...T].sort((a, b) => Buffer.compare(H(seed, a, 'challenge_target'), H(seed, b, 'challenge_target')) || byteCmp(a, b));
  const unassigned = new Set(R.slice(0, count));
  const assigned = new Set<string>();
  for (const c of C) {
    if (assigned.size >= count) break;
    let best = argmin(seed, c, unassigned, () => false);
    if (best === undefined) best = argmin(seed, c, R, (t) => assigned.has(t));
    if (best === undefined) continue;
    unassigned.delete(best);
    assigned.add(best);
    out.set(c, best);
  }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('chain assignment equals a naive transcription of §4.2 on random inputs', () => {
  const rnd = lcg(42);
  const names = ['sn-a', 'sn-b', 'sn-c', 'sn-d', 'sn-e', 'lumera1xyz', 'lumera1xy', 'é-node', '😀', 'sn-postponed', ''];
  for (let round = 0; round < 150; round++) {
    const seed = createHash('sha256').update(`r${round}`).digest();
    const pick = (n: number): string[] => Array.from({ length: n }, () => names[Math.floor(rnd() * names.length)] as string);
    const cIn = pick(Math.floor(rnd() * 9));
    const tIn = rnd() < 0.3 ? [] : pick(Math.floor(rnd() * 9));
    const divisor = Math.floor(rnd() * 4);
    const want = naiveChain(seed, cIn, tIn, divisor);
    assert.deepEqual(d.computeStorageTruthAssignment(seed, cIn, tIn, divisor).assignments, want, `round ${round}`);
    for (const reporter of new Set(cIn.filter((x) => x !== ''))) {
      const r = d.chainAssignedTargets({ seed, eligibleChallengers: cIn, anchorTargets: tIn, reporter, params: { mode: d.StorageTruthEnforcementMode.SHADOW, challengeTargetDivisor: divisor } });
      assert.equal(r.isProber, true);
      assert.deepEqual(r.targets, want.has(reporter) ? [want.get(reporter)] : [], `round ${round} reporter ${reporter}`);
    }
  }
});

test('ticket selection and target ranking equal the naive argmin on random pools', () => {
  const rnd = lcg(9);
  for (let round = 0; round < 100; round++) {
    const seed = createHash('sha256').update(`t${round}`).digest();
    const pool = Array.from({ length: Math.floor(rnd() * 20) }, (_, i) => (rnd() < 0.1 ? '' : rnd() < 0.1 ? `tick-é-${i}` : `action-${Math.floor(rnd() * 1e6)}`));
    const excluded = pool.filter(() => rnd() < 0.2);
    const bucket = (1 + Math.floor(rnd() * 4)) as d.StorageProofBucketType;
    const dom = d.bucketDomain(bucket);
    const eligible = pool.filter((t) => t !== '' && !excluded.includes(t));
    const want = eligible.sort((a, b) => Buffer.compare(H(seed, 'tgt', dom, a, 'ticket_rank'), H(seed, 'tgt', dom, b, 'ticket_rank')) || byteCmp(a, b))[0] ?? '';
    assert.equal(d.selectTicketForBucket(pool, excluded, seed, 'tgt', bucket), want, `round ${round}`);
    const ids = pool.filter((t) => t !== '');
    const ranked = [...ids].sort((a, b) => Buffer.compare(H(seed, a, 'challenge_target'), H(seed, b, 'challenge_target')) || byteCmp(a, b));
    assert.deepEqual(d.rankTargets(seed, ids), ranked);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareStrings, sortedUnique } from '../../src/deterministic/index.js';

// Deterministic pseudo-random generator so the test is reproducible (the library itself has no randomness).
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('compareStrings equals UTF-8 byte order (Go string order), including astral vs U+E000–FFFF', () => {
  const alphabet = ['a', 'b', 'Z', '0', '', 'é', '\u{ffff}', '\u{e000}', '😀', '\u{10000}', '\u{d7ff}', '-', '1'];
  const rnd = lcg(7);
  const pick = (): string => Array.from({ length: Math.floor(rnd() * 4) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  for (let i = 0; i < 20000; i++) {
    const a = pick();
    const b = pick();
    const want = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    assert.equal(Math.sign(compareStrings(a, b)), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  // The case where UTF-16 order is wrong: U+FFFF sorts before U+10000 in bytes, after it in code units.
  assert.ok('\u{ffff}' > '\u{10000}');
  assert.equal(compareStrings('\u{ffff}', '\u{10000}'), -1);
});

test('sortedUnique drops "", duplicates and sorts by bytes', () => {
  assert.deepEqual(sortedUnique(['b', '', 'a', 'b', '\u{10000}', '\u{ffff}']), ['a', 'b', '\u{ffff}', '\u{10000}']);
});

test('ranking loops hash exactly H(seed; …) for mixed-length and non-ASCII ids', async () => {
  const d = await import('../../src/deterministic/index.js');
  const seed = Buffer.from('01234567890123456789012345678901');
  const tickets = ['t1', 'ticket-long-0001', 'é', 'x😀', '', 't2', 'ab'];
  const want = tickets
    .filter((t) => t !== '')
    .map((t) => ({ t, h: Buffer.from(d.storageTruthAssignmentHash(seed, ['tgt', 'OLD', t, 'ticket_rank'])) }))
    .sort((a, b) => Buffer.compare(a.h, b.h))[0]!.t;
  assert.equal(d.selectTicketForBucket(tickets, [], seed, 'tgt', d.StorageProofBucketType.OLD), want);
  const ids = ['a', 'bb', 'ccc', 'dé', 'e😀', 'ffffff'];
  const ranked = [...ids].sort((x, y) =>
    Buffer.compare(Buffer.from(d.storageTruthAssignmentHash(seed, [x, 'challenge_target'])), Buffer.from(d.storageTruthAssignmentHash(seed, [y, 'challenge_target']))),
  );
  assert.deepEqual(d.rankTargets(seed, ids), ranked);
  for (const c of ids) {
    const best = ids
      .filter((t) => t !== c)
      .sort((x, y) => Buffer.compare(Buffer.from(d.storageTruthAssignmentHash(seed, [c, x, 'pair'])), Buffer.from(d.storageTruthAssignmentHash(seed, [c, y, 'pair']))))[0];
    assert.equal(d.pairChallengerToTarget(c, ids, seed), best);
  }
});

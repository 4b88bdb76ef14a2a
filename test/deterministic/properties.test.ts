/**
 * One check per entry of the `properties` array of deterministic.json (spec 01 Appendix C). The last
 * test fails if the file gains a property that has no check here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadVectorFile } from '../helpers/vectors.js';
import { generateIdFiles } from '../../src/cascade/id-files.js';
import { zstdCompress } from '../../src/cascade/zstd.js';
import * as d from '../../src/deterministic/index.js';

const SEED = Buffer.from('01234567890123456789012345678901');
const SIX = ['sn-a', 'sn-b', 'sn-c', 'sn-d', 'sn-e', 'sn-f'];
const { INDEX, SYMBOL, UNSPECIFIED } = d.StorageProofArtifactClass;
const { RECENT, OLD } = d.StorageProofBucketType;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function repeat<T>(n: number, f: () => T): T[] {
  return Array.from({ length: n }, f);
}

const checks: Record<string, () => void> = {
  'assignment-hash-layout': () => {
    const cases: Array<[Buffer, Array<string | Uint8Array>]> = [
      [SEED, ['sn-a', 'challenge_target']],
      [SEED, []],
      [Buffer.from([0, 0, 1]), [new Uint8Array([0, 0]), '', 'é😀']],
      [Buffer.alloc(0), ['x']],
    ];
    for (const [seed, parts] of cases) {
      const h = createHash('sha256').update(seed);
      for (const p of parts) h.update(Buffer.from([0])).update(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
      assert.equal(hex(d.storageTruthAssignmentHash(seed, parts)), h.digest('hex'));
    }
    assert.equal(hex(d.storageTruthAssignmentHash(SEED, [])), createHash('sha256').update(SEED).digest('hex'));
  },
  'chain-defaults-binding': () => {
    assert.equal(d.LEP6_CHALLENGE_TARGET_DIVISOR, 3);
    assert.equal(d.LEP6_CHALLENGE_TARGET_DIVISOR, d.DEFAULT_CHALLENGE_TARGET_DIVISOR);
    const th = d.defaultBucketThresholds(0n);
    assert.deepEqual(th, { recentMaxBlocks: 1200n, oldMinBlocks: 12000n });
    assert.ok(th.oldMinBlocks > th.recentMaxBlocks);
    assert.equal(d.selectLEP6Targets(SIX, SEED, d.DEFAULT_CHALLENGE_TARGET_DIVISOR).length, 2);
  },
  'targets-deterministic': () => {
    const active = ['x', 'y', 'z', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const first = d.selectLEP6Targets(active, SEED, 4);
    assert.equal(first.length, 3);
    for (let i = 0; i < 50; i++) assert.deepEqual(d.selectLEP6Targets(active, SEED, 4), first);
  },
  'targets-two-actives': () => {
    assert.equal(d.selectLEP6Targets(['sn-a', 'sn-b'], SEED, 3).length, 1);
  },
  'targets-divisor-zero': () => {
    const active = ['sn-a', 'sn-b', 'sn-c'];
    assert.deepEqual(d.selectLEP6Targets(active, SEED, 0), d.selectLEP6Targets(active, SEED, 3));
  },
  'assign-invariants': () => {
    const known = d.assignChallengerTargets(SIX, ['sn-f', 'sn-e'], SEED);
    for (const [c, t] of known) assert.ok(c !== t && ['sn-f', 'sn-e'].includes(t));
    for (let s = 0; s < 20; s++) {
      const seed = createHash('sha256').update(`seed-${s}`).digest();
      const active = Array.from({ length: 2 + s * 3 }, (_, i) => `lumera1node${i}`);
      const selected = d.selectLEP6Targets(active, seed, 3);
      const map = d.assignChallengerTargets(active, selected, seed);
      const seen = new Set<string>();
      for (const [c, t] of map) {
        assert.notEqual(c, t, 'no challenger gets itself');
        // A target outside the selected set only comes from the self-selected fallback.
        assert.ok(selected.includes(t) || selected.includes(c), `target ${t} in the selected set`);
        assert.ok(!seen.has(t), `target ${t} assigned twice`);
        seen.add(t);
      }
      assert.ok(map.size <= selected.length);
      // With anchor targets == challengers the supernode helpers equal the chain's walk (§4.3).
      assert.deepEqual(d.computeStorageTruthAssignment(seed, active, active, 3).assignments, map);
    }
  },
  'assign-dedup-stop': () => {
    const map = d.assignChallengerTargetsWithCandidates(['sn-a', 'sn-b', 'sn-c'], ['sn-a', 'sn-a', ''], ['sn-a', 'sn-b', 'sn-c'], SEED);
    assert.equal(map.size, 1);
    for (const [c, t] of map) assert.notEqual(c, t);
  },
  'pair-no-self': () => {
    const t = d.pairChallengerToTarget('sn-a', ['sn-a', 'sn-b', 'sn-c'], SEED);
    assert.ok(t === 'sn-b' || t === 'sn-c', t);
  },
  'chain-one-third': () => {
    const got = SIX.map((reporter) =>
      d.chainAssignedTargets({ seed: SEED, eligibleChallengers: SIX, anchorTargets: SIX, params: { mode: d.StorageTruthEnforcementMode.SHADOW, challengeTargetDivisor: 3 }, reporter }),
    );
    const targets: string[] = [];
    got.forEach((r, i) => {
      assert.equal(r.isProber, true);
      assert.ok(r.targets.length <= 1);
      if (r.targets[0] !== undefined) {
        assert.notEqual(r.targets[0], SIX[i]);
        targets.push(r.targets[0]);
      }
    });
    assert.equal(targets.length, 2);
    assert.notEqual(targets[0], targets[1]);
    // The per-reporter walk agrees with the whole-epoch computation.
    const all = d.computeStorageTruthAssignment(SEED, SIX, SIX, 3);
    SIX.forEach((r, i) => assert.deepEqual(got[i]!.targets, all.assignments.has(r) ? [all.assignments.get(r)] : []));
  },
  'chain-postponed-reachable': () => {
    const hits = ['sn-a', 'sn-b'].flatMap(
      (reporter) =>
        d.chainAssignedTargets({ seed: SEED, eligibleChallengers: ['sn-a', 'sn-b'], anchorTargets: ['sn-postponed'], params: { mode: d.StorageTruthEnforcementMode.FULL, challengeTargetDivisor: 1 }, reporter }).targets,
    );
    assert.ok(hits.includes('sn-postponed'));
  },
  'ticket-deterministic-exclusion': () => {
    const tickets = ['t1', 't2', 't3', 't4', 't5'];
    const pick = d.selectTicketForBucket(tickets, [], SEED, 'sn-target', RECENT);
    for (let i = 0; i < 50; i++) assert.equal(d.selectTicketForBucket(tickets, [], SEED, 'sn-target', RECENT), pick);
    const next = d.selectTicketForBucket(tickets, [pick], SEED, 'sn-target', RECENT);
    assert.ok(next !== '' && next !== pick);
    const old = d.selectTicketForBucket(tickets, new Set<string>(), SEED, 'sn-target', OLD);
    assert.ok(old !== '');
    assert.equal(d.selectTicketForBucket([...tickets].reverse(), null, SEED, 'sn-target', OLD), old, 'order-independent');
  },
  'ticket-rank-label': () => {
    const withLabel = d.storageTruthAssignmentHash(SEED, ['sn-target', 'RECENT', 't1', 'ticket_rank']);
    const without = d.storageTruthAssignmentHash(SEED, ['sn-target', 'RECENT', 't1']);
    assert.notEqual(hex(withLabel), hex(without));
    // The selection is the argmin of the labelled hash.
    const tickets = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'];
    const ranked = [...tickets].sort((a, b) =>
      Buffer.compare(d.storageTruthAssignmentHash(SEED, ['sn-target', 'OLD', a, 'ticket_rank']), d.storageTruthAssignmentHash(SEED, ['sn-target', 'OLD', b, 'ticket_rank'])),
    );
    assert.equal(d.selectTicketForBucket(tickets, [], SEED, 'sn-target', OLD), ranked[0]);
  },
  'class-distribution': () => {
    let index = 0;
    for (let i = 0; i < 5000; i++) {
      const c = d.selectArtifactClass(SEED, 'sn-target', `t-${i}`, 100, 100);
      assert.notEqual(c, UNSPECIFIED);
      if (c === INDEX) index++;
    }
    const share = index / 5000;
    assert.ok(share >= 0.18 && share <= 0.22, `INDEX share ${share}`);
  },
  'class-no-swap-index-empty': () => {
    const got = new Set(repeat(200, () => 0).map((_, i) => d.selectArtifactClass(SEED, 'sn-target', `t-${i}`, 0, 50)));
    assert.deepEqual([...got].sort(), [UNSPECIFIED, SYMBOL].sort());
  },
  'class-no-swap-symbol-empty': () => {
    const got = new Set(repeat(200, () => 0).map((_, i) => d.selectArtifactClass(SEED, 'sn-target', `t-${i}`, 50, 0)));
    assert.deepEqual([...got].sort(), [UNSPECIFIED, INDEX].sort());
  },
  'ordinal-bounds': () => {
    const o = d.selectArtifactOrdinal(SEED, 'sn-target', 'ticket-1', SYMBOL, 64);
    assert.ok(o >= 0 && o < 64);
    for (let i = 0; i < 50; i++) assert.equal(d.selectArtifactOrdinal(SEED, 'sn-target', 'ticket-1', SYMBOL, 64), o);
  },
  'offsets-in-bounds': () => {
    const offs = d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-1', SYMBOL, 0, 10000n, 256n, 4);
    assert.equal(offs.length, 4);
    for (const o of offs) assert.ok(o + 256n <= 10000n && o < 10000n - 256n);
    assert.deepEqual(d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-1', SYMBOL, 0, 10000n, 256n, 4), offs);
    // span 1 gives all zeros; span 2 only 0 (the last start position is never produced).
    assert.deepEqual(d.computeMultiRangeOffsets(SEED, 'x', 't', INDEX, 3, 257n, 256n, 8), repeat(8, () => 0n));
  },
  'offsets-sensitive': () => {
    const base = (): bigint[] => d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-1', SYMBOL, 0, 10000n, 256n, 4);
    const b = base();
    assert.notDeepEqual(d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-2', SYMBOL, 0, 10000n, 256n, 4), b);
    assert.notDeepEqual(d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-1', INDEX, 0, 10000n, 256n, 4), b);
    assert.notDeepEqual(d.computeMultiRangeOffsets(SEED, 'sn-target', 'ticket-1', SYMBOL, 1, 10000n, 256n, 4), b);
    assert.notDeepEqual(d.computeMultiRangeOffsets(SEED, 'sn-other', 'ticket-1', SYMBOL, 0, 10000n, 256n, 4), b);
    assert.notDeepEqual(d.computeMultiRangeOffsets(Buffer.from('x'.repeat(32)), 'sn-target', 'ticket-1', SYMBOL, 0, 10000n, 256n, 4), b);
  },
  'compound-order': () => {
    const data = Uint8Array.from({ length: 1024 }, (_, i) => i >> 8);
    const a = d.computeCompoundChallengeHash(data, [0n, 256n, 512n, 768n], 256n);
    const b = d.computeCompoundChallengeHash(data, [768n, 512n, 256n, 0n], 256n);
    assert.notEqual(hex(a), hex(b));
  },
  'derivation-sensitive': () => {
    const args: Parameters<typeof d.derivationInputHash> = [SEED, 'sn-target', 'ticket-1', SYMBOL, 7, [1n, 2n, 3n, 4n], 256n];
    const h = d.derivationInputHash(...args);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(d.derivationInputHash(...args), h);
    const variants: Array<Parameters<typeof d.derivationInputHash>> = [
      [SEED, 'sn-target', 'ticket-2', SYMBOL, 7, [1n, 2n, 3n, 4n], 256n],
      [SEED, 'sn-target', 'ticket-1', SYMBOL, 8, [1n, 2n, 3n, 4n], 256n],
      [SEED, 'sn-target', 'ticket-1', SYMBOL, 7, [1n, 2n, 3n, 5n], 256n],
      [SEED, 'sn-target', 'ticket-1', SYMBOL, 7, [1n, 2n, 3n, 4n], 255n],
      [SEED, 'sn-other', 'ticket-1', SYMBOL, 7, [1n, 2n, 3n, 4n], 256n],
      [SEED, 'sn-target', 'ticket-1', INDEX, 7, [1n, 2n, 3n, 4n], 256n],
    ];
    for (const v of variants) assert.notEqual(d.derivationInputHash(...v), h, JSON.stringify(v.slice(1), (_k, x) => (typeof x === 'bigint' ? String(x) : x)));
    assert.match(d.derivationInputHash(SEED, 't', 'x', INDEX, 0, [], 1n), /^[0-9a-f]{64}$/, 'empty offsets allowed');
  },
  'transcript-sensitive': () => {
    const base: d.TranscriptInput = {
      epochId: 42n, challenger: 'sn-prober', target: 'sn-target', ticketId: 'ticket-1', bucket: RECENT, artifactClass: SYMBOL,
      ordinal: 3, artifactKey: 'p2p-key-abc', derivationInputHash: 'deadbeef', compoundProofHashHex: 'feedface', observers: ['sn-obs-2', 'sn-obs-1'],
    };
    const h = d.transcriptHash(base);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(d.transcriptHash({ ...base, observers: ['sn-obs-1', 'sn-obs-2'] }), h, 'observer order does not matter');
    const changes: Array<Partial<d.TranscriptInput>> = [
      { epochId: 43n }, { challenger: 'x' }, { target: 'x' }, { ticketId: 'x' }, { bucket: OLD }, { ordinal: 4 }, { artifactKey: 'x' },
      { derivationInputHash: 'DEADBEEF' }, { compoundProofHashHex: 'x' }, { observers: ['sn-obs-1'] }, { observers: ['sn-obs-1', 'sn-obs-1', 'sn-obs-2'] },
      { artifactClass: INDEX },
    ];
    for (const c of changes) assert.notEqual(d.transcriptHash({ ...base, ...c }), h, Object.keys(c).join());
  },
  'transcript-no-eligible-shape': () => {
    const h = d.noEligibleTranscriptHash(42n, 'sn-prober', 'sn-target', RECENT);
    assert.match(h, /^[0-9a-f]{64}$/);
  },
  'index-key-distinct': () => {
    const meta: d.ArtifactMetadata = { rqIdsIc: 2n, rqIdsMax: 5n, rqIdsIds: [], signatures: 'index-signature-format', indexArtifactCount: 0, symbolArtifactCount: 0 };
    const k0 = d.resolveArtifactKey(meta, INDEX, 0, zstdCompress);
    const k1 = d.resolveArtifactKey(meta, INDEX, 1, zstdCompress);
    assert.ok(k0 !== '' && k1 !== '' && k0 !== k1);
    assert.throws(() => d.resolveArtifactKey(meta, INDEX, 99, zstdCompress), (e: unknown) => d.isDerivationError(e, d.DerivationErrorCode.OrdinalOutOfRange));
    // Cross-check with the cascade module's ID-file generator (counters ic … ic+max−1).
    const ids = generateIdFiles('index-signature-format', 2n, 5n).map((f) => f.id);
    assert.deepEqual([0, 1, 2, 3, 4].map((o) => d.resolveArtifactKey(meta, INDEX, o, zstdCompress)), ids);
  },
  'index-size-nonzero': () => {
    const meta: d.ArtifactMetadata = { rqIdsIc: 2n, rqIdsMax: 5n, rqIdsIds: [], signatures: 'index-signature-format', indexArtifactCount: 0, symbolArtifactCount: 0 };
    const size = d.resolveArtifactSize(0n, meta, INDEX, 1, zstdCompress);
    assert.ok(size > 0n);
    assert.equal(size, BigInt(generateIdFiles('index-signature-format', 2n, 5n)[1]!.bytes.length));
    assert.throws(() => d.resolveArtifactSize(0n, meta, INDEX, 99, zstdCompress), (e: unknown) => d.isDerivationError(e, d.DerivationErrorCode.OrdinalOutOfRange));
  },
  'index-size-cache': () => {
    const cache = new d.IndexSizeCache();
    let computed = 0;
    const compute = (): bigint[] => {
      computed++;
      return [10n, 11n];
    };
    assert.deepEqual(cache.getOrCompute('sig', 2n, 5n, compute), [10n, 11n]);
    assert.deepEqual(cache.getOrCompute('sig', 2n, 5n, compute), [10n, 11n]);
    assert.equal(computed, 1, 'second lookup served from the cache');
    for (let i = 0; i < 300; i++) cache.set(`s-${i}`, 0n, 1n, [BigInt(i)]);
    assert.equal(cache.size, 256);
    assert.equal(cache.get('sig', 2n, 5n), undefined, 'least recently used entry evicted');
    assert.deepEqual(cache.get('s-299', 0n, 1n), [299n]);
    assert.equal(cache.get('s-43', 0n, 1n), undefined);
    assert.deepEqual(cache.get('s-44', 0n, 1n), [44n]);
  },
  'max-results-per-report': () => {
    assert.equal(d.MAX_STORAGE_PROOF_RESULTS_PER_REPORT, 16);
  },
  'stored-size-override': () => {
    const meta: d.ArtifactMetadata = { rqIdsIc: 1n, rqIdsMax: 1n, rqIdsIds: ['sym-0'], indexArtifactCount: 0, symbolArtifactCount: 0 };
    const metadataSize = d.resolveArtifactSize(1025n, meta, SYMBOL, 0);
    assert.equal(metadataSize, 1025n * 1024n);
    const plan = d.planBucketChallenge({
      seed: SEED, epochId: 7n, target: 'sn-target', bucket: RECENT, pool: ['ticket-1'],
      artifactCounts: () => ({ index: 0, symbol: 1 }),
      resolveKey: (_t, cls, o) => d.resolveArtifactKey(meta, cls, o),
      resolveSize: () => d.challengeArtifactSize(metadataSize, 2439n),
      chainRangeLenBytes: 256n, chainRangesPerArtifact: 4,
    });
    assert.equal(plan.kind, 'challenge');
    if (plan.kind !== 'challenge') return;
    assert.equal(plan.artifactSize, 2439n);
    assert.equal(plan.ranges.length, 4);
    for (const r of plan.ranges) assert.ok(r.end - r.start === 256n && r.end <= 2439n);
    assert.equal(d.challengeArtifactSize(metadataSize, 0n), metadataSize, 'a zero stored size keeps the estimate');
  },
  'legacy-challengers': () => {
    const c = d.selectChallengers(SIX, SEED, 9n, 0);
    assert.equal(c.length, 2);
    assert.notEqual(c[0], c[1]);
    assert.deepEqual(d.selectChallengers(SIX, SEED, 9n, 0), c);
  },
  'legacy-file-keys': () => {
    const keys = d.selectFileKeys(['k3', 'k1', 'k2', 'k4'], SEED, 9n, 'sn-a', 3);
    assert.equal(keys.length, 3);
    assert.equal(new Set(keys).size, 3);
  },
};

const file = loadVectorFile('deterministic.json');
const properties = (file.properties ?? []) as Array<{ id: string; function: string; property: string }>;

for (const p of properties) {
  test(`property ${p.id} (${p.function}): ${p.property}`, () => {
    const check = checks[p.id];
    assert.ok(check, `no check written for property ${p.id}`);
    check();
  });
}

test('every property of deterministic.json has a check', () => {
  assert.ok(properties.length > 0);
  const missing = properties.filter((p) => !checks[p.id]).map((p) => p.id);
  assert.deepEqual(missing, []);
});

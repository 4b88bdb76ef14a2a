/** The error and edge-case table of spec 01 §17, one test per function family. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as d from '../../src/deterministic/index.js';

const SEED = Buffer.from('01234567890123456789012345678901');
const { INDEX, SYMBOL, UNSPECIFIED } = d.StorageProofArtifactClass;
const { RECENT } = d.StorageProofBucketType;
const C = d.DerivationErrorCode;

function throwsCode(fn: () => unknown, code: d.DerivationErrorCode, argument: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof d.DerivationError, `expected DerivationError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.argument, argument);
    assert.ok(e.message.startsWith(`${argument} `), e.message);
    return true;
  });
}

test('H: no parts is SHA256(seed); non-byte seed or part is rejected', () => {
  assert.equal(Buffer.from(d.storageTruthAssignmentHash(SEED, [])).toString('hex'), createHash('sha256').update(SEED).digest('hex'));
  throwsCode(() => d.storageTruthAssignmentHash('abc' as unknown as Uint8Array, []), C.InvalidInput, 'seed');
  throwsCode(() => d.storageTruthAssignmentHash(SEED, [5 as unknown as string]), C.InvalidInput, 'parts[0]');
});

test('chain assignment: empty reporter and short seed are errors in every mode; non-eligible reporter is not a prober', () => {
  const base = { seed: SEED, eligibleChallengers: ['a', 'b'], anchorTargets: ['a', 'b'], reporter: 'a' };
  for (const mode of [d.StorageTruthEnforcementMode.UNSPECIFIED, d.StorageTruthEnforcementMode.SHADOW, d.StorageTruthEnforcementMode.FULL]) {
    throwsCode(() => d.chainAssignedTargets({ ...base, reporter: '', params: { mode } }), C.EmptyReporter, 'reporter');
    throwsCode(() => d.chainAssignedTargets({ ...base, seed: SEED.subarray(0, 7), params: { mode } }), C.SeedTooShort, 'seed');
    assert.deepEqual(d.chainAssignedTargets({ ...base, reporter: 'z', params: { mode } }), { targets: [], isProber: false });
  }
  // Exactly 8 bytes is enough.
  assert.equal(d.chainAssignedTargets({ ...base, seed: SEED.subarray(0, 8), params: { mode: 1 } }).isProber, true);
});

test('chain assignment (storage truth): one eligible challenger, or no targets and no challengers → ([], true)', () => {
  const p = { mode: d.StorageTruthEnforcementMode.SOFT };
  assert.deepEqual(d.chainAssignedTargets({ seed: SEED, eligibleChallengers: ['a'], anchorTargets: ['b', 'c'], reporter: 'a', params: p }), { targets: [], isProber: true });
  assert.deepEqual(d.chainAssignedTargets({ seed: SEED, eligibleChallengers: ['a', 'a', ''], anchorTargets: ['b'], reporter: 'a', params: p }), { targets: [], isProber: true });
  // Empty anchor targets fall back to the challengers.
  const r = d.chainAssignedTargets({ seed: SEED, eligibleChallengers: ['a', 'b', 'c'], anchorTargets: [], reporter: 'a', params: p });
  assert.equal(r.targets.length, 1);
  assert.notEqual(r.targets[0], 'a');
});

test('chain assignment (legacy): n ≤ 1 → ([], true); k and the probe order follow §4.5', () => {
  const p = { mode: d.StorageTruthEnforcementMode.UNSPECIFIED };
  assert.deepEqual(d.chainAssignedTargets({ seed: SEED, eligibleChallengers: ['a', 'b'], anchorTargets: ['a'], reporter: 'a', params: p }), { targets: [], isProber: true });
  assert.equal(d.legacyProbeTargetCount(0, 5, 3, 3, 5), 0);
  assert.equal(d.legacyProbeTargetCount(10, 1, 3, 3, 5), 0);
  assert.equal(d.legacyProbeTargetCount(10, 10, 3, 3, 5), 3); // ⌈30/10⌉ = 3
  assert.equal(d.legacyProbeTargetCount(2, 10, 3, 3, 5), 5); // 15 → max 5
  assert.equal(d.legacyProbeTargetCount(10, 10, 1, 3, 5), 3); // 1 → min 3
  assert.equal(d.legacyProbeTargetCount(10, 10, 1, 6, 5), 5); // min > max: max wins
  assert.equal(d.legacyProbeTargetCount(1, 3, 3, 3, 5), 2); // capped at n − 1
  // Defaults (q 3, min 3, max 5) with 4 nodes → k = 3: every other node, in probe order, never self.
  const nodes = ['n0', 'n1', 'n2', 'n3'];
  for (const reporter of nodes) {
    const r = d.chainAssignedTargets({ seed: SEED, eligibleChallengers: nodes, anchorTargets: nodes, reporter, params: p });
    assert.equal(r.targets.length, 3);
    assert.deepEqual([...r.targets].sort(), nodes.filter((n) => n !== reporter));
  }
  // offset = u64be(seed[0..8]) mod 4 = 0x3031323334353637 mod 4 = 3; reporter n0 (ri 0): starts at index 3.
  const r0 = d.chainAssignedTargets({ seed: SEED, eligibleChallengers: nodes, anchorTargets: nodes, reporter: 'n0', params: p });
  assert.deepEqual(r0.targets, ['n3', 'n1', 'n2']);
});

test('SelectLEP6Targets / targetCount: empty input, divisor 0 → 3, count clamp [1, n]', () => {
  assert.deepEqual(d.selectLEP6Targets([], SEED, 3), []);
  assert.equal(d.targetCount(0, 3), 0);
  assert.equal(d.targetCount(5, 0), 2);
  assert.equal(d.targetCount(5, 100), 1);
  assert.equal(d.targetCount(5, 1), 5);
  throwsCode(() => d.targetCount(-1, 3), C.InvalidInput, 'n');
  throwsCode(() => d.selectLEP6Targets(['a'], SEED, 1.5), C.InvalidInput, 'divisor');
});

test('PairChallengerToTarget: only self or all assigned → ""; Go "" marker is displaced by a later candidate', () => {
  assert.equal(d.pairChallengerToTarget('a', ['a'], SEED), '');
  assert.equal(d.pairChallengerToTarget('a', ['a', 'b'], SEED, ['b']), '');
  assert.equal(d.pairChallengerToTarget('a', [], SEED), '');
  assert.equal(d.pairChallengerToTarget('a', ['', 'b'], SEED), 'b');
});

test('AssignChallengerTargetsWithCandidates: empty active or selected → empty map', () => {
  assert.equal(d.assignChallengerTargetsWithCandidates([], ['a'], ['a'], SEED).size, 0);
  assert.equal(d.assignChallengerTargetsWithCandidates(['a', 'b'], [], ['a'], SEED).size, 0);
  assert.equal(d.assignChallengerTargetsWithCandidates(['a', 'b'], [''], ['a'], SEED).size, 0);
  // A lone challenger still gets a non-self target (no "|C| ≤ 1" rule in the helper).
  assert.deepEqual([...d.assignChallengerTargetsWithCandidates(['a'], ['b'], ['a', 'b'], SEED)], [['a', 'b']]);
});

test('ClassifyTicketBucket: current < anchor → UNSPECIFIED; overlapping thresholds → RECENT wins', () => {
  assert.equal(d.classifyTicketBucket(5n, 6n, 10n, 20n), d.StorageProofBucketType.UNSPECIFIED);
  assert.equal(d.classifyTicketBucket(100n, 0n, 200n, 50n), RECENT);
  assert.equal(d.classifyTicketBucket(100n, 0n, 0n, 50n), d.StorageProofBucketType.OLD);
  throwsCode(() => d.classifyTicketBucket(5n, 0n, -1n, 3n), C.InvalidInput, 'recentMaxBlocks');
});

test('SelectTicketForBucket: bucket without domain / empty pool / all excluded → ""', () => {
  assert.equal(d.selectTicketForBucket(['t1'], [], SEED, 'x', d.StorageProofBucketType.UNSPECIFIED), '');
  assert.equal(d.selectTicketForBucket(['t1'], [], SEED, 'x', 99), '');
  assert.equal(d.selectTicketForBucket([], [], SEED, 'x', RECENT), '');
  assert.equal(d.selectTicketForBucket(['', 't1'], ['t1'], SEED, 'x', RECENT), '');
  assert.equal(d.selectTicketForBucket(['', 't1'], undefined, SEED, 'x', RECENT), 't1');
});

test('SelectArtifactClass: both counts 0 or rolled class count 0 → UNSPECIFIED', () => {
  assert.equal(d.selectArtifactClass(SEED, 'x', 't', 0, 0), UNSPECIFIED);
  // Ticket t1 / sn-target rolls 8 (Appendix B) → SYMBOL, or UNSPECIFIED without symbols.
  assert.equal(d.artifactClassRoll(SEED, 'sn-target', 't1'), 8);
  assert.equal(d.selectArtifactClass(SEED, 'sn-target', 't1', 5, 5), SYMBOL);
  assert.equal(d.selectArtifactClass(SEED, 'sn-target', 't1', 5, 0), UNSPECIFIED);
  throwsCode(() => d.selectArtifactClass(SEED, 'x', 't', -1, 0), C.InvalidInput, 'indexCount');
});

test('SelectArtifactOrdinal: count 0 and class without domain are errors', () => {
  throwsCode(() => d.selectArtifactOrdinal(SEED, 'x', 't', SYMBOL, 0), C.ZeroArtifactCount, 'artifactCount');
  throwsCode(() => d.selectArtifactOrdinal(SEED, 'x', 't', UNSPECIFIED, 5), C.UnsupportedClass, 'class');
  throwsCode(() => d.selectArtifactOrdinal(SEED, 'x', 't', 7, 5), C.UnsupportedClass, 'class');
  assert.equal(d.selectArtifactOrdinal(SEED, 'x', 't', INDEX, 1), 0);
});

test('ComputeMultiRangeOffsets: errors in spec order; rangeLen == size → k zeros', () => {
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 0n, 0n, 0), C.InvalidRangeCount, 'k');
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 0n, 0n, -1), C.InvalidRangeCount, 'k');
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 0n, 0n, 4), C.ZeroArtifactSize, 'artifactSize');
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 10n, 0n, 4), C.ZeroRangeLength, 'rangeLen');
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 10n, 11n, 4), C.RangeLongerThanArtifact, 'rangeLen');
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', UNSPECIFIED, 0, 10n, 5n, 4), C.UnsupportedClass, 'class');
  assert.deepEqual(d.computeMultiRangeOffsets(SEED, 'x', 't', SYMBOL, 0, 10n, 10n, 3), [0n, 0n, 0n]);
  throwsCode(() => d.computeMultiRangeOffsets(SEED, 'x', 't', SYMBOL, 2 ** 32, 10n, 5n, 1), C.InvalidInput, 'ordinal');
});

test('ComputeCompoundChallengeHash: rangeLen 0 and any range past the end are errors; no offsets → BLAKE3("")', () => {
  const data = new Uint8Array(100);
  throwsCode(() => d.computeCompoundChallengeHash(data, [0n], 0n), C.ZeroRangeLength, 'rangeLen');
  throwsCode(() => d.computeCompoundChallengeHash(data, [0n, 100n], 1n), C.RangeOutOfBounds, 'offsets[1]');
  throwsCode(() => d.computeCompoundChallengeHash(data, [d.UINT64_MAX], 1n), C.RangeOutOfBounds, 'offsets[0]');
  throwsCode(() => d.computeCompoundChallengeHash(data, [], d.INT64_MAX + 1n), C.RangeOutOfBounds, 'rangeLen');
  assert.equal(Buffer.from(d.computeCompoundChallengeHash(data, [99n], 1n)).length, 32);
  assert.equal(Buffer.from(d.computeCompoundChallengeHash(new Uint8Array(), [], 256n)).toString('hex'), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
});

test('DerivationInputHash: class without domain is an error; empty offsets allowed', () => {
  throwsCode(() => d.derivationInputHash(SEED, 'x', 't', UNSPECIFIED, 0, [], 1n), C.UnsupportedClass, 'class');
  assert.match(d.derivationInputHash(SEED, 'x', 't', SYMBOL, 0, [], 1n), /^[0-9a-f]{64}$/);
});

test('TranscriptHash: bucket without domain; class without domain with a ticket; "" ticket hashes UNSPECIFIED', () => {
  const base: d.TranscriptInput = {
    epochId: 42n, challenger: 'sn-prober', target: 'sn-target', ticketId: '', bucket: RECENT, artifactClass: UNSPECIFIED,
    ordinal: 0, artifactKey: '', derivationInputHash: '', compoundProofHashHex: '', observers: ['sn-obs-1'],
  };
  throwsCode(() => d.transcriptHash({ ...base, bucket: d.StorageProofBucketType.UNSPECIFIED }), C.UnsupportedBucket, 'bucket');
  throwsCode(() => d.transcriptHash({ ...base, ticketId: 't' }), C.UnsupportedClass, 'class');
  // Appendix B worked NO_ELIGIBLE preimage; any class value without a domain hashes the same way.
  assert.equal(d.transcriptHash(base), '22240ba1deb100f381449c07dd6cac8854ee985298e54ef1e0cc15953261e2ac');
  assert.equal(d.transcriptHash({ ...base, artifactClass: 9 }), '22240ba1deb100f381449c07dd6cac8854ee985298e54ef1e0cc15953261e2ac');
});

test('ResolveArtifactCount: UNSPECIFIED/unknown class, no meta, zero count after fallback are errors', () => {
  const meta: d.ArtifactMetadata = { rqIdsIc: 1n, rqIdsMax: 2n, rqIdsIds: ['a', 'b'], indexArtifactCount: 0, symbolArtifactCount: 7 };
  assert.equal(d.resolveArtifactCount(meta, INDEX), 2);
  assert.equal(d.resolveArtifactCount(meta, SYMBOL), 7);
  throwsCode(() => d.resolveArtifactCount(meta, UNSPECIFIED), C.UnsupportedClass, 'class');
  throwsCode(() => d.resolveArtifactCount(meta, 5), C.UnsupportedClass, 'class');
  throwsCode(() => d.resolveArtifactCount(null, INDEX), C.MissingMetadata, 'meta');
  throwsCode(() => d.resolveArtifactCount({ ...meta, rqIdsIds: [], indexArtifactCount: 3, symbolArtifactCount: 0 }, INDEX), C.ZeroArtifactCounts, 'meta');
});

test('ResolveArtifactKey: ordinal out of range; INDEX with empty signatures or max 0; no compressor', () => {
  const meta: d.ArtifactMetadata = { rqIdsIc: 1n, rqIdsMax: 2n, rqIdsIds: ['a', 'b'], signatures: 's.s', indexArtifactCount: 0, symbolArtifactCount: 0 };
  assert.equal(d.resolveArtifactKey(meta, SYMBOL, 1), 'b');
  assert.throws(() => d.resolveArtifactKey(meta, SYMBOL, 2), /out of range/);
  throwsCode(() => d.resolveArtifactKey({ ...meta, signatures: '' }, INDEX, 0, (x) => x), C.EmptySignatures, 'meta.signatures');
  throwsCode(() => d.resolveArtifactKey({ ...meta, rqIdsMax: 0n }, INDEX, 0, (x) => x), C.ZeroRqIdsMax, 'meta.rqIdsMax');
  throwsCode(() => d.resolveArtifactKey(meta, INDEX, 2, (x) => x), C.OrdinalOutOfRange, 'ordinal');
  throwsCode(() => d.resolveArtifactKey(meta, INDEX, 0), C.MissingIndexFileSource, 'compress');
  // The payload handed to the compressor is "<signatures>.<uint32(ic) + ordinal>" (uint32 wrap).
  let seen = '';
  d.resolveArtifactKey({ ...meta, rqIdsIc: 0xffff_ffffn }, INDEX, 1, (x) => ((seen = Buffer.from(x).toString()), x));
  assert.equal(seen, 's.s.0');
});

test('ResolveArtifactSize: SYMBOL kbs ≤ 0, max 0, ordinal ≥ len(ids), overflow; INDEX errors', () => {
  const meta: d.ArtifactMetadata = { rqIdsIc: 1n, rqIdsMax: 3n, rqIdsIds: ['a', 'b', 'c'], signatures: 's.s', indexArtifactCount: 0, symbolArtifactCount: 0 };
  assert.equal(d.resolveArtifactSize(10n, meta, SYMBOL, 2), 3414n);
  throwsCode(() => d.resolveArtifactSize(0n, meta, SYMBOL, 0), C.NonPositiveFileSize, 'fileSizeKbs');
  throwsCode(() => d.resolveArtifactSize(-5n, meta, SYMBOL, 0), C.NonPositiveFileSize, 'fileSizeKbs');
  throwsCode(() => d.resolveArtifactSize(1n, { ...meta, rqIdsMax: 0n }, SYMBOL, 0), C.ZeroRqIdsMax, 'meta.rqIdsMax');
  throwsCode(() => d.resolveArtifactSize(1n, meta, SYMBOL, 3), C.OrdinalOutOfRange, 'ordinal');
  // (2^54 − 1) KiB × 1024 = 2^64 − 1024 (no wrap); + max (2000) overflows uint64.
  throwsCode(() => d.resolveArtifactSize((1n << 54n) - 1n, { ...meta, rqIdsMax: 2000n }, SYMBOL, 0), C.SizeOverflow, 'fileSizeKbs');
  // 2^54 KiB × 1024 wraps to 0 in Go's uint64 arithmetic: size 0.
  assert.equal(d.resolveArtifactSize(1n << 54n, meta, SYMBOL, 0), 0n);
  throwsCode(() => d.resolveArtifactSize(1n, { ...meta, signatures: '' }, INDEX, 0, (x) => x), C.EmptySignatures, 'meta.signatures');
  throwsCode(() => d.resolveArtifactSize(1n, meta, INDEX, 3, (x) => x), C.OrdinalOutOfRange, 'ordinal');
  throwsCode(() => d.resolveArtifactSize(1n, meta, UNSPECIFIED, 0), C.UnsupportedClass, 'class');
  assert.equal(d.resolveArtifactSize(1n, meta, INDEX, 0, (x) => x), BigInt('s.s.1'.length));
});

test('EpochID (supernode): L = 0 or h < Z → no epoch; chain math clamps and applies defaults', () => {
  assert.equal(d.supernodeEpochID(100n, 1n, 0n), null);
  assert.equal(d.supernodeEpochID(0n, 1n, 400n), null);
  assert.equal(d.supernodeEpochID(401n, 1n, 400n), 1n);
  const b = (h: bigint): string => JSON.stringify(d.epochAtHeight(h, 0n, 0n), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  assert.equal(b(0n), '{"epochId":"0","startHeight":"1","endHeight":"400"}');
  assert.equal(b(400n), '{"epochId":"0","startHeight":"1","endHeight":"400"}');
  assert.equal(b(401n), '{"epochId":"1","startHeight":"401","endHeight":"800"}');
  assert.equal(b(1_000_000n), '{"epochId":"2499","startHeight":"999601","endHeight":"1000000"}');
  assert.deepEqual(d.epochByID(2499n, 1n, 400n), d.epochAtHeight(999_601n, 1n, 400n));
  assert.deepEqual(d.epochAtHeight(5n, 10n, 7n), { epochId: 0n, startHeight: 10n, endHeight: 16n });
  throwsCode(() => d.epochAtHeight(-1n, 1n, 400n), C.InvalidInput, 'height');
  throwsCode(() => d.epochByID(d.UINT64_MAX, 1n, 400n), C.InvalidInput, 'epochId');
});

test('epoch seed and set commitments', () => {
  // Empty header hash → u64be(epoch start height) in its place.
  const viaHeight = d.epochSeed(new Uint8Array(), 3n, 1201n);
  const manual = d.blake3(Buffer.concat([Buffer.from('lumera:epoch-seed'), Buffer.from('00000000000004b1', 'hex'), Buffer.from('0000000000000003', 'hex')]));
  assert.deepEqual(Buffer.from(viaHeight), Buffer.from(manual));
  assert.equal(Buffer.from(d.commitStringList([])).toString('hex'), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  assert.deepEqual(d.anchorAccountList(['b', 'a', 'b', 'c']), ['a', 'b', 'c']);
});

test('legacy helpers: zero counts, invalid file key', () => {
  assert.equal(d.challengerCount(0, 0), 0);
  assert.equal(d.challengerCount(7, 0), 3);
  assert.equal(d.challengerCount(7, 9), 7);
  assert.deepEqual(d.selectTopByXORDistance(['a'], SEED, 0), []);
  assert.deepEqual(d.selectReplicaSet(['a'], 'abc', 0), []);
  throwsCode(() => d.selectReplicaSet(['a'], '0OIl', 1), C.InvalidFileKey, 'fileKey');
  throwsCode(() => d.selectReplicaSet(['a'], '', 1), C.InvalidFileKey, 'fileKey');
  assert.deepEqual(d.selectFileKeys([], SEED, 1n, 'c', 3), []);
  assert.equal(d.deterministicJitterMs(SEED, 1n, 'c', 0n), 0n);
  assert.ok(d.deterministicJitterMs(SEED, 1n, 'c', 1000n) < 1000n);
  assert.match(d.legacyChallengeID(SEED, 1n, 'k', 'c', 'r'), /^[0-9a-f]{64}$/);
});

test('chainAssignedTargetsForAll answers and fails exactly as chainAssignedTargets, for every reporter and mode', () => {
  const nodes = Array.from({ length: 23 }, (_, i) => `lumera1node${String(i).padStart(2, '0')}`);
  const modes = [d.StorageTruthEnforcementMode.UNSPECIFIED, d.StorageTruthEnforcementMode.SHADOW, d.StorageTruthEnforcementMode.SOFT, d.StorageTruthEnforcementMode.FULL];
  const outcome = (fn: () => d.AssignedTargets): unknown => {
    try {
      return fn();
    } catch (e) {
      return e instanceof d.DerivationError ? { code: e.code, argument: e.argument, message: e.message } : e;
    }
  };
  let compared = 0;
  for (const mode of modes) {
    for (const [round, seed] of [SEED, createHash('sha256').update('other seed').digest(), SEED.subarray(0, 7)].entries()) {
      // Eligible challengers a subset of the targets (ineligible reporters dropped), plus a degenerate pair.
      const cases = [
        { eligibleChallengers: nodes.filter((_, i) => i % 5 !== round), anchorTargets: nodes },
        { eligibleChallengers: nodes.slice(0, 2), anchorTargets: [] },
      ];
      for (const c of cases) {
        for (const reporter of [...nodes, '', 'not-a-node']) {
          for (const challengeTargetDivisor of [0, 2, 3]) {
            const input = { seed, ...c, reporter, params: { mode, challengeTargetDivisor } };
            assert.deepEqual(outcome(() => d.chainAssignedTargetsForAll(input)), outcome(() => d.chainAssignedTargets(input)), JSON.stringify({ mode, round, reporter, challengeTargetDivisor }));
            compared++;
          }
        }
      }
    }
  }
  assert.equal(compared, 4 * 3 * 2 * 25 * 3);
});

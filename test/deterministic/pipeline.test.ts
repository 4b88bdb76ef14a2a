import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as d from '../../src/deterministic/index.js';
import { deterministicVectorHandlers } from '../../src/deterministic/vectors.js';

const SEED = Buffer.from('01234567890123456789012345678901');
const SEED_HEX = SEED.toString('hex');
const { SYMBOL } = d.StorageProofArtifactClass;
const { RECENT, OLD, RECHECK } = d.StorageProofBucketType;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function baseInput(over: Partial<d.BucketChallengeInput> = {}): d.BucketChallengeInput {
  return {
    seed: SEED,
    epochId: 42n,
    target: 'sn-target',
    bucket: RECENT,
    pool: ['t1', 't2', 't3', 't4', 't5'],
    artifactCounts: () => ({ index: 50, symbol: 50 }),
    resolveKey: (t, cls, o) => `key-${t}-${cls}-${o}`,
    resolveSize: () => 10_000n,
    chainRangeLenBytes: 0n,
    chainRangesPerArtifact: 0,
    ...over,
  };
}

test('planBucketChallenge composes §6–§14 exactly as the individual functions', () => {
  const plan = d.planBucketChallenge(baseInput());
  assert.equal(plan.kind, 'challenge');
  if (plan.kind !== 'challenge') return;
  assert.equal(plan.ticketId, 't5'); // Appendix B: RECENT → t5
  assert.equal(plan.artifactClass, d.selectArtifactClass(SEED, 'sn-target', 't5', 50, 50));
  assert.equal(plan.ordinal, d.selectArtifactOrdinal(SEED, 'sn-target', 't5', plan.artifactClass, 50));
  assert.equal(plan.artifactKey, `key-t5-${plan.artifactClass}-${plan.ordinal}`);
  assert.equal(plan.rangeLen, 256n);
  assert.equal(plan.k, 4);
  assert.deepEqual(plan.offsets, d.computeMultiRangeOffsets(SEED, 'sn-target', 't5', plan.artifactClass, plan.ordinal, 10_000n, 256n, 4));
  assert.deepEqual(plan.ranges.map((r) => r.end - r.start), [256n, 256n, 256n, 256n]);
  assert.equal(plan.derivationInputHash, d.derivationInputHash(SEED, 'sn-target', 't5', plan.artifactClass, plan.ordinal, plan.offsets, 256n));
  assert.equal(plan.challengeId, d.compoundChallengeID(SEED, 42n, 'sn-target', 't5', plan.artifactClass, plan.ordinal));
  const pass = d.challengeTranscriptHash(plan, 42n, 'sn-prober', 'sn-target', RECENT, 'ab'.repeat(32));
  assert.equal(
    pass,
    d.transcriptHash({
      epochId: 42n, challenger: 'sn-prober', target: 'sn-target', ticketId: 't5', bucket: RECENT, artifactClass: plan.artifactClass,
      ordinal: plan.ordinal, artifactKey: plan.artifactKey, derivationInputHash: plan.derivationInputHash, compoundProofHashHex: 'ab'.repeat(32), observers: [],
    }),
  );
});

test('planBucketChallenge: empty pool, all excluded, empty rolled class → NO_ELIGIBLE; recheck uses the given ticket', () => {
  assert.deepEqual(d.planBucketChallenge(baseInput({ pool: [] })), { kind: 'no-eligible', reason: 'empty-pool', selectedTicketId: '' });
  assert.deepEqual(d.planBucketChallenge(baseInput({ pool: ['t1'], excluded: ['t1'] })), { kind: 'no-eligible', reason: 'no-ticket', selectedTicketId: '' });
  // t5 rolls SYMBOL or INDEX; zero out that class and the roll must not swap (§7).
  const rolled = d.selectArtifactClass(SEED, 'sn-target', 't5', 1, 1);
  const counts = rolled === SYMBOL ? { index: 9, symbol: 0 } : { index: 0, symbol: 9 };
  assert.deepEqual(d.planBucketChallenge(baseInput({ artifactCounts: () => counts })), { kind: 'no-eligible', reason: 'class-unspecified', selectedTicketId: 't5' });
  const recheck = d.planBucketChallenge(baseInput({ bucket: RECHECK, pool: undefined, ticketId: 'given' }));
  assert.equal(recheck.kind === 'challenge' && recheck.ticketId, 'given');
  assert.match(d.noEligibleTranscriptHash(42n, 'sn-prober', 'sn-target', OLD), /^[0-9a-f]{64}$/);
});

test('planBucketChallenge: small artefact challenged whole (size 103 → four [0, 103) ranges)', () => {
  const plan = d.planBucketChallenge(baseInput({ resolveSize: () => 103n, chainRangeLenBytes: 256n, chainRangesPerArtifact: 4 }));
  assert.equal(plan.kind, 'challenge');
  if (plan.kind !== 'challenge') return;
  assert.equal(plan.rangeLen, 103n);
  assert.deepEqual(plan.ranges, Array.from({ length: 4 }, () => ({ start: 0n, end: 103n })));
});

test('Pipeline vector function: RECENT then OLD with every intermediate value', async () => {
  const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7) & 0xff));
  const inputs = {
    seed_hex: SEED_HEX, epoch_id: '42', challenger: 'sn-prober', target: 'sn-target',
    current_height: '20000', recent_max_blocks: '1200', old_min_blocks: '12000',
    tickets: [
      { ticket_id: 't1', anchor_height: '19500' }, { ticket_id: 't2', anchor_height: '19000' },
      { ticket_id: 't3', anchor_height: '1000' }, { ticket_id: 't4', anchor_height: '15000' },
    ],
    index_count: 5, symbol_count: 5, data_hex: data.toString('hex'),
    range_len_bytes: '256', ranges_per_artifact: 4, key_pattern: 'k-{ticket}-{class}-{ordinal}',
  };
  const handler = deterministicVectorHandlers.Pipeline!;
  const out = (await handler(inputs, { id: 'p', function: 'Pipeline', inputs, expected: null })) as Record<string, Record<string, unknown>>;
  const recent = out.RECENT!;
  assert.deepEqual(recent.pool, ['t1', 't2']);
  assert.equal(recent.ticket_id, d.selectTicketForBucket(['t1', 't2'], [], SEED, 'sn-target', RECENT));
  const offsets = (recent.offsets as string[]).map(BigInt);
  assert.equal(recent.compound_proof_hash_hex, hex(d.computeCompoundChallengeHash(data, offsets, 256n)));
  assert.equal(recent.result_class, 'PASS');
  assert.equal(recent.artifact_key, `k-${recent.ticket_id}-${recent.class}-${recent.ordinal}`);
  const old = out.OLD!;
  assert.deepEqual(old.pool, ['t3']);
  assert.equal(old.ticket_id, 't3');
  // t4 (δ 5000) is in the middle band: in no pool.
  const bad = await handler({ ...inputs, tickets: [{ ticket_id: 't1' }] }, { id: 'p', function: 'Pipeline', inputs, expected: null });
  assert.match(JSON.stringify(bad), /tickets\[0\]: anchor_height|anchor_height is required/);
});

test('compound challenge id: worked example of spec 04 (seed SHA-256("test-seed"), epoch 19, SYMBOL, ordinal 0)', async () => {
  const { createHash } = await import('node:crypto');
  const seed = createHash('sha256').update('test-seed').digest();
  assert.equal(d.compoundChallengeID(seed, 19n, 'sn-target', 'tkt-happy', SYMBOL, 0), '8d568230528d606c579f4f45db6ae6e2afd08acd57c99644e197117eac41f6fe');
});

test('negative-attestation placeholder: spec 04 R3.6.4 values; blank reason → reason_other', () => {
  assert.equal(d.negativeAttestationHash('reason_fetch_failed'), 'ILlCdzdnx9TgulG604gtzFvX8wK+jQxPZtpym6ZhmI8=');
  assert.equal(d.negativeAttestationHash('reason_hash_compute_failed'), 'tlQrUjlaYGI0ni9AH6WEtgHp+dA8wijjsvpgs3fvLUM=');
  assert.equal(d.negativeAttestationHash('reason_hash_mismatch'), 'jZpTqqC3PvKzLANbBm4mz/IzIlyAc24zeXmPfJwJI90=');
  assert.equal(d.negativeAttestationHash('reason_other'), 'Vkc3OJnM9QW56b0S3SzjRuI12HeAC4+bqZFmBEo3LYA=');
  assert.equal(d.negativeAttestationHash(''), d.negativeAttestationHash('reason_other'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectorFile } from '../helpers/vectors.js';
import { runVector } from '../../src/vectors/runner.js';
import { deterministicVectorHandlers } from '../../src/deterministic/vectors.js';

const file = loadVectorFile('deterministic.json');

test('deterministic.json: every vector passes', async () => {
  assert.ok(file.vectors.length > 0, 'vector file holds vectors');
  for (const vector of file.vectors) {
    const outcome = await runVector(vector, deterministicVectorHandlers);
    assert.equal(outcome.ok, true, `vector ${vector.id} (${vector.function}): ${outcome.reason ?? ''}`);
  }
});

test('deterministic handlers cover every function name of spec 01 Appendix D', () => {
  const appendixD = [
    'StorageTruthAssignmentHash', 'TargetCount', 'SelectLEP6Targets', 'PairChallengerToTarget', 'AssignChallengerTargets',
    'AssignChallengerTargetsWithCandidates', 'ChainAssignedTargets', 'ClassifyTicketBucket', 'SelectTicketForBucket',
    'SelectArtifactClass', 'SelectArtifactOrdinal', 'ComputeMultiRangeOffsets', 'ComputeCompoundChallengeHash',
    'DerivationInputHash', 'TranscriptHash', 'CompoundChallengeID', 'EpochAtHeight', 'EpochByID', 'SupernodeEpochID',
    'EpochSeed', 'CommitStringList', 'ArtifactClassDomain', 'BucketDomain', 'ResolveArtifactCount', 'ResolveArtifactKey',
    'ResolveArtifactSize', 'EffectiveRangeLen', 'Pipeline',
  ];
  for (const name of appendixD) assert.equal(typeof deterministicVectorHandlers[name], 'function', `handler for ${name}`);
  for (const v of file.vectors) assert.ok(appendixD.includes(v.function), `vector ${v.id} uses a known function ${v.function}`);
});

test('malformed vector input is a FAIL naming the field, never a passing "expected error"', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ seed_hex: 'zz', parts: [] }, /seed_hex must be hex/],
    [{ seed_hex: '0', parts: [] }, /seed_hex must be hex/],
    [{ seed_hex: '00', parts: [1] }, /parts\[0\] must be a string/],
    [{ seed_hex: '00', parts: [], extra: 1 }, /StorageTruthAssignmentHash\.extra is not an input/],
  ];
  for (const [inputs, why] of cases) {
    const outcome = await runVector({ id: 'bad', function: 'StorageTruthAssignmentHash', inputs, expected: { error: true } }, deterministicVectorHandlers);
    assert.equal(outcome.ok, false, JSON.stringify(inputs));
    assert.match(outcome.reason ?? '', why);
  }
  const neg = await runVector(
    { id: 'neg', function: 'EpochByID', inputs: { epoch_id: '-1', epoch_zero_height: '1', epoch_length_blocks: '400' }, expected: { error: true } },
    deterministicVectorHandlers,
  );
  assert.equal(neg.ok, false);
  assert.match(neg.reason ?? '', /epoch_id must be a non-negative decimal/);
  const badEnum = await runVector(
    { id: 'enum', function: 'BucketDomain', inputs: { bucket: 'RECENTLY' }, expected: '' },
    deterministicVectorHandlers,
  );
  assert.match(badEnum.reason ?? '', /bucket must be one of UNSPECIFIED\|RECENT/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectorFile } from '../helpers/vectors.js';
import { runVector } from '../../src/vectors/runner.js';
import { altsVectorHandlers } from '../../src/transport/vectors.js';

const FUNCTIONS = ['HandshakeInfoBytes', 'HandshakeSignature', 'AddressFromPubKey', 'HandshakeMessage', 'SharedSecret', 'RecordKeys', 'SealFrames', 'OpenFrames'];

test('every lumera-alts vector passes', async () => {
  const vectors = loadVectorFile('lumera-alts.json').vectors;
  assert.ok(vectors.length >= 32, `expected at least 32 vectors, got ${vectors.length}`);
  for (const fn of FUNCTIONS) assert.ok(vectors.some((v) => v.function === fn), `no vector for ${fn}`);
  const failures: string[] = [];
  for (const v of vectors) {
    const outcome = await runVector(v, altsVectorHandlers);
    if (!outcome.ok) failures.push(`${outcome.id}: ${outcome.reason}`);
  }
  assert.deepEqual(failures, []);
});

test('OpenFrames error vectors report the frames opened before the failure', async () => {
  const vectors = loadVectorFile('lumera-alts.json').vectors.filter((v) => v.function === 'OpenFrames');
  const errors = vectors.filter((v) => (v.expected as { error?: boolean }).error === true);
  assert.ok(errors.length >= 5);
  for (const v of errors) {
    const actual = (await altsVectorHandlers.OpenFrames!(v.inputs, v)) as { error: boolean; plaintexts_before_error_hex: Buffer[] };
    assert.equal(actual.error, true, v.id);
    assert.deepEqual(
      actual.plaintexts_before_error_hex.map((b) => b.toString('hex')),
      (v.expected as { plaintexts_before_error_hex: string[] }).plaintexts_before_error_hex,
      v.id,
    );
  }
});

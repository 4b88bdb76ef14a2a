import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerSliceProof, answerVerifySlice, type BlobReader } from '../../src/challenge/legacy-slice.js';
import { GetSliceProofRequest, VerifySliceProofRequest } from '../../src/gen/supernode/storage_challenge.js';
import { blake3 } from '../../src/deterministic/index.js';
import { blob } from './helpers.js';

const data = blob(200_000, 'legacy');
function reader(): BlobReader & { gets: number } {
  const r = { gets: 0, get: async (key: string) => { r.gets++; if (key !== 'k') throw new Error(`artefact ${key}: not in the local store`); return data; } };
  return r;
}
const req = (over: Partial<GetSliceProofRequest>) => GetSliceProofRequest.fromPartial({ challengeId: 'c', epochId: 3n, fileKey: 'k', recipientId: 'spoofed', ...over });

test('TestGetSliceProofRejectsInvalidRange: end ≤ start → soft "invalid requested range" after one local retrieval', async () => {
  const r = reader();
  const res = await answerSliceProof(req({ requestedStart: 10n, requestedEnd: 10n }), 'me', r);
  assert.equal(res?.ok, false);
  assert.equal(res?.error, 'invalid requested range: requested_end must be greater than requested_start');
  assert.equal(r.gets, 1);
});

test('TestGetSliceProofRejectsOutOfBoundsStart, missing key, unknown key, null request', async () => {
  const r = reader();
  assert.equal((await answerSliceProof(req({ requestedStart: 200_000n, requestedEnd: 200_010n }), 'me', r))?.error, 'invalid requested range: requested_start is out of bounds');
  assert.equal((await answerSliceProof(req({ fileKey: '' }), 'me', r))?.error, 'file_key is required');
  assert.equal((await answerSliceProof(req({ fileKey: 'x', requestedEnd: 5n }), 'me', r))?.error, 'artefact x: not in the local store');
  assert.equal(await answerSliceProof(undefined, 'me', r), undefined);
});

test('TestGetSliceProofClampsMaxServedSliceLength: 64 KiB with matching hash; recipient_id is our own identity', async () => {
  const res = await answerSliceProof(req({ requestedStart: 100n, requestedEnd: 1_000_000n }), 'me', reader());
  assert.equal(res?.ok, true);
  assert.equal(res?.start, 100n);
  assert.equal(res?.end, 100n + 65536n);
  assert.equal(res?.slice.length, 65536);
  assert.equal(res?.proofHashHex, Buffer.from(blake3(data.subarray(100, 100 + 65536))).toString('hex'));
  assert.equal(res?.recipientId, 'me');
  const tail = await answerSliceProof(req({ requestedStart: 199_990n, requestedEnd: 300_000n }), 'me', reader());
  assert.equal(tail?.end, 200_000n);
});

test('VerifySliceProof: required hash, case-insensitive match, mismatch text, observer = own identity', () => {
  const slice = data.subarray(0, 100);
  const h = Buffer.from(blake3(slice)).toString('hex');
  const v = (proofHashHex: string) => answerVerifySlice(VerifySliceProofRequest.fromPartial({ challengeId: 'c', epochId: 1n, slice, proofHashHex }), 'me');
  assert.deepEqual(v(''), { challengeId: 'c', epochId: 1n, observerId: 'me', ok: false, error: 'proof_hash_hex is required' });
  assert.equal(v(h.toUpperCase())?.ok, true);
  assert.equal(v('00')?.error, `proof mismatch: want=00 got=${h}`);
  assert.equal(answerVerifySlice(undefined, 'me'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { answerCompoundProof, type ProofAnswer, type RecipientContext } from '../../src/challenge/recipient.js';
import { capsFromParams, CompoundCapsCache, FALLBACK_CAPS } from '../../src/challenge/caps.js';
import { blake3, derivationInputHash, transcriptHash } from '../../src/deterministic/index.js';
import { verifyMessage } from '../../src/crypto/account-keys.js';
import type { AuditParams } from '../../src/challenge/chain.js';
import { CountingReader, blob, ranges, request, testKey } from './helpers.js';

const self = testKey('recipient');
const challenger = testKey('challenger');

function ctx(reader: CountingReader, caps = FALLBACK_CAPS, signer: RecipientContext['signer'] = undefined): RecipientContext {
  return { identity: self.address, reader, signer, caps, readTimeoutMs: 1000 };
}

function caps(maxRanges: number, maxLen: number) {
  return capsFromParams({ storageTruthCompoundRangesPerArtifact: maxRanges, storageTruthCompoundRangeLenBytes: maxLen } as AuditParams);
}

function hard(a: ProofAnswer): { code: number; message: string } {
  assert.equal(a.kind, 'error', `expected a hard error, got ${JSON.stringify(a.kind === 'response' ? a.response.error : a)}`);
  return a as { kind: 'error'; code: number; message: string };
}

function softError(a: ProofAnswer): string {
  assert.equal(a.kind, 'response');
  const r = (a as { response: { ok: boolean; error: string } }).response;
  assert.equal(r.ok, false);
  return r.error;
}

function setup(size = 8192) {
  const reader = new CountingReader();
  const data = blob(size);
  const key = reader.add(data);
  return { reader, data, key };
}

const base = (key: string, over = {}) => request({ target: self.address, challenger: challenger.address, artifactKey: key, artifactSize: 8192n, ...over });

test('TestGetCompoundProof_RangeCountCap: 17 ranges → INVALID_ARGUMENT, zero reads', async () => {
  const { reader, key } = setup();
  const e = hard(await answerCompoundProof(base(key, { ranges: ranges(17, 16) }), challenger.address, ctx(reader)));
  assert.equal(e.code, status.INVALID_ARGUMENT);
  assert.equal(e.message, 'too many ranges: got 17, max 4');
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_RangeLengthCap: a 1025-byte range → INVALID_ARGUMENT, zero reads', async () => {
  const { reader, key } = setup();
  const e = hard(await answerCompoundProof(base(key, { ranges: ranges(1, 1025) }), challenger.address, ctx(reader)));
  assert.equal(e.code, status.INVALID_ARGUMENT);
  assert.equal(e.message, 'range length 1025 exceeds cap 256');
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_AggregateBytesCap_DefenseInDepth: aggregate never exceeds 16 KiB', async () => {
  const c = caps(32, 1024);
  assert.equal(c.aggregate, 16384);
  const { reader, key } = setup(64 * 1024);
  const e = hard(await answerCompoundProof(base(key, { artifactSize: 65536n, ranges: ranges(17, 1024) }), challenger.address, ctx(reader, c)));
  assert.equal(e.code, status.INVALID_ARGUMENT);
  assert.equal(e.message, 'aggregate range bytes 17408 exceeds cap 16384');
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_AggregateAtExactCap: 16 × 1024 accepted, 16 reads', async () => {
  const reader = new CountingReader();
  const data = blob(32 * 1024);
  const key = reader.add(data);
  const a = await answerCompoundProof(base(key, { artifactSize: 32768n, ranges: ranges(16, 1024) }), challenger.address, ctx(reader, caps(16, 1024)));
  assert.equal(a.kind, 'response');
  assert.equal((a as { response: { ok: boolean } }).response.ok, true);
  assert.equal(reader.reads, 16);
});

test('TestGetCompoundProofHonorsChainParamCaps: caps (4, 256) refuse 5 ranges and 257-byte ranges', async () => {
  const { reader, key } = setup();
  assert.equal(hard(await answerCompoundProof(base(key, { ranges: ranges(5, 16) }), challenger.address, ctx(reader, caps(4, 256)))).code, status.INVALID_ARGUMENT);
  assert.equal(hard(await answerCompoundProof(base(key, { ranges: ranges(2, 257) }), challenger.address, ctx(reader, caps(4, 256)))).code, status.INVALID_ARGUMENT);
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_AggregateBytesCapBranch: caps (20, 1024), 17 × 1000 → aggregate, zero reads', async () => {
  const { reader, key } = setup(64 * 1024);
  const e = hard(await answerCompoundProof(base(key, { artifactSize: 65536n, ranges: ranges(17, 1000) }), challenger.address, ctx(reader, caps(20, 1024))));
  assert.equal(e.code, status.INVALID_ARGUMENT);
  assert.match(e.message, /^aggregate range bytes 17000 exceeds cap 16384$/);
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_HappyPath: 4 × 256, proof hash of the concatenation, echoes, no signature without signer', async () => {
  const { reader, data, key } = setup();
  const req = base(key);
  const a = await answerCompoundProof(req, challenger.address, ctx(reader));
  assert.equal(a.kind, 'response');
  const r = (a as { response: import('../../src/gen/supernode/storage_challenge.js').GetCompoundProofResponse }).response;
  assert.equal(r.ok, true);
  assert.equal(r.error, '');
  assert.equal(r.rangeBytes.length, 4);
  r.rangeBytes.forEach((b, i) => assert.deepEqual(Buffer.from(b), Buffer.from(data.subarray(i * 256, i * 256 + 256))));
  assert.equal(r.proofHashHex, Buffer.from(blake3(data.subarray(0, 1024))).toString('hex'));
  assert.deepEqual([r.challengeId, r.epochId, r.ticketId, r.artifactClass, r.artifactOrdinal, r.bucketType, r.artifactKey], [req.challengeId, req.epochId, req.ticketId, req.artifactClass, req.artifactOrdinal, req.bucketType, req.artifactKey]);
  assert.equal(r.recipientSignature, '');
});

test('TestGetCompoundProof_RecipientSignatureUsesDerivationInputHash', async () => {
  const { reader, key } = setup();
  const req = base(key);
  const a = await answerCompoundProof(req, challenger.address, ctx(reader, FALLBACK_CAPS, self));
  const r = (a as { response: { ok: boolean; recipientSignature: string; proofHashHex: string } }).response;
  assert.equal(r.ok, true);
  assert.match(r.recipientSignature, /^[0-9a-f]{128}$/);
  const derivation = derivationInputHash(req.seed, req.targetSupernodeAccount, req.ticketId, req.artifactClass, req.artifactOrdinal, req.ranges.map((x) => x.start), 256n);
  const t = (d: string) => transcriptHash({
    epochId: req.epochId, challenger: req.challengerAccount, target: req.targetSupernodeAccount, ticketId: req.ticketId, bucket: req.bucketType,
    artifactClass: req.artifactClass, ordinal: req.artifactOrdinal, artifactKey: req.artifactKey, derivationInputHash: d, compoundProofHashHex: r.proofHashHex, observers: [],
  });
  const sig = Buffer.from(r.recipientSignature, 'hex');
  assert.equal(verifyMessage(self.publicKey, Buffer.from(t(derivation), 'ascii'), sig, 'eth_secp256k1'), true);
  assert.equal(verifyMessage(self.publicKey, Buffer.from(t(''), 'ascii'), sig, 'eth_secp256k1'), false);
});

test('TestGetCompoundProof_AcceptsChainParamRangeCount / RangeSize: 3 ranges and 200-byte ranges accepted', async () => {
  const { reader, key } = setup();
  for (const rs of [ranges(3, 256), ranges(4, 200)]) {
    const a = await answerCompoundProof(base(key, { ranges: rs }), challenger.address, ctx(reader));
    assert.equal((a as { response: { ok: boolean } }).response.ok, true);
  }
});

test('TestGetCompoundProof_RejectsInconsistentRangeSize / EmptyRanges / RangeOutOfBounds (soft)', async () => {
  const { reader, key } = setup();
  const mixed = [{ start: 0n, end: 256n }, { start: 300n, end: 500n }];
  assert.equal(softError(await answerCompoundProof(base(key, { ranges: mixed }), challenger.address, ctx(reader))), 'range[1] invalid size: got 200, want 256 from first range');
  assert.equal(softError(await answerCompoundProof(base(key, { ranges: [] }), challenger.address, ctx(reader))), 'at least one range is required');
  const oob = [{ start: 0n, end: 100n }, { start: 8100n, end: 8200n }];
  assert.equal(softError(await answerCompoundProof(base(key, { ranges: oob }), challenger.address, ctx(reader))), 'range[1] out of bounds: end (8200) > artifact_size (8192)');
  assert.equal(reader.reads, 0);
});

test('TestGetCompoundProof_ReaderError: the reader error text surfaces, no bytes', async () => {
  const { reader, key } = setup();
  reader.failWith = new Error('disk on fire');
  const a = await answerCompoundProof(base(key), challenger.address, ctx(reader));
  const r = (a as { response: { ok: boolean; error: string; rangeBytes: Uint8Array[] } }).response;
  assert.equal(r.error, 'read range[0] [0,256): disk on fire');
  assert.deepEqual(r.rangeBytes, []);
});

test('validation order: required fields, then the target check, each a soft rejection with echoes', async () => {
  const { reader, key } = setup();
  const cases: Array<[object, string]> = [
    [{ challengeId: '' }, 'challenge_id is required'],
    [{ epochId: 0n }, 'epoch_id must be > 0'],
    [{ ticketId: '' }, 'ticket_id is required'],
    [{ targetSupernodeAccount: challenger.address }, `target_supernode_account "${challenger.address}" is not this supernode`],
    [{ ranges: [{ start: 10n, end: 10n }] }, 'range[0] invalid: end (10) must be > start (10)'],
  ];
  for (const [over, text] of cases) assert.equal(softError(await answerCompoundProof(base(key, over), challenger.address, ctx(reader))), text);
  assert.equal(softError(await answerCompoundProof(base(key), challenger.address, { ...ctx(reader), reader: undefined })), 'artifact reader not configured');
  assert.equal(reader.reads, 0);
});

test('null request → UNKNOWN "nil request"; caller ≠ challenger_account → PERMISSION_DENIED before anything else', async () => {
  const { reader, key } = setup();
  const n = hard(await answerCompoundProof(undefined, challenger.address, ctx(reader)));
  assert.deepEqual([n.code, n.message], [status.UNKNOWN, 'nil request']);
  const impostor = testKey('impostor');
  const e = hard(await answerCompoundProof(base(key, { challengeId: '' }), impostor.address, ctx(reader)));
  assert.equal(e.code, status.PERMISSION_DENIED);
  assert.match(e.message, /is not the request's challenger_account/);
  assert.equal(reader.reads, 0);
});

test('every read has a deadline: a stuck read becomes a soft "timed out" rejection', async () => {
  const { reader, key } = setup();
  reader.delayMs = 300;
  const a = await answerCompoundProof(base(key), challenger.address, { ...ctx(reader), readTimeoutMs: 50 });
  assert.equal(softError(a), 'read range[0] [0,256): read timed out after 50 ms');
});

test('caps cache: chain params cached for the TTL; a failed query falls back without caching', async () => {
  let calls = 0;
  let fail = true;
  let now = 0;
  const cache = new CompoundCapsCache({
    getAuditParams: async () => {
      calls++;
      if (fail) throw new Error('chain down');
      return { storageTruthCompoundRangesPerArtifact: 8, storageTruthCompoundRangeLenBytes: 512 } as AuditParams;
    },
  }, 60_000, () => now);
  assert.deepEqual(await cache.get(), FALLBACK_CAPS);
  fail = false;
  assert.deepEqual(await cache.get(), { maxRanges: 8, maxLen: 512, aggregate: 4096 });
  now = 59_000;
  await cache.get();
  assert.equal(calls, 2);
  now = 61_000;
  await cache.get();
  assert.equal(calls, 3);
  assert.deepEqual(capsFromParams({ storageTruthCompoundRangesPerArtifact: 0, storageTruthCompoundRangeLenBytes: 0 } as AuditParams), { maxRanges: 4, maxLen: 256, aggregate: 1024 });
});

/**
 * Golden wire tests for the peer services of package `supernode` (spec 04 §1.2), hand-computed.
 * artifact_class and bucket_type are plain uint32 on this wire (not enums) — same varint bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCompoundProofRequest, GetCompoundProofResponse, StorageChallengeServiceService } from '../../src/gen/supernode/storage_challenge.js';
import {
  SelfHealingServiceService,
  ServeReconstructedArtefactsRequest,
  ServeReconstructedArtefactsResponse,
} from '../../src/gen/supernode/self_healing.js';
import { U64_2P32_PLUS_1, U64_2P35, ascii, assertGolden, hex } from './golden-helpers.js';

test('golden: supernode.GetCompoundProofRequest with every field set', () => {
  assertGolden('GetCompoundProofRequest', GetCompoundProofRequest, {
    challengeId: 'cid', epochId: 4294967297n, seed: Uint8Array.of(1, 2, 3, 4), ticketId: '1234',
    targetSupernodeAccount: 'sn-beta', challengerAccount: 'sn-alpha', observerAccounts: ['o1', 'o2'], artifactClass: 2,
    artifactOrdinal: 300, artifactCount: 301, bucketType: 4, artifactKey: 'k', artifactSize: 34359738368n,
    ranges: [{ start: 5n, end: 256n }, { start: 4294967297n, end: 34359738368n }],
  }, hex(
    '0a 03', ascii('cid'), //           1 challenge_id
    '10', U64_2P32_PLUS_1, //           2 epoch_id
    '1a 04 01 02 03 04', //             3 seed bytes
    '22 04', ascii('1234'), //          4 ticket_id
    '2a 07', ascii('sn-beta'), //       5 target_supernode_account
    '32 08', ascii('sn-alpha'), //      6 challenger_account
    '3a 02', ascii('o1'), '3a 02', ascii('o2'), // 7 observer_accounts
    '40 02', //                         8 artifact_class = 2 (SYMBOL)
    '48 ac 02', //                      9 artifact_ordinal = 300
    '50 ad 02', //                     10 artifact_count = 301
    '58 04', //                        11 bucket_type = 4 (RECHECK)
    '62 01', ascii('k'), //            12 artifact_key
    '68', U64_2P35, //                 13 artifact_size = 2^35
    '72 05 08 05 10 80 02', //         14 ranges[0] ByteRange{start 5, end 256 (80 02)}
    '72 0d 08', U64_2P32_PLUS_1, '10', U64_2P35, // 14 ranges[1], len 13
  ));
});

test('golden: supernode.GetCompoundProofResponse with every field set', () => {
  assertGolden('GetCompoundProofResponse', GetCompoundProofResponse, {
    challengeId: 'cid', epochId: 4294967297n, ticketId: '1234', artifactClass: 1, artifactOrdinal: 7, bucketType: 3,
    artifactKey: 'k', rangeBytes: [Uint8Array.of(0xaa, 0xbb), new Uint8Array(0)], proofHashHex: 'ff',
    recipientSignature: '5e', ok: true, error: 'e',
  }, hex(
    '0a 03', ascii('cid'), '10', U64_2P32_PLUS_1, '1a 04', ascii('1234'),
    '20 01', //                         4 artifact_class = 1
    '28 07', //                         5 artifact_ordinal = 7
    '30 03', //                         6 bucket_type = 3
    '3a 01', ascii('k'), //             7 artifact_key
    '42 02 aa bb', '42 00', //          8 range_bytes: repeated bytes, the empty entry is still sent
    '4a 02', ascii('ff'), //            9 proof_hash_hex
    '52 02', ascii('5e'), //           10 recipient_signature
    '58 01', //                        11 ok
    '62 01', ascii('e'), //            12 error
  ));
});

test('golden: supernode.ServeReconstructedArtefacts request and response', () => {
  assertGolden('ServeReconstructedArtefactsRequest', ServeReconstructedArtefactsRequest, {
    healOpId: 34359738368n, verifierAccount: 'sn-beta',
  }, hex('08', U64_2P35, '12 07', ascii('sn-beta')));
  assertGolden('ServeReconstructedArtefactsResponse', ServeReconstructedArtefactsResponse, {
    chunk: Uint8Array.of(0x00, 0xff), totalSize: 4294967297n, isLast: true,
  }, hex(
    '0a 02 00 ff', //                   1 chunk
    '10', U64_2P32_PLUS_1, //           2 total_size
    '18 01', //                         3 is_last
  ));
});

test('peer service definitions carry the spec method paths and streaming kinds', () => {
  assert.equal(StorageChallengeServiceService.getCompoundProof.path, '/supernode.StorageChallengeService/GetCompoundProof');
  assert.equal(StorageChallengeServiceService.getCompoundProof.responseStream, false);
  assert.equal(StorageChallengeServiceService.getSliceProof.path, '/supernode.StorageChallengeService/GetSliceProof');
  assert.equal(StorageChallengeServiceService.verifySliceProof.path, '/supernode.StorageChallengeService/VerifySliceProof');
  const serve = SelfHealingServiceService.serveReconstructedArtefacts;
  assert.equal(serve.path, '/supernode.SelfHealingService/ServeReconstructedArtefacts');
  assert.equal(serve.requestStream, false);
  assert.equal(serve.responseStream, true);
  const req = { healOpId: 9n, verifierAccount: 'x' };
  assert.deepEqual(serve.requestDeserialize(serve.requestSerialize(ServeReconstructedArtefactsRequest.fromPartial(req))), req);
});

/**
 * Golden wire tests: every Lumera audit Msg and HandshakeInfo, filled with distinctive values, must
 * encode to the bytes computed by hand below from spec 02 §2/§5 and spec 05 §5.4. A wrong field number,
 * wire type or scalar type in a .proto changes a tag or a payload and fails here.
 * Tag byte = field_number << 3 | wire_type (0 varint, 1 fixed64, 2 length-delimited); tags of fields
 * >= 16 take two varint bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MsgClaimHealComplete,
  MsgSubmitEpochReport,
  MsgSubmitEvidence,
  MsgSubmitEvidenceResponse,
  MsgSubmitHealVerification,
  MsgSubmitStorageRecheckEvidence,
  MsgUpdateParams,
} from '../../src/gen/lumera/audit/v1/tx.js';
import { PortState, StorageProofArtifactClass, StorageProofBucketType, StorageProofResultClass } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageTruthEnforcementMode } from '../../src/gen/lumera/audit/v1/params.js';
import { EvidenceType } from '../../src/gen/lumera/audit/v1/evidence.js';
import { HandshakeInfo } from '../../src/gen/lumera/lumeraid/handshake_info.js';
import { decodeStrict, isWireDecodeError } from '../../src/wire/codec.js';
import { F64_12_5, F64_2P20, F64_50_25, F64_75, U64_2P32_PLUS_1, U64_2P35, ascii, assertGolden, hex } from './golden-helpers.js';

test('golden: lumera.lumeraid.HandshakeInfo', () => {
  const expected = hex(
    '0a 08', ascii('lumera1x'), //   1 address, string len 8
    '10 02', //                       2 peer_type int32 = 2 (Supernode)
    '1a 04 04 01 02 03', //           3 public_key, bytes len 4
    '22 0b', //                       4 account_public_key, bytes len 11 = serialized Any:
    '  0a 02', ascii('/t'), //          Any.type_url (1), len 2
    '  12 05 0a 03 02 aa bb', //        Any.value (2), len 5 = PubKey{ key (1) len 3: 02 aa bb }
    '2a 04', ascii('P256'), //        5 curve, string len 4
  );
  assertGolden('HandshakeInfo', HandshakeInfo, {
    address: 'lumera1x',
    peerType: 2,
    publicKey: Uint8Array.of(4, 1, 2, 3),
    accountPublicKey: Uint8Array.from(Buffer.from(hex('0a 02', ascii('/t'), '12 05 0a 03 02 aa bb'), 'hex')),
    curve: 'P256',
  }, expected);
});

test('golden: lumera.audit.v1.MsgUpdateParams with every Params field set', () => {
  // Params: value = field number unless noted, so a swapped number shows up in tag and value.
  const params = hex(
    '08 90 03', //               1 epoch_length_blocks = 400 (0x190 → 90 03)
    '10', U64_2P32_PLUS_1, //    2 epoch_zero_height = 2^32+1
    '18 03', '20 04', '28 05', //  3..5 uint32
    '32 06 dc 22 dd 22 c2 3e', // 6 required_open_ports packed len 6: 4444 (dc 22) 4445 (dd 22) 8002 (c2 3e)
    '38 07', '40 08', '48 09', '50 0a', // 7..10 uint32
    '58 0b', //                  11 keep_last_epoch_entries uint64 = 11
    '60 0c', '68 0d', '70 0e', '78 0f', // 12..15
    '80 01 10', //               16 (tag 128 → 80 01)
    '88 01 11', '90 01 12', //   17, 18
    '98 01 01', //               19 sc_enabled bool = true
    'a0 01 14', //               20 sc_challengers_per_epoch = 20
    'a8 01 15', 'b0 01 16', //   21, 22 uint64 bucket bounds = 21, 22
    'b8 01 17', 'c0 01 18', 'c8 01 19', 'd0 01 1a', 'd8 01 1b', // 23..27 uint32
    'e0 01 1c', 'e8 01 1d', 'f0 01 1e', // 28..30 int64 decays = 28, 29, 30
    'f8 01 e1 ff ff ff ff ff ff ff ff 01', // 31 int64 = -31: two's complement, 10-byte varint (not zigzag)
    '80 02 20', //               32 (tag 256 → 80 02)
    '88 02 21', '90 02 22', '98 02 23', 'a0 02 24', // 33..36 int64
    'a8 02 03', //               37 storage_truth_enforcement_mode = FULL (3)
    'b0 02 26', //               38 int64
    'b8 02 27', 'c0 02 28', 'c8 02 29', // 39..41 uint32
    'd0 02 2a', //               42 int64
    'd8 02 2b', 'e0 02 2c', 'e8 02 2d', 'f0 02 2e', 'f8 02 2f', // 43..47
    '80 03 30', //               48 (tag 384 → 80 03)
    '88 03 31', '90 03 32', '98 03 33', // 49..51
  );
  assert.equal(params.length / 2, 158, 'hand count of the Params body');
  const expected = hex(
    '0a 0a', ascii('lumera1gov'), // 1 authority, len 10
    '12 9e 01', params, //          2 params, len 158 (varint 9e 01)
  );
  assertGolden('audit MsgUpdateParams', MsgUpdateParams, {
    authority: 'lumera1gov',
    params: {
      epochLengthBlocks: 400n, epochZeroHeight: 4294967297n, peerQuorumReports: 3, minProbeTargetsPerEpoch: 4,
      maxProbeTargetsPerEpoch: 5, requiredOpenPorts: [4444, 4445, 8002], minCpuFreePercent: 7, minMemFreePercent: 8,
      minDiskFreePercent: 9, consecutiveEpochsToPostpone: 10, keepLastEpochEntries: 11n,
      peerPortPostponeThresholdPercent: 12, actionFinalizationSignatureFailureEvidencesPerEpoch: 13,
      actionFinalizationSignatureFailureConsecutiveEpochs: 14, actionFinalizationNotInTop10EvidencesPerEpoch: 15,
      actionFinalizationNotInTop10ConsecutiveEpochs: 16, actionFinalizationRecoveryEpochs: 17,
      actionFinalizationRecoveryMaxTotalBadEvidences: 18, scEnabled: true, scChallengersPerEpoch: 20,
      storageTruthRecentBucketMaxBlocks: 21n, storageTruthOldBucketMinBlocks: 22n, storageTruthChallengeTargetDivisor: 23,
      storageTruthCompoundRangesPerArtifact: 24, storageTruthCompoundRangeLenBytes: 25,
      storageTruthMaxSelfHealOpsPerEpoch: 26, storageTruthProbationEpochs: 27,
      storageTruthNodeSuspicionDecayPerEpoch: 28n, storageTruthReporterReliabilityDecayPerEpoch: 29n,
      storageTruthTicketDeteriorationDecayPerEpoch: 30n, storageTruthNodeSuspicionThresholdWatch: -31n,
      storageTruthNodeSuspicionThresholdProbation: 32n, storageTruthNodeSuspicionThresholdPostpone: 33n,
      storageTruthReporterReliabilityLowTrustThreshold: 34n, storageTruthReporterReliabilityIneligibleThreshold: 35n,
      storageTruthTicketDeteriorationHealThreshold: 36n,
      storageTruthEnforcementMode: StorageTruthEnforcementMode.STORAGE_TRUTH_ENFORCEMENT_MODE_FULL,
      storageTruthReporterReliabilityDegradedThreshold: 38n, storageTruthPatternEscalationWindow: 39,
      storageTruthDivergenceWindowEpochs: 40, storageTruthReporterMinReportsForDivergence: 41,
      storageTruthNodeSuspicionThresholdStrongPostpone: 42n, storageTruthRecoveryCleanPassCount: 43,
      storageTruthClassAFaultWindow: 44, storageTruthClassBFaultWindow: 45, storageTruthHealDeadlineEpochs: 46,
      storageTruthOldClassAFaultWindow: 47, storageTruthContradictionWindowEpochs: 48,
      storageTruthReporterIneligibleDurationEpochs: 49, storageTruthStrongRecoveryCleanPassCount: 50,
      storageTruthHealVerifierCount: 51,
    },
  }, expected);
});

test('golden: lumera.audit.v1.MsgSubmitEpochReport with host report, observations and proof results', () => {
  const expected = hex(
    '0a 08', ascii('sn-alpha'), //     1 creator
    '10', U64_2P32_PLUS_1, //          2 epoch_id = 2^32+1
    '1a 2b', //                        3 host_report, len 43:
    '  09', F64_12_5, //                 1 cpu_usage_percent double (fixed64) 12.5
    '  11', F64_50_25, //                2 mem_usage_percent 50.25
    '  19', F64_75, //                   3 disk_usage_percent 75.0
    '  22 03 01 02 00', //               4 inbound_port_states packed: OPEN, CLOSED, UNKNOWN
    '  28 07', //                        5 failed_actions_count = 7
    '  31', F64_2P20, //                 6 cascade_kademlia_db_bytes = 1048576.0
    '22 0e', //                        4 storage_challenge_observations[0], len 14:
    '  0a 07', ascii('sn-beta'), //      1 target_supernode_account
    '  12 03 01 01 02', //               2 port_states packed: OPEN, OPEN, CLOSED
    '22 0d', //                        4 storage_challenge_observations[1], len 13:
    '  0a 08', ascii('sn-gamma'), '  12 01 02',
    '2a 45', //                        5 storage_proof_results[0], len 69:
    '  0a 07', ascii('sn-beta'), //      1 target_supernode_account
    '  12 08', ascii('sn-alpha'), //     2 challenger_supernode_account
    '  1a 04', ascii('1234'), //         3 ticket_id
    '  20 02', //                        4 bucket_type = OLD
    '  28 02', //                        5 artifact_class = SYMBOL
    '  30 ac 02', //                     6 artifact_ordinal = 300
    '  3a 05', ascii('key-x'), //        7 artifact_key
    '  40 06', //                        8 result_class = INVALID_TRANSCRIPT
    '  4a 02', ascii('th'), //           9 transcript_hash
    '  52 01', ascii('d'), //           10 details
    '  58 ad 02', //                    11 artifact_count = 301
    '  62 03', ascii('dih'), //         12 derivation_input_hash
    '  6a 03', ascii('sig'), //         13 challenger_signature
    '  72 02', ascii('o1'), '  72 02', ascii('o2'), // 14 observer_attestation_signatures (repeated string)
    '2a 1c', //                        5 storage_proof_results[1], len 28 (NO_ELIGIBLE_TICKET row):
    '  0a 08', ascii('sn-gamma'), '  12 08', ascii('sn-alpha'),
    '  20 01', //                        4 bucket_type = RECENT
    '  40 05', //                        8 result_class = NO_ELIGIBLE_TICKET
    '  4a 02', ascii('t2'),
  );
  assertGolden('MsgSubmitEpochReport', MsgSubmitEpochReport, {
    creator: 'sn-alpha',
    epochId: 4294967297n,
    hostReport: {
      cpuUsagePercent: 12.5, memUsagePercent: 50.25, diskUsagePercent: 75,
      inboundPortStates: [PortState.PORT_STATE_OPEN, PortState.PORT_STATE_CLOSED, PortState.PORT_STATE_UNKNOWN],
      failedActionsCount: 7, cascadeKademliaDbBytes: 1048576,
    },
    storageChallengeObservations: [
      { targetSupernodeAccount: 'sn-beta', portStates: [PortState.PORT_STATE_OPEN, PortState.PORT_STATE_OPEN, PortState.PORT_STATE_CLOSED] },
      { targetSupernodeAccount: 'sn-gamma', portStates: [PortState.PORT_STATE_CLOSED] },
    ],
    storageProofResults: [
      {
        targetSupernodeAccount: 'sn-beta', challengerSupernodeAccount: 'sn-alpha', ticketId: '1234',
        bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_OLD,
        artifactClass: StorageProofArtifactClass.STORAGE_PROOF_ARTIFACT_CLASS_SYMBOL, artifactOrdinal: 300,
        artifactKey: 'key-x', resultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_INVALID_TRANSCRIPT,
        transcriptHash: 'th', details: 'd', artifactCount: 301, derivationInputHash: 'dih', challengerSignature: 'sig',
        observerAttestationSignatures: ['o1', 'o2'],
      },
      {
        targetSupernodeAccount: 'sn-gamma', challengerSupernodeAccount: 'sn-alpha',
        bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_RECENT,
        resultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_NO_ELIGIBLE_TICKET, transcriptHash: 't2',
      },
    ],
  }, expected);
});

test('golden: lumera.audit.v1.MsgSubmitEvidence and its response', () => {
  const json = '{"epoch_id":"9"}';
  assertGolden('MsgSubmitEvidence', MsgSubmitEvidence, {
    creator: 'sn-alpha', subjectAddress: 'sn-beta', evidenceType: EvidenceType.EVIDENCE_TYPE_STORAGE_CHALLENGE_FAILURE,
    actionId: '77', metadata: json,
  }, hex(
    '0a 08', ascii('sn-alpha'), // 1 creator
    '12 07', ascii('sn-beta'), //  2 subject_address
    '18 04', //                    3 evidence_type = STORAGE_CHALLENGE_FAILURE (enum varint)
    '22 02', ascii('77'), //       4 action_id
    '2a 10', ascii(json), //       5 metadata (JSON string), len 16
  ));
  assertGolden('MsgSubmitEvidenceResponse', MsgSubmitEvidenceResponse, { evidenceId: 34359738368n }, hex(
    '08', U64_2P35, //             1 evidence_id uint64 = 2^35
  ));
});

test('golden: lumera.audit.v1.MsgSubmitStorageRecheckEvidence', () => {
  assertGolden('MsgSubmitStorageRecheckEvidence', MsgSubmitStorageRecheckEvidence, {
    creator: 'sn-alpha', epochId: 4294967297n, challengedSupernodeAccount: 'sn-beta', ticketId: '1234',
    challengedResultTranscriptHash: 'th', recheckTranscriptHash: 'rth',
    recheckResultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_RECHECK_CONFIRMED_FAIL, details: 'why',
  }, hex(
    '0a 08', ascii('sn-alpha'), // 1 creator
    '10', U64_2P32_PLUS_1, //      2 epoch_id
    '1a 07', ascii('sn-beta'), //  3 challenged_supernode_account
    '22 04', ascii('1234'), //     4 ticket_id
    '2a 02', ascii('th'), //       5 challenged_result_transcript_hash
    '32 03', ascii('rth'), //      6 recheck_transcript_hash
    '38 07', //                    7 recheck_result_class = RECHECK_CONFIRMED_FAIL
    '42 03', ascii('why'), //      8 details
  ));
});

test('golden: lumera.audit.v1.MsgClaimHealComplete and MsgSubmitHealVerification', () => {
  assertGolden('MsgClaimHealComplete', MsgClaimHealComplete, {
    creator: 'sn-alpha', healOpId: 4294967297n, ticketId: '1234', healManifestHash: 'mh', details: 'ok',
  }, hex(
    '0a 08', ascii('sn-alpha'), // 1 creator
    '10', U64_2P32_PLUS_1, //      2 heal_op_id
    '1a 04', ascii('1234'), //     3 ticket_id
    '22 02', ascii('mh'), //       4 heal_manifest_hash
    '2a 02', ascii('ok'), //       5 details
  ));
  assertGolden('MsgSubmitHealVerification', MsgSubmitHealVerification, {
    creator: 'sn-beta', healOpId: 34359738368n, verified: true, verificationHash: 'vh', details: 'fine',
  }, hex(
    '0a 07', ascii('sn-beta'), //  1 creator
    '10', U64_2P35, //             2 heal_op_id = 2^35
    '18 01', //                    3 verified bool
    '22 02', ascii('vh'), //       4 verification_hash
    '2a 04', ascii('fine'), //     5 details
  ));
});

test('decoding garbage bytes fails with a typed WireDecodeError', () => {
  const cases: Array<[string, string]> = [
    ['truncated string', '0a 05 61'],
    ['length beyond the end', '1a ff ff ff ff 0f'],
    ['wire type 7', '0f'],
    ['zero tag', '00 01'],
    ['truncated varint', '10 ff ff'],
    ['nested message cut short', '1a 05 09 00 00'],
  ];
  for (const [what, h] of cases) {
    const bytes = Uint8Array.from(Buffer.from(hex(h), 'hex'));
    assert.throws(() => decodeStrict(MsgSubmitEpochReport, 'MsgSubmitEpochReport', bytes), (err: unknown) => {
      assert.ok(isWireDecodeError(err), `${what}: typed error`);
      assert.match(err.message, /^MsgSubmitEpochReport: cannot decode protobuf bytes: /);
      return true;
    }, what);
  }
  // Well-formed input passes through the strict decoder unchanged.
  const ok = MsgClaimHealComplete.encode(MsgClaimHealComplete.fromPartial({ healOpId: 3n })).finish();
  assert.equal(decodeStrict(MsgClaimHealComplete, 'MsgClaimHealComplete', ok).healOpId, 3n);
  assert.deepEqual(decodeStrict(MsgClaimHealComplete, 'MsgClaimHealComplete', new Uint8Array(0)), MsgClaimHealComplete.fromPartial({}));
});

/**
 * Golden wire tests for the action and supernode Msgs and for CascadeMetadata (stored on chain as
 * protobuf bytes in Action.metadata). Hex is hand-computed from spec 02 §6 and §7.4; see golden.test.ts
 * for the tag arithmetic.
 */
import { test } from 'node:test';
import {
  MsgApproveAction,
  MsgFinalizeAction,
  MsgRequestAction,
  MsgRequestActionResponse,
  MsgUpdateParams as ActionMsgUpdateParams,
} from '../../src/gen/lumera/action/v1/tx.js';
import { CascadeMetadata, HashAlgo } from '../../src/gen/lumera/action/v1/metadata.js';
import {
  MsgDeregisterSupernode,
  MsgRegisterSupernode,
  MsgReportSupernodeMetrics,
  MsgReportSupernodeMetricsResponse,
  MsgStartSupernode,
  MsgStopSupernode,
  MsgUpdateSupernode,
} from '../../src/gen/lumera/supernode/v1/tx.js';
import { PortState as SupernodePortState } from '../../src/gen/lumera/supernode/v1/metrics.js';
import { F64_12_5, F64_2P20, F64_50_25, F64_75, U64_2P32_PLUS_1, U64_2P35, ascii, assertGolden, hex } from './golden-helpers.js';

test('golden: lumera.action.v1.MsgRequestAction and its response', () => {
  assertGolden('MsgRequestAction', MsgRequestAction, {
    creator: 'c1', actionType: 'CASCADE', metadata: '{"a":1}', price: '10ulume', expirationTime: '1700000000',
    fileSizeKbs: '42', appPubkey: Uint8Array.of(1, 2),
  }, hex(
    '0a 02', ascii('c1'), //            1 creator
    '12 07', ascii('CASCADE'), //       2 actionType (string, not the enum)
    '1a 07', ascii('{"a":1}'), //       3 metadata JSON
    '22 07', ascii('10ulume'), //       4 price
    '2a 0a', ascii('1700000000'), //    5 expirationTime (string)
    '32 02', ascii('42'), //            6 fileSizeKbs (string)
    '3a 02 01 02', //                   7 app_pubkey bytes
  ));
  assertGolden('MsgRequestActionResponse', MsgRequestActionResponse, { actionId: '5', status: 'ok' }, hex(
    '0a 01', ascii('5'), '12 02', ascii('ok'),
  ));
});

test('golden: lumera.action.v1.MsgFinalizeAction and MsgApproveAction', () => {
  const meta = '{"rq_ids_ids":["x"]}';
  assertGolden('MsgFinalizeAction', MsgFinalizeAction, {
    creator: 'sn-alpha', actionId: '5', actionType: 'CASCADE', metadata: meta,
  }, hex(
    '0a 08', ascii('sn-alpha'), //      1 creator
    '12 01', ascii('5'), //             2 actionId
    '1a 07', ascii('CASCADE'), //       3 actionType
    '22 14', ascii(meta), //            4 metadata JSON, len 20
  ));
  assertGolden('MsgApproveAction', MsgApproveAction, { creator: 'c1', actionId: '5' }, hex(
    '0a 02', ascii('c1'), '12 01', ascii('5'),
  ));
});

test('golden: lumera.action.v1.MsgUpdateParams with Coin and Duration fields', () => {
  const params = hex(
    '0a 0e 0a 05', ascii('ulume'), '12 05', ascii('10000'), // 1 base_action_fee Coin{denom, amount}, len 14
    '12 0b 0a 05', ascii('ulume'), '12 02', ascii('10'), //    2 fee_per_kbyte, len 11
    '18 0a', //                         3 max_actions_per_block = 10
    '20 03', //                         4 min_super_nodes = 3
    '28 32', //                         5 max_dd_and_fingerprints = 50
    '30', U64_2P32_PLUS_1, //           6 max_raptor_q_symbols = 2^32+1
    '3a 04 08 80 a3 05', //             7 expiration_duration Duration{seconds 86400 = 80 a3 05}
    '42 04 08 3c 10 05', //             8 min_processing_time Duration{seconds 60, nanos 5}
    '4a 03 08 90 1c', //                9 max_processing_time Duration{seconds 3600 = 90 1c}
    '52 03', ascii('1.0'), //          10 super_node_fee_share
    '5a 03', ascii('0.0'), //          11 foundation_fee_share
    '60 08', //                        12 svc_challenge_count = 8
    '68 04', //                        13 svc_min_chunks_for_challenge = 4
  );
  assertGolden('action MsgUpdateParams', ActionMsgUpdateParams, {
    authority: 'gov',
    params: {
      baseActionFee: { denom: 'ulume', amount: '10000' }, feePerKbyte: { denom: 'ulume', amount: '10' },
      maxActionsPerBlock: 10n, minSuperNodes: 3n, maxDdAndFingerprints: 50n, maxRaptorQSymbols: 4294967297n,
      expirationDuration: { seconds: 86400n }, minProcessingTime: { seconds: 60n, nanos: 5 },
      maxProcessingTime: { seconds: 3600n }, superNodeFeeShare: '1.0', foundationFeeShare: '0.0',
      svcChallengeCount: 8, svcMinChunksForChallenge: 4,
    },
  }, hex('0a 03', ascii('gov'), '12 48', params)); // params len 72
});

test('golden: lumera.action.v1.CascadeMetadata with every field set', () => {
  assertGolden('CascadeMetadata', CascadeMetadata, {
    dataHash: 'dh', fileName: 'f.bin', rqIdsIc: 4294967297n, rqIdsMax: 50n, rqIdsIds: ['i1', 'i2'], signatures: 's.g',
    public: true,
    availabilityCommitment: {
      commitmentType: 'm', hashAlgo: HashAlgo.HASH_ALGO_BLAKE3, chunkSize: 262144, totalSize: 34359738368n, numChunks: 3,
      root: Uint8Array.of(0xaa, 0xbb), challengeIndices: [0, 2, 300],
    },
    chunkProofs: [{ chunkIndex: 2, leafHash: Uint8Array.of(0xcc), pathHashes: [Uint8Array.of(0xdd), Uint8Array.of(0xee)], pathDirections: [true, false] }],
    indexArtifactCount: 50, symbolArtifactCount: 1000,
  }, hex(
    '0a 02', ascii('dh'), //            1 data_hash
    '12 05', ascii('f.bin'), //         2 file_name
    '18', U64_2P32_PLUS_1, //           3 rq_ids_ic
    '20 32', //                         4 rq_ids_max = 50
    '2a 02', ascii('i1'), '2a 02', ascii('i2'), // 5 rq_ids_ids
    '32 03', ascii('s.g'), //           6 signatures
    '38 01', //                         7 public
    '42 1c', //                         8 availability_commitment, len 28:
    '  0a 01', ascii('m'), //             1 commitment_type
    '  10 01', //                         2 hash_algo = BLAKE3
    '  18 80 80 10', //                   3 chunk_size = 262144 (2^18)
    '  20', U64_2P35, //                  4 total_size = 2^35
    '  28 03', //                         5 num_chunks
    '  32 02 aa bb', //                   6 root
    '  3a 04 00 02 ac 02', //             7 challenge_indices packed: 0, 2, 300
    '4a 0f', //                         9 chunk_proofs[0], len 15:
    '  08 02', //                         1 chunk_index
    '  12 01 cc', //                      2 leaf_hash
    '  1a 01 dd 1a 01 ee', //             3 path_hashes (repeated bytes, never packed)
    '  22 02 01 00', //                   4 path_directions packed bools
    '50 32', //                        10 index_artifact_count = 50
    '58 e8 07', //                     11 symbol_artifact_count = 1000
  ));
});

test('golden: lumera.supernode.v1 registry Msgs', () => {
  assertGolden('MsgRegisterSupernode', MsgRegisterSupernode, {
    creator: 'c1', validatorAddress: 'v1', ipAddress: '1.2.3.4', supernodeAccount: 'sn-alpha', p2pPort: '4445',
  }, hex(
    '0a 02', ascii('c1'), '12 02', ascii('v1'), '1a 07', ascii('1.2.3.4'), '22 08', ascii('sn-alpha'),
    '2a 04', ascii('4445'), //          5 p2p_port
  ));
  assertGolden('MsgUpdateSupernode', MsgUpdateSupernode, {
    creator: 'c1', validatorAddress: 'v1', ipAddress: 'h:9', note: 'n', supernodeAccount: 'sn-beta', p2pPort: '1',
  }, hex(
    '0a 02', ascii('c1'), '12 02', ascii('v1'), '1a 03', ascii('h:9'),
    '22 01', ascii('n'), //             4 note
    '2a 07', ascii('sn-beta'), //       5 supernodeAccount
    '32 01', ascii('1'), //             6 p2p_port
  ));
  const pair = hex('0a 02', ascii('c1'), '12 02', ascii('v1'));
  assertGolden('MsgDeregisterSupernode', MsgDeregisterSupernode, { creator: 'c1', validatorAddress: 'v1' }, pair);
  assertGolden('MsgStartSupernode', MsgStartSupernode, { creator: 'c1', validatorAddress: 'v1' }, pair);
  assertGolden('MsgStopSupernode', MsgStopSupernode, { creator: 'c1', validatorAddress: 'v1', reason: 'r' }, hex(
    pair, '1a 01', ascii('r'), //       3 reason
  ));
});

test('golden: lumera.supernode.v1.MsgReportSupernodeMetrics and its response', () => {
  assertGolden('MsgReportSupernodeMetrics', MsgReportSupernodeMetrics, {
    validatorAddress: 'v1', supernodeAccount: 'sn-alpha',
    metrics: {
      versionMajor: 2, versionMinor: 3, versionPatch: 4, cpuCoresTotal: 12.5, cpuUsagePercent: 50.25, memTotalGb: 75,
      memUsagePercent: 1048576, memFreeGb: 12.5, diskTotalGb: 50.25, diskUsagePercent: 75, diskFreeGb: 1048576,
      uptimeSeconds: 12.5, peersCount: 300,
      openPorts: [{ port: 4444, state: SupernodePortState.PORT_STATE_OPEN }], cascadeKademliaDbBytes: 50.25,
    },
  }, hex(
    '0a 02', ascii('v1'), //            1 validator_address
    '12 08', ascii('sn-alpha'), //      2 supernode_account
    '1a 6a', //                         3 metrics, len 106:
    '  08 02 10 03 18 04', //             1..3 version major/minor/patch
    '  21', F64_12_5, //                  4 cpu_cores_total (fixed64)
    '  29', F64_50_25, //                 5 cpu_usage_percent
    '  31', F64_75, //                    6 mem_total_gb
    '  39', F64_2P20, //                  7 mem_usage_percent
    '  41', F64_12_5, //                  8 mem_free_gb
    '  49', F64_50_25, //                 9 disk_total_gb
    '  51', F64_75, //                   10 disk_usage_percent
    '  59', F64_2P20, //                 11 disk_free_gb
    '  61', F64_12_5, //                 12 uptime_seconds
    '  68 ac 02', //                     13 peers_count = 300
    '  72 05 08 dc 22 10 01', //         14 open_ports[0] PortStatus{port 4444, state OPEN}
    '  79', F64_50_25, //                15 cascade_kademlia_db_bytes
  ));
  assertGolden('MsgReportSupernodeMetricsResponse', MsgReportSupernodeMetricsResponse, { compliant: true, issues: ['a', 'b'] }, hex(
    '08 01', '12 01', ascii('a'), '12 01', ascii('b'),
  ));
});

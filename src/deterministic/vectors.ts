/**
 * Vector handlers for the derivation library: one per function name of spec 01 Appendix D. Inputs are
 * parsed strictly (see input.ts); a malformed vector input is reported as a FAIL naming the field — it
 * never counts as the "call failed" an `{"error": true}` vector expects.
 */
import type { VectorHandler, VectorHandlers } from '../vectors/runner.js';
import { InvalidArgumentError } from '../util/errors.js';
import { artifactClassDomain, bucketDomain } from './constants.js';
import { storageTruthAssignmentHash } from './hash.js';
import { commitStringList, epochAtHeight, epochByID, epochSeed, supernodeEpochID, type EpochBounds } from './epoch.js';
import {
  assignChallengerTargets,
  assignChallengerTargetsWithCandidates,
  pairChallengerToTarget,
  selectLEP6Targets,
  targetCount,
} from './targets.js';
import { chainAssignedTargets } from './chain-assignment.js';
import { classifyTicketBucket } from './buckets.js';
import { selectTicketForBucket } from './tickets.js';
import { selectArtifactClass, selectArtifactOrdinal } from './class-roll.js';
import { resolveArtifactCount, resolveArtifactKey, resolveArtifactSize } from './artifacts.js';
import { computeCompoundChallengeHash, computeMultiRangeOffsets, effectiveRangeLen } from './ranges.js';
import { compoundChallengeID, derivationInputHash, transcriptHash } from './transcript.js';
import { runPipelineVector, PIPELINE_INPUT_KEYS } from './pipeline-vector.js';
import {
  bucketName,
  className,
  field,
  parseBucket,
  parseClassField,
  parseHex,
  parseInt64,
  parseMeta,
  parseMode,
  parseSmallInt,
  parseString,
  parseStringList,
  parseUint32,
  parseUint64,
  parseUint64List,
  rejectUnknownKeys,
  type JsonObject,
} from './input.js';

/** Wraps a handler: checks the input keys, and turns input-parsing errors into a non-error FAIL value. */
function handler(name: string, keys: readonly string[], fn: (i: JsonObject) => unknown): VectorHandler {
  return (inputs) => {
    try {
      rejectUnknownKeys(inputs, keys, name);
      return fn(inputs);
    } catch (err) {
      if (err instanceof InvalidArgumentError) return { malformed_vector_input: err.message };
      throw err;
    }
  };
}

const seedOf = (i: JsonObject): Uint8Array => parseHex(field(i, 'seed_hex'), 'seed_hex');
const str = (i: JsonObject, k: string): string => parseString(field(i, k), k);
const list = (i: JsonObject, k: string): string[] => parseStringList(field(i, k), k);
const optList = (i: JsonObject, k: string): string[] => (Object.hasOwn(i, k) && i[k] !== null ? parseStringList(i[k], k) : []);

function epochJson(b: EpochBounds): Record<string, string> {
  return { epoch_id: b.epochId.toString(), start_height: b.startHeight.toString(), end_height: b.endHeight.toString() };
}

const EPOCH_KEYS = ['epoch_zero_height', 'epoch_length_blocks'];
const epochParams = (i: JsonObject): [bigint, bigint] => [
  parseUint64(field(i, 'epoch_zero_height'), 'epoch_zero_height'),
  parseUint64(field(i, 'epoch_length_blocks'), 'epoch_length_blocks'),
];

export const deterministicVectorHandlers: VectorHandlers = {
  StorageTruthAssignmentHash: handler('StorageTruthAssignmentHash', ['seed_hex', 'parts'], (i) =>
    storageTruthAssignmentHash(seedOf(i), list(i, 'parts')),
  ),
  TargetCount: handler('TargetCount', ['n', 'divisor'], (i) =>
    targetCount(parseUint32(field(i, 'n'), 'n'), parseUint32(field(i, 'divisor'), 'divisor')),
  ),
  SelectLEP6Targets: handler('SelectLEP6Targets', ['seed_hex', 'active', 'divisor'], (i) =>
    selectLEP6Targets(list(i, 'active'), seedOf(i), parseUint32(field(i, 'divisor'), 'divisor')),
  ),
  PairChallengerToTarget: handler('PairChallengerToTarget', ['seed_hex', 'challenger', 'targets', 'assigned'], (i) =>
    pairChallengerToTarget(str(i, 'challenger'), list(i, 'targets'), seedOf(i), optList(i, 'assigned')),
  ),
  AssignChallengerTargets: handler('AssignChallengerTargets', ['seed_hex', 'active', 'targets'], (i) =>
    assignChallengerTargets(list(i, 'active'), list(i, 'targets'), seedOf(i)),
  ),
  AssignChallengerTargetsWithCandidates: handler(
    'AssignChallengerTargetsWithCandidates',
    ['seed_hex', 'active', 'selected', 'candidates'],
    (i) => assignChallengerTargetsWithCandidates(list(i, 'active'), list(i, 'selected'), list(i, 'candidates'), seedOf(i)),
  ),
  ChainAssignedTargets: handler(
    'ChainAssignedTargets',
    [
      'seed_hex',
      'mode',
      'divisor',
      'peer_quorum_reports',
      'min_probe_targets_per_epoch',
      'max_probe_targets_per_epoch',
      'eligible_challengers',
      'anchor_targets',
      'reporter',
    ],
    (i) => {
      const opt = (k: string): number | undefined => (Object.hasOwn(i, k) ? parseUint32(i[k], k) : undefined);
      const r = chainAssignedTargets({
        seed: seedOf(i),
        eligibleChallengers: list(i, 'eligible_challengers'),
        anchorTargets: list(i, 'anchor_targets'),
        reporter: str(i, 'reporter'),
        params: {
          mode: parseMode(field(i, 'mode')),
          challengeTargetDivisor: opt('divisor'),
          peerQuorumReports: opt('peer_quorum_reports'),
          minProbeTargetsPerEpoch: opt('min_probe_targets_per_epoch'),
          maxProbeTargetsPerEpoch: opt('max_probe_targets_per_epoch'),
        },
      });
      return { targets: r.targets, is_prober: r.isProber };
    },
  ),
  ClassifyTicketBucket: handler(
    'ClassifyTicketBucket',
    ['current_height', 'anchor_height', 'recent_max_blocks', 'old_min_blocks'],
    (i) =>
      bucketName(
        classifyTicketBucket(
          parseInt64(field(i, 'current_height'), 'current_height'),
          parseInt64(field(i, 'anchor_height'), 'anchor_height'),
          parseUint64(field(i, 'recent_max_blocks'), 'recent_max_blocks'),
          parseUint64(field(i, 'old_min_blocks'), 'old_min_blocks'),
        ),
      ),
  ),
  SelectTicketForBucket: handler('SelectTicketForBucket', ['seed_hex', 'target', 'bucket', 'tickets', 'excluded'], (i) =>
    selectTicketForBucket(list(i, 'tickets'), optList(i, 'excluded'), seedOf(i), str(i, 'target'), parseBucket(field(i, 'bucket'))),
  ),
  SelectArtifactClass: handler('SelectArtifactClass', ['seed_hex', 'target', 'ticket_id', 'index_count', 'symbol_count'], (i) =>
    className(
      selectArtifactClass(
        seedOf(i),
        str(i, 'target'),
        str(i, 'ticket_id'),
        parseUint32(field(i, 'index_count'), 'index_count'),
        parseUint32(field(i, 'symbol_count'), 'symbol_count'),
      ),
    ),
  ),
  SelectArtifactOrdinal: handler('SelectArtifactOrdinal', ['seed_hex', 'target', 'ticket_id', 'class', 'class_value', 'count'], (i) =>
    selectArtifactOrdinal(seedOf(i), str(i, 'target'), str(i, 'ticket_id'), parseClassField(i), parseUint32(field(i, 'count'), 'count')),
  ),
  ComputeMultiRangeOffsets: handler(
    'ComputeMultiRangeOffsets',
    ['seed_hex', 'target', 'ticket_id', 'class', 'class_value', 'ordinal', 'artifact_size', 'range_len', 'k'],
    (i) =>
      computeMultiRangeOffsets(
        seedOf(i),
        str(i, 'target'),
        str(i, 'ticket_id'),
        parseClassField(i),
        parseUint32(field(i, 'ordinal'), 'ordinal'),
        parseUint64(field(i, 'artifact_size'), 'artifact_size'),
        parseUint64(field(i, 'range_len'), 'range_len'),
        parseSmallInt(field(i, 'k'), 'k'),
      ),
  ),
  ComputeCompoundChallengeHash: handler('ComputeCompoundChallengeHash', ['data_hex', 'offsets', 'range_len'], (i) =>
    computeCompoundChallengeHash(
      parseHex(field(i, 'data_hex'), 'data_hex'),
      parseUint64List(field(i, 'offsets'), 'offsets'),
      parseUint64(field(i, 'range_len'), 'range_len'),
    ),
  ),
  DerivationInputHash: handler(
    'DerivationInputHash',
    ['seed_hex', 'target', 'ticket_id', 'class', 'class_value', 'ordinal', 'offsets', 'range_len'],
    (i) =>
      derivationInputHash(
        seedOf(i),
        str(i, 'target'),
        str(i, 'ticket_id'),
        parseClassField(i),
        parseUint32(field(i, 'ordinal'), 'ordinal'),
        parseUint64List(field(i, 'offsets'), 'offsets'),
        parseUint64(field(i, 'range_len'), 'range_len'),
      ),
  ),
  TranscriptHash: handler(
    'TranscriptHash',
    [
      'epoch_id',
      'challenger',
      'target',
      'ticket_id',
      'bucket',
      'class',
      'class_value',
      'ordinal',
      'artifact_key',
      'derivation_input_hash',
      'compound_proof_hash_hex',
      'observers',
    ],
    (i) =>
      transcriptHash({
        epochId: parseUint64(field(i, 'epoch_id'), 'epoch_id'),
        challenger: str(i, 'challenger'),
        target: str(i, 'target'),
        ticketId: str(i, 'ticket_id'),
        bucket: parseBucket(field(i, 'bucket')),
        artifactClass: parseClassField(i),
        ordinal: parseUint32(field(i, 'ordinal'), 'ordinal'),
        artifactKey: str(i, 'artifact_key'),
        derivationInputHash: str(i, 'derivation_input_hash'),
        compoundProofHashHex: str(i, 'compound_proof_hash_hex'),
        observers: optList(i, 'observers'),
      }),
  ),
  CompoundChallengeID: handler('CompoundChallengeID', ['seed_hex', 'epoch_id', 'target', 'ticket_id', 'class', 'class_value', 'ordinal'], (i) =>
    compoundChallengeID(
      seedOf(i),
      parseUint64(field(i, 'epoch_id'), 'epoch_id'),
      str(i, 'target'),
      str(i, 'ticket_id'),
      parseClassField(i),
      parseUint32(field(i, 'ordinal'), 'ordinal'),
    ),
  ),
  EpochAtHeight: handler('EpochAtHeight', ['height', ...EPOCH_KEYS], (i) =>
    epochJson(epochAtHeight(parseInt64(field(i, 'height'), 'height'), ...epochParams(i))),
  ),
  EpochByID: handler('EpochByID', ['epoch_id', ...EPOCH_KEYS], (i) =>
    epochJson(epochByID(parseUint64(field(i, 'epoch_id'), 'epoch_id'), ...epochParams(i))),
  ),
  SupernodeEpochID: handler('SupernodeEpochID', ['height', ...EPOCH_KEYS], (i) => {
    const id = supernodeEpochID(parseInt64(field(i, 'height'), 'height'), ...epochParams(i));
    return id === null ? null : id.toString();
  }),
  EpochSeed: handler('EpochSeed', ['header_hash_hex', 'epoch_id', 'epoch_start_height'], (i) =>
    epochSeed(
      parseHex(field(i, 'header_hash_hex'), 'header_hash_hex'),
      parseUint64(field(i, 'epoch_id'), 'epoch_id'),
      parseUint64(field(i, 'epoch_start_height'), 'epoch_start_height'),
    ),
  ),
  CommitStringList: handler('CommitStringList', ['accounts'], (i) => commitStringList(list(i, 'accounts'))),
  ArtifactClassDomain: handler('ArtifactClassDomain', ['class', 'class_value'], (i) => artifactClassDomain(parseClassField(i))),
  BucketDomain: handler('BucketDomain', ['bucket', 'bucket_value'], (i) =>
    bucketDomain(Object.hasOwn(i, 'bucket_value') ? parseSmallInt(i.bucket_value, 'bucket_value') : parseBucket(field(i, 'bucket'))),
  ),
  ResolveArtifactCount: handler('ResolveArtifactCount', ['meta', 'class', 'class_value'], (i) =>
    resolveArtifactCount(i.meta === null ? null : parseMeta(field(i, 'meta')), parseClassField(i)),
  ),
  ResolveArtifactKey: handler('ResolveArtifactKey', ['meta', 'class', 'class_value', 'ordinal'], (i) =>
    resolveArtifactKey(i.meta === null ? null : parseMeta(field(i, 'meta')), parseClassField(i), parseUint32(field(i, 'ordinal'), 'ordinal')),
  ),
  ResolveArtifactSize: handler('ResolveArtifactSize', ['file_size_kbs', 'meta', 'class', 'class_value', 'ordinal'], (i) =>
    resolveArtifactSize(
      parseInt64(field(i, 'file_size_kbs'), 'file_size_kbs'),
      i.meta === null ? null : parseMeta(field(i, 'meta')),
      parseClassField(i),
      parseUint32(field(i, 'ordinal'), 'ordinal'),
    ),
  ),
  EffectiveRangeLen: handler('EffectiveRangeLen', ['chain_range_len_bytes', 'artifact_size'], (i) =>
    effectiveRangeLen(parseUint64(field(i, 'chain_range_len_bytes'), 'chain_range_len_bytes'), parseUint64(field(i, 'artifact_size'), 'artifact_size')),
  ),
  Pipeline: handler('Pipeline', PIPELINE_INPUT_KEYS, (i) => runPipelineVector(i)),
};

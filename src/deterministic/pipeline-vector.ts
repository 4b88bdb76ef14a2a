/**
 * The `Pipeline` vector function (spec 01 Appendix D): one challenger run for one target over RECENT
 * then OLD with given counts, artefact bytes and a key pattern, returning every intermediate value.
 * The shared file has no Pipeline vectors yet; this shape is ours and documented here:
 *
 * inputs: seed_hex, epoch_id, challenger, target, current_height, recent_max_blocks, old_min_blocks,
 *   tickets [{ticket_id, anchor_height}], excluded? [ids], index_count, symbol_count,
 *   data_hex (the artefact bytes every key resolves to), artifact_size? (default: data length),
 *   range_len_bytes, ranges_per_artifact (chain params, 0 = default),
 *   key_pattern (text with {ticket}, {class}, {ordinal} placeholders)
 * expected: { RECENT: row, OLD: row }, row = { pool, ticket_id, class, ordinal, artifact_count,
 *   artifact_key, artifact_size, range_len, k, offsets, ranges [[start, end]], derivation_input_hash,
 *   challenge_id, compound_proof_hash_hex, result_class, transcript_hash } or, for NO_ELIGIBLE_TICKET,
 *   { pool, result_class, reason, selected_ticket_id, transcript_hash }.
 */
import { InvalidArgumentError } from '../util/errors.js';
import { StorageProofBucketType } from './constants.js';
import { classifyTicketBucket } from './buckets.js';
import { computeCompoundChallengeHash } from './ranges.js';
import { challengeTranscriptHash, noEligibleTranscriptHash, planBucketChallenge } from './pipeline.js';
import {
  className,
  field,
  parseHex,
  parseInt64,
  parseString,
  parseStringList,
  parseUint32,
  parseUint64,
  rejectUnknownKeys,
  type JsonObject,
} from './input.js';

export const PIPELINE_INPUT_KEYS = [
  'seed_hex',
  'epoch_id',
  'challenger',
  'target',
  'current_height',
  'recent_max_blocks',
  'old_min_blocks',
  'tickets',
  'excluded',
  'index_count',
  'symbol_count',
  'data_hex',
  'artifact_size',
  'range_len_bytes',
  'ranges_per_artifact',
  'key_pattern',
] as const;

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function runPipelineVector(i: JsonObject): Record<string, unknown> {
  const seed = parseHex(field(i, 'seed_hex'), 'seed_hex');
  const epochId = parseUint64(field(i, 'epoch_id'), 'epoch_id');
  const challenger = parseString(field(i, 'challenger'), 'challenger');
  const target = parseString(field(i, 'target'), 'target');
  const current = parseInt64(field(i, 'current_height'), 'current_height');
  const recentMax = parseUint64(field(i, 'recent_max_blocks'), 'recent_max_blocks');
  const oldMin = parseUint64(field(i, 'old_min_blocks'), 'old_min_blocks');
  const rawTickets = field(i, 'tickets');
  if (!Array.isArray(rawTickets)) throw new InvalidArgumentError('tickets', 'must be an array of {ticket_id, anchor_height}');
  const tickets = rawTickets.map((t: unknown, n) => {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new InvalidArgumentError(`tickets[${n}]`, 'must be an object');
    rejectUnknownKeys(t as JsonObject, ['ticket_id', 'anchor_height'], `tickets[${n}]`);
    return {
      id: parseString(field(t as JsonObject, 'ticket_id'), `tickets[${n}].ticket_id`),
      anchorHeight: parseInt64(field(t as JsonObject, 'anchor_height'), `tickets[${n}].anchor_height`),
    };
  });
  const excluded = Object.hasOwn(i, 'excluded') ? parseStringList(i.excluded, 'excluded') : [];
  const counts = { index: parseUint32(field(i, 'index_count'), 'index_count'), symbol: parseUint32(field(i, 'symbol_count'), 'symbol_count') };
  const data = parseHex(field(i, 'data_hex'), 'data_hex');
  const size = Object.hasOwn(i, 'artifact_size') ? parseUint64(i.artifact_size, 'artifact_size') : BigInt(data.length);
  const chainRangeLenBytes = parseUint64(field(i, 'range_len_bytes'), 'range_len_bytes');
  const chainRangesPerArtifact = parseUint32(field(i, 'ranges_per_artifact'), 'ranges_per_artifact');
  const keyPattern = parseString(field(i, 'key_pattern'), 'key_pattern');

  const out: Record<string, unknown> = {};
  for (const bucket of [StorageProofBucketType.RECENT, StorageProofBucketType.OLD]) {
    const pool = tickets.filter((t) => classifyTicketBucket(current, t.anchorHeight, recentMax, oldMin) === bucket).map((t) => t.id);
    const plan = planBucketChallenge({
      seed,
      epochId,
      target,
      bucket,
      pool,
      excluded,
      artifactCounts: () => counts,
      resolveKey: (ticket, cls, ordinal) =>
        keyPattern.replaceAll('{ticket}', ticket).replaceAll('{class}', className(cls)).replaceAll('{ordinal}', String(ordinal)),
      resolveSize: () => size,
      chainRangeLenBytes,
      chainRangesPerArtifact,
    });
    const name = StorageProofBucketType[bucket];
    if (plan.kind === 'no-eligible') {
      out[name] = {
        pool,
        result_class: 'NO_ELIGIBLE_TICKET',
        reason: plan.reason,
        selected_ticket_id: plan.selectedTicketId,
        transcript_hash: noEligibleTranscriptHash(epochId, challenger, target, bucket),
      };
      continue;
    }
    let proofHex = '';
    let resultClass = 'PASS';
    try {
      proofHex = hex(computeCompoundChallengeHash(data, plan.offsets, plan.rangeLen));
    } catch {
      resultClass = 'INVALID_TRANSCRIPT';
    }
    out[name] = {
      pool,
      ticket_id: plan.ticketId,
      class: className(plan.artifactClass),
      ordinal: plan.ordinal,
      artifact_count: plan.artifactCount,
      artifact_key: plan.artifactKey,
      artifact_size: plan.artifactSize.toString(),
      range_len: plan.rangeLen.toString(),
      k: plan.k,
      offsets: plan.offsets.map(String),
      ranges: plan.ranges.map((r) => [r.start.toString(), r.end.toString()]),
      derivation_input_hash: plan.derivationInputHash,
      challenge_id: plan.challengeId,
      compound_proof_hash_hex: proofHex,
      result_class: resultClass,
      transcript_hash: challengeTranscriptHash(plan, epochId, challenger, target, bucket, proofHex),
    };
  }
  return out;
}

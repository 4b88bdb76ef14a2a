/**
 * Storage-proof result checks of MsgSubmitEpochReport: structure (spec 03 §3.2, step 17) and artifact
 * counts / NO_ELIGIBLE_TICKET history (§3.3, step 18). All texts end in ": invalid storage proof results"
 * (code 9) unless stated.
 */
import { goQuote } from '../types.js';
import type { AuditEnv } from './env.js';
import { inWindow } from './epochs.js';
import { ArtifactClass, Bucket, BUCKET_NAMES, enumName, ResultClass } from './enums.js';
import { AuditErr, wrap } from './errors.js';
import type { AuditParams } from './params.js';
import { key, tGet, tValues } from './table.js';
import type { StorageProofResult } from './types.js';

function bad(context: string) {
  return wrap(AuditErr.InvalidStorageProofs, context);
}

export function validateProofStructure(
  creator: string,
  results: (StorageProofResult | undefined)[],
  targets: string[],
  isProber: boolean,
  full: boolean,
): void {
  if (results.length === 0) {
    if (full && isProber && targets.length > 0) {
      throw bad('storage_proof_results must include RECENT and OLD entries for every assigned target');
    }
    return;
  }
  if (!isProber) throw wrap(AuditErr.InvalidReporterState, 'reporter not eligible for storage proof results in this epoch');
  const assigned = new Set(targets);
  const descriptors = new Set<string>();
  results.forEach((r, i) => {
    const F = `storage_proof_results[${i}]`;
    if (r === undefined || r === null) throw bad(`${F} must not be nil`);
    if (r.targetSupernodeAccount === '') throw bad(`${F}.target_supernode_account is required`);
    if (r.challengerSupernodeAccount === '') throw bad(`${F}.challenger_supernode_account is required`);
    if (r.challengerSupernodeAccount !== creator) throw bad(`${F}.challenger_supernode_account must match report creator`);
    if (r.targetSupernodeAccount === creator) throw bad(`${F} must not target the reporter`);
    if (!assigned.has(r.targetSupernodeAccount)) {
      throw bad(`${F}.target_supernode_account ${goQuote(r.targetSupernodeAccount)} is not assigned to reporter in this epoch`);
    }
    if (r.transcriptHash === '') throw bad(`${F}.transcript_hash is required`);
    if (r.bucketType < Bucket.RECENT || r.bucketType > Bucket.RECHECK) throw bad(`${F}.bucket_type is invalid`);
    if (r.resultClass < ResultClass.PASS || r.resultClass > ResultClass.RECHECK_CONFIRMED_FAIL) throw bad(`${F}.result_class is invalid`);
    if (r.resultClass === ResultClass.NO_ELIGIBLE_TICKET) {
      if (r.bucketType !== Bucket.RECENT && r.bucketType !== Bucket.OLD) {
        throw bad(`${F}.result_class NO_ELIGIBLE_TICKET is only valid for RECENT or OLD buckets`);
      }
      if (r.ticketId !== '') throw bad(`${F}.ticket_id must be empty for NO_ELIGIBLE_TICKET`);
      if (r.artifactClass !== ArtifactClass.UNSPECIFIED) throw bad(`${F}.artifact_class must be UNSPECIFIED for NO_ELIGIBLE_TICKET`);
      if (r.artifactOrdinal !== 0) throw bad(`${F}.artifact_ordinal must be 0 for NO_ELIGIBLE_TICKET`);
      if (r.artifactKey !== '') throw bad(`${F}.artifact_key must be empty for NO_ELIGIBLE_TICKET`);
    } else {
      if (r.ticketId === '') throw bad(`${F}.ticket_id is required`);
      if (r.artifactCount <= 0) throw bad(`${F}.artifact_count must be > 0`);
      if (r.artifactOrdinal >= r.artifactCount) throw bad(`${F}.artifact_ordinal must be < artifact_count`);
      if (r.derivationInputHash === '') throw bad(`${F}.derivation_input_hash is required`);
      if (r.challengerSignature === '') throw bad(`${F}.challenger_signature is required`);
      if (r.artifactClass !== ArtifactClass.INDEX && r.artifactClass !== ArtifactClass.SYMBOL) throw bad(`${F}.artifact_class is invalid`);
      if (r.artifactKey === '') throw bad(`${F}.artifact_key is required`);
    }
    if (r.resultClass === ResultClass.RECHECK_CONFIRMED_FAIL && r.bucketType !== Bucket.RECHECK) {
      throw bad(`${F}.result_class RECHECK_CONFIRMED_FAIL requires RECHECK bucket`);
    }
    const d = key(r.targetSupernodeAccount, r.bucketType, r.ticketId, r.artifactClass, r.artifactOrdinal);
    if (descriptors.has(d)) throw bad(`${F} duplicates another storage proof result descriptor`);
    descriptors.add(d);
  });
  if (full && isProber) checkFullCoverage(results as StorageProofResult[], targets);
}

/** Rule 3.2.4: exactly one RECENT and one OLD result per assigned target (PROBATION/RECHECK ignored). */
function checkFullCoverage(results: StorageProofResult[], targets: string[]): void {
  const assigned = new Set(targets);
  const recent = new Set<string>();
  const old = new Set<string>();
  results.forEach((r, i) => {
    if (!assigned.has(r.targetSupernodeAccount)) return;
    const F = `storage_proof_results[${i}]`;
    if (r.bucketType === Bucket.RECENT) {
      if (recent.has(r.targetSupernodeAccount)) throw bad(`${F} duplicates RECENT storage proof for assigned target`);
      recent.add(r.targetSupernodeAccount);
    } else if (r.bucketType === Bucket.OLD) {
      if (old.has(r.targetSupernodeAccount)) throw bad(`${F} duplicates OLD storage proof for assigned target`);
      old.add(r.targetSupernodeAccount);
    }
  });
  for (const t of targets) {
    if (!recent.has(t) || !old.has(t)) throw bad(`assigned target ${goQuote(t)} must have exactly one RECENT and one OLD storage proof result`);
  }
}

/** NO_ELIGIBLE history window in epochs: ceil(recent_max_blocks / L) for RECENT, old class-A window for OLD. */
function noEligibleWindow(snap: AuditParams, bucket: number): bigint {
  if (bucket === Bucket.RECENT) {
    const l = snap.epochLengthBlocks;
    return (snap.storageTruthRecentBucketMaxBlocks + l - 1n) / l;
  }
  return BigInt(snap.storageTruthOldClassAFaultWindow);
}

/**
 * Step 18. Returns the tickets without anchored counts (each gets a
 * `storage_truth_artifact_count_unanchored` event once the report is accepted).
 */
export function validateProofArtifacts(env: Pick<AuditEnv, 'state'>, e: bigint, snap: AuditParams, results: StorageProofResult[]): string[] {
  const unanchored: string[] = [];
  results.forEach((r, i) => {
    const F = `storage_proof_results[${i}]`;
    if (r.resultClass === ResultClass.NO_ELIGIBLE_TICKET) {
      const w = noEligibleWindow(snap, r.bucketType);
      for (const t of tValues(env.state.transcripts)) {
        if (
          t.target === r.targetSupernodeAccount &&
          t.bucketType === r.bucketType &&
          t.ticketId !== '' &&
          t.resultClass !== ResultClass.NO_ELIGIBLE_TICKET &&
          inWindow(t.epochId, e, w)
        ) {
          throw bad(
            `${F} NO_ELIGIBLE_TICKET conflicts with recently observed eligible ticket history for target ${goQuote(r.targetSupernodeAccount)} bucket ${enumName(BUCKET_NAMES, r.bucketType)}`,
          );
        }
      }
      return;
    }
    const counts = tGet(env.state.ticketArtifactCounts, r.ticketId);
    const isIndex = r.artifactClass === ArtifactClass.INDEX;
    const canonical = counts === undefined ? 0 : isIndex ? counts.indexArtifactCount : counts.symbolArtifactCount;
    if (canonical === 0) {
      unanchored.push(r.ticketId);
      return;
    }
    if (r.artifactCount !== canonical) {
      throw wrap(
        AuditErr.TicketArtifactMismatch,
        `${F} ${isIndex ? 'index' : 'symbol'} artifact_count ${r.artifactCount} does not match canonical count ${canonical} for ticket ${goQuote(r.ticketId)}`,
      );
    }
  });
  return unanchored;
}

/**
 * MsgSubmitStorageRecheckEvidence (spec 03 §5): validation in the chain's order (code 10 unless noted)
 * and its effects — transcript linking, synthetic RECHECK record, scoring at the current epoch and the
 * original reporter's overturn / confirm adjustment.
 */
import { goQuote } from '../types.js';
import { event, type AuditEnv } from './env.js';
import { ArtifactClass, Bucket, EnforcementMode, enumName, RESULT_CLASS_NAMES, ResultClass } from './enums.js';
import { AuditErr, wrap } from './errors.js';
import { epochAt, getAnchor } from './epochs.js';
import { adjustReliability } from './rows.js';
import { scoreResult } from './scoring.js';
import { key, tGet, tHas, tSet } from './table.js';
import type { MsgSubmitStorageRecheckEvidence } from './types.js';

const OVERTURN_PENALTY = 25n;
const CONFIRM_CREDIT = -3n;

const bad = (context: string) => wrap(AuditErr.InvalidRecheckEvidence, context);

const RECHECK_CLASSES = new Set<number>([
  ResultClass.PASS,
  ResultClass.HASH_MISMATCH,
  ResultClass.TIMEOUT_OR_NO_RESPONSE,
  ResultClass.OBSERVER_QUORUM_FAIL,
  ResultClass.INVALID_TRANSCRIPT,
  ResultClass.RECHECK_CONFIRMED_FAIL,
]);

export function submitRecheckEvidence(env: AuditEnv, msg: MsgSubmitStorageRecheckEvidence | undefined): void {
  if (msg === undefined) throw wrap(AuditErr.InvalidSigner, 'empty request');
  if (msg.creator === '') throw wrap(AuditErr.InvalidSigner, 'creator is required');
  if (msg.challengedSupernodeAccount === '') throw bad('challenged_supernode_account is required');
  if (msg.challengedSupernodeAccount === msg.creator) throw bad('challenged_supernode_account must not equal creator');
  if (msg.ticketId === '') throw bad('ticket_id is required');
  if (msg.challengedResultTranscriptHash === '') throw bad('challenged_result_transcript_hash is required');
  if (msg.recheckTranscriptHash === '') throw bad('recheck_transcript_hash is required');
  if (getAnchor(env, msg.epochId) === undefined) throw wrap(AuditErr.InvalidEpochId, `epoch anchor not found for epoch_id ${msg.epochId}`);
  if (env.supernodes.getByAccount(msg.creator) === undefined) throw wrap(AuditErr.ReporterNotFound, 'creator is not a registered supernode');
  if (env.supernodes.getByAccount(msg.challengedSupernodeAccount) === undefined) throw bad('challenged_supernode_account is not a registered supernode');
  if (!RECHECK_CLASSES.has(msg.recheckResultClass)) throw bad('recheck_result_class is invalid');
  const rec = tGet(env.state.transcripts, msg.challengedResultTranscriptHash);
  if (rec === undefined) throw bad('challenged_result_transcript_hash does not reference a submitted storage proof result');
  if (rec.epochId !== msg.epochId) throw bad(`challenged result epoch ${rec.epochId} does not match request epoch ${msg.epochId}`);
  if (rec.ticketId !== msg.ticketId) throw bad('challenged result ticket_id does not match request ticket_id');
  if (rec.target !== msg.challengedSupernodeAccount) throw bad('challenged result target does not match challenged_supernode_account');
  if (rec.reporter === msg.creator) throw bad('creator must be independent from the challenged result reporter');
  if (!rec.recheckEligible) throw bad('challenged result class is not recheck-eligible');
  const dedup = key(msg.epochId, msg.ticketId, msg.creator);
  if (tHas(env.state.recheckDedup, dedup)) {
    throw bad(`recheck evidence already submitted for epoch ${msg.epochId} ticket ${goQuote(msg.ticketId)} by ${goQuote(msg.creator)}`);
  }
  if (rec.linkedRecheckHash !== '' && rec.linkedRecheckHash !== msg.recheckTranscriptHash) {
    throw bad(`challenged transcript ${goQuote(msg.challengedResultTranscriptHash)} already linked to recheck transcript ${goQuote(rec.linkedRecheckHash)}`);
  }
  const existing = tGet(env.state.transcripts, msg.recheckTranscriptHash);
  if (existing !== undefined && (existing.rechecksTranscriptHash !== msg.challengedResultTranscriptHash || existing.reporter !== msg.creator)) {
    throw bad(`recheck transcript hash ${goQuote(msg.recheckTranscriptHash)} already recorded for a different challenged transcript or reporter`);
  }

  // Effects (rule 5.2).
  rec.linkedRecheckHash = msg.recheckTranscriptHash;
  tSet(env.state.transcripts, msg.recheckTranscriptHash, {
    ...rec,
    transcriptHash: msg.recheckTranscriptHash,
    reporter: msg.creator,
    bucketType: Bucket.RECHECK,
    resultClass: msg.recheckResultClass,
    recheckEligible: false,
    linkedRecheckHash: '',
    rechecksTranscriptHash: msg.challengedResultTranscriptHash,
    contradicted: false,
    confirmed: false,
  });
  tSet(env.state.recheckDedup, dedup, true);
  const eNow = epochAt(env.state.params, env.height).epochId;
  if (env.state.params.storageTruthEnforcementMode !== EnforcementMode.UNSPECIFIED) {
    scoreResult(env, eNow, msg.creator, {
      ticketId: msg.ticketId,
      target: msg.challengedSupernodeAccount,
      resultClass: msg.recheckResultClass,
      bucketType: Bucket.RECHECK,
      artifactClass: ArtifactClass.UNSPECIFIED,
    });
  }
  const fact = tGet(env.state.reporterResultFacts, key(rec.reporter, rec.epochId, rec.ticketId, rec.target));
  const className = enumName(RESULT_CLASS_NAMES, msg.recheckResultClass);
  if (msg.recheckResultClass === ResultClass.PASS) {
    adjustReliability(env, rec.reporter, eNow, OVERTURN_PENALTY, 1n);
    if (fact !== undefined) fact.overturned = true;
    rec.contradicted = true;
    env.emit(event('storage_truth_score_updated', [['epoch_id', eNow], ['contradicted_reporter', rec.reporter], ['recheck_result_class', className]]));
  } else if (msg.recheckResultClass === ResultClass.RECHECK_CONFIRMED_FAIL) {
    adjustReliability(env, rec.reporter, eNow, CONFIRM_CREDIT);
    if (fact !== undefined) fact.confirmed = true;
    rec.confirmed = true;
  }
  env.emit(
    event('storage_truth_recheck_evidence_submitted', [
      ['epoch_id', msg.epochId],
      ['reporter_supernode_account', msg.creator],
      ['target_supernode_account', msg.challengedSupernodeAccount],
      ['ticket_id', msg.ticketId],
      ['recheck_result_class', className],
    ]),
  );
}

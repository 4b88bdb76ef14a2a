/**
 * Recheck evidence submission (spec 04 §4.5): stage a `pending` row keyed (epoch, ticket), submit, mark
 * `submitted`. A transient failure keeps the pending row (retried later by `resubmitPending`, which the
 * reference lacks — §11.6); the chain's "already submitted" verdict marks it submitted; any other
 * refusal deletes the pending row. Resubmission goes through the same simulate-first tx pipeline, so a
 * recheck the chain already holds (crash after broadcast, before the mark) is recognised at simulation and
 * no second transaction is broadcast.
 */
import { isRecheckEvidenceAlreadySubmitted, isTransient } from '../chain/errors.js';
import { StorageProofResultClass } from '../deterministic/index.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { ChallengeChain } from '../challenge/chain.js';
import type { RecheckEvidenceInput } from '../chain/client.js';
import type { Lep6Metrics } from '../challenge/metrics.js';
import { isAlreadyRecorded } from '../store/lep6-tables.js';
import type { RecheckSubmissionsRepo } from '../store/lep6-recheck.js';
import { validCandidate, validRecheckResultClass, type RecheckCandidate, type RecheckResult } from './types.js';

export type AttestOutcome = 'submitted' | 'stage_dedup' | 'already_submitted';

export class AttestError extends SupernodeError {
  constructor(readonly outcome: 'invalid' | 'stage_error' | 'submit_transient' | 'submit_error', message: string, options?: { cause?: unknown }) {
    super('RECHECK_ATTEST_FAILED', message, { outcome }, options);
  }
}

/** Only what the attestor touches: the submission's local rows. */
export type AttestorStore = Pick<RecheckSubmissionsRepo, 'insertPending' | 'markSubmitted' | 'deletePending'>;

export interface AttestorOptions {
  chain: Pick<ChallengeChain, 'submitStorageRecheckEvidence'>;
  /**
   * Dry-runs the evidence against current chain state (tx simulation) without broadcasting. Used before
   * resubmitting a pending row: if the chain already holds our recheck, the row is marked and nothing is sent.
   */
  simulate?: (input: RecheckEvidenceInput) => Promise<unknown>;
  identity: string;
  store: AttestorStore;
  metrics: Lep6Metrics;
}

function metricKey(cls: number, outcome: string): string {
  return `class=storage_proof_result_class_${(StorageProofResultClass[cls] ?? 'unspecified').toLowerCase()},outcome=${outcome}`;
}

export class RecheckAttestor {
  constructor(private readonly o: AttestorOptions) {}

  async attest(c: RecheckCandidate, r: RecheckResult): Promise<AttestOutcome> {
    if (!validCandidate(c) || c.target === this.o.identity || c.originalReporter === this.o.identity) throw new AttestError('invalid', 'invalid recheck candidate');
    if (r.transcriptHash.trim() === '' || !validRecheckResultClass(r.resultClass)) throw new AttestError('invalid', 'invalid recheck result');
    try {
      this.o.store.insertPending({
        epochId: c.epochId, ticketId: c.ticketId, targetAccount: c.target, challengedTranscriptHash: c.challengedTranscriptHash,
        recheckTranscriptHash: r.transcriptHash, resultClass: r.resultClass,
      });
    } catch (err) {
      if (isAlreadyRecorded(err)) {
        this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(r.resultClass, 'stage_dedup'));
        return 'stage_dedup';
      }
      this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(r.resultClass, 'stage_error'));
      throw new AttestError('stage_error', `stage recheck row: ${errorMessage(err)}`, { cause: err });
    }
    return this.submit(c.epochId, c.target, c.ticketId, c.challengedTranscriptHash, r);
  }

  /**
   * Step 4–5 for a staged row. `reconcile` (the retry path of a pending row left by a crash or a transient
   * failure): dry-run first, so a recheck the chain already holds is marked without a second broadcast.
   */
  async submit(epochId: bigint, target: string, ticketId: string, challengedHash: string, r: RecheckResult, reconcile = false): Promise<AttestOutcome> {
    const input: RecheckEvidenceInput = {
      epochId, challengedSupernodeAccount: target, ticketId, challengedResultTranscriptHash: challengedHash,
      recheckTranscriptHash: r.transcriptHash, recheckResultClass: r.resultClass as number, details: r.details,
    };
    try {
      if (reconcile && this.o.simulate) await this.o.simulate(input);
      await this.o.chain.submitStorageRecheckEvidence(input);
    } catch (err) {
      if (isRecheckEvidenceAlreadySubmitted(err)) {
        this.o.metrics.inc('recheck_evidence_already_submitted_total');
        this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(r.resultClass, 'already_submitted'));
        this.mark(epochId, ticketId, r.resultClass);
        return 'already_submitted';
      }
      if (isTransient(err)) {
        this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(r.resultClass, 'submit_transient'));
        throw new AttestError('submit_transient', `submit recheck evidence (will retry): ${errorMessage(err)}`, { cause: err });
      }
      this.o.store.deletePending(epochId, ticketId);
      this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(r.resultClass, 'submit_error'));
      throw new AttestError('submit_error', `submit recheck evidence: ${errorMessage(err)}`, { cause: err });
    }
    this.mark(epochId, ticketId, r.resultClass);
    return 'submitted';
  }

  private mark(epochId: bigint, ticketId: string, cls: number): void {
    try {
      this.o.store.markSubmitted(epochId, ticketId);
      this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(cls, 'submitted'));
    } catch {
      // The row stays pending; the next tick's resubmission meets "already submitted" and marks it.
      this.o.metrics.inc('recheck_evidence_submitted_total', metricKey(cls, 'mark_error'));
    }
  }
}

/**
 * Repositories for heal claims (§5.1, healer side) and heal verifications (§5.2, verifier side).
 * Claims are deleted only by the finalizer once the chain op is terminal, or while still pending when the
 * op went back to the chain (deadline, reset, foreign or terminal status); verifications that reached the
 * chain are never deleted (the chain keeps asking "already submitted by creator" about them).
 */
import type { Database } from 'better-sqlite3';
import { isAbsolute } from 'node:path';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';
import {
  AlreadyRecordedError, asBigInt, asNumber, asStatus, asText, checkChainId, checkText,
  type Clock, type Lep6RowStatus, type RawRow,
} from './lep6-tables.js';
import { PendingRows } from './lep6-pending-rows.js';

export interface NewHealClaim {
  healOpId: bigint;
  ticketId: string;
  /** base64 BLAKE3-256 of the reconstructed file (= the action's data hash). */
  manifestHash: string;
  /** Absolute staging directory of this op. */
  stagingDir: string;
}

export interface HealClaimRow extends NewHealClaim {
  status: Lep6RowStatus;
  /** Unix seconds of the insert or of the last status change. */
  submittedAt: number;
}

function claimRow(r: RawRow): HealClaimRow {
  return {
    healOpId: asBigInt(r.heal_op_id ?? null),
    ticketId: asText(r.ticket_id ?? null),
    manifestHash: asText(r.manifest_hash ?? null),
    stagingDir: asText(r.staging_dir ?? null),
    status: asStatus(r.status ?? null),
    submittedAt: asNumber(r.submitted_at ?? null),
  };
}

function checkClaim(c: NewHealClaim): void {
  checkChainId('healOpId', c.healOpId);
  checkText('ticketId', c.ticketId);
  checkText('manifestHash', c.manifestHash);
  checkText('stagingDir', c.stagingDir);
  if (!isAbsolute(c.stagingDir)) throw new InvalidArgumentError('stagingDir', `must be an absolute path, got ${JSON.stringify(c.stagingDir)}`);
}

export class HealClaimsRepo {
  private readonly rows: PendingRows<HealClaimRow>;

  constructor(db: Database, clock: Clock = Date.now) {
    this.rows = new PendingRows(db, { table: 'heal_claims_submitted', keyColumns: ['heal_op_id'], dataColumns: ['ticket_id', 'manifest_hash', 'staging_dir'], toRow: claimRow }, clock);
  }

  private write(claim: NewHealClaim, status: Lep6RowStatus): boolean {
    return this.rows.insert([claim.healOpId, claim.ticketId, claim.manifestHash, claim.stagingDir], status);
  }

  /** Stages a claim before submitting it (R3.4.2 step 5). Throws AlreadyRecordedError when the op has a row. */
  insertPending(claim: NewHealClaim): void {
    checkClaim(claim);
    if (!this.write(claim, 'pending')) throw new AlreadyRecordedError('heal_claims_submitted', `heal_op_id=${claim.healOpId}`);
  }

  /**
   * Records a claim the chain already holds with our manifest hash (reconcile, R3.5.2): inserts it as
   * submitted or promotes our pending row. A row with a different manifest hash is refused, not overwritten.
   */
  recordSubmitted(claim: NewHealClaim): 'inserted' | 'promoted' | 'unchanged' {
    checkClaim(claim);
    const existing = this.get(claim.healOpId);
    if (existing === undefined) {
      this.write(claim, 'submitted');
      return 'inserted';
    }
    if (existing.manifestHash !== claim.manifestHash) {
      throw new SupernodeError('ROW_CONFLICT', `heal_claims_submitted: heal_op_id=${claim.healOpId} holds manifest hash ${existing.manifestHash}, not ${claim.manifestHash}`, { healOpId: claim.healOpId });
    }
    return this.markSubmitted(claim.healOpId) ? 'promoted' : 'unchanged';
  }

  /** pending → submitted. False when there is no pending row (absent or already submitted). */
  markSubmitted(healOpId: bigint): boolean {
    return this.rows.markSubmitted([checkChainId('healOpId', healOpId)]);
  }

  get(healOpId: bigint): HealClaimRow | undefined {
    return this.rows.get([checkChainId('healOpId', healOpId)]);
  }

  hasSubmitted(healOpId: bigint): boolean {
    return this.get(healOpId)?.status === 'submitted';
  }

  hasPending(healOpId: bigint): boolean {
    return this.get(healOpId)?.status === 'pending';
  }

  /** Every claim, any status, ordered by heal op id (finalizer, orphan cleanup). */
  listAll(): HealClaimRow[] {
    return this.rows.listAll();
  }

  /** Claims staged but not confirmed: the resume flow (R3.5.1) reconciles each with the chain after a restart. */
  listPending(): HealClaimRow[] {
    return this.rows.listPending();
  }

  /** Drops a pending claim (deadline skip/reject, resume reset/foreign/terminal). Never touches a submitted row. */
  deletePending(healOpId: bigint): boolean {
    return this.rows.deletePending([checkChainId('healOpId', healOpId)]);
  }

  /**
   * Drops a claim of any status. Only for the finalizer, after the chain op is VERIFIED and published,
   * FAILED, EXPIRED or gone (R3.7.3/R3.7.4): the chain no longer asks about it.
   */
  deleteFinalized(healOpId: bigint): boolean {
    return this.rows.deleteAny([checkChainId('healOpId', healOpId)]);
  }
}

export interface NewHealVerification {
  healOpId: bigint;
  verifierAccount: string;
  verified: boolean;
  verificationHash: string;
}

export interface HealVerificationRow extends NewHealVerification {
  status: Lep6RowStatus;
  submittedAt: number;
}

function verificationRow(r: RawRow): HealVerificationRow {
  return {
    healOpId: asBigInt(r.heal_op_id ?? null),
    verifierAccount: asText(r.verifier_account ?? null),
    verified: asNumber(r.verified ?? null) === 1,
    verificationHash: asText(r.verification_hash ?? null),
    status: asStatus(r.status ?? null),
    submittedAt: asNumber(r.submitted_at ?? null),
  };
}

export class HealVerificationsRepo {
  private readonly rows: PendingRows<HealVerificationRow>;

  constructor(db: Database, clock: Clock = Date.now) {
    this.rows = new PendingRows(
      db,
      { table: 'heal_verifications_submitted', keyColumns: ['heal_op_id', 'verifier_account'], dataColumns: ['verified', 'verification_hash'], toRow: verificationRow },
      clock,
    );
  }

  private static key(healOpId: bigint, verifierAccount: string): [bigint, string] {
    return [checkChainId('healOpId', healOpId), checkText('verifierAccount', verifierAccount)];
  }

  /** Stages a vote before submitting it (R3.6.5). Throws AlreadyRecordedError for an existing (op, verifier) row. */
  insertPending(v: NewHealVerification): void {
    const [op, verifier] = HealVerificationsRepo.key(v.healOpId, v.verifierAccount);
    if (typeof v.verified !== 'boolean') throw new InvalidArgumentError('verified', `must be a boolean, got ${typeof v.verified}`);
    checkText('verificationHash', v.verificationHash);
    if (!this.rows.insert([op, verifier, v.verified ? 1 : 0, v.verificationHash], 'pending')) {
      throw new AlreadyRecordedError('heal_verifications_submitted', `heal_op_id=${op} verifier=${verifier}`);
    }
  }

  markSubmitted(healOpId: bigint, verifierAccount: string): boolean {
    return this.rows.markSubmitted(HealVerificationsRepo.key(healOpId, verifierAccount));
  }

  get(healOpId: bigint, verifierAccount: string): HealVerificationRow | undefined {
    return this.rows.get(HealVerificationsRepo.key(healOpId, verifierAccount));
  }

  hasSubmitted(healOpId: bigint, verifierAccount: string): boolean {
    return this.get(healOpId, verifierAccount)?.status === 'submitted';
  }

  hasPending(healOpId: bigint, verifierAccount: string): boolean {
    return this.get(healOpId, verifierAccount)?.status === 'pending';
  }

  /** Votes staged but not confirmed (a crash or transient error between stage and submit). */
  listPending(): HealVerificationRow[] {
    return this.rows.listPending();
  }

  /** Drops a pending vote so it can be retried fresh (R3.6.1) or after a definite rejection. Submitted rows stay. */
  deletePending(healOpId: bigint, verifierAccount: string): boolean {
    return this.rows.deletePending(HealVerificationsRepo.key(healOpId, verifierAccount));
  }
}

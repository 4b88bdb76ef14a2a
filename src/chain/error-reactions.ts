/**
 * The spec 03 §8 reaction to each chain failure (DONE / RETRY / REBUILD / DROP). Together with errors.ts
 * this is the only code that reads chain error text.
 */
import { InvalidArgumentError } from '../util/errors.js';
import {
  ChainResponseError, ChainRpcError, SDK_CODE, SDK_GENERIC_WRAPPERS, causeChain, chainErrorIdentity, findAbci,
  isInclusionUnknown, isTransient, queryStatus, type ChainReaction,
} from './errors.js';

// ---------------------------------------------------------------------------------------------------
// Reactions (spec 03 §8). Some rows depend on chain state the error does not carry; pass it in `ctx`
// (usually from one query). Without it the verdict is the safe one and `needs` names the missing fact.

export interface ClassifyContext {
  /** Current epoch (from CurrentEpoch) — decides "epoch_id N not accepted" between DROP and RETRY. */
  currentEpochId?: bigint;
  /** Our manifest hash and the op's `result_hash` — decide a claim on a HEALER_REPORTED op. */
  ownManifestHash?: string;
  healOpResultHash?: string;
  /** Whether our vote is recorded — decides a vote on a final op (DONE vs DROP; both stop). */
  ownVoteRecorded?: boolean;
  /** Our own supernode registration is still pending — turns "reporter not found" into RETRY. */
  registrationPending?: boolean;
  /** The challenged report is committed — "does not reference a submitted result" is then DROP. */
  challengedReportCommitted?: boolean;
}

export interface ChainVerdict {
  reaction: ChainReaction;
  /** Stable machine name of the row, e.g. `DUPLICATE_REPORT`, `HEAL_CLAIM_ALREADY_ACCEPTED`, `TRANSIENT`. */
  kind: string;
  codespace?: string;
  code?: number;
  /** Set when the reaction would change with a fact from `ClassifyContext`. */
  needs?: keyof ClassifyContext;
}

const has = (ctx: string, needle: string) => ctx.includes(needle);

function auditVerdict(code: number, context: string, typeUrls: readonly string[], ctx: ClassifyContext): Omit<ChainVerdict, 'codespace' | 'code'> {
  const isRecheck = typeUrls.some((u) => u.endsWith('MsgSubmitStorageRecheckEvidence'));
  switch (code) {
    case 1: return { reaction: 'DROP', kind: 'INVALID_SIGNER' };
    case 2: {
      const m = /epoch_id (\d+) not accepted at height (\d+)/.exec(context);
      if (m) {
        if (ctx.currentEpochId === undefined) return { reaction: 'RETRY', kind: 'EPOCH_MISMATCH', needs: 'currentEpochId' };
        return BigInt(m[1]!) < ctx.currentEpochId ? { reaction: 'DROP', kind: 'EPOCH_OVER' } : { reaction: 'RETRY', kind: 'EPOCH_NOT_STARTED' };
      }
      if (has(context, 'epoch_id not accepted at height')) return { reaction: 'RETRY', kind: 'BEFORE_EPOCH_ZERO' };
      if (has(context, 'epoch anchor not found')) return isRecheck ? { reaction: 'DROP', kind: 'RECHECK_EPOCH_UNKNOWN' } : { reaction: 'RETRY', kind: 'EPOCH_ANCHOR_MISSING' };
      return { reaction: 'RETRY', kind: 'INVALID_EPOCH' };
    }
    case 4: return { reaction: 'DONE', kind: 'DUPLICATE_REPORT' };
    case 5: return has(context, 'is not assigned to reporter')
      ? { reaction: 'REBUILD', kind: 'TARGET_NOT_ASSIGNED' } : { reaction: 'REBUILD', kind: 'INVALID_OBSERVATIONS' };
    case 6: return { reaction: 'REBUILD', kind: 'PORT_STATES_LENGTH' };
    case 7: return ctx.registrationPending ? { reaction: 'RETRY', kind: 'REPORTER_NOT_REGISTERED' } : { reaction: 'DROP', kind: 'REPORTER_NOT_REGISTERED', needs: 'registrationPending' };
    case 8: return { reaction: 'REBUILD', kind: 'NOT_A_PROBER' };
    case 9: return has(context, 'NO_ELIGIBLE_TICKET conflicts')
      ? { reaction: 'REBUILD', kind: 'NO_ELIGIBLE_CONFLICT' } : { reaction: 'REBUILD', kind: 'INVALID_PROOF_RESULTS' };
    case 10:
      if (has(context, 'recheck evidence already submitted')) return { reaction: 'DONE', kind: 'RECHECK_ALREADY_SUBMITTED' };
      if (has(context, 'already linked to recheck transcript') || has(context, 'already recorded for a different'))
        return { reaction: 'DROP', kind: 'RECHECK_LOST_RACE' };
      if (has(context, 'does not reference a submitted storage proof result'))
        return ctx.challengedReportCommitted === false ? { reaction: 'RETRY', kind: 'RECHECK_TARGET_UNKNOWN' } : { reaction: 'DROP', kind: 'RECHECK_TARGET_UNKNOWN', needs: 'challengedReportCommitted' };
      return { reaction: 'DROP', kind: 'INVALID_RECHECK' };
    case 11: return { reaction: 'DROP', kind: 'HEAL_OP_NOT_FOUND' };
    case 12: return { reaction: 'DROP', kind: 'HEAL_OP_UNAUTHORIZED' };
    case 13: {
      if (has(context, 'heal_manifest_hash is required') || has(context, 'verification_hash is required')) return { reaction: 'REBUILD', kind: 'HEAL_HASH_REQUIRED' };
      if (has(context, 'no independent verifier')) return { reaction: 'DROP', kind: 'HEAL_OP_NO_VERIFIERS' };
      if (context.toLowerCase().includes('deadline')) return { reaction: 'DROP', kind: 'HEAL_OP_PAST_DEADLINE' };
      const m = /heal op status HEAL_OP_STATUS_([A-Z_]+) does not accept (healer completion claim|verification)/.exec(context);
      if (m && m[2] !== 'verification') {
        if (m[1] === 'VERIFIED') return { reaction: 'DONE', kind: 'HEAL_CLAIM_ALREADY_ACCEPTED' };
        if (m[1] === 'HEALER_REPORTED') {
          if (ctx.ownManifestHash === undefined || ctx.healOpResultHash === undefined) return { reaction: 'RETRY', kind: 'HEAL_CLAIM_ALREADY_REPORTED', needs: 'healOpResultHash' };
          return ctx.ownManifestHash === ctx.healOpResultHash ? { reaction: 'DONE', kind: 'HEAL_CLAIM_ALREADY_ACCEPTED' } : { reaction: 'DROP', kind: 'HEAL_CLAIM_OTHER_MANIFEST' };
        }
        return { reaction: 'DROP', kind: 'HEAL_OP_TERMINAL' };
      }
      if (m) {
        if (m[1] === 'SCHEDULED' || m[1] === 'IN_PROGRESS') return { reaction: 'RETRY', kind: 'HEAL_NOT_CLAIMED_YET' };
        if (ctx.ownVoteRecorded === undefined) return { reaction: 'DROP', kind: 'HEAL_OP_FINAL', needs: 'ownVoteRecorded' };
        return ctx.ownVoteRecorded ? { reaction: 'DONE', kind: 'HEAL_VOTE_RECORDED' } : { reaction: 'DROP', kind: 'HEAL_OP_FINAL' };
      }
      return { reaction: 'DROP', kind: 'HEAL_OP_INVALID_STATE' };
    }
    case 14: return { reaction: 'REBUILD', kind: 'HEAL_TICKET_MISMATCH' };
    case 15: return { reaction: 'DONE', kind: 'VERIFICATION_ALREADY_SUBMITTED' };
    case 16: return { reaction: 'REBUILD', kind: 'ARTIFACT_COUNT_MISMATCH' };
    case 17: return { reaction: 'REBUILD', kind: 'VERIFICATION_HASH_MISMATCH' };
    case 18: return { reaction: 'REBUILD', kind: 'INVALID_HOST_METRIC' };
    default: return { reaction: 'DROP', kind: code >= 1101 && code <= 1105 ? 'INVALID_EVIDENCE' : 'AUDIT_OTHER' };
  }
}

function sdkVerdict(code: number): Omit<ChainVerdict, 'codespace' | 'code'> {
  switch (code) {
    case SDK_CODE.WRONG_SEQUENCE: return { reaction: 'RETRY', kind: 'SEQUENCE_MISMATCH' };
    case SDK_CODE.OUT_OF_GAS: return { reaction: 'RETRY', kind: 'OUT_OF_GAS' };
    case SDK_CODE.INSUFFICIENT_FEE: return { reaction: 'RETRY', kind: 'INSUFFICIENT_FEE' };
    case SDK_CODE.INSUFFICIENT_FUNDS: return { reaction: 'RETRY', kind: 'INSUFFICIENT_FUNDS' };
    case SDK_CODE.MEMPOOL_FULL: return { reaction: 'RETRY', kind: 'MEMPOOL_FULL' };
    case SDK_CODE.TX_IN_MEMPOOL: return { reaction: 'RETRY', kind: 'TX_IN_MEMPOOL' };
    case SDK_CODE.UNAUTHORIZED: return { reaction: 'DROP', kind: 'SIGNATURE_REJECTED' };
    default: return { reaction: 'RETRY', kind: 'SDK_OTHER' };
  }
}

/** The spec 03 §8 reaction to any failure of a chain call. */
export function classifyChainError(err: unknown, ctx: ClassifyContext = {}): ChainVerdict {
  if (isTransient(err)) return { reaction: 'RETRY', kind: isInclusionUnknown(err) ? 'INCLUSION_UNKNOWN' : 'TRANSIENT' };
  const id = chainErrorIdentity(err);
  if (id) {
    const abci = findAbci(err)!;
    const base = { codespace: id.codespace, code: id.code };
    if (abci.failure.stage === 'query') {
      const status = queryStatus(abci);
      if (status === 5) return { ...base, reaction: 'DROP', kind: 'NOT_FOUND' };
      if (status === 3) return { ...base, reaction: 'DROP', kind: 'QUERY_INVALID_ARGUMENT' };
      return { ...base, reaction: 'RETRY', kind: 'QUERY_FAILED' };
    }
    if (id.codespace === 'audit') return { ...base, ...auditVerdict(id.code, id.context, abci.failure.msgTypeUrls ?? [], ctx) };
    if (id.codespace === 'sdk' && !SDK_GENERIC_WRAPPERS.has(id.code)) return { ...base, ...sdkVerdict(id.code) };
    // Artifact-count anchoring errors re-wrapped by the action module at finalization (spec 03 §8 row 9).
    if (id.codespace === 'action' && id.log.includes('invalid storage proof results')) return { ...base, reaction: 'DROP', kind: 'FINALIZE_ARTIFACT_COUNTS' };
    if (id.codespace === 'action') return { ...base, reaction: 'DROP', kind: 'ACTION_REJECTED' };
    return { ...base, reaction: 'RETRY', kind: 'UNCLASSIFIED_CHAIN_ERROR' };
  }
  for (const e of causeChain(err)) {
    if (e instanceof InvalidArgumentError) return { reaction: 'DROP', kind: 'INVALID_ARGUMENT' };
    if (e instanceof ChainRpcError) return { reaction: 'RETRY', kind: 'RPC_ERROR' };
    if (e instanceof ChainResponseError) return { reaction: 'RETRY', kind: 'BAD_RESPONSE' };
  }
  return { reaction: 'RETRY', kind: 'UNKNOWN' };
}

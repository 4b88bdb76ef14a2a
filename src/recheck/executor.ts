/**
 * Recheck execution (spec 04 §4.4): the per-ticket flow of the dispatcher for the original epoch's anchor
 * and seed, bucket RECHECK, writing into a private buffer (the epoch buffer is never touched).
 */
import { StorageProofBucketType, StorageTruthEnforcementMode } from '../deterministic/index.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { ChallengeChain, EpochAnchor } from '../challenge/chain.js';
import type { Dispatcher } from '../challenge/dispatcher.js';
import { ResultBuffer } from '../challenge/result-buffer.js';
import { mapRecheckOutcome, validCandidate, type RecheckCandidate, type RecheckResult } from './types.js';

export class RecheckError extends SupernodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RECHECK_FAILED', message, {}, options);
  }
}

export interface RecheckExecutor {
  execute(c: RecheckCandidate): Promise<RecheckResult>;
}

export class DispatcherRecheckExecutor implements RecheckExecutor {
  constructor(private readonly chain: Pick<ChallengeChain, 'getAuditParams' | 'getEpochAnchor'>, private readonly dispatcher: Dispatcher) {}

  async execute(c: RecheckCandidate): Promise<RecheckResult> {
    if (!validCandidate(c)) throw new RecheckError('invalid recheck candidate');
    let params;
    try {
      params = await this.chain.getAuditParams();
    } catch (err) {
      throw new RecheckError(`lep6 recheck: get params: ${errorMessage(err)}`, { cause: err });
    }
    if (!params) throw new RecheckError('lep6 recheck: get params returned nil response');
    if ((params.storageTruthEnforcementMode as number) === StorageTruthEnforcementMode.UNSPECIFIED) throw new RecheckError('lep6 recheck: enforcement mode unspecified');
    let anchor: EpochAnchor | undefined;
    try {
      anchor = await this.chain.getEpochAnchor(c.epochId);
    } catch (err) {
      throw new RecheckError(`lep6 recheck: get epoch anchor ${c.epochId}: ${errorMessage(err)}`, { cause: err });
    }
    if (!anchor || anchor.epochId !== c.epochId) throw new RecheckError(`lep6 recheck: epoch anchor not yet available for epoch ${c.epochId}`);
    const sink = new ResultBuffer();
    const out = await this.dispatcher.challengeTicket({
      ctx: { epochId: c.epochId, seed: anchor.seed, params, currentHeight: anchor.epochEndHeight },
      target: c.target,
      ticketId: c.ticketId,
      bucket: StorageProofBucketType.RECHECK,
      sink,
    });
    const row = out.kind === 'row' ? sink.collect(c.epochId).find((r) => r.ticketId === c.ticketId && r.targetSupernodeAccount === c.target) : undefined;
    if (!row) throw new RecheckError(`lep6 recheck: no result emitted for epoch=${c.epochId} ticket=${c.ticketId} target=${c.target}`);
    return { transcriptHash: row.transcriptHash, resultClass: mapRecheckOutcome(row.resultClass as number), details: row.details };
  }
}

/**
 * The recheck loop (spec 04 §4.1): one tick at start, then every `tick_interval_ms`. Each tick first
 * resubmits pending rows left by a crash or a transient failure (§11.6), then discovers candidates, checks
 * the failure budget, executes and attests each. Mode UNSPECIFIED → no-op.
 */
import { StorageTruthEnforcementMode } from '../deterministic/index.js';
import { errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { TickLoop, type Startable } from '../node/startable.js';
import type { ChallengeChain } from '../challenge/chain.js';
import type { Lep6Metrics } from '../challenge/metrics.js';
import type { RecheckAttestor } from './attestor.js';
import type { RecheckExecutor } from './executor.js';
import { findRecheckCandidates } from './finder.js';
import type { RecheckFailuresRepo, RecheckSubmissionsRepo } from '../store/lep6-recheck.js';

export interface RecheckServiceOptions {
  chain: Pick<ChallengeChain, 'getAuditParams' | 'getCurrentEpoch' | 'listSupernodes' | 'listEpochReportsByReporter'>;
  identity: string;
  submissions: Pick<RecheckSubmissionsRepo, 'has' | 'listPending'>;
  failures: Pick<RecheckFailuresRepo, 'isExhausted' | 'recordFailure' | 'purgeExpired'>;
  executor: RecheckExecutor;
  attestor: RecheckAttestor;
  metrics: Lep6Metrics;
  tickIntervalMs: number;
  lookbackEpochs: number;
  maxPerTick: number;
  maxFailureAttempts: number;
  failureBackoffTtlMs: number;
  logger?: Logger;
}

export class RecheckService implements Startable {
  readonly name = 'recheck';
  private readonly loop: TickLoop;
  private readonly log: Logger;
  private stopping = false;

  constructor(private readonly o: RecheckServiceOptions) {
    this.log = o.logger ?? silentLogger();
    this.loop = new TickLoop(o.tickIntervalMs > 0 ? o.tickIntervalMs : 60_000, () => this.tick(), (err) => this.log.warn({ err: errorMessage(err) }, 'recheck tick failed'));
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.loop.start(0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  async tick(): Promise<void> {
    const params = await this.o.chain.getAuditParams();
    if (!params || (params.storageTruthEnforcementMode as number) === StorageTruthEnforcementMode.UNSPECIFIED) return;
    await this.resubmitPending();
    const candidates = await findRecheckCandidates({
      chain: this.o.chain, identity: this.o.identity, store: this.o.submissions, lookbackEpochs: this.o.lookbackEpochs, maxPerTick: this.o.maxPerTick, logger: this.log,
    });
    this.o.metrics.set('recheck_pending_candidates', candidates.length);
    try {
      this.o.failures.purgeExpired();
    } catch {
      // best effort
    }
    for (const c of candidates) {
      this.o.metrics.inc('recheck_candidates_found_total');
      if (this.stopping) return;
      let exhausted: boolean;
      try {
        exhausted = this.o.failures.isExhausted(c.epochId, c.ticketId, this.o.maxFailureAttempts);
      } catch (err) {
        this.log.warn({ err: errorMessage(err) }, 'recheck: failure budget lookup failed; skipping');
        continue;
      }
      if (exhausted) {
        this.log.info({ epoch: String(c.epochId), ticket: c.ticketId }, 'recheck: failure budget exhausted; skipping');
        continue;
      }
      let result;
      try {
        result = await this.o.executor.execute(c);
      } catch (err) {
        this.fail(c.epochId, c.ticketId, c.target, err, 'execute');
        continue;
      }
      try {
        await this.o.attestor.attest(c, result);
      } catch (err) {
        this.fail(c.epochId, c.ticketId, c.target, err, 'submit');
      }
    }
  }

  /** Pending rows (crash between broadcast and mark, or a transient failure) are submitted again. */
  private async resubmitPending(): Promise<void> {
    for (const row of this.o.submissions.listPending()) {
      if (this.o.failures.isExhausted(row.epochId, row.ticketId, this.o.maxFailureAttempts)) continue;
      try {
        await this.o.attestor.submit(row.epochId, row.targetAccount, row.ticketId, row.challengedTranscriptHash, {
          transcriptHash: row.recheckTranscriptHash, resultClass: row.resultClass, details: '',
        }, true);
      } catch (err) {
        this.fail(row.epochId, row.ticketId, row.targetAccount, err, 'submit');
      }
    }
  }

  private fail(epochId: bigint, ticketId: string, target: string, err: unknown, reason: 'execute' | 'submit'): void {
    this.o.metrics.inc('recheck_execution_failures_total', reason);
    this.log.warn({ epoch: String(epochId), ticket: ticketId, target, err: errorMessage(err) }, `recheck ${reason} failed`);
    try {
      this.o.failures.recordFailure({ epochId, ticketId, targetAccount: target, error: errorMessage(err) }, this.o.failureBackoffTtlMs > 0 ? this.o.failureBackoffTtlMs : 900_000);
    } catch {
      // best effort
    }
  }
}

/**
 * The challenger's epoch loop (spec 04 §2.1 with the host reporter of §2.10 folded in). Each tick: derive
 * the current epoch; skip epochs already on chain (persisted as `lep6.last_submitted_epoch`); wait for the
 * anchor; dispatch the epoch once per process (a per-epoch flag — §11.3); then get the report on chain.
 * A restart mid-epoch re-dispatches (the buffered rows died with the process, §11.4) and still reports;
 * FULL-mode gaps (a dropped row, a changed assignment) are challenged before the report, and once the
 * epoch is about to end the report goes out with what exists (the chain decides) — no epoch is stalled.
 */
import { StorageTruthEnforcementMode, supernodeEpochID } from '../deterministic/index.js';
import { errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { TickLoop, type Startable } from '../node/startable.js';
import type { ChallengeChain } from './chain.js';
import type { Dispatcher } from './dispatcher.js';
import type { EpochReporter, ReportOutcome } from './reporter.js';

/** Where the last reported epoch is kept (the store's ChallengeStateRepo in production). */
export interface LastEpochStore {
  getLastSubmittedEpoch(): bigint | undefined;
  setLastSubmittedEpoch(epochId: bigint): void;
}

export interface ChallengerHooks {
  /** After DispatchEpoch returned for an epoch, before its report is built (awaited). */
  onDispatched?(epochId: bigint): Promise<void> | void;
  onReported?(epochId: bigint, outcome: ReportOutcome): void;
}

export interface ChallengerServiceOptions {
  chain: ChallengeChain;
  /** Absent: LEP-6 dispatch disabled; host reports are still submitted. */
  dispatcher: Dispatcher | undefined;
  reporter: EpochReporter;
  state: LastEpochStore;
  pollIntervalMs: number;
  /** Gap-filling dispatch rounds per epoch before the report is sent as is. Default 3. */
  maxFillRounds?: number;
  /** Non-transient chain refusals of one epoch's report before that epoch is given up. Default 5. */
  maxRefusals?: number;
  hooks?: ChallengerHooks;
  logger?: Logger;
}

export class ChallengerService implements Startable {
  readonly name = 'storage-challenger';
  private readonly loop: TickLoop;
  private readonly log: Logger;
  private lastSubmitted: bigint | undefined;
  private readonly dispatched = new Set<bigint>();
  private readonly fillRounds = new Map<bigint, number>();
  /** Chain refusals (not transient) per epoch: after `maxRefusals` the epoch is given up (no tx spam). */
  private readonly refusals = new Map<bigint, number>();
  private stopping = false;
  private warnedFull: bigint | undefined;

  constructor(private readonly o: ChallengerServiceOptions) {
    this.log = o.logger ?? silentLogger();
    this.loop = new TickLoop(o.pollIntervalMs > 0 ? o.pollIntervalMs : 5000, () => this.tick(), (err) => this.log.warn({ err: errorMessage(err) }, 'challenger tick failed'));
  }

  /** True once stop() was called (no report is submitted after that). */
  get isStopping(): boolean {
    return this.stopping;
  }

  get lastSubmittedEpoch(): bigint | undefined {
    return this.lastSubmitted;
  }

  async start(): Promise<void> {
    this.stopping = false;
    try {
      this.lastSubmitted = this.o.state.getLastSubmittedEpoch();
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'reading last submitted epoch failed; starting fresh');
    }
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
  }

  /** One pass (exposed for tests). */
  async tick(): Promise<void> {
    const chain = this.o.chain;
    const height = await chain.getHeight();
    const params = await chain.getAuditParams();
    const epochId = supernodeEpochID(height, params.epochZeroHeight, params.epochLengthBlocks);
    if (epochId === null) return;
    if (this.lastSubmitted !== undefined && epochId <= this.lastSubmitted) return;
    if ((this.refusals.get(epochId) ?? 0) >= (this.o.maxRefusals ?? 5)) return;
    const anchor = await chain.getEpochAnchor(epochId);
    if (!anchor || anchor.epochId !== epochId) return;

    const mode = params.storageTruthEnforcementMode as number;
    if (!this.o.dispatcher && mode === StorageTruthEnforcementMode.FULL && this.warnedFull !== epochId) {
      this.warnedFull = epochId;
      this.log.error({ epochId: String(epochId) }, 'chain enforcement is FULL but storage_challenge.lep6 is disabled: an assigned challenger cannot send the RECENT/OLD results FULL requires, so its report will be refused');
    }
    if (this.o.dispatcher && params.scEnabled && mode !== StorageTruthEnforcementMode.UNSPECIFIED && !this.dispatched.has(epochId)) {
      if (await this.o.reporter.isReported(epochId)) return this.markDone(epochId);
      await this.o.dispatcher.dispatchEpoch(epochId); // an error leaves the epoch undispatched: retried next tick
      this.dispatched.add(epochId);
      await this.o.hooks?.onDispatched?.(epochId);
    }
    if (this.stopping) return;

    const rounds = this.fillRounds.get(epochId) ?? 0;
    const lastChance = height + 1n >= anchor.epochEndHeight || !this.o.dispatcher || rounds >= (this.o.maxFillRounds ?? 3);
    let outcome = await this.o.reporter.report(epochId, params, lastChance);
    if (outcome.kind === 'incomplete' && this.o.dispatcher && !this.stopping) {
      this.fillRounds.set(epochId, rounds + 1);
      this.log.info({ epochId: String(epochId), missing: outcome.missing }, 'epoch report: challenging missing targets/buckets before submitting');
      await this.o.dispatcher.dispatchEpoch(epochId, outcome.missing);
      if (this.stopping) return;
      outcome = await this.o.reporter.report(epochId, params, rounds + 1 >= (this.o.maxFillRounds ?? 3) || lastChance);
    }
    this.o.hooks?.onReported?.(epochId, outcome);
    if (outcome.kind === 'submitted' || outcome.kind === 'already-reported') this.markDone(epochId);
    else if (outcome.kind === 'failed' && !outcome.transient) {
      const n = (this.refusals.get(epochId) ?? 0) + 1;
      this.refusals.set(epochId, n);
      for (const e of this.refusals.keys()) if (e < epochId) this.refusals.delete(e);
      if (n >= (this.o.maxRefusals ?? 5)) this.log.error({ epochId: String(epochId), error: outcome.error }, 'epoch report refused by the chain repeatedly; giving up on this epoch');
    }
  }

  private markDone(epochId: bigint): void {
    this.lastSubmitted = epochId;
    for (const e of this.dispatched) if (e <= epochId) this.dispatched.delete(e);
    for (const e of this.fillRounds.keys()) if (e <= epochId) this.fillRounds.delete(e);
    try {
      this.o.state.setLastSubmittedEpoch(epochId);
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'persisting last submitted epoch failed');
    }
  }
}

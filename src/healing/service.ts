/**
 * The self-healing service (spec 04 §3.1–§3.3, §3.8): one tick loop. Each tick: mode gate; unless the chain's
 * mode is UNSPECIFIED, healer dispatch (SCHEDULED ops assigned to us) then verifier dispatch (HEALER_REPORTED
 * ops listing us); then the finalizer, always. Per-op work runs in the background under an in-flight key
 * `<op>/<role>`, a semaphore slot and a deadline (hard cap, or the chain's deadline epoch when earlier).
 */
import { HealOpStatus, type HealOp } from '../gen/lumera/audit/v1/audit.js';
import { StorageTruthEnforcementMode } from '../gen/lumera/audit/v1/params.js';
import type { SelfHealingSection } from '../config/types.js';
import type { HealClaimsRepo, HealVerificationsRepo } from '../store/lep6-heal.js';
import { TickLoop, type Startable } from '../node/startable.js';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { HealChain } from './chain.js';
import { HARD_OP_TIMEOUT_MS } from './constants.js';
import { opDeadline } from './deadlines.js';
import { finalizeClaim, type FinalizeOutcome } from './finalizer.js';
import { reconstructAndClaim, resumePendingClaim } from './healer.js';
import type { HealerStreamSource } from './healer-stream.js';
import type { HealHooks } from './hooks.js';
import { HealMetrics } from './metrics.js';
import { opContext, withTimeout } from './op-context.js';
import type { Publisher } from './publisher.js';
import type { StagedResult } from './reconstruct.js';
import { InFlight, Semaphore } from './semaphore.js';
import { dirBytes, type StagingArea } from './staging.js';
import { reconcilePendingVote, verifyAndSubmit } from './verifier.js';

export type HealingConfig = Omit<SelfHealingSection, 'enabled' | 'stagingDir'>;

export interface SelfHealingServiceOptions {
  self: string;
  chain: HealChain;
  claims: HealClaimsRepo;
  verifications: HealVerificationsRepo;
  staging: StagingArea;
  config: HealingConfig;
  reconstruct(op: HealOp, signal: AbortSignal): Promise<StagedResult>;
  source: HealerStreamSource;
  publisher: Publisher;
  logger: Logger;
  metrics?: HealMetrics;
  hooks?: HealHooks;
  /** Hard per-op cap (default 15 min). */
  hardTimeoutMs?: number;
  /** Delay of the first tick (default one poll interval, R3.1.1). */
  firstTickDelayMs?: number;
}

export interface TickReport {
  mode: StorageTruthEnforcementMode | undefined;
  healerStarted: number;
  verifierStarted: number;
  finalizerStarted: number;
  errors: string[];
}

export class SelfHealingService implements Startable {
  readonly name = 'self-healing';
  readonly metrics: HealMetrics;
  private readonly inflight = new InFlight();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly loop: TickLoop;
  private root = new AbortController();
  private readonly reconstructSlots: Semaphore;
  private readonly verifySlots: Semaphore;
  private readonly publishSlots: Semaphore;
  private readonly hardMs: number;
  private readonly log: Logger;

  constructor(private readonly o: SelfHealingServiceOptions) {
    this.metrics = o.metrics ?? new HealMetrics();
    this.reconstructSlots = new Semaphore('self_healing.max_concurrent_reconstructs', o.config.maxConcurrentReconstructs);
    this.verifySlots = new Semaphore('self_healing.max_concurrent_verifications', o.config.maxConcurrentVerifications);
    this.publishSlots = new Semaphore('self_healing.max_concurrent_publishes', o.config.maxConcurrentPublishes);
    this.hardMs = o.hardTimeoutMs ?? HARD_OP_TIMEOUT_MS;
    this.log = o.logger;
    this.loop = new TickLoop(o.config.pollIntervalMs, () => this.tick().then(() => undefined), (err) => this.log.error({ err: errorMessage(err) }, 'self-healing tick failed'));
  }

  async start(): Promise<void> {
    this.root = new AbortController();
    await this.o.staging.init();
    try {
      const claimed = new Set(this.o.claims.listAll().map((r) => r.healOpId));
      const removed = await this.o.staging.cleanupOrphans(claimed);
      if (removed > 0) {
        this.metrics.inc('heal_orphaned_staging_cleanups_total', '', removed);
        this.log.info({ removed }, 'removed orphaned heal staging directories');
      }
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'orphan staging sweep aborted');
    }
    // A pending claim means we crashed (or got an ambiguous answer) between staging and recording the
    // submit. Its op may have left SCHEDULED since, so the healer listing would never see it again: read
    // each one back from the chain now (R3.5.1).
    for (const row of this.o.claims.listPending()) {
      const key = `${row.healOpId}/healer`;
      if (!this.inflight.tryAdd(key)) continue;
      this.spawn(key, 'resume pending heal claim', async () => Date.now() + this.hardMs, () => resumePendingClaim(this.healerDeps(), row.healOpId));
    }
    this.loop.start(this.o.firstTickDelayMs ?? this.o.config.pollIntervalMs);
  }

  /** Stops the loop, cancels in-flight work and waits (bounded) for it to unwind. */
  async stop(): Promise<void> {
    await this.loop.stop();
    this.root.abort(new Error('self-healing service stopping'));
    await Promise.race([this.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }

  /** Resolves when no background heal task is running (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Runs one tick now (tests; the loop calls the same). */
  runOnce(): Promise<void> {
    return this.loop.runOnce();
  }

  async tick(): Promise<TickReport> {
    const rep: TickReport = { mode: undefined, healerStarted: 0, verifierStarted: 0, finalizerStarted: 0, errors: [] };
    const q = this.o.config.auditQueryTimeoutMs;
    const params = await withTimeout(this.o.chain.getAuditParams(), q, 'audit params query'); // failure ends the tick, finalizer included (R3.1.2)
    rep.mode = params.storageTruthEnforcementMode;
    if (rep.mode !== StorageTruthEnforcementMode.STORAGE_TRUTH_ENFORCEMENT_MODE_UNSPECIFIED) {
      try {
        rep.healerStarted = await this.dispatchHealer();
      } catch (err) {
        rep.errors.push(`healer: ${errorMessage(err)}`);
      }
      try {
        rep.verifierStarted = await this.dispatchVerifier();
      } catch (err) {
        rep.errors.push(`verifier: ${errorMessage(err)}`);
      }
    }
    try {
      rep.finalizerStarted = await this.dispatchFinalizer();
    } catch (err) {
      rep.errors.push(`finalizer: ${errorMessage(err)}`);
    }
    for (const e of rep.errors) this.log.warn({ err: e }, 'self-healing phase failed');
    return rep;
  }

  private list(status: HealOpStatus): Promise<HealOp[]> {
    return withTimeout(this.o.chain.listHealOpsByStatus(status), this.o.config.auditQueryTimeoutMs, `HealOpsByStatus(${status}) listing`, this.root.signal);
  }

  /** Runs `fn` in the background under `key`; the key is released when it ends. */
  private spawn(key: string, what: string, deadline: () => Promise<number>, fn: (signal: AbortSignal) => Promise<unknown>): void {
    const task = (async () => {
      const ctx = opContext(await deadline(), this.root.signal);
      try {
        await fn(ctx.signal);
      } catch (err) {
        this.log.warn({ key, err: errorMessage(err) }, `${what} failed`);
      } finally {
        ctx.dispose();
        this.inflight.delete(key);
      }
    })();
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private opDeadline(op: HealOp): Promise<number> {
    return opDeadline(this.o.chain, op, this.hardMs, this.o.config.auditQueryTimeoutMs);
  }

  private healerDeps() {
    const o = this.o;
    return {
      self: o.self, chain: o.chain, claims: o.claims, staging: o.staging, reconstruct: o.reconstruct,
      reconstructSlots: this.reconstructSlots, metrics: this.metrics, logger: this.log, auditQueryTimeoutMs: o.config.auditQueryTimeoutMs, hooks: o.hooks,
    };
  }

  private async dispatchHealer(): Promise<number> {
    let started = 0;
    for (const op of await this.list(HealOpStatus.HEAL_OP_STATUS_SCHEDULED)) {
      if (op.healerSupernodeAccount.trim() !== this.o.self) continue;
      const key = `${op.healOpId}/healer`;
      if (!this.inflight.tryAdd(key)) continue;
      let submitted: boolean;
      let pending: boolean;
      try {
        submitted = this.o.claims.hasSubmitted(op.healOpId);
        pending = this.o.claims.hasPending(op.healOpId);
      } catch (err) {
        this.inflight.delete(key);
        this.log.warn({ healOpId: op.healOpId, err: errorMessage(err) }, 'claim row lookup failed');
        continue;
      }
      if (submitted) {
        this.inflight.delete(key);
        continue;
      }
      if (pending) {
        this.spawn(key, 'resume pending heal claim', async () => Date.now() + this.hardMs, () => resumePendingClaim(this.healerDeps(), op.healOpId));
      } else {
        this.spawn(key, 'reconstruct and claim', () => this.opDeadline(op), (signal) => reconstructAndClaim(this.healerDeps(), op, signal));
      }
      started++;
    }
    return started;
  }

  private async dispatchVerifier(): Promise<number> {
    let started = 0;
    const o = this.o;
    const deps = {
      self: o.self, chain: o.chain, verifications: o.verifications, source: o.source, verifySlots: this.verifySlots, metrics: this.metrics,
      logger: this.log, auditQueryTimeoutMs: o.config.auditQueryTimeoutMs, fetchAttempts: o.config.verifierFetchAttempts,
      fetchTimeoutMs: o.config.verifierFetchTimeoutMs, backoffBaseMs: o.config.verifierBackoffBaseMs, hooks: o.hooks,
    };
    for (const op of await this.list(HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED)) {
      if (!op.verifierSupernodeAccounts.includes(o.self)) continue;
      const key = `${op.healOpId}/verifier`;
      if (!this.inflight.tryAdd(key)) continue;
      try {
        if (o.verifications.hasSubmitted(op.healOpId, o.self)) {
          this.inflight.delete(key);
          continue;
        }
      } catch (err) {
        this.inflight.delete(key);
        this.log.warn({ healOpId: op.healOpId, err: errorMessage(err) }, 'verification row lookup failed');
        continue;
      }
      this.spawn(key, 'verify and submit', () => this.opDeadline(op), async (signal) => {
        if ((await reconcilePendingVote(deps, op)) !== 'retry') return;
        await verifyAndSubmit(deps, op, signal);
      });
      started++;
    }
    return started;
  }

  private async dispatchFinalizer(): Promise<number> {
    const rows = this.o.claims.listAll();
    this.metrics.set('self_healing_pending_claims', rows.length);
    let bytes = 0;
    for (const r of rows) bytes += await dirBytes(r.stagingDir);
    this.metrics.set('self_healing_staging_bytes', bytes);
    let started = 0;
    const deps = {
      chain: this.o.chain, claims: this.o.claims, staging: this.o.staging, publisher: this.o.publisher, publishSlots: this.publishSlots,
      metrics: this.metrics, logger: this.log,
    };
    for (const row of rows) {
      // While the op's healer task (reconstruct/claim or resume) runs, the row is still changing: wait for it.
      if (this.inflight.has(`${row.healOpId}/healer`)) continue;
      const key = `${row.healOpId}/publisher`;
      if (!this.inflight.tryAdd(key)) continue;
      this.spawn(key, 'finalize heal claim', async () => Date.now() + this.hardMs, async (signal): Promise<FinalizeOutcome> => finalizeClaim(deps, row, signal));
      started++;
    }
    return started;
  }
}

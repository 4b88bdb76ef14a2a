/**
 * DispatchEpoch (spec 04 §2.2–§2.7): for each assigned target and bucket (RECENT, OLD) pick a ticket,
 * derive class/ordinal/key/size/ranges, ask the target for a compound proof with an explicit deadline,
 * classify, build and sign the row, buffer it. Targets run with bounded parallelism
 * (`max_concurrent_targets`; buckets of one target stay sequential so the NO_ELIGIBLE guard sees the
 * RECENT row first). The per-ticket flow is shared with recheck (bucket RECHECK, isolated sink).
 */
import type { StorageProofResult } from '../gen/lumera/audit/v1/audit.js';
import type { GetCompoundProofRequest, GetCompoundProofResponse } from '../gen/supernode/storage_challenge.js';
import {
  StorageProofArtifactClass, StorageProofBucketType, StorageProofResultClass, StorageTruthEnforcementMode, blake3,
  classifyTicketBucket, compoundChallengeID, computeMultiRangeOffsets, defaultBucketThresholds, derivationInputHash,
  effectiveRangeLen, effectiveRangesPerArtifact, selectArtifactClass, selectArtifactOrdinal, selectTicketForBucket,
} from '../deterministic/index.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { ArtefactResolver } from './artefact-size.js';
import type { AuditParams, ChallengeChain, EpochAnchor } from './chain.js';
import { classifyProofFailure } from './classify.js';
import type { Lep6Metrics } from './metrics.js';
import { DialError, type ProofCaller } from './proof-client.js';
import { failureRow, noEligibleRow, passRow, resultClassName, type ChallengedArtefact, type RowContext } from './rows.js';
import type { MessageSigner } from './signing.js';
import { TicketFlowError, loadTicket, ticketsOfTarget, type TicketRef } from './tickets.js';

/** Where rows go: the epoch buffer, or a private buffer for a recheck. */
export interface RowSink {
  append(epochId: bigint, row: StorageProofResult | undefined): void;
  hasEligibleResult(epochId: bigint, target: string, bucket: number): boolean;
}

export interface DispatcherOptions {
  chain: ChallengeChain;
  identity: string;
  signer: MessageSigner;
  sink: RowSink;
  proofs: ProofCaller;
  resolver: ArtefactResolver;
  metrics: Lep6Metrics;
  /** Deadline of each GetCompoundProof call (config recipient_read_timeout; 0 → 30 s). */
  recipientReadTimeoutMs: number;
  /** Targets challenged at once (config max_concurrent_targets; 0 → 4). */
  maxConcurrentTargets: number;
  /**
   * The same ranges read from this node's own content-verified copy, when it holds one (else undefined).
   * Beyond the reference: a recipient that serves wrong bytes with a self-consistent hash is caught here.
   */
  localRanges?: (key: string, ranges: ReadonlyArray<{ start: bigint; end: bigint }>) => Promise<Uint8Array[] | undefined>;
  logger?: Logger;
}

export class DispatchError extends SupernodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEP6_DISPATCH_FAILED', message, {}, options);
  }
}

/** Everything about the dispatched epoch one ticket flow needs. */
export interface EpochContext {
  epochId: bigint;
  seed: Uint8Array;
  params: AuditParams;
  /** Height the buckets are classified at (anchor end height). */
  currentHeight: bigint;
}

export interface TicketChallenge {
  ctx: EpochContext;
  target: string;
  ticketId: string;
  bucket: StorageProofBucketType;
  sink: RowSink;
}

export type TicketOutcome = { kind: 'row'; row: StorageProofResult } | { kind: 'no-eligible' } | { kind: 'dropped' };

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

export class Dispatcher {
  private lock: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly concurrency: number;

  constructor(private readonly o: DispatcherOptions) {
    this.log = o.logger ?? silentLogger();
    this.timeoutMs = o.recipientReadTimeoutMs > 0 ? o.recipientReadTimeoutMs : 30_000;
    this.concurrency = o.maxConcurrentTargets > 0 ? o.maxConcurrentTargets : 4;
  }

  /** Audit params, the epoch's anchor and the classification height (R2.2.2–R2.2.5). Null: mode UNSPECIFIED. */
  async epochContext(epochId: bigint): Promise<EpochContext | null> {
    let params: AuditParams | undefined;
    try {
      params = await this.o.chain.getAuditParams();
    } catch (err) {
      throw new DispatchError(`lep6 dispatch: get params: ${errorMessage(err)}`, { cause: err });
    }
    if (!params) throw new DispatchError('lep6 dispatch: get params returned nil response');
    if ((params.storageTruthEnforcementMode as number) === StorageTruthEnforcementMode.UNSPECIFIED) return null;
    let anchor: EpochAnchor | undefined;
    try {
      anchor = await this.o.chain.getEpochAnchor(epochId);
    } catch {
      anchor = undefined;
    }
    if (!anchor || anchor.epochId !== epochId) throw new DispatchError(`lep6 dispatch: epoch anchor not yet available for epoch ${epochId}`);
    let currentHeight = anchor.epochEndHeight;
    if (currentHeight === 0n) currentHeight = await this.o.chain.getHeight().catch(() => 0n);
    return { epochId, seed: anchor.seed, params, currentHeight };
  }

  /** R2.2: every assigned target (or only `targets`, when given), both buckets. */
  async dispatchEpoch(epochId: bigint, only?: ReadonlyArray<{ target: string; buckets: readonly StorageProofBucketType[] }>): Promise<void> {
    const started = Date.now();
    try {
      const ctx = await this.epochContext(epochId);
      if (!ctx) return;
      let targets: string[];
      if (only) {
        targets = only.map((t) => t.target);
      } else {
        try {
          targets = (await this.o.chain.getAssignedTargets(this.o.identity, epochId)).targetSupernodeAccounts;
        } catch (err) {
          throw new DispatchError(`lep6 dispatch: get assigned targets: ${errorMessage(err)}`, { cause: err });
        }
      }
      const work = targets.map((t) => t.trim()).filter((t) => t !== '' && t !== this.o.identity);
      await this.withLock(() => mapLimit(work, this.concurrency, async (target) => {
        const buckets = only?.find((x) => x.target.trim() === target)?.buckets ?? [StorageProofBucketType.RECENT, StorageProofBucketType.OLD];
        try {
          await this.dispatchTarget(ctx, target, buckets);
        } catch (err) {
          this.log.warn({ epochId: String(epochId), target, err: errorMessage(err) }, 'lep6 dispatch: target failed');
        }
      }));
    } finally {
      const ms = Date.now() - started;
      this.o.metrics.inc('dispatch_epoch_duration_millis_total', 'challenger', ms);
      this.o.metrics.inc('dispatch_epoch_duration_count', 'challenger');
      this.o.metrics.max('dispatch_epoch_duration_millis_max', 'challenger', ms);
    }
  }

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private async dispatchTarget(ctx: EpochContext, target: string, buckets: readonly StorageProofBucketType[]): Promise<void> {
    let tickets: TicketRef[];
    if (ctx.epochId === 0n) {
      // Every recipient refuses epoch_id 0 (R1.3.2 step 2), so a challenge would only produce an
      // INVALID_TRANSCRIPT against an honest target; epoch 0 reports NO_ELIGIBLE (no history exists yet).
      for (const bucket of buckets) this.emitNoEligible(ctx, target, bucket, this.o.sink);
      return;
    }
    try {
      tickets = await ticketsOfTarget(this.o.chain, target, this.o.metrics);
    } catch (err) {
      this.o.metrics.set('no_ticket_provider_active', 1);
      this.log.warn({ target, err: errorMessage(err) }, 'lep6 dispatch: ticket provider failed; treating as no tickets');
      tickets = [];
    }
    const thresholds = defaultBucketThresholds(ctx.params.epochLengthBlocks);
    const recentMax = ctx.params.storageTruthRecentBucketMaxBlocks || thresholds.recentMaxBlocks;
    const oldMin = ctx.params.storageTruthOldBucketMinBlocks || thresholds.oldMinBlocks;
    for (const bucket of buckets) {
      const pool = tickets.filter((t) => classifyTicketBucket(ctx.currentHeight, t.anchorBlock, recentMax, oldMin) === bucket).map((t) => t.ticketId);
      const ticket = pool.length === 0 ? '' : selectTicketForBucket(pool, null, ctx.seed, target, bucket);
      this.log.debug({ epochId: String(ctx.epochId), target, bucket, tickets: tickets.length, pool: pool.length, ticket, height: String(ctx.currentHeight) }, 'lep6 dispatch: bucket');
      if (ticket === '') {
        this.o.metrics.set('no_ticket_provider_active', 1);
        this.emitNoEligible(ctx, target, bucket, this.o.sink);
        continue;
      }
      try {
        const out = await this.challengeTicket({ ctx, target, ticketId: ticket, bucket, sink: this.o.sink });
        if (out.kind === 'no-eligible') this.emitNoEligible(ctx, target, bucket, this.o.sink);
      } catch (err) {
        if (err instanceof TicketFlowError) this.o.metrics.inc('dispatch_internal_failures_total', err.stage);
        this.log.warn({ target, ticket, bucket, err: errorMessage(err) }, 'lep6 dispatch: ticket dropped');
      }
    }
  }

  private rowContext(ctx: EpochContext, target: string, bucket: StorageProofBucketType): RowContext {
    return { epochId: ctx.epochId, challenger: this.o.identity, target, bucket, signer: this.o.signer, metrics: this.o.metrics };
  }

  private emitNoEligible(ctx: EpochContext, target: string, bucket: StorageProofBucketType, sink: RowSink): void {
    if (sink.hasEligibleResult(ctx.epochId, target, bucket)) {
      this.o.metrics.inc('dispatch_internal_failures_total', 'no_eligible_consistency_suppressed');
      return;
    }
    const row = noEligibleRow(this.rowContext(ctx, target, bucket));
    if (row) this.emit(ctx.epochId, row, sink);
  }

  private emit(epochId: bigint, row: StorageProofResult, sink: RowSink): void {
    this.o.metrics.inc('dispatch_results_total', resultClassName(row.resultClass));
    sink.append(epochId, row);
  }

  /**
   * §2.5 for one (target, ticket, bucket). Throws TicketFlowError for pre-derivation failures (no row);
   * returns 'no-eligible' when the class roll is empty; otherwise the emitted row (or 'dropped' when signing failed).
   */
  async challengeTicket(c: TicketChallenge): Promise<TicketOutcome> {
    const { ctx, target, ticketId, bucket } = c;
    const info = await loadTicket(this.o.chain, ticketId);
    const cls = selectArtifactClass(ctx.seed, target, ticketId, info.counts.index, info.counts.symbol);
    if (cls === StorageProofArtifactClass.UNSPECIFIED) return { kind: 'no-eligible' };
    const count = cls === StorageProofArtifactClass.INDEX ? info.counts.index : info.counts.symbol;
    let ordinal: number;
    try {
      ordinal = selectArtifactOrdinal(ctx.seed, target, ticketId, cls, count);
    } catch (err) {
      throw new TicketFlowError('select_ordinal', `select ordinal: ${errorMessage(err)}`, { cause: err });
    }
    const key = this.o.resolver.key(info, cls, ordinal);
    const size = await this.o.resolver.size(info, cls, ordinal, key);
    const rangeLen = effectiveRangeLen(BigInt(ctx.params.storageTruthCompoundRangeLenBytes), size);
    const k = effectiveRangesPerArtifact(ctx.params.storageTruthCompoundRangesPerArtifact);
    let offsets: bigint[];
    try {
      offsets = computeMultiRangeOffsets(ctx.seed, target, ticketId, cls, ordinal, size, rangeLen, k);
    } catch (err) {
      throw new TicketFlowError('compute_offsets', `compute offsets: ${errorMessage(err)}`, { cause: err });
    }
    let derivation: string;
    try {
      derivation = derivationInputHash(ctx.seed, target, ticketId, cls, ordinal, offsets, rangeLen);
    } catch (err) {
      throw new TicketFlowError('derivation_hash', `derivation hash: ${errorMessage(err)}`, { cause: err });
    }
    const artefact: ChallengedArtefact = { ticketId, artifactClass: cls, ordinal, artifactCount: count, artifactKey: key, derivationInputHash: derivation };
    const req: GetCompoundProofRequest = {
      challengeId: compoundChallengeID(ctx.seed, ctx.epochId, target, ticketId, cls, ordinal),
      epochId: ctx.epochId,
      seed: ctx.seed,
      ticketId,
      targetSupernodeAccount: target,
      challengerAccount: this.o.identity,
      observerAccounts: [],
      artifactClass: cls,
      artifactOrdinal: ordinal,
      artifactCount: count,
      bucketType: bucket,
      artifactKey: key,
      artifactSize: size,
      ranges: offsets.map((o) => ({ start: o, end: o + rangeLen })),
    };
    const rowCtx = this.rowContext(ctx, target, bucket);
    let res: GetCompoundProofResponse | undefined;
    let row: StorageProofResult | undefined;
    try {
      res = await this.o.proofs.getCompoundProof(target, req, this.timeoutMs);
    } catch (err) {
      const details = err instanceof DialError ? `dial: ${errorMessage(err)}` : errorMessage(err);
      row = failureRow(rowCtx, artefact, classifyProofFailure(err, details), details);
    }
    if (!row) row = await this.verify(rowCtx, artefact, res, k, rangeLen, req.ranges);
    if (!row) return { kind: 'dropped' };
    this.emit(ctx.epochId, row, c.sink);
    return { kind: 'row', row };
  }

  /** §2.6 on a delivered response. */
  private async verify(
    rowCtx: RowContext, a: ChallengedArtefact, res: GetCompoundProofResponse | undefined, k: number, rangeLen: bigint,
    ranges: ReadonlyArray<{ start: bigint; end: bigint }>,
  ): Promise<StorageProofResult | undefined> {
    if (!res || !res.ok) {
      const reason = res?.error ? res.error : 'no response';
      return failureRow(rowCtx, a, classifyProofFailure(undefined, reason), reason);
    }
    if (res.rangeBytes.length !== k) {
      return failureRow(rowCtx, a, StorageProofResultClass.INVALID_TRANSCRIPT, `range count mismatch: got ${res.rangeBytes.length} want ${k}`);
    }
    const bad = res.rangeBytes.findIndex((b) => BigInt(b.length) !== rangeLen);
    if (bad >= 0) {
      return failureRow(rowCtx, a, StorageProofResultClass.INVALID_TRANSCRIPT, `range[${bad}] size ${res.rangeBytes[bad]!.length} != ${rangeLen}`);
    }
    const local = Buffer.from(blake3(Buffer.concat(res.rangeBytes))).toString('hex');
    if (local !== res.proofHashHex.toLowerCase()) {
      return failureRow(rowCtx, a, StorageProofResultClass.HASH_MISMATCH, `proof hash mismatch: local=${local} remote=${res.proofHashHex}`);
    }
    const own = await this.o.localRanges?.(a.artifactKey, ranges).catch(() => undefined);
    if (own) {
      const expected = Buffer.from(blake3(Buffer.concat(own))).toString('hex');
      if (expected !== local) {
        return failureRow(rowCtx, a, StorageProofResultClass.HASH_MISMATCH, `proof does not match the verified local copy: expected=${expected} remote=${local}`);
      }
    }
    return passRow(rowCtx, a, local);
  }
}

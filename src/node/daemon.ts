/**
 * The daemon as an ordered list of services (spec 04 §9): state database → artefact store → peer server
 * (StorageChallengeService over lumera-alts) → peer dialer → epoch challenger/reporter → recheck. `start`
 * brings them up in order (a failure stops what already started, in reverse); `close` stops them in
 * reverse order so the database closes last, after every service drained. Later work (self-healing,
 * status, metrics) appends services to the same list.
 */
import { join } from 'node:path';
import type { LumeraClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import { recheckEvidenceMsg } from '../chain/messages.js';
import type { SupernodeConfig } from '../config/types.js';
import { StorageChallengeServiceService } from '../gen/supernode/storage_challenge.js';
import { openDatabase, HISTORY_DB_FILE, type StateDatabase } from '../store/db.js';
import { ArtefactStore } from '../store/artefacts.js';
import { ArtefactIndex, type ArtefactRecord } from '../store/artefact-index.js';
import { ArtefactSweeper } from '../cascade/artefact-sweeper.js';
import { TickLoop, type Startable } from './startable.js';
import { lep6Repositories, type Lep6Repositories } from '../store/lep6-state.js';
import { AltsGrpcServer } from '../transport/grpc-server.js';
import { CachingIdentityVerifier } from '../transport/identity-verifier.js';
import { PeerDialer } from '../transport/peer-dialer.js';
import { InvalidArgumentError, errorMessage } from '../util/errors.js';
import { moduleLogger, type Logger } from '../util/logger.js';
import { ArtefactResolver } from '../challenge/artefact-size.js';
import { Dispatcher } from '../challenge/dispatcher.js';
import { Lep6Metrics } from '../challenge/metrics.js';
import { DialerProofCaller, type ProofCaller } from '../challenge/proof-client.js';
import { CompoundProofRecipient, type RecipientServiceOptions } from '../challenge/recipient-service.js';
import { EpochReporter } from '../challenge/reporter.js';
import { ResultBuffer } from '../challenge/result-buffer.js';
import { ChallengerService, type ChallengerHooks } from '../challenge/service.js';
import { RecheckAttestor } from '../recheck/attestor.js';
import { DispatcherRecheckExecutor } from '../recheck/executor.js';
import { RecheckService } from '../recheck/service.js';
import { createHealingService, healingPeerServices, type HealingWiring } from '../healing/wiring.js';
import type { HealHooks } from '../healing/hooks.js';
import type { SelfHealingService } from '../healing/service.js';

export interface SupernodeNodeOptions {
  config: SupernodeConfig;
  /** The key of `supernode.identity` (signs handshakes, transcripts and transactions). */
  key: SigningKey;
  /** A connected chain client signing with `key`. */
  chain: LumeraClient;
  /** Close the chain client on close() (default true). */
  ownsChain?: boolean;
  /** Recipient admission and read deadline overrides (defaults: see CompoundProofRecipient). */
  recipient?: Partial<Pick<RecipientServiceOptions, 'perCallerRatePerSec' | 'perCallerBurst' | 'maxInFlight' | 'readTimeoutMs'>>;
  /** Replaces the lumera-alts proof caller (tests). */
  proofCaller?: ProofCaller;
  challengerHooks?: ChallengerHooks;
  /** Disables the epoch reporter (env LUMERA_SUPERNODE_DISABLE_HOST_REPORTER=1|true by default). */
  disableHostReporter?: boolean;
  logger?: Logger;
  /** Self-healing test hooks (tamper with staging, freeze between submit and record). */
  healingHooks?: HealHooks;
}

/** A Startable built from two functions. */
function service(name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void): Startable {
  return { name, start: async () => start(), stop: async () => stop() };
}

function envDisablesHostReporter(): boolean {
  const v = (process.env.LUMERA_SUPERNODE_DISABLE_HOST_REPORTER ?? '').trim().toLowerCase();
  return v === '1' || v === 'true';
}

export class SupernodeNode {
  readonly metrics = new Lep6Metrics();
  readonly buffer = new ResultBuffer({ metrics: this.metrics });
  private readonly log: Logger;
  private readonly started: Startable[] = [];
  private closing: Promise<void> | undefined;

  database: StateDatabase | undefined;
  repos: Lep6Repositories | undefined;
  store: ArtefactStore | undefined;
  /** Which action each uploaded or published blob belongs to (fed by StoreArtefacts, read by artefact-gc). */
  artefactIndex: ArtefactIndex | undefined;
  private gcLoop: TickLoop | undefined;
  server: AltsGrpcServer | undefined;
  /** Bound peer port (the configured one, or the OS-assigned one when configured 0). */
  port = 0;
  dialer: PeerDialer | undefined;
  recipient: CompoundProofRecipient | undefined;
  dispatcher: Dispatcher | undefined;
  challenger: ChallengerService | undefined;
  recheck: RecheckService | undefined;
  healing: SelfHealingService | undefined;

  constructor(private readonly o: SupernodeNodeOptions) {
    if (o.key.address !== o.config.supernode.identity) {
      throw new InvalidArgumentError('supernode.key_name', `signs as ${o.key.address} but supernode.identity is ${o.config.supernode.identity}`);
    }
    this.log = o.logger ?? moduleLogger('node');
  }

  get identity(): string {
    return this.o.config.supernode.identity;
  }

  /** Names of the running services, in start order. */
  get serviceNames(): string[] {
    return this.started.map((s) => s.name);
  }

  async start(): Promise<void> {
    for (const s of this.plan()) {
      try {
        await s.start();
      } catch (err) {
        this.log.error({ service: s.name, err: errorMessage(err) }, 'service failed to start; stopping the others');
        await this.close();
        throw err;
      }
      this.started.push(s);
    }
    this.log.info({ identity: this.identity, port: this.port, services: this.serviceNames }, 'supernode started');
  }

  /** Stops every started service in reverse order. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const s of [...this.started].reverse()) {
        try {
          await s.stop();
        } catch (err) {
          this.log.warn({ service: s.name, err: errorMessage(err) }, 'service stop failed');
        }
      }
      this.started.length = 0;
      if (this.o.ownsChain !== false) this.o.chain.close();
    })();
    return this.closing;
  }

  private plan(): Startable[] {
    const cfg = this.o.config;
    const sc = cfg.storageChallenge;
    const chain = this.o.chain;
    const list: Startable[] = [
      service('state-db', () => {
        this.database = openDatabase(join(cfg.baseDir, HISTORY_DB_FILE));
        this.repos = lep6Repositories(this.database.db);
        this.artefactIndex = new ArtefactIndex(this.database.db);
      }, () => this.database?.close()),
      service('artefact-store', async () => {
        this.store = await ArtefactStore.open(cfg.artefactStore.dir);
      }, () => undefined),
      service('peer-server', async () => {
        const verifier = new CachingIdentityVerifier(chain);
        this.recipient = new CompoundProofRecipient({
          identity: this.identity, reader: this.store, signer: this.o.key, params: chain, logger: this.svcLog('recipient'), ...this.o.recipient,
        });
        this.server = new AltsGrpcServer({ signer: this.o.key, verifier, logger: this.svcLog('peer-server') });
        this.server.addService(StorageChallengeServiceService, this.recipient.implementation());
        const index = (actionId: string, records: ArtefactRecord[]) => this.artefactIndex!.record(actionId, records);
        for (const s of healingPeerServices(this.healingWiring(), () => this.store!, index)) this.server.addService(s.definition, s.implementation);
        this.port = await this.server.listen(cfg.supernode.host, cfg.supernode.port);
      }, () => this.server?.close(500)),
      service('peer-dialer', () => {
        this.dialer = new PeerDialer({
          signer: this.o.key,
          verifier: new CachingIdentityVerifier(chain),
          defaultPort: cfg.supernode.port > 0 ? cfg.supernode.port : 4444,
          initialBackoffMs: 200,
          maxBackoffMs: 2000,
          resolveTtlMs: 30_000,
          resolver: {
            resolvePeerAddress: async (account: string) => {
              const ep = await chain.getSupernodeEndpoint(account);
              if (!ep) throw new InvalidArgumentError('target', `no address for target ${JSON.stringify(account)}`);
              return ep.address;
            },
          },
          logger: this.svcLog('peer-dialer'),
        });
      }, () => this.dialer?.close()),
    ];
    if (cfg.artefactStore.gcEnabled) {
      list.push(service('artefact-gc', () => {
        const log = this.svcLog('artefact-gc');
        const sweeper = new ArtefactSweeper({
          index: this.artefactIndex!, store: this.store!, chain,
          graceMs: cfg.artefactStore.gcGraceMs, recheckMs: cfg.artefactStore.gcGraceMs, maxPerPass: 200, logger: log,
        });
        this.gcLoop = new TickLoop(cfg.artefactStore.gcIntervalMs, async () => {
          const r = await sweeper.sweep();
          if (r.checked > 0) log.debug(r, 'artefact collection pass');
        }, (err) => log.warn({ err: errorMessage(err) }, 'artefact collection pass failed; retried next pass'));
        this.gcLoop.start();
      }, () => this.gcLoop?.stop()));
    }
    const lep6 = sc.enabled && sc.lep6.enabled;
    if (!(this.o.disableHostReporter ?? envDisablesHostReporter())) {
      list.push({
        name: 'storage-challenger',
        start: async () => {
          if (lep6) this.dispatcher = this.makeDispatcher();
          this.challenger = new ChallengerService({
            chain,
            dispatcher: this.dispatcher,
            reporter: new EpochReporter({ chain, identity: this.identity, buffer: this.buffer, diskDir: cfg.artefactStore.dir, logger: this.svcLog('reporter') }),
            state: this.repos!.challengeState,
            pollIntervalMs: sc.pollIntervalMs,
            hooks: this.o.challengerHooks,
            logger: this.svcLog('challenger'),
          });
          await this.challenger.start();
        },
        stop: async () => this.challenger?.stop(),
      });
    }
    if (lep6 && sc.lep6.recheck.enabled) {
      const rc = sc.lep6.recheck;
      list.push({
        name: 'recheck',
        start: async () => {
          const dispatcher = this.dispatcher ?? this.makeDispatcher();
          this.recheck = new RecheckService({
            chain,
            identity: this.identity,
            submissions: this.repos!.recheckSubmissions,
            failures: this.repos!.recheckFailures,
            executor: new DispatcherRecheckExecutor(chain, dispatcher),
            attestor: new RecheckAttestor({
              chain, identity: this.identity, store: this.repos!.recheckSubmissions, metrics: this.metrics,
              simulate: (input) => chain.simulateMessages([recheckEvidenceMsg(this.identity, input)]),
            }),
            metrics: this.metrics,
            tickIntervalMs: rc.tickIntervalMs,
            lookbackEpochs: rc.lookbackEpochs,
            maxPerTick: rc.maxPerTick,
            maxFailureAttempts: rc.maxFailureAttemptsPerTicket,
            failureBackoffTtlMs: rc.failureBackoffTtlMs,
            logger: this.svcLog('recheck'),
          });
          await this.recheck.start();
        },
        stop: async () => this.recheck?.stop(),
      });
    }
    if (cfg.selfHealing.enabled) {
      list.push({
        name: 'self-healing',
        start: async () => {
          this.healing = createHealingService(this.healingWiring(), { db: this.database!.db, store: this.store!, dialer: this.dialer! });
          await this.healing.start();
        },
        stop: async () => this.healing?.stop(),
      });
    }
    return list;
  }

  /** Each service logs under its own `svc` field, so an operator can follow one of them with a filter. */
  private svcLog(svc: string): Logger {
    return this.log.child({ svc });
  }

  private healingWiring(): HealingWiring {
    return { identity: this.identity, client: this.o.chain, config: this.o.config.selfHealing, logger: this.svcLog('self-healing'), hooks: this.o.healingHooks };
  }

  private makeDispatcher(): Dispatcher {
    const store = this.store!;
    const sc = this.o.config.storageChallenge;
    return new Dispatcher({
      chain: this.o.chain,
      identity: this.identity,
      signer: this.o.key,
      sink: this.buffer,
      proofs: this.o.proofCaller ?? new DialerProofCaller(this.dialer!),
      // Stored size = the local, content-verified copy (spec 04 §2.5 step 6); readRange verifies (cached).
      resolver: new ArtefactResolver(async (key) => {
        if (!(await store.has(key))) return undefined;
        await store.readRange(key, 0, 1);
        const n = await store.sizeOf(key);
        return n === undefined ? undefined : BigInt(n);
      }),
      localRanges: async (key, ranges) => {
        if (!(await store.has(key))) return undefined;
        return store.readRanges(key, ranges.map((r) => ({ start: Number(r.start), end: Number(r.end) })));
      },
      metrics: this.metrics,
      recipientReadTimeoutMs: sc.lep6.recipientReadTimeoutMs,
      maxConcurrentTargets: sc.lep6.maxConcurrentTargets,
      logger: this.svcLog('dispatcher'),
    });
  }
}

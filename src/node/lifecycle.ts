/**
 * The running daemon around SupernodeNode: the node's ordered services (state db → artefact store → peer
 * server → dialer → challenger/reporter → recheck → self-healing), then the operator surfaces (metrics
 * endpoint, admin status endpoint, periodic summary). `stop()` undoes it in reverse: operator surfaces
 * first, then the node, whose services drain and whose database closes last — all under one deadline.
 */
import type { LumeraClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import type { SupernodeConfig } from '../config/types.js';
import { DialerProofCaller } from '../challenge/proof-client.js';
import { createNodeMetrics, type NodeMetrics } from '../metrics/node-metrics.js';
import { MetricsServer } from '../metrics/server.js';
import { timedChainClient, timedProofCaller } from '../metrics/timing.js';
import { errorMessage } from '../util/errors.js';
import { moduleLogger, rootLogger, type Logger } from '../util/logger.js';
import { AdminServer } from './admin-server.js';
import { SupernodeNode, type SupernodeNodeOptions } from './daemon.js';
import { Notifier } from './notifier.js';
import { TickLoop } from './startable.js';
import { guardCounters } from './lifecycle-guards.js';
import { collectStatus, type StatusReport } from './status.js';

/** Per-caller proof burst at the recipient (see the constructor). */
export const RECIPIENT_BURST = 8;

export type DaemonState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface DaemonRuntimeOptions {
  config: SupernodeConfig;
  key: SigningKey;
  /** Connected chain client; the runtime owns it from here (closed on stop). */
  chain: LumeraClient;
  /** Parent logger (no `module` binding): each part gets its own child — daemon, node, metrics, status, notifier. */
  logger?: Logger;
  /** Extra SupernodeNode options (test hooks, admission overrides). */
  node?: Partial<Omit<SupernodeNodeOptions, 'config' | 'key' | 'chain'>>;
  /** Interval of the one-line summary in the log; 0 = off. Default 60 s. */
  summaryIntervalMs?: number;
  /** How long stop() lets in-flight work drain before giving up on a clean close. Default 30 s. */
  drainDeadlineMs?: number;
  /** prom-client process metrics (default true; several daemons in one process share one process). */
  processMetrics?: boolean;
}

/** The RPC endpoint a production client is talking to right now (its failover state), else the first configured one. */
function endpointOf(chain: LumeraClient, configured: readonly string[]): string {
  const active = (chain as unknown as { conn?: { rpc?: { activeUrl?: unknown } } }).conn?.rpc?.activeUrl;
  return typeof active === 'string' ? active : (configured[0] ?? '');
}

export class DaemonRuntime {
  readonly node: SupernodeNode;
  readonly metrics: NodeMetrics;
  readonly startedAt = new Date();
  state: DaemonState = 'idle';
  private readonly log: Logger;
  private readonly root: Logger;
  private readonly chain: LumeraClient;
  private metricsServer: MetricsServer | undefined;
  private admin: AdminServer | undefined;
  private notifier: Notifier | undefined;
  private stopping: Promise<boolean> | undefined;

  constructor(private readonly o: DaemonRuntimeOptions) {
    this.root = o.logger ?? rootLogger();
    this.log = moduleLogger('daemon', this.root);
    let node: SupernodeNode | undefined;
    this.metrics = createNodeMetrics({
      lep6: () => node?.metrics.snapshot(),
      heal: () => node?.healing?.metrics.snapshot(),
      inboundPeerConnections: () => node?.server?.connectionCount ?? 0,
      outboundPeerChannels: () => node?.dialer?.size ?? 0,
      loopFailures: () => TickLoop.failures,
      unhandledRejections: () => guardCounters.unhandledRejections,
    }, { processMetrics: o.processMetrics });
    this.chain = timedChainClient(o.chain, this.metrics.chainRpcSeconds);
    node = new SupernodeNode({
      config: o.config,
      key: o.key,
      chain: this.chain,
      logger: moduleLogger('node', this.root),
      proofCaller: timedProofCaller(() => new DialerProofCaller(node!.dialer!), this.metrics.peerRpcSeconds),
      ...o.node,
      // The recipient also caps each caller's in-flight proofs (a quarter of the global 32); a burst of 8
      // additionally keeps a flooding peer's queue short and is far above what an honest challenger sends
      // one target per epoch.
      recipient: { perCallerBurst: RECIPIENT_BURST, ...o.node?.recipient },
    });
    this.node = node;
  }

  /** Bound admin (status) address, '' when off. */
  get statusAddress(): string {
    return this.admin?.address ?? '';
  }

  /** Bound metrics address, '' when off. */
  get metricsAddress(): string {
    return this.metricsServer?.address ?? '';
  }

  status(): Promise<StatusReport> {
    return collectStatus({ node: this.node, chain: this.chain, startedAt: this.startedAt, endpoint: () => endpointOf(this.o.chain, this.o.config.lumera.rpcEndpoints) });
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`daemon cannot start from state ${this.state}`);
    this.state = 'starting';
    try {
      await this.node.start();
      const sn = this.o.config.supernode;
      if (sn.metricsAddress) {
        this.metricsServer = new MetricsServer(this.metrics, moduleLogger('metrics', this.root));
        await this.metricsServer.listen(sn.metricsAddress);
      }
      if (sn.statusAddress) {
        this.admin = new AdminServer(() => this.status(), moduleLogger('status', this.root));
        await this.admin.listen(sn.statusAddress);
      }
      this.notifier = new Notifier(() => this.status(), moduleLogger('notifier', this.root), this.o.summaryIntervalMs ?? 60_000);
      this.notifier.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.state = 'running';
    this.log.info({ identity: this.node.identity, port: this.node.port, status: this.statusAddress || 'off', metrics: this.metricsAddress || 'off' }, 'daemon running');
  }

  /**
   * Stops in reverse order. Resolves true when everything closed within the drain deadline, false when the
   * deadline passed first (the caller exits anyway; SQLite in WAL mode and the pending-row design make that
   * safe — a pending row is resumed at the next start). Idempotent.
   */
  stop(): Promise<boolean> {
    this.stopping ??= (async () => {
      this.state = 'stopping';
      this.notifier?.stop();
      await this.admin?.close().catch(() => undefined);
      await this.metricsServer?.close().catch(() => undefined);
      const deadline = this.o.drainDeadlineMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const clean = await Promise.race([
        this.node.close().then(() => true, (err: unknown) => {
          this.log.error({ err: errorMessage(err) }, 'node close failed');
          return false;
        }),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), deadline);
        }),
      ]);
      clearTimeout(timer);
      if (!clean) this.log.warn({ deadlineMs: deadline }, 'in-flight work did not drain before the deadline');
      this.state = 'stopped';
      return clean;
    })();
    return this.stopping;
  }
}

/**
 * Every metric one daemon exposes: the spec 04 §8 LEP-6 signals (bridged from the services' snapshots),
 * process metrics, per-RPC latency histograms (chain queries/transactions and outgoing peer proofs), peers,
 * and failures of background loop iterations.
 */
import type { Histogram } from 'prom-client';
import { MetricsCreator } from './creator.js';
import { LEP6_SIGNALS, parseLabels, readSignal, type HealSnapshot, type Lep6Snapshot } from './lep6-signals.js';

/** Where the figures come from; read at each scrape. */
export interface MetricSources {
  lep6(): Lep6Snapshot | undefined;
  heal(): HealSnapshot | undefined;
  inboundPeerConnections(): number;
  outboundPeerChannels(): number;
  loopFailures(): number;
  unhandledRejections(): number;
}

export interface NodeMetrics {
  readonly creator: MetricsCreator;
  /** Chain RPC latency by client method and outcome (ok, error). */
  readonly chainRpcSeconds: Histogram<'method' | 'outcome'>;
  /** Outgoing peer RPC latency by method and outcome. */
  readonly peerRpcSeconds: Histogram<'method' | 'outcome'>;
  text(): Promise<string>;
}

const RPC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createNodeMetrics(sources: MetricSources, opts: { processMetrics?: boolean } = {}): NodeMetrics {
  const m = new MetricsCreator();
  if (opts.processMetrics !== false) m.processMetrics();
  for (const signal of LEP6_SIGNALS) {
    const read = () => readSignal(signal, sources.lep6(), sources.heal());
    if (signal.kind === 'counter') {
      m.counter<string>({
        name: signal.name, help: signal.help, labelNames: signal.labelNames,
        // The sources are cumulative since start, so replacing the series keeps the counter monotonic.
        collect() {
          this.reset();
          for (const [label, v] of read()) this.inc(parseLabels(signal, label), v);
        },
      });
    } else {
      m.gauge<string>({
        name: signal.name, help: signal.help, labelNames: signal.labelNames,
        collect() {
          this.reset();
          for (const [label, v] of read()) this.set(parseLabels(signal, label), v);
        },
      });
    }
  }
  m.gauge({ name: 'peer_inbound_connections', help: 'Open inbound lumera-alts connections', collect() { this.set(sources.inboundPeerConnections()); } });
  m.gauge({ name: 'peer_outbound_channels', help: 'Cached outgoing peer channels', collect() { this.set(sources.outboundPeerChannels()); } });
  m.counter({
    name: 'loop_iteration_failures_total', help: 'Background loop iterations that threw (logged and survived; process-wide)',
    collect() {
      this.reset();
      this.inc(sources.loopFailures());
    },
  });
  m.counter({
    name: 'unhandled_rejections_total', help: 'Promise rejections nobody handled (logged; the daemon kept running)',
    collect() {
      this.reset();
      this.inc(sources.unhandledRejections());
    },
  });
  const chainRpcSeconds = m.histogram({ name: 'chain_rpc_duration_seconds', help: 'Chain client call latency by method', labelNames: ['method', 'outcome'] as const, buckets: RPC_BUCKETS });
  const peerRpcSeconds = m.histogram({ name: 'peer_rpc_duration_seconds', help: 'Outgoing peer RPC latency by method', labelNames: ['method', 'outcome'] as const, buckets: RPC_BUCKETS });
  return { creator: m, chainRpcSeconds, peerRpcSeconds, text: () => m.text() };
}

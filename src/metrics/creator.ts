/**
 * The one way the daemon makes Prometheus metrics: a registry of its own (never prom-client's global one,
 * so several daemons in one process — the demo, the e2e cluster — keep separate figures) and one name
 * prefix. Label names are typed, so `inc({ outcome: … })` with a wrong key does not compile.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_PREFIX = 'supernode_';

interface Common<L extends string> {
  /** Name without the prefix, e.g. `dispatch_results_total`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export class MetricsCreator {
  readonly registry = new Registry();

  counter<L extends string = never>(o: Common<L> & { collect?: (this: Counter<L>) => void }): Counter<L> {
    return new Counter<L>({ ...o, name: METRICS_PREFIX + o.name, labelNames: o.labelNames ?? [], registers: [this.registry] });
  }

  gauge<L extends string = never>(o: Common<L> & { collect?: (this: Gauge<L>) => void }): Gauge<L> {
    return new Gauge<L>({ ...o, name: METRICS_PREFIX + o.name, labelNames: o.labelNames ?? [], registers: [this.registry] });
  }

  histogram<L extends string = never>(o: Common<L> & { buckets: number[] }): Histogram<L> {
    return new Histogram<L>({ ...o, name: METRICS_PREFIX + o.name, labelNames: o.labelNames ?? [], registers: [this.registry] });
  }

  /** CPU, memory, event-loop lag, GC, handles — prom-client's default process metrics, same prefix. */
  processMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: METRICS_PREFIX });
  }

  /** The Prometheus text exposition of everything registered. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

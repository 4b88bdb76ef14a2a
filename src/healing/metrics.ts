/**
 * Self-healing counters and gauges (spec 04 §8 names). Kept in-process and dependency-free; the daemon's
 * metrics endpoint can read `snapshot()`.
 */
export class HealMetrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();

  inc(name: string, label = '', by = 1): void {
    const k = label ? `${name}{${label}}` : name;
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }

  set(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  get(name: string, label = ''): number {
    const k = label ? `${name}{${label}}` : name;
    return this.counters.get(k) ?? this.gauges.get(k) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counters, ...this.gauges]);
  }
}

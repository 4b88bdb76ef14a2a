/**
 * In-process LEP-6 counters (spec 04 §8 names; labels normalised: trimmed, lower-cased, "" → "unknown").
 * One instance per daemon, shared by the dispatcher, the reporter and the recheck service.
 */
export class Lep6Metrics {
  private readonly maps = new Map<string, Map<string, number>>();
  private readonly gauges = new Map<string, number>();

  inc(name: string, label = '', by = 1): void {
    let m = this.maps.get(name);
    if (!m) this.maps.set(name, (m = new Map()));
    const key = label.trim().toLowerCase() || 'unknown';
    m.set(key, (m.get(key) ?? 0) + by);
  }

  /** Keeps the largest value seen under (name, label) (e.g. dispatch_epoch_duration_millis_max{role}). */
  max(name: string, label: string, value: number): void {
    let m = this.maps.get(name);
    if (!m) this.maps.set(name, (m = new Map()));
    const key = label.trim().toLowerCase() || 'unknown';
    m.set(key, Math.max(m.get(key) ?? 0, value));
  }

  set(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  get(name: string, label?: string): number {
    if (label === undefined) return this.gauges.get(name) ?? [...(this.maps.get(name)?.values() ?? [])].reduce((a, b) => a + b, 0);
    return this.maps.get(name)?.get(label.trim().toLowerCase() || 'unknown') ?? 0;
  }

  snapshot(): Record<string, Record<string, number> | number> {
    const out: Record<string, Record<string, number> | number> = {};
    for (const [k, m] of this.maps) out[k] = Object.fromEntries(m);
    for (const [k, v] of this.gauges) out[k] = v;
    return out;
  }
}

/**
 * Spec 04 §8 signals as Prometheus series. The services keep counting in their own in-process objects
 * (`Lep6Metrics` for dispatch/recheck, `HealMetrics` for self-healing); this module reads their snapshots at
 * scrape time, so no service changes and the status command and `/metrics` always agree. Names are the
 * spec's (after the one prefix) and label values are normalised as R8.1 says (trimmed, lower-cased,
 * empty → `unknown`).
 */

export type SignalSource = 'lep6' | 'heal';

export interface Signal {
  name: string;
  help: string;
  kind: 'counter' | 'gauge';
  source: SignalSource;
  labelNames: readonly string[];
  /** Renames keys of `key=value` labels recorded by a service (e.g. the healer records `result=`). */
  keyAlias?: Readonly<Record<string, string>>;
}

const c = (source: SignalSource, name: string, help: string, labelNames: string[] = [], keyAlias?: Record<string, string>): Signal => ({ name, help, kind: 'counter', source, labelNames, keyAlias });
const g = (source: SignalSource, name: string, help: string, labelNames: string[] = []): Signal => ({ name, help, kind: 'gauge', source, labelNames });

export const LEP6_SIGNALS: readonly Signal[] = [
  c('lep6', 'dispatch_results_total', 'Storage-proof rows emitted by the dispatcher (epoch and recheck paths) by result class', ['class']),
  c('lep6', 'dispatch_throttled_total', 'Rows dropped by the result-buffer throttle, by policy', ['policy']),
  c('lep6', 'dispatch_epoch_duration_millis_total', 'Summed DispatchEpoch wall time in ms, by role', ['role']),
  g('lep6', 'dispatch_epoch_duration_millis_max', 'Largest single DispatchEpoch time in ms, by role', ['role']),
  c('lep6', 'dispatch_epoch_duration_count', 'DispatchEpoch calls (including skipped or failed), by role', ['role']),
  c('lep6', 'ticket_discovery_total', 'Ticket discovery outcomes (eligible, ineligible)', ['result']),
  g('lep6', 'no_ticket_provider_active', '1 once the ticket provider failed or a bucket was empty'),
  c('lep6', 'dispatch_sign_failures_total', 'Rows not emitted because signing failed, by context', ['context']),
  c('lep6', 'dispatch_internal_failures_total', 'Per-ticket flow failures by stage', ['stage']),
  c('lep6', 'recheck_candidates_found_total', 'Recheck candidates processed by ticks'),
  c('lep6', 'recheck_evidence_submitted_total', 'Recheck evidence submissions by result class and outcome', ['class', 'outcome']),
  c('lep6', 'recheck_evidence_already_submitted_total', 'Recheck evidence the chain already had'),
  c('lep6', 'recheck_execution_failures_total', 'Recheck failures by stage (execute, submit)', ['reason']),
  g('lep6', 'recheck_pending_candidates', 'Recheck candidates found in the last tick'),
  c('heal', 'heal_claims_submitted_total', 'Heal claim outcomes (submitted, dedup, stage_error, …)', ['outcome'], { result: 'outcome' }),
  c('heal', 'heal_claims_reconciled_total', 'Heal claims promoted by resume or reconciled after an ambiguous submit'),
  c('heal', 'heal_verifications_submitted_total', 'Heal verification outcomes by vote (positive, negative) and result', ['verified', 'result']),
  c('heal', 'heal_verifications_already_exists_total', 'Verifications skipped because a local row already existed'),
  c('heal', 'heal_verifications_reconciled_total', 'Verifications reconciled after an ambiguous submit'),
  c('heal', 'heal_finalize_publishes_total', 'Healed artefacts published by the finalizer'),
  c('heal', 'heal_finalize_cleanups_total', 'Claims cleaned up by the finalizer, by heal-op status', ['status']),
  g('heal', 'self_healing_pending_claims', 'Claim rows (any status) at the last finalizer pass'),
  g('heal', 'self_healing_staging_bytes', 'Bytes under all claim staging directories'),
  c('heal', 'heal_orphaned_staging_cleanups_total', 'Orphan staging directories removed at start'),
];

export function normaliseLabel(v: string): string {
  return v.trim().toLowerCase() || 'unknown';
}

/** `verified=true` is how the verifier records a positive vote; the spec's label values are positive/negative. */
function normaliseValue(key: string, value: string): string {
  const v = normaliseLabel(value);
  if (key === 'verified') return v === 'true' ? 'positive' : v === 'false' ? 'negative' : v;
  return v;
}

/** The label set of one recorded key: a bare value (`heal_op_status_failed`) or `k=v,k=v` pairs. */
export function parseLabels(signal: Signal, recorded: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (signal.labelNames.length === 0) return out;
  if (!recorded.includes('=')) {
    out[signal.labelNames[0]!] = normaliseLabel(recorded);
  } else {
    for (const part of recorded.split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const rawKey = normaliseLabel(part.slice(0, eq));
      const key = signal.keyAlias?.[rawKey] ?? rawKey;
      if (signal.labelNames.includes(key)) out[key] = normaliseValue(key, part.slice(eq + 1));
    }
  }
  for (const l of signal.labelNames) out[l] ??= 'unknown';
  return out;
}

export type Lep6Snapshot = Record<string, Record<string, number> | number>;
export type HealSnapshot = Record<string, number>;

/** Every recorded (label string → value) of one signal, from the snapshot of its source. */
export function readSignal(signal: Signal, lep6: Lep6Snapshot | undefined, heal: HealSnapshot | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (signal.source === 'lep6') {
    const v = lep6?.[signal.name];
    if (typeof v === 'number') out.set('', v);
    else if (v) {
      for (const [label, n] of Object.entries(v)) {
        const k = signal.labelNames.length === 0 ? '' : label;
        out.set(k, (out.get(k) ?? 0) + n);
      }
    }
    return out;
  }
  for (const [key, n] of Object.entries(heal ?? {})) {
    const brace = key.indexOf('{');
    const name = brace < 0 ? key : key.slice(0, brace);
    if (name !== signal.name) continue;
    const label = brace < 0 ? '' : key.slice(brace + 1, key.endsWith('}') ? -1 : undefined);
    const k = signal.labelNames.length === 0 ? '' : label;
    out.set(k, (out.get(k) ?? 0) + n);
  }
  return out;
}

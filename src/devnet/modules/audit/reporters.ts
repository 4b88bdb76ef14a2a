/** Epoch-end reporter adjustments (spec 03 §6.4.2 divergence, §6.4.3 clean-epoch recovery). */
import { event, type AuditEnv } from './env.js';
import { inWindow } from './epochs.js';
import { isFailureClass, ResultClass } from './enums.js';
import { adjustReliability } from './rows.js';
import { strCmp, tEntries, tValues } from './table.js';

const DIVERGENCE_PENALTY = 8n;
const CLEAN_EPOCH_CREDIT = -4n;
const CLEAN_EPOCH_MIN_PASSES = 5;

interface Tally {
  reporter: string;
  total: number;
  neg: number;
  confirmed: number;
}

export function divergencePenalties(env: AuditEnv, e: bigint): void {
  const p = env.state.params;
  const tallies: Tally[] = [];
  for (const [reporter] of tEntries(env.state.reporterReliability).sort((a, b) => strCmp(a[0], b[0]))) {
    const t: Tally = { reporter, total: 0, neg: 0, confirmed: 0 };
    for (const f of tValues(env.state.reporterResultFacts)) {
      if (f.reporter !== reporter || !inWindow(f.epochId, e, p.storageTruthDivergenceWindowEpochs)) continue;
      t.total++;
      if (isFailureClass(f.resultClass)) {
        t.neg++;
        if (f.confirmed) t.confirmed++;
      }
    }
    if (t.total >= p.storageTruthReporterMinReportsForDivergence) tallies.push(t);
  }
  if (tallies.length === 0) return;
  // Ascending by neg/total (cross-multiplied to stay in integers), ties by reporter.
  tallies.sort((a, b) => a.neg * b.total - b.neg * a.total || strCmp(a.reporter, b.reporter));
  const median = tallies[Math.floor(tallies.length / 2)] as Tally;
  if (median.total === 0) return;
  for (const t of tallies) {
    if (!(t.neg * median.total > 2 * median.neg * t.total)) continue;
    if (t.neg > 0 && 2 * t.confirmed >= t.neg) continue;
    const row = adjustReliability(env, t.reporter, e, DIVERGENCE_PENALTY);
    env.emit(
      event('storage_truth_score_updated', [
        ['epoch_id', e],
        ['reporter_supernode_account', t.reporter],
        ['divergence_penalty', DIVERGENCE_PENALTY],
        ['reporter_neg_count', t.neg],
        ['reporter_total_count', t.total],
        ['median_neg_count', median.neg],
        ['median_total_count', median.total],
        ['reporter_reliability_score', row.reliabilityScore],
      ]),
    );
  }
}

export function cleanEpochRecovery(env: AuditEnv, e: bigint): void {
  const reporters = new Set<string>(tEntries(env.state.reporterReliability).map(([k]) => k));
  const epochFacts = tValues(env.state.reporterResultFacts).filter((f) => f.epochId === e);
  for (const f of epochFacts) reporters.add(f.reporter);
  for (const reporter of [...reporters].sort(strCmp)) {
    const mine = epochFacts.filter((f) => f.reporter === reporter);
    const passes = mine.filter((f) => f.resultClass === ResultClass.PASS).length;
    if (passes < CLEAN_EPOCH_MIN_PASSES || mine.some((f) => f.overturned)) continue;
    adjustReliability(env, reporter, e, CLEAN_EPOCH_CREDIT);
    env.emit(
      event('storage_truth_score_updated', [
        ['epoch_id', e],
        ['reporter_supernode_account', reporter],
        ['clean_epoch_recovery_delta', CLEAN_EPOCH_CREDIT],
        ['epoch_pass_count', passes],
      ]),
    );
  }
}

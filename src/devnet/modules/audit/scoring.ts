/**
 * Per-result storage-truth scoring (spec 03 §6.3): base deltas, trust scaling, pattern bonuses,
 * contradiction detection, then the node, reporter and ticket rows and the facts later rules read.
 * Called for every proof result of an accepted report and for the synthetic result of a recheck,
 * only while the live mode is not UNSPECIFIED.
 */
import { event, type AuditEnv } from './env.js';
import { delta, inWindow } from './epochs.js';
import { ArtifactClass, Bucket, BUCKET_NAMES, enumName, isClassA, isFailureClass, RESULT_CLASS_NAMES, ResultClass, TRUST_BAND_NAMES } from './enums.js';
import { adjustReliability, decayedReliability, newNodeRow, newTicketRow } from './rows.js';
import { addClamped, decay } from './scoring-math.js';
import { key, tGet, tSet, tValues } from './table.js';

export interface ScoredResult {
  ticketId: string;
  target: string;
  resultClass: number;
  bucketType: number;
  artifactClass: number;
}

function baseDeltas(r: ScoredResult): [bigint, bigint, bigint] {
  switch (r.resultClass) {
    case ResultClass.PASS:
      if (r.bucketType === Bucket.RECENT) return [-3n, 0n, -2n];
      if (r.bucketType === Bucket.OLD) return [-2n, 0n, -3n];
      return [-2n, 0n, -2n];
    case ResultClass.HASH_MISMATCH:
      return r.artifactClass === ArtifactClass.INDEX ? [26n, 1n, 12n] : [18n, 1n, 5n];
    case ResultClass.TIMEOUT_OR_NO_RESPONSE:
      return [7n, 0n, 3n];
    case ResultClass.OBSERVER_QUORUM_FAIL:
      return [4n, 0n, 0n];
    case ResultClass.RECHECK_CONFIRMED_FAIL:
      return [15n, 3n, 8n];
    default:
      return [0n, 0n, 0n];
  }
}

export function scoreResult(env: AuditEnv, e: bigint, reporter: string, r: ScoredResult): void {
  const p = env.state.params;
  let [n, rel, d] = baseDeltas(r);
  let nodeBonus = 0n;
  let ticketBonus = 0n;
  let contradicted = '';
  let contradiction = false;
  const failure = isFailureClass(r.resultClass);
  const ticketRow = r.ticketId === '' ? undefined : tGet(env.state.ticketDeterioration, r.ticketId);

  if (r.bucketType !== Bucket.RECHECK) {
    const rr = decayedReliability(env, reporter, e);
    const m = rr <= 0n ? 100n : 100n - rr < 50n ? 50n : 100n - rr;
    if (r.resultClass === ResultClass.HASH_MISMATCH) {
      if (n > 0n) n = (n * m) / 100n;
      if (d > 0n) d = (d * m) / 100n;
    }
    if (r.ticketId !== '') {
      if (failure) {
        const w = p.storageTruthPatternEscalationWindow;
        const tickets = new Set<string>([r.ticketId]);
        let recentFact = false;
        let oldFact = false;
        for (const f of tValues(env.state.nodeFailureFacts)) {
          if (f.target !== r.target || !inWindow(f.epochId, e, w)) continue;
          tickets.add(f.ticketId);
          if (f.bucketType === Bucket.RECENT) recentFact = true;
          if (f.bucketType === Bucket.OLD) oldFact = true;
        }
        if (tickets.size === 2) nodeBonus += 10n;
        else if (tickets.size >= 3) nodeBonus += 15n;
        if (ticketRow !== undefined && e !== ticketRow.lastFailureEpoch && ticketRow.lastTargetSupernodeAccount !== '') {
          ticketBonus += ticketRow.lastTargetSupernodeAccount !== r.target ? 10n : 6n;
        }
        if ((r.bucketType === Bucket.RECENT || recentFact) && (r.bucketType === Bucket.OLD || oldFact)) nodeBonus += 12n;
      } else if (r.resultClass === ResultClass.PASS && ticketRow !== undefined) {
        if (
          ticketRow.lastResultEpoch <= e &&
          ticketRow.lastTargetSupernodeAccount === r.target &&
          isFailureClass(ticketRow.lastResultClass) &&
          passConfirmedElsewhere(env, e, reporter, r)
        ) {
          contradiction = true;
          const prev = ticketRow.lastReporterSupernodeAccount;
          if (prev !== '' && prev !== reporter) {
            adjustReliability(env, prev, e, 12n, 1n);
            contradicted = prev;
          }
          ticketRow.contradictionCount += 1n;
        }
      }
    }
  }

  n += nodeBonus;
  d += ticketBonus;
  let nodeScore: bigint | undefined;
  let relScore: bigint | undefined;
  let ticketScore: bigint | undefined;

  // Node row (target).
  let node = tGet(env.state.nodeSuspicion, r.target);
  if (node !== undefined || n !== 0n) {
    node ??= newNodeRow(r.target);
    node.suspicionScore = addClamped(decay(node.suspicionScore, p.storageTruthNodeSuspicionDecayPerEpoch, delta(e, node.lastUpdatedEpoch)), n);
    node.lastUpdatedEpoch = e;
    if (r.resultClass === ResultClass.PASS) {
      node.cleanPassCount += 1;
      node.lastCleanPassEpoch = e;
    } else if (failure) {
      if (r.bucketType === Bucket.RECENT) node.lastRecentFailEpoch = e;
      if (r.bucketType === Bucket.OLD) node.lastOldFailEpoch = e;
      if (r.artifactClass === ArtifactClass.INDEX) node.lastIndexFailEpoch = e;
      if (delta(e, node.windowStartEpoch) >= BigInt(p.storageTruthPatternEscalationWindow)) {
        node.windowStartEpoch = e;
        node.distinctTicketFailWindow = 0;
        node.classACountWindow = 0;
        node.classBCountWindow = 0;
      }
      node.distinctTicketFailWindow += 1;
      if (isClassA(r.resultClass)) {
        node.classACountWindow += 1;
        node.lastClassAEpoch = e;
        node.cleanPassCount = 0;
      } else if (r.resultClass === ResultClass.TIMEOUT_OR_NO_RESPONSE) {
        node.classBCountWindow += 1;
        node.lastClassBEpoch = e;
      }
    }
    tSet(env.state.nodeSuspicion, r.target, node);
    nodeScore = node.suspicionScore;
  }

  // Reporter row (creator).
  if (tGet(env.state.reporterReliability, reporter) !== undefined || rel !== 0n || contradiction) {
    relScore = adjustReliability(env, reporter, e, rel, contradiction ? 1n : 0n).reliabilityScore;
  }

  // Facts.
  if (r.bucketType !== Bucket.RECHECK && r.ticketId !== '' && r.target !== '') {
    tSet(env.state.reporterResultFacts, key(reporter, e, r.ticketId, r.target), {
      reporter,
      epochId: e,
      ticketId: r.ticketId,
      target: r.target,
      resultClass: r.resultClass,
      overturned: false,
      confirmed: false,
    });
  }
  if (failure && r.ticketId !== '') {
    tSet(env.state.nodeFailureFacts, key(r.target, e, r.ticketId, reporter), {
      target: r.target,
      epochId: e,
      ticketId: r.ticketId,
      reporter,
      resultClass: r.resultClass,
      bucketType: r.bucketType,
      artifactClass: r.artifactClass,
    });
  }

  // Ticket row.
  if (r.ticketId !== '' && (ticketRow !== undefined || d !== 0n)) {
    const t = ticketRow ?? newTicketRow(r.ticketId);
    let s = decay(t.deteriorationScore, p.storageTruthTicketDeteriorationDecayPerEpoch, delta(e, t.lastUpdatedEpoch)) + d;
    if (r.resultClass === ResultClass.PASS && isFailureClass(t.lastResultClass) && t.lastTargetSupernodeAccount !== r.target) s -= 3n;
    t.deteriorationScore = addClamped(s, 0n);
    t.lastUpdatedEpoch = e;
    if (failure) {
      if (t.lastFailureEpoch !== e || t.recentFailureEpochCount === 0) {
        const reset = t.recentFailureEpochCount === 0 || delta(e, t.lastFailureEpoch) > BigInt(p.storageTruthPatternEscalationWindow);
        t.recentFailureEpochCount = reset ? 1 : t.recentFailureEpochCount + 1;
        t.lastFailureEpoch = e;
      }
      if (t.lastTargetSupernodeAccount !== r.target) t.distinctHolderFailureCount += 1;
      if (r.artifactClass === ArtifactClass.INDEX) t.lastIndexFailureEpoch = e;
      if (r.bucketType === Bucket.RECENT) t.recentBucketFailureEpoch = e;
      if (r.bucketType === Bucket.OLD) t.oldBucketFailureEpoch = e;
    }
    t.lastTargetSupernodeAccount = r.target;
    t.lastReporterSupernodeAccount = reporter;
    t.lastResultClass = r.resultClass;
    t.lastResultEpoch = e;
    tSet(env.state.ticketDeterioration, r.ticketId, t);
    ticketScore = t.deteriorationScore;
  }

  if (nodeScore === undefined && relScore === undefined && ticketScore === undefined) return;
  const repRow = tGet(env.state.reporterReliability, reporter);
  const attrs: [string, string | bigint | number | boolean][] = [
    ['epoch_id', e],
    ['reporter_supernode_account', reporter],
    ['target_supernode_account', r.target],
    ['ticket_id', r.ticketId],
    ['result_class', enumName(RESULT_CLASS_NAMES, r.resultClass)],
    ['bucket_type', enumName(BUCKET_NAMES, r.bucketType)],
    ['reporter_trust_band', enumName(TRUST_BAND_NAMES, repRow?.trustBand ?? 1)],
    ['repeated_failure_count', r.ticketId === '' ? 0 : (tGet(env.state.ticketDeterioration, r.ticketId)?.recentFailureEpochCount ?? 0)],
    ['contradiction_detected', contradiction],
  ];
  if (nodeScore !== undefined) attrs.push(['node_suspicion_score', nodeScore]);
  if (relScore !== undefined) attrs.push(['reporter_reliability_score', relScore]);
  if (ticketScore !== undefined) attrs.push(['ticket_deterioration_score', ticketScore]);
  if (contradicted !== '') attrs.push(['contradicted_reporter', contradicted]);
  env.emit(event('storage_truth_score_updated', attrs));
}

/** Rule 6.3.2 contradiction confirmation: another reporter's PASS, or a RECHECK-bucket PASS transcript. */
function passConfirmedElsewhere(env: AuditEnv, e: bigint, reporter: string, r: ScoredResult): boolean {
  const w = env.state.params.storageTruthContradictionWindowEpochs;
  for (const f of tValues(env.state.reporterResultFacts)) {
    if (f.ticketId === r.ticketId && f.target === r.target && f.reporter !== reporter && f.resultClass === ResultClass.PASS && inWindow(f.epochId, e, w)) return true;
  }
  for (const t of tValues(env.state.transcripts)) {
    if (t.bucketType === Bucket.RECHECK && t.resultClass === ResultClass.PASS && t.ticketId === r.ticketId && t.target === r.target && inWindow(t.epochId, e, w)) return true;
  }
  return false;
}

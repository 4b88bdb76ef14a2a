/**
 * Network-wide recheck candidate discovery (spec 04 §4.2): scan the last `lookback` epochs (newest first)
 * of every reporter — self plus every registered supernode, paginated to the end (no 100-node cap, §11.8)
 * — for recheck-eligible results that neither target nor were reported by this node, one per
 * (epoch, ticket), skipping tickets this node already has a local recheck row for.
 */
import { errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { ChallengeChain } from '../challenge/chain.js';
import type { RecheckSubmissionsRepo } from '../store/lep6-recheck.js';
import { validCandidate, type RecheckCandidate } from './types.js';

export interface FinderOptions {
  chain: Pick<ChallengeChain, 'getCurrentEpoch' | 'listSupernodes' | 'listEpochReportsByReporter'>;
  identity: string;
  store: Pick<RecheckSubmissionsRepo, 'has'>;
  lookbackEpochs: number;
  maxPerTick: number;
  logger?: Logger;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function reporterSet(chain: FinderOptions['chain'], identity: string): Promise<string[]> {
  const nodes = await chain.listSupernodes();
  const set = new Set<string>([identity.trim()]);
  for (const n of nodes) {
    const a = n.supernodeAccount.trim();
    if (a !== '') set.add(a);
  }
  set.delete('');
  return [...set].sort(cmp);
}

export async function findRecheckCandidates(o: FinderOptions): Promise<RecheckCandidate[]> {
  const log = o.logger ?? silentLogger();
  const current = (await o.chain.getCurrentEpoch()).epochId;
  if (!current || current === 0n) return [];
  const lookback = BigInt(Math.max(0, o.lookbackEpochs));
  const start = current > lookback ? current - lookback : 1n;
  const reporters = await reporterSet(o.chain, o.identity);
  const out: RecheckCandidate[] = [];
  const seen = new Set<string>();
  const max = o.maxPerTick > 0 ? o.maxPerTick : 5;
  for (let epoch = current; epoch >= start; epoch--) {
    const found: RecheckCandidate[] = [];
    for (const reporter of reporters) {
      let reports;
      try {
        reports = await o.chain.listEpochReportsByReporter(reporter, epoch);
      } catch (err) {
        log.debug({ reporter, epoch: String(epoch), err: errorMessage(err) }, 'recheck discovery: reporter skipped');
        continue;
      }
      for (const rep of reports) {
        for (const r of rep.storageProofResults) {
          found.push({
            epochId: epoch,
            target: r.targetSupernodeAccount.trim(),
            ticketId: r.ticketId.trim(),
            challengedTranscriptHash: r.transcriptHash.trim(),
            originalReporter: r.challengerSupernodeAccount.trim(),
            originalClass: r.resultClass as number,
          });
        }
      }
    }
    found.sort((a, b) => cmp(a.ticketId, b.ticketId) || cmp(a.target, b.target));
    for (const c of found) {
      if (!validCandidate(c) || c.target === o.identity || c.originalReporter === o.identity) continue;
      const k = `${c.epochId}/${c.ticketId}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (o.store.has(c.epochId, c.ticketId)) continue;
      out.push(c);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/**
 * Watches the demo network from the outside, like an operator with a block explorer: new storage-proof
 * results in epoch reports, the heal ops of the sample file and their status changes, and the votes the
 * verifier nodes recorded. Everything it sees is printed as one readable line and kept for the scenario's
 * waits.
 */
import { HealOpStatus, StorageProofBucketType, StorageProofResultClass, healOpStatusToJSON, type HealOp } from '../gen/lumera/audit/v1/audit.js';
import { errorMessage } from '../util/errors.js';
import type { DemoNetwork, SampleFile } from './network.js';

export interface SeenResult {
  epoch: bigint;
  reporter: string;
  target: string;
  ticket: string;
  resultClass: StorageProofResultClass;
  bucket: string;
}

export interface SeenVote {
  healOpId: bigint;
  verifier: string;
  verified: boolean;
}

export type Say = (line: string) => void;

export function className(c: StorageProofResultClass): string {
  return (StorageProofResultClass[c] ?? String(c)).replace(/^STORAGE_PROOF_RESULT_CLASS_/, '');
}

export class DemoWatcher {
  readonly results: SeenResult[] = [];
  readonly ops = new Map<bigint, HealOp>();
  readonly votes: SeenVote[] = [];
  /** Per-result lines (the scenario) or one line per epoch (after it). */
  verbose = true;
  private readonly seenReports = new Set<string>();
  private readonly seenVotes = new Set<string>();
  private readonly quiet = new Map<bigint, SeenResult[]>();
  /** VERIFIED ops whose line waits for the votes to be narrated first (op id → when VERIFIED was seen). */
  private readonly verifiedPending = new Map<bigint, number>();
  /** Ops whose VERIFIED line has been printed; the scenario waits on this so the story stays in causal order. */
  readonly verifiedNarrated = new Set<bigint>();
  private lastEpoch = 0n;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly net: DemoNetwork, private readonly file: SampleFile, private readonly say: Say) {}

  name(address: string): string {
    return this.net.byAddress(address)?.name ?? `${address.slice(0, 12)}…`;
  }

  start(everyMs = 400): void {
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass; errors (chain busy) are retried on the next pass. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.pollReports();
      await this.pollOps();
      this.pollVotes();
      this.narrateVerified();
    } catch (err) {
      this.say(`(watcher: ${errorMessage(err)}; retrying)`);
    } finally {
      this.busy = false;
    }
  }

  private async pollReports(): Promise<void> {
    const q = this.net.creator;
    const current = (await q.getCurrentEpoch()).epochId;
    const from = current > 4n ? current - 4n : 1n;
    for (let e = from; e <= current; e++) {
      const fresh: SeenResult[] = [];
      for (const n of this.net.nodes) {
        const k = `${n.address}/${e}`;
        if (this.seenReports.has(k)) continue;
        const r = await q.getEpochReport(e, n.address);
        if (!r) continue;
        this.seenReports.add(k);
        for (const p of r.storageProofResults) {
          fresh.push({ epoch: e, reporter: n.address, target: p.targetSupernodeAccount, ticket: p.ticketId, resultClass: p.resultClass, bucket: (StorageProofBucketType[p.bucketType] ?? '').replace(/^STORAGE_PROOF_BUCKET_TYPE_/, '').toLowerCase() });
        }
      }
      this.results.push(...fresh);
      if (this.verbose) {
        // Only the sample file's results; targets holding no ticket report NO_ELIGIBLE_TICKET, which is noise here.
        for (const s of fresh.filter((r) => r.ticket === this.file.actionId)) {
          const mark = s.resultClass === StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_PASS ? 'PASS' : `${className(s.resultClass)}  <-- failed challenge`;
          this.say(`epoch ${e}: ${this.name(s.reporter)} challenged ${this.name(s.target)} on the sample file (${s.bucket} bucket): ${mark}`);
        }
      } else if (fresh.length > 0) {
        this.quiet.set(e, [...(this.quiet.get(e) ?? []), ...fresh]);
      }
    }
    // Quiet mode: one line per finished epoch.
    for (const [e, rows] of [...this.quiet].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (e >= current) continue;
      this.quiet.delete(e);
      const byClass = new Map<string, number>();
      for (const r of rows) byClass.set(className(r.resultClass), (byClass.get(className(r.resultClass)) ?? 0) + 1);
      this.say(`epoch ${e}: ${rows.length} challenge result(s): ${[...byClass].map(([c, n]) => `${c}=${n}`).join(' ')}`);
    }
    this.lastEpoch = current;
  }

  get currentEpoch(): bigint {
    return this.lastEpoch;
  }

  private async pollOps(): Promise<void> {
    for (const op of await this.net.creator.listHealOpsByTicket(this.file.actionId)) {
      const before = this.ops.get(op.healOpId);
      this.ops.set(op.healOpId, op);
      if (before?.status === op.status) continue;
      const id = `heal op ${op.healOpId}`;
      switch (op.status) {
        case HealOpStatus.HEAL_OP_STATUS_SCHEDULED:
          this.say(`${id} scheduled by the chain: healer ${this.name(op.healerSupernodeAccount)}, verifiers ${op.verifierSupernodeAccounts.map((a) => this.name(a)).join(', ')} (deadline epoch ${op.deadlineEpochId})`);
          break;
        case HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED:
          this.say(`${id} claim accepted: ${this.name(op.healerSupernodeAccount)} rebuilt the file from the other holders and claimed it (manifest ${op.resultHash.slice(0, 16)}…)`);
          break;
        case HealOpStatus.HEAL_OP_STATUS_VERIFIED:
          if (!before || before.status === HealOpStatus.HEAL_OP_STATUS_SCHEDULED) this.say(`${id} claim accepted: ${this.name(op.healerSupernodeAccount)} rebuilt the file and claimed it`);
          this.verifiedPending.set(op.healOpId, Date.now());
          break;
        default:
          this.say(`${id} is now ${healOpStatusToJSON(op.status).replace(/^HEAL_OP_STATUS_/, '')}${op.notes ? ` (${op.notes})` : ''}`);
      }
    }
  }

  /**
   * The chain marks an op VERIFIED in the block holding the quorum vote, but a verifier records its vote as
   * submitted only once it has seen that tx confirmed, a moment later. Holding the VERIFIED line until the
   * quorum's votes are narrated keeps the story in causal order; after 10 s it is printed regardless.
   */
  private narrateVerified(): void {
    for (const [id, seenAt] of this.verifiedPending) {
      const op = this.ops.get(id);
      const quorum = Math.floor((op?.verifierSupernodeAccounts.length ?? 0) / 2) + 1;
      const votes = this.votes.filter((v) => v.healOpId === id && v.verified).length;
      if (votes < quorum && Date.now() - seenAt < 10_000) continue;
      this.verifiedPending.delete(id);
      this.verifiedNarrated.add(id);
      this.say(`heal op ${id} VERIFIED: the verifiers' votes matched the healer's manifest`);
    }
  }

  /** Votes as the verifier daemons recorded them after the chain accepted them. */
  private pollVotes(): void {
    for (const op of this.ops.values()) {
      for (const v of op.verifierSupernodeAccounts) {
        const k = `${op.healOpId}/${v}`;
        if (this.seenVotes.has(k)) continue;
        const row = this.net.byAddress(v)?.runtime?.node.repos?.healVerifications.get(op.healOpId, v);
        if (!row || row.status !== 'submitted') continue;
        this.seenVotes.add(k);
        this.votes.push({ healOpId: op.healOpId, verifier: v, verified: row.verified });
        this.say(`heal op ${op.healOpId} vote: ${this.name(v)} fetched the healed file from ${this.name(op.healerSupernodeAccount)}, checked it and voted ${row.verified ? 'verified=true' : 'verified=false'}`);
      }
    }
  }
}

/**
 * A periodic one-line summary for an operator reading the log (the JSON lines are for machines):
 * `epoch 42 FULL | targets 2 | last report 41 pass=4 | claims 0p/1s | votes 0p/2s | rechecks 0p/0s | staging 0 B | peers 3 in/3 out`.
 */
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { StatusReport } from './status.js';

export function summaryLine(s: StatusReport): string {
  const results = Object.entries(s.lastReport.results).map(([k, v]) => `${k}=${v}`).join(' ');
  const parts = [
    `epoch ${s.epoch.current ?? '?'} ${s.epoch.enforcementMode ?? '?'}`,
    `targets ${s.roles.challengerTargets.length}`,
    `last report ${s.lastReport.epoch ?? 'none'}${results ? ` ${results}` : ''}`,
    `claims ${s.claims.pending}p/${s.claims.submitted}s`,
    `votes ${s.verifications.pending}p/${s.verifications.submitted}s`,
    `rechecks ${s.rechecks.pending}p/${s.rechecks.submitted}s`,
    `staging ${s.stagingBytes} B`,
    `peers ${s.peers.inbound} in/${s.peers.outbound} out`,
  ];
  if (s.errors.length > 0) parts.push(`chain trouble: ${s.errors[0]}`);
  return parts.join(' | ');
}

export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly status: () => Promise<StatusReport>, private readonly log: Logger, private readonly intervalMs: number) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.log.info(summaryLine(await this.status()));
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'status summary failed');
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

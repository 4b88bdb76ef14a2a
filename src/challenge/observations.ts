/**
 * Peer observations of the epoch report (spec 04 R2.10.1 step 5): for each assigned target, TCP-probe
 * every required port on the target's registered host (2 s each, ≤ 8 targets at once): connected → OPEN,
 * refused → CLOSED, anything else → UNKNOWN. Also the host metrics of step 7.
 */
import net from 'node:net';
import { statfs } from 'node:fs/promises';
import { PortState, type StorageChallengeObservation } from '../gen/lumera/audit/v1/audit.js';
import { currentIpAddress } from '../chain/supernode-record.js';
import type { ChallengeChain } from './chain.js';

export const PROBE_TIMEOUT_MS = 2000;
export const PROBE_WORKERS = 8;

/** "host", "host:port", "[v6]:port", "v6" → the bare host (brackets removed); '' when unusable. */
export function normalizeProbeHost(address: string): string {
  const a = address.trim();
  if (a === '') return '';
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    return end > 1 ? a.slice(1, end) : '';
  }
  const colons = (a.match(/:/g) ?? []).length;
  if (colons === 1) return a.slice(0, a.indexOf(':'));
  return a; // bare host or bare IPv6
}

export function probeTcp(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<PortState> {
  if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) return Promise.resolve(PortState.PORT_STATE_UNKNOWN);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (s: PortState): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(s);
    };
    const timer = setTimeout(() => done(PortState.PORT_STATE_UNKNOWN), timeoutMs);
    socket.once('connect', () => done(PortState.PORT_STATE_OPEN));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? PortState.PORT_STATE_CLOSED : PortState.PORT_STATE_UNKNOWN));
  });
}

export async function observeTargets(
  chain: Pick<ChallengeChain, 'getSupernodeByAccount'>,
  targets: readonly string[],
  ports: readonly number[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<StorageChallengeObservation[]> {
  const out: Array<StorageChallengeObservation | undefined> = new Array(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      let host = '';
      try {
        const sn = await chain.getSupernodeByAccount(target);
        host = sn ? normalizeProbeHost(currentIpAddress(sn) ?? '') : '';
      } catch {
        host = '';
      }
      const portStates: PortState[] = [];
      for (const p of ports) portStates.push(await probeTcp(host, p, timeoutMs));
      out[i] = { targetSupernodeAccount: target, portStates };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_WORKERS, targets.length) }, worker));
  return out.filter((o): o is StorageChallengeObservation => o !== undefined);
}

/** Used-space percent of the volume holding `dir` (0 = unknown). */
export async function diskUsagePercent(dir: string): Promise<number> {
  try {
    const s = await statfs(dir);
    if (s.blocks <= 0) return 0;
    const pct = ((s.blocks - s.bfree) / s.blocks) * 100;
    return Number.isFinite(pct) && pct >= 0 && pct <= 100 ? pct : 0;
  } catch {
    return 0;
  }
}

/**
 * What `supernode status` shows: one snapshot of the running daemon — chain position and mode, this
 * node's roles this epoch, its last epoch report on chain, local claim/verification/recheck rows, staging
 * bytes, peers and the chain endpoint in use — plus the LEP-6 counters (spec 04 §8). Chain reads are
 * bounded and a failing one is reported in `errors`, so status still answers while the chain is down.
 */
import type Database from 'better-sqlite3';
import type { LumeraClient } from '../chain/client.js';
import { enforcementModeName } from '../config/index.js';
import { HealOpStatus, storageProofResultClassToJSON } from '../gen/lumera/audit/v1/audit.js';
import { errorMessage } from '../util/errors.js';
import type { SupernodeNode } from './daemon.js';

export interface RowCounts {
  pending: number;
  submitted: number;
}

export interface StatusReport {
  identity: string;
  startedAt: string;
  uptimeSeconds: number;
  services: string[];
  chain: { chainId: string; endpoint: string; height: string | null };
  epoch: { current: string | null; enforcementMode: string | null };
  roles: { challengerTargets: string[]; healerOps: string[]; verifierOps: string[] };
  lastReport: { epoch: string | null; results: Record<string, number> };
  /** Last epoch the local challenger state recorded as submitted. */
  localLastSubmittedEpoch: string | null;
  claims: RowCounts;
  verifications: RowCounts;
  rechecks: RowCounts;
  stagingBytes: number;
  peers: { inbound: number; outbound: number };
  metrics: { lep6: Record<string, unknown>; healing: Record<string, number> };
  errors: string[];
}

export interface StatusContext {
  node: SupernodeNode;
  chain: LumeraClient;
  startedAt: Date;
  /** Chain endpoint in use right now. */
  endpoint(): string;
  /** Deadline of each chain read, ms (default 3000). */
  chainTimeoutMs?: number;
}

function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function countRows(db: Database.Database | undefined, table: string): RowCounts {
  const out: RowCounts = { pending: 0, submitted: 0 };
  if (!db || !db.open) return out;
  for (const r of db.prepare(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`).all() as Array<{ status: string; n: number }>) {
    if (r.status === 'pending' || r.status === 'submitted') out[r.status] = r.n;
  }
  return out;
}

export async function collectStatus(ctx: StatusContext): Promise<StatusReport> {
  const { node, chain } = ctx;
  const ms = ctx.chainTimeoutMs ?? 3000;
  const errors: string[] = [];
  const read = async <T>(what: string, p: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await bounded(p(), ms, what);
    } catch (err) {
      errors.push(`${what}: ${errorMessage(err)}`);
      return undefined;
    }
  };
  const id = node.identity;
  const [height, epoch, params, scheduled, reported, reports] = await Promise.all([
    read('height', () => chain.getHeight()),
    read('current epoch', () => chain.getCurrentEpoch()),
    read('audit params', () => chain.getAuditParams()),
    read('scheduled heal ops', () => chain.listHealOpsByStatus(HealOpStatus.HEAL_OP_STATUS_SCHEDULED)),
    read('reported heal ops', () => chain.listHealOpsByStatus(HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED)),
    read('epoch reports', () => chain.listEpochReportsByReporter(id)),
  ]);
  const targets = epoch ? await read('assigned targets', () => chain.getAssignedTargets(id, epoch.epochId)) : undefined;
  const last = (reports ?? []).reduce<(typeof reports & object)[number] | undefined>((best, r) => (!best || r.epochId > best.epochId ? r : best), undefined);
  const results: Record<string, number> = {};
  for (const r of last?.storageProofResults ?? []) {
    const k = storageProofResultClassToJSON(r.resultClass).replace(/^STORAGE_PROOF_RESULT_CLASS_/, '').toLowerCase();
    results[k] = (results[k] ?? 0) + 1;
  }
  const db = node.database?.db;
  const heal = node.healing?.metrics.snapshot() ?? {};
  let localLast: bigint | undefined;
  try {
    localLast = node.repos?.challengeState.getLastSubmittedEpoch();
  } catch (err) {
    errors.push(`local state: ${errorMessage(err)}`);
  }
  return {
    identity: id,
    startedAt: ctx.startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
    services: node.serviceNames,
    chain: { chainId: chain.chainId, endpoint: ctx.endpoint(), height: height?.toString() ?? null },
    epoch: {
      current: epoch?.epochId.toString() ?? null,
      enforcementMode: params ? enforcementModeName(params.storageTruthEnforcementMode) : null,
    },
    roles: {
      challengerTargets: targets?.targetSupernodeAccounts ?? [],
      healerOps: (scheduled ?? []).filter((o) => o.healerSupernodeAccount === id).map((o) => o.healOpId.toString()),
      verifierOps: (reported ?? []).filter((o) => o.verifierSupernodeAccounts.includes(id)).map((o) => o.healOpId.toString()),
    },
    lastReport: { epoch: last?.epochId.toString() ?? null, results },
    localLastSubmittedEpoch: localLast?.toString() ?? null,
    claims: countRows(db, 'heal_claims_submitted'),
    verifications: countRows(db, 'heal_verifications_submitted'),
    rechecks: countRows(db, 'storage_recheck_submissions'),
    stagingBytes: heal.self_healing_staging_bytes ?? 0,
    peers: { inbound: node.server?.connectionCount ?? 0, outbound: node.dialer?.size ?? 0 },
    metrics: { lep6: node.metrics.snapshot(), healing: heal },
    errors,
  };
}

const short = (a: string) => (a.length > 20 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a);

/** The human form of `supernode status`. */
export function formatStatus(s: StatusReport): string {
  const counts = (c: RowCounts) => `${c.pending} pending, ${c.submitted} submitted`;
  const results = Object.entries(s.lastReport.results).map(([k, v]) => `${k}=${v}`).join(' ') || 'no results';
  const roles = [
    s.roles.challengerTargets.length > 0 ? `challenger of ${s.roles.challengerTargets.map(short).join(', ')}` : 'no challenge targets',
    s.roles.healerOps.length > 0 ? `healer of op ${s.roles.healerOps.join(', ')}` : '',
    s.roles.verifierOps.length > 0 ? `verifier of op ${s.roles.verifierOps.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  const lines = [
    `supernode ${s.identity} (up ${s.uptimeSeconds}s; services: ${s.services.join(', ')})`,
    `chain         ${s.chain.chainId} via ${s.chain.endpoint}, height ${s.chain.height ?? '?'}`,
    `epoch         ${s.epoch.current ?? '?'}, enforcement ${s.epoch.enforcementMode ?? '?'}`,
    `roles         ${roles}`,
    `last report   epoch ${s.lastReport.epoch ?? 'none'} (${results}); local last submitted ${s.localLastSubmittedEpoch ?? 'none'}`,
    `heal claims   ${counts(s.claims)}`,
    `verifications ${counts(s.verifications)}`,
    `rechecks      ${counts(s.rechecks)}`,
    `staging       ${s.stagingBytes} bytes`,
    `peers         ${s.peers.inbound} inbound, ${s.peers.outbound} outbound`,
  ];
  for (const e of s.errors) lines.push(`warning       ${e}`);
  return `${lines.join('\n')}\n`;
}

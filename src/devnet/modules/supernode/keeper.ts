/**
 * Supernode registry of the devnet (spec 02 §7): records keyed by validator address, state history
 * (append-only, last entry = current state), the account index used by the audit module, the top-N
 * ranking of GetTopSuperNodesForBlock and the metrics bridge fed by epoch reports.
 */
import { blake3 } from '@noble/hashes/blake3.js';
import { decodeBech32 } from '../../../crypto/account-keys.js';
import { newTable, tGet, tSet, tValues, type Table } from '../audit/table.js';
import { compareBytes } from '../audit/pagination.js';
import { SupernodeMetrics } from '../../../gen/lumera/supernode/v1/metrics.js';

export const SuperNodeState = {
  UNSPECIFIED: 0,
  ACTIVE: 1,
  DISABLED: 2,
  STOPPED: 3,
  PENALIZED: 4,
  POSTPONED: 5,
  STORAGE_FULL: 6,
} as const;

export const SUPERNODE_STATE_NAMES = [
  'SUPERNODE_STATE_UNSPECIFIED',
  'SUPERNODE_STATE_ACTIVE',
  'SUPERNODE_STATE_DISABLED',
  'SUPERNODE_STATE_STOPPED',
  'SUPERNODE_STATE_PENALIZED',
  'SUPERNODE_STATE_POSTPONED',
  'SUPERNODE_STATE_STORAGE_FULL',
] as const;

export interface SuperNodeStateRecord {
  state: number;
  height: bigint;
  reason: string;
}

export interface SuperNodeRecord {
  validatorAddress: string;
  states: SuperNodeStateRecord[];
  prevIpAddresses: { address: string; height: bigint }[];
  note: string;
  supernodeAccount: string;
  p2pPort: string;
  prevSupernodeAccounts: { account: string; height: bigint }[];
}

/** Latest metrics reported for a validator (SupernodeMetricsState). */
export interface MetricsState {
  validatorAddress: string;
  metrics: SupernodeMetrics;
  reportCount: bigint;
  height: bigint;
}

export interface SupernodeParamsData {
  /** Disk usage above this moves an ACTIVE node to STORAGE_FULL (audit rule 3.5.2). */
  maxStorageUsagePercent: number;
}

export interface SupernodeStateData {
  params: SupernodeParamsData;
  /** Keyed by validator address. */
  nodes: Table<SuperNodeRecord>;
  metrics: Table<MetricsState>;
}

export function defaultSupernodeParams(): SupernodeParamsData {
  return { maxStorageUsagePercent: 90 };
}

export function emptySupernodeState(params: SupernodeParamsData = defaultSupernodeParams()): SupernodeStateData {
  return { params, nodes: newTable(), metrics: newTable() };
}

export function currentState(sn: SuperNodeRecord): number {
  return sn.states.length === 0 ? SuperNodeState.UNSPECIFIED : (sn.states[sn.states.length - 1] as SuperNodeStateRecord).state;
}

/** The registered address with the highest height (later entries win ties). */
export function currentAddress(sn: SuperNodeRecord): string {
  let best: { address: string; height: bigint } | undefined;
  for (const a of sn.prevIpAddresses) if (best === undefined || a.height >= best.height) best = a;
  return best?.address ?? '';
}

export function validatorKeyBytes(validatorAddress: string): Uint8Array {
  try {
    return decodeBech32(validatorAddress).data;
  } catch {
    return new Uint8Array(Buffer.from(validatorAddress, 'utf8'));
  }
}

export class SupernodeKeeper {
  constructor(private readonly getState: () => SupernodeStateData) {}

  private get s(): SupernodeStateData {
    return this.getState();
  }

  params(): SupernodeParamsData {
    return this.s.params;
  }

  register(record: SuperNodeRecord): void {
    tSet(this.s.nodes, record.validatorAddress, record);
  }

  getByValidator(validatorAddress: string): SuperNodeRecord | undefined {
    return tGet(this.s.nodes, validatorAddress);
  }

  getByAccount(account: string): SuperNodeRecord | undefined {
    if (account === '') return undefined;
    for (const sn of tValues(this.s.nodes)) if (sn.supernodeAccount === account) return sn;
    return undefined;
  }

  /** All records in store order (raw validator-address bytes ascending). */
  all(): SuperNodeRecord[] {
    // Each key decoded once per record, not twice per comparison (epoch processing calls this often).
    return tValues(this.s.nodes)
      .map((sn) => ({ sn, key: validatorKeyBytes(sn.validatorAddress) }))
      .sort((a, b) => compareBytes(a.key, b.key))
      .map((x) => x.sn);
  }

  /** Appends a state record (the chain's SetSuperNodeState / postpone / recover paths). */
  setState(account: string, state: number, height: bigint, reason = ''): boolean {
    const sn = this.getByAccount(account);
    if (sn === undefined) return false;
    sn.states.push({ state, height, reason });
    return true;
  }

  /** Metrics bridge used by accepted epoch reports (audit rule 3.5.3). */
  recordCascadeBytes(validatorAddress: string, bytes: number, height: bigint): void {
    const prev = tGet(this.s.metrics, validatorAddress);
    const metrics = prev?.metrics ?? SupernodeMetrics.fromPartial({});
    this.recordMetrics(validatorAddress, { ...metrics, cascadeKademliaDbBytes: bytes }, height);
  }

  /** MsgReportSupernodeMetrics and the audit bridge: latest metrics, report count + 1, height. */
  recordMetrics(validatorAddress: string, metrics: SupernodeMetrics, height: bigint): void {
    const prev = tGet(this.s.metrics, validatorAddress);
    tSet(this.s.metrics, validatorAddress, {
      validatorAddress,
      metrics: { ...metrics, openPorts: metrics.openPorts.map((p) => ({ ...p })) },
      reportCount: (prev?.reportCount ?? 0n) + 1n,
      height,
    });
  }

  metrics(validatorAddress: string): MetricsState | undefined {
    return tGet(this.s.metrics, validatorAddress);
  }

  /**
   * GetTopSuperNodesForBlock (spec 02 §7.3): state as of `blockHeight`, ranked by
   * blake3(decimal height) XOR blake3(raw validator bytes), ties by validator string.
   */
  topForBlock(blockHeight: bigint, limit: number, stateFilter: number | undefined): SuperNodeRecord[] {
    const target = blake3(new TextEncoder().encode(blockHeight.toString()));
    const ranked: { sn: SuperNodeRecord; dist: Uint8Array }[] = [];
    for (const sn of tValues(this.s.nodes)) {
      let st: number | undefined;
      for (const r of sn.states) if (r.height <= blockHeight) st = r.state;
      if (st === undefined) continue;
      if (stateFilter === undefined) {
        if (st === SuperNodeState.POSTPONED || st === SuperNodeState.STORAGE_FULL) continue;
      } else if (st !== stateFilter) continue;
      const h = blake3(validatorKeyBytes(sn.validatorAddress));
      const dist = new Uint8Array(32);
      for (let i = 0; i < 32; i++) dist[i] = (target[i] as number) ^ (h[i] as number);
      ranked.push({ sn, dist });
    }
    ranked.sort((a, b) => compareBytes(a.dist, b.dist) || compareBytes(Buffer.from(a.sn.validatorAddress), Buffer.from(b.sn.validatorAddress)));
    return ranked.slice(0, limit).map((r) => r.sn);
  }
}

/** Parses the `state` filter of GetTopSuperNodesForBlock: full or short names, case-insensitive; unknown = no filter. */
export function parseStateFilter(text: string): number | undefined {
  const t = text.trim().toUpperCase();
  if (t === '' || t === 'UNSPECIFIED' || t === 'SUPERNODE_STATE_UNSPECIFIED') return undefined;
  const full = t.startsWith('SUPERNODE_STATE_') ? t : `SUPERNODE_STATE_${t}`;
  const idx = SUPERNODE_STATE_NAMES.indexOf(full as (typeof SUPERNODE_STATE_NAMES)[number]);
  return idx > 0 ? idx : undefined;
}

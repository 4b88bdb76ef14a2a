/**
 * Every chain read the daemon does, as plain typed objects (bigint for 64-bit). "Not found" answers for a single
 * record become `undefined`; all other failures throw (see errors.ts). Every list follows `next_key` to the end.
 */
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { accountFromAny } from '@cosmjs/stargate';
import { auditQuery, actionQuery, supernodeQuery } from '../wire/index.js';
import type { PageRequest, PageResponse } from '../gen/cosmos/base/query/v1beta1/pagination.js';
import type { Params as AuditParams } from '../gen/lumera/audit/v1/params.js';
import type { EpochAnchor } from '../gen/lumera/audit/v1/epoch.js';
import type { EpochReport, HealOp, HealOpStatus, NodeSuspicionState, ReporterReliabilityState, TicketDeteriorationState } from '../gen/lumera/audit/v1/audit.js';
import type { HostReportEntry, StorageChallengeReport } from '../gen/lumera/audit/v1/query.js';
import type { Action } from '../gen/lumera/action/v1/action.js';
import type { Params as ActionParams } from '../gen/lumera/action/v1/params.js';
import type { SuperNode } from '../gen/lumera/supernode/v1/super_node.js';
import type { Params as SupernodeParams } from '../gen/lumera/supernode/v1/params.js';
import { requireAccountAddress } from './address.js';
import { InvalidArgumentError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { ChainConnection } from './connection.js';
import { collectAllPages } from './pagination.js';
import { ChainResponseError, isNotFound, notFoundSubject } from './errors.js';
import { supernodeEndpoint, type SupernodeEndpoint } from './supernode-record.js';

export interface CurrentEpoch {
  epochId: bigint;
  epochStartHeight: bigint;
  epochEndHeight: bigint;
}

export interface AssignedTargets {
  epochId: bigint;
  epochStartHeight: bigint;
  requiredOpenPorts: number[];
  targetSupernodeAccounts: string[];
}

export interface AccountInfo {
  address: string;
  accountNumber: bigint;
  sequence: bigint;
  /** Type URL and raw key bytes of the pubkey recorded on chain (absent before the first signed tx). */
  pubkey?: { typeUrl: string; key: Uint8Array };
}

export interface QueryOptions {
  /** Entries per page request. Default 100. */
  pageLimit?: bigint;
  /** Page cap per list query (logged when hit). Default 1000. */
  maxPages?: number;
  logger?: Logger;
}

const U64_MAX = (1n << 64n) - 1n;

function u64(field: string, v: bigint): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new InvalidArgumentError(field, `must be a uint64 bigint, got ${String(v)}`);
  return v;
}
function nonEmpty(field: string, v: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new InvalidArgumentError(field, 'must be a non-empty string');
  return v;
}
function account(field: string, v: string): string {
  return requireAccountAddress(field, v);
}

/** The optional epoch filter of the per-reporter audit queries: omitted → all epochs (filter off). */
function epochFilter(epochId: bigint | undefined): { epochId: bigint; filterByEpochId: boolean } {
  return epochId === undefined ? { epochId: 0n, filterByEpochId: false } : { epochId: u64('epochId', epochId), filterByEpochId: true };
}
function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new ChainResponseError(`of ${what}`, 'lacks its non-nullable field');
  return v;
}

export class ChainQueries {
  protected readonly log: Logger;
  private readonly pageLimit: bigint;
  private readonly maxPages: number;

  constructor(protected readonly conn: ChainConnection, opts: QueryOptions = {}) {
    this.log = opts.logger ?? silentLogger();
    this.pageLimit = opts.pageLimit ?? 100n;
    if (this.pageLimit < 1n || this.pageLimit > 1000n) throw new InvalidArgumentError('chain.page_limit', `must be in 1..1000, got ${this.pageLimit}`);
    this.maxPages = opts.maxPages ?? 1000;
  }

  /** Runs a single-record query; a NotFound answer (any subject but `supernode`, which means bad input) is undefined. */
  private async maybe<T>(run: () => Promise<T>, allowSupernodeMissing = false): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (isNotFound(err) && (allowSupernodeMissing || notFoundSubject(err) !== 'supernode')) return undefined;
      throw err;
    }
  }

  private async list<T>(what: string, page: (p: PageRequest) => Promise<{ items: T[]; pagination?: PageResponse | undefined }>): Promise<T[]> {
    const { items } = await collectAllPages(
      async (key, limit) => {
        const r = await page({ key, limit, offset: 0n, countTotal: false, reverse: false });
        return { items: r.items, nextKey: r.pagination?.nextKey };
      },
      { what, pageLimit: this.pageLimit, maxPages: this.maxPages, logger: this.log },
    );
    return items;
  }

  // ---- audit -------------------------------------------------------------------------------------

  async getAuditParams(): Promise<AuditParams> {
    return required((await this.conn.query(auditQuery.params, {})).params, 'audit Params');
  }

  async getCurrentEpoch(): Promise<CurrentEpoch> {
    const r = await this.conn.query(auditQuery.currentEpoch, {});
    return { epochId: r.epochId, epochStartHeight: r.epochStartHeight, epochEndHeight: r.epochEndHeight };
  }

  async getEpochAnchor(epochId: bigint): Promise<EpochAnchor | undefined> {
    u64('epochId', epochId);
    return this.maybe(async () => required((await this.conn.query(auditQuery.epochAnchor, { epochId })).anchor, 'EpochAnchor'));
  }

  async getCurrentEpochAnchor(): Promise<EpochAnchor | undefined> {
    return this.maybe(async () => required((await this.conn.query(auditQuery.currentEpochAnchor, {})).anchor, 'CurrentEpochAnchor'));
  }

  /** Targets of `supernodeAccount` in `epochId` (filter_by_epoch_id = true), or in the current epoch when omitted. */
  async getAssignedTargets(supernodeAccount: string, epochId?: bigint): Promise<AssignedTargets> {
    account('supernodeAccount', supernodeAccount);
    const r = await this.conn.query(auditQuery.assignedTargets, { supernodeAccount, ...epochFilter(epochId) });
    return { epochId: r.epochId, epochStartHeight: r.epochStartHeight, requiredOpenPorts: r.requiredOpenPorts, targetSupernodeAccounts: r.targetSupernodeAccounts };
  }

  /** The stored report, or undefined when not yet reported (an unregistered reporter throws). */
  async getEpochReport(epochId: bigint, supernodeAccount: string): Promise<EpochReport | undefined> {
    u64('epochId', epochId);
    account('supernodeAccount', supernodeAccount);
    return this.maybe(async () => required((await this.conn.query(auditQuery.epochReport, { epochId, supernodeAccount })).report, 'EpochReport'));
  }

  /** One reporter's reports: a single epoch when `epochId` is given, otherwise every retained epoch. */
  async listEpochReportsByReporter(supernodeAccount: string, epochId?: bigint): Promise<EpochReport[]> {
    account('supernodeAccount', supernodeAccount);
    const filter = epochFilter(epochId);
    return this.list('EpochReportsByReporter', async (pagination) => {
      const r = await this.conn.query(auditQuery.epochReportsByReporter, { supernodeAccount, ...filter, pagination });
      return { items: r.reports, pagination: r.pagination };
    });
  }

  async listStorageChallengeReports(supernodeAccount: string, epochId?: bigint): Promise<StorageChallengeReport[]> {
    account('supernodeAccount', supernodeAccount);
    const filter = epochFilter(epochId);
    return this.list('StorageChallengeReports', async (pagination) => {
      const r = await this.conn.query(auditQuery.storageChallengeReports, { supernodeAccount, ...filter, pagination });
      return { items: r.reports, pagination: r.pagination };
    });
  }

  async listHostReports(supernodeAccount: string, epochId?: bigint): Promise<HostReportEntry[]> {
    account('supernodeAccount', supernodeAccount);
    const filter = epochFilter(epochId);
    return this.list('HostReports', async (pagination) => {
      const r = await this.conn.query(auditQuery.hostReports, { supernodeAccount, ...filter, pagination });
      return { items: r.reports, pagination: r.pagination };
    });
  }

  /** undefined = never scored (score 0). */
  async getNodeSuspicionState(supernodeAccount: string): Promise<NodeSuspicionState | undefined> {
    account('supernodeAccount', supernodeAccount);
    return this.maybe(async () => required((await this.conn.query(auditQuery.nodeSuspicionState, { supernodeAccount })).state, 'NodeSuspicionState'), true);
  }

  async getReporterReliabilityState(reporterSupernodeAccount: string): Promise<ReporterReliabilityState | undefined> {
    account('reporterSupernodeAccount', reporterSupernodeAccount);
    return this.maybe(async () => required((await this.conn.query(auditQuery.reporterReliabilityState, { reporterSupernodeAccount })).state, 'ReporterReliabilityState'), true);
  }

  async getTicketDeteriorationState(ticketId: string): Promise<TicketDeteriorationState | undefined> {
    nonEmpty('ticketId', ticketId);
    return this.maybe(async () => required((await this.conn.query(auditQuery.ticketDeteriorationState, { ticketId })).state, 'TicketDeteriorationState'));
  }

  async getHealOp(healOpId: bigint): Promise<HealOp | undefined> {
    if (u64('healOpId', healOpId) === 0n) throw new InvalidArgumentError('healOpId', 'must be > 0');
    return this.maybe(async () => required((await this.conn.query(auditQuery.healOp, { healOpId })).healOp, 'HealOp'));
  }

  async listHealOpsByStatus(status: HealOpStatus): Promise<HealOp[]> {
    if (!Number.isInteger(status) || status <= 0 || status > 6) throw new InvalidArgumentError('status', `must be a HealOpStatus in 1..6, got ${status}`);
    return this.list('HealOpsByStatus', async (pagination) => {
      const r = await this.conn.query(auditQuery.healOpsByStatus, { status, pagination });
      return { items: r.healOps, pagination: r.pagination };
    });
  }

  async listHealOpsByTicket(ticketId: string): Promise<HealOp[]> {
    nonEmpty('ticketId', ticketId);
    return this.list('HealOpsByTicket', async (pagination) => {
      const r = await this.conn.query(auditQuery.healOpsByTicket, { ticketId, pagination });
      return { items: r.healOps, pagination: r.pagination };
    });
  }

  // ---- action ------------------------------------------------------------------------------------

  async getAction(actionId: string): Promise<Action | undefined> {
    nonEmpty('actionId', actionId);
    return this.maybe(async () => required((await this.conn.query(actionQuery.getAction, { actionID: actionId })).action, 'GetAction'));
  }

  /** Actions whose `superNodes` list holds this supernode **account** (spec 02 §13.1). */
  async listActionsBySuperNode(supernodeAccount: string): Promise<Action[]> {
    account('supernodeAccount', supernodeAccount);
    return this.list('ListActionsBySuperNode', async (pagination) => {
      const r = await this.conn.query(actionQuery.listActionsBySuperNode, { superNodeAddress: supernodeAccount, pagination });
      return { items: r.actions, pagination: r.pagination };
    });
  }

  async getActionParams(): Promise<ActionParams> {
    return required((await this.conn.query(actionQuery.params, {})).params, 'action Params');
  }

  /** Fee in ulume for a payload of `dataSizeKb` KiB. */
  async getActionFee(dataSizeKb: bigint): Promise<bigint> {
    const r = await this.conn.query(actionQuery.getActionFee, { dataSize: u64('dataSizeKb', dataSizeKb).toString() });
    if (!/^\d+$/.test(r.amount)) throw new ChainResponseError('of GetActionFee', `has a non-integer amount ${JSON.stringify(r.amount)}`);
    return BigInt(r.amount);
  }

  // ---- supernode ---------------------------------------------------------------------------------

  async getSupernode(validatorAddress: string): Promise<SuperNode | undefined> {
    nonEmpty('validatorAddress', validatorAddress);
    return this.maybe(async () => required((await this.conn.query(supernodeQuery.getSuperNode, { validatorAddress })).supernode, 'GetSuperNode'), true);
  }

  async getSupernodeByAccount(supernodeAccount: string): Promise<SuperNode | undefined> {
    account('supernodeAccount', supernodeAccount);
    return this.maybe(async () => required((await this.conn.query(supernodeQuery.getSuperNodeBySuperNodeAddress, { supernodeAddress: supernodeAccount })).supernode, 'GetSuperNodeBySuperNodeAddress'), true);
  }

  /** Every registered supernode (all pages; the chain's default page of 100 would silently truncate). */
  async listSupernodes(): Promise<SuperNode[]> {
    return this.list('ListSuperNodes', async (pagination) => {
      const r = await this.conn.query(supernodeQuery.listSuperNodes, { pagination });
      return { items: r.supernodes, pagination: r.pagination };
    });
  }

  /** Top supernodes for a block (limit ≤ 0 → chain default 25; state "" → ACTIVE-ish default filter). */
  async getTopSupernodesForBlock(blockHeight: bigint, opts: { limit?: number; state?: string } = {}): Promise<SuperNode[]> {
    if (blockHeight <= 0n || blockHeight > 2147483647n) throw new InvalidArgumentError('blockHeight', `must be in 1..2147483647 (int32 on the wire), got ${blockHeight}`);
    const r = await this.conn.query(supernodeQuery.getTopSuperNodesForBlock, { blockHeight: Number(blockHeight), limit: opts.limit ?? 0, state: opts.state ?? '' });
    return r.supernodes;
  }

  async getSupernodeParams(): Promise<SupernodeParams> {
    return required((await this.conn.query(supernodeQuery.params, {})).params, 'supernode Params');
  }

  // ---- auth and identity -------------------------------------------------------------------------

  async getAccount(address: string): Promise<AccountInfo | undefined> {
    account('address', address);
    try {
      const r = await this.conn.queryRaw('/cosmos.auth.v1beta1.Query/Account', QueryAccountRequest, { address }, QueryAccountResponse);
      const acc = accountFromAny(required(r.account, 'auth Account'));
      const info: AccountInfo = { address: acc.address, accountNumber: BigInt(acc.accountNumber), sequence: BigInt(acc.sequence) };
      if (r.account?.typeUrl === '/cosmos.auth.v1beta1.BaseAccount') {
        const pk = BaseAccount.decode(r.account.value).pubKey;
        if (pk && pk.value.length >= 2 && pk.value[0] === 0x0a) info.pubkey = { typeUrl: pk.typeUrl, key: pk.value.subarray(2, 2 + pk.value[1]!) };
      }
      return info;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async accountExists(address: string): Promise<boolean> {
    return (await this.getAccount(address)) !== undefined;
  }

  /** True when `address` is the `supernode_account` of a registered supernode (any state). */
  async isRegisteredSupernode(address: string): Promise<boolean> {
    return (await this.getSupernodeByAccount(address)) !== undefined;
  }

  /** gRPC dial address (latest IP record, default port 4444), P2P port and current state; undefined if unknown. */
  async getSupernodeEndpoint(address: string): Promise<SupernodeEndpoint | undefined> {
    const sn = await this.getSupernodeByAccount(address);
    return sn ? supernodeEndpoint(sn) : undefined;
  }
}

/**
 * `LumeraClient`: the one interface through which the daemon talks to the chain, and its production
 * implementation on cosmjs (Comet38Client + StargateClient over the failover transport, ABCI queries on the gRPC
 * service paths, our own tx pipeline for eth_secp256k1 signing and inclusion-confirmed submission).
 * Other components depend on the interface only, so tests can hand them a fake.
 */
import type { Params as AuditParams } from '../gen/lumera/audit/v1/params.js';
import type { EpochAnchor } from '../gen/lumera/audit/v1/epoch.js';
import type {
  EpochReport, HealOp, HealOpStatus, HostReport, NodeSuspicionState, ReporterReliabilityState, StorageChallengeObservation,
  StorageProofResult, StorageProofResultClass, TicketDeteriorationState,
} from '../gen/lumera/audit/v1/audit.js';
import type { HostReportEntry, StorageChallengeReport } from '../gen/lumera/audit/v1/query.js';
import type { Action } from '../gen/lumera/action/v1/action.js';
import type { Params as ActionParams } from '../gen/lumera/action/v1/params.js';
import type { SuperNode } from '../gen/lumera/supernode/v1/super_node.js';
import type { Params as SupernodeParams } from '../gen/lumera/supernode/v1/params.js';
import { InvalidArgumentError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { ChainConnection, type DeliverTxOutcome } from './connection.js';
import { ChainError } from './errors.js';
import type { SigningKey } from './keys.js';
import { ChainQueries, type AccountInfo, type AssignedTargets, type CurrentEpoch, type QueryOptions } from './queries.js';
import type { SupernodeEndpoint } from './supernode-record.js';
import { TxSigner, type SubmitOptions, type TxMessage, type TxPipelineOptions, type TxResult } from './tx-pipeline.js';
import * as msgs from './messages.js';

export type { AccountInfo, AssignedTargets, CurrentEpoch, DeliverTxOutcome, SupernodeEndpoint, TxMessage, TxResult, SubmitOptions };

/** Read side (also what the transport's identity checks need). */
export interface LumeraQueryClient {
  getHeight(): Promise<bigint>;
  getAuditParams(): Promise<AuditParams>;
  getCurrentEpoch(): Promise<CurrentEpoch>;
  getEpochAnchor(epochId: bigint): Promise<EpochAnchor | undefined>;
  getCurrentEpochAnchor(): Promise<EpochAnchor | undefined>;
  getAssignedTargets(supernodeAccount: string, epochId?: bigint): Promise<AssignedTargets>;
  getEpochReport(epochId: bigint, supernodeAccount: string): Promise<EpochReport | undefined>;
  listEpochReportsByReporter(supernodeAccount: string, epochId?: bigint): Promise<EpochReport[]>;
  listStorageChallengeReports(supernodeAccount: string, epochId?: bigint): Promise<StorageChallengeReport[]>;
  listHostReports(supernodeAccount: string, epochId?: bigint): Promise<HostReportEntry[]>;
  getNodeSuspicionState(supernodeAccount: string): Promise<NodeSuspicionState | undefined>;
  getReporterReliabilityState(reporterSupernodeAccount: string): Promise<ReporterReliabilityState | undefined>;
  getTicketDeteriorationState(ticketId: string): Promise<TicketDeteriorationState | undefined>;
  getHealOp(healOpId: bigint): Promise<HealOp | undefined>;
  listHealOpsByStatus(status: HealOpStatus): Promise<HealOp[]>;
  listHealOpsByTicket(ticketId: string): Promise<HealOp[]>;
  getAction(actionId: string): Promise<Action | undefined>;
  listActionsBySuperNode(supernodeAccount: string): Promise<Action[]>;
  getActionParams(): Promise<ActionParams>;
  getActionFee(dataSizeKb: bigint): Promise<bigint>;
  getSupernode(validatorAddress: string): Promise<SuperNode | undefined>;
  getSupernodeByAccount(supernodeAccount: string): Promise<SuperNode | undefined>;
  listSupernodes(): Promise<SuperNode[]>;
  getTopSupernodesForBlock(blockHeight: bigint, opts?: { limit?: number; state?: string }): Promise<SuperNode[]>;
  getSupernodeParams(): Promise<SupernodeParams>;
  getAccount(address: string): Promise<AccountInfo | undefined>;
  accountExists(address: string): Promise<boolean>;
  isRegisteredSupernode(address: string): Promise<boolean>;
  getSupernodeEndpoint(address: string): Promise<SupernodeEndpoint | undefined>;
}

export interface EpochReportInput {
  epochId: bigint;
  hostReport?: Partial<HostReport>;
  storageChallengeObservations?: StorageChallengeObservation[];
  storageProofResults?: StorageProofResult[];
}
export interface HealClaimInput {
  healOpId: bigint;
  ticketId: string;
  healManifestHash: string;
  details?: string;
}
export interface HealVerificationInput {
  healOpId: bigint;
  verified: boolean;
  verificationHash: string;
  details?: string;
}
export interface RecheckEvidenceInput {
  epochId: bigint;
  challengedSupernodeAccount: string;
  ticketId: string;
  challengedResultTranscriptHash: string;
  recheckTranscriptHash: string;
  recheckResultClass: StorageProofResultClass;
  details?: string;
}
export interface RequestActionInput {
  /** "CASCADE" (or "SENSE"). */
  actionType: string;
  /** JSON of the metadata message (CascadeMetadata for CASCADE). */
  metadata: string;
  /** Coin string, e.g. "10000ulume". */
  price: string;
  /** Unix seconds. */
  expirationTime: bigint;
  fileSizeKbs: bigint;
  appPubkey?: Uint8Array;
}
export interface FinalizeActionInput {
  actionId: string;
  actionType: string;
  /** JSON of CascadeMetadata with rq_ids_ids, chunk_proofs, artifact counts. */
  metadata: string;
}

/** Read + write side. Every tx method resolves only when the tx is in a block with code 0. */
export interface LumeraClient extends LumeraQueryClient {
  readonly chainId: string;
  /** Address of the signing key, or undefined for a read-only client. */
  readonly signerAddress: string | undefined;
  submitEpochReport(input: EpochReportInput, opts?: SubmitOptions): Promise<TxResult>;
  claimHealComplete(input: HealClaimInput, opts?: SubmitOptions): Promise<TxResult>;
  submitHealVerification(input: HealVerificationInput, opts?: SubmitOptions): Promise<TxResult>;
  submitStorageRecheckEvidence(input: RecheckEvidenceInput, opts?: SubmitOptions): Promise<TxResult>;
  /** Resolves with the chain-assigned action id (from MsgRequestActionResponse). */
  requestAction(input: RequestActionInput, opts?: SubmitOptions): Promise<TxResult & { actionId: string }>;
  finalizeAction(input: FinalizeActionInput, opts?: SubmitOptions): Promise<TxResult>;
  /** Gas a MsgFinalizeAction would use now; rejections surface exactly as a submit would (stage `simulate`). */
  simulateFinalizeAction(input: FinalizeActionInput): Promise<bigint>;
  /**
   * The block result of a tx by hash (upper-case hex), or undefined while it is not in a block. Use it to
   * settle a submit that ended in ChainInclusionTimeoutError (its `txHash`).
   */
  getTxResult(txHash: string): Promise<DeliverTxOutcome | undefined>;
  /** Escape hatch for messages without a dedicated method (same pipeline, same guarantees). */
  submitMessages(messages: TxMessage[], opts?: SubmitOptions): Promise<TxResult>;
  /** Gas the messages would use now, signed by this client's key (no broadcast). */
  simulateMessages(messages: TxMessage[]): Promise<bigint>;
  close(): void;
}

export interface LumeraClientOptions {
  /** CometBFT RPC endpoints in order of preference. */
  rpcUrls: readonly string[];
  /** Expected chain id; connecting to a node of another network fails. */
  chainId?: string;
  /** Signing key; omit for a read-only client. */
  signer?: SigningKey;
  /** Per-request deadline (default 10 s) and probe interval of the preferred endpoint (default 5 s). */
  requestTimeoutMs?: number;
  probeIntervalMs?: number;
  tx?: TxPipelineOptions;
  query?: QueryOptions;
  logger?: Logger;
}

class ProductionLumeraClient extends ChainQueries implements LumeraClient {
  readonly signerAddress: string | undefined;
  private readonly signer: TxSigner | undefined;

  constructor(conn: ChainConnection, readonly chainId: string, key: SigningKey | undefined, opts: LumeraClientOptions) {
    super(conn, { ...opts.query, logger: opts.query?.logger ?? opts.logger });
    this.signer = key ? new TxSigner(conn, key, chainId, { ...opts.tx, logger: opts.tx?.logger ?? opts.logger }) : undefined;
    this.signerAddress = key?.address;
  }

  getHeight(): Promise<bigint> {
    return this.conn.height();
  }

  async getTxResult(txHash: string): Promise<DeliverTxOutcome | undefined> {
    if (typeof txHash !== 'string' || !/^[0-9A-Fa-f]{64}$/.test(txHash)) throw new InvalidArgumentError('txHash', 'must be 64 hex characters');
    return this.conn.findTx(txHash.toUpperCase());
  }

  private tx(): TxSigner {
    if (!this.signer) throw new ChainError('READ_ONLY_CLIENT', 'this chain client has no signing key; configure supernode.key_name');
    return this.signer;
  }

  async submitMessages(messages: TxMessage[], opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit(messages, opts);
  }

  async simulateMessages(messages: TxMessage[]): Promise<bigint> {
    return this.tx().simulate(messages);
  }

  async submitEpochReport(input: EpochReportInput, opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit([msgs.epochReportMsg(this.tx().address, input)], opts);
  }

  async claimHealComplete(input: HealClaimInput, opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit([msgs.healClaimMsg(this.tx().address, input)], opts);
  }

  async submitHealVerification(input: HealVerificationInput, opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit([msgs.healVerificationMsg(this.tx().address, input)], opts);
  }

  async submitStorageRecheckEvidence(input: RecheckEvidenceInput, opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit([msgs.recheckEvidenceMsg(this.tx().address, input)], opts);
  }

  async requestAction(input: RequestActionInput, opts?: SubmitOptions): Promise<TxResult & { actionId: string }> {
    const res = await this.tx().submit([msgs.requestActionMsg(this.tx().address, input)], opts);
    return { ...res, actionId: msgs.actionIdFromResponses(res.msgResponses) };
  }

  async finalizeAction(input: FinalizeActionInput, opts?: SubmitOptions): Promise<TxResult> {
    return this.tx().submit([msgs.finalizeActionMsg(this.tx().address, input)], opts);
  }

  async simulateFinalizeAction(input: FinalizeActionInput): Promise<bigint> {
    return this.tx().simulate([msgs.finalizeActionMsg(this.tx().address, input)]);
  }

  close(): void {
    this.conn.close();
  }
}

/**
 * Connects (reads the node's network id, checks it against `chainId` when given) and returns the client.
 * Fails with a transient ChainTransportError when no endpoint answers.
 */
export async function connectLumeraClient(opts: LumeraClientOptions): Promise<LumeraClient> {
  const logger = opts.logger ?? silentLogger();
  const conn = new ChainConnection({ urls: opts.rpcUrls, requestTimeoutMs: opts.requestTimeoutMs, probeIntervalMs: opts.probeIntervalMs, logger });
  try {
    const network = await conn.chainId();
    if (opts.chainId !== undefined && opts.chainId !== network) {
      throw new InvalidArgumentError('chain.chain_id', `is ${JSON.stringify(opts.chainId)} but the node at ${conn.rpc.activeUrl} serves ${JSON.stringify(network)}`);
    }
    return new ProductionLumeraClient(conn, network, opts.signer, { ...opts, logger });
  } catch (err) {
    conn.close();
    throw err;
  }
}

/** An in-memory ChallengeChain for unit tests: only what the challenge/report/recheck code reads and writes. */
import type { ChallengeChain, AuditParams, EpochAnchor } from '../../src/challenge/chain.js';
import type { EpochReport } from '../../src/gen/lumera/audit/v1/audit.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { ActionType } from '../../src/gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import type { SuperNode } from '../../src/gen/lumera/supernode/v1/super_node.js';
import type { EpochReportInput, RecheckEvidenceInput } from '../../src/chain/client.js';
import { StorageTruthEnforcementMode } from '../../src/deterministic/index.js';
import { indexFiles } from '../../src/cascade/id-files.js';

export function params(over: Partial<AuditParams> = {}): AuditParams {
  return {
    epochLengthBlocks: 10n, epochZeroHeight: 1n, scEnabled: true,
    storageTruthEnforcementMode: StorageTruthEnforcementMode.FULL as number,
    storageTruthCompoundRangesPerArtifact: 4, storageTruthCompoundRangeLenBytes: 256,
    storageTruthRecentBucketMaxBlocks: 1200n, storageTruthOldBucketMinBlocks: 12000n,
    requiredOpenPorts: [],
    ...over,
  } as AuditParams;
}

export interface TestTicket {
  action: Action;
  /** rq_ids_ids[0] → index file bytes (the challenged artefact for max = 1). */
  files: Array<{ id: string; bytes: Uint8Array }>;
}

let nextId = 1;

/** A DONE cascade action finalised by `holders`, with `max` index files. */
export function ticket(holders: string[], blockHeight = 5n, max = 1n): TestTicket {
  const indexB64 = Buffer.from(`{"layout_ids":["x${nextId}"],"layout_signature":"c2ln"}`).toString('base64');
  const signatures = `${indexB64}.${Buffer.from(`sig${nextId}`).toString('base64')}`;
  const files = indexFiles(signatures, 10n, max).map((f) => ({ id: f.id, bytes: f.bytes }));
  const meta = CascadeMetadata.fromPartial({ dataHash: 'aGFzaA==', fileName: 'f', rqIdsIc: 10n, rqIdsMax: max, rqIdsIds: files.map((f) => f.id), signatures, indexArtifactCount: Number(max), symbolArtifactCount: Number(max) });
  const id = String(nextId++);
  return {
    files,
    action: {
      creator: 'c', actionID: id, actionType: ActionType.ACTION_TYPE_CASCADE, metadata: CascadeMetadata.encode(meta).finish(), price: '1ulume',
      expirationTime: 0n, state: ActionState.ACTION_STATE_DONE, blockHeight, superNodes: holders, fileSizeKbs: 1n, appPubkey: new Uint8Array(),
    },
  };
}

export class FakeChain implements ChallengeChain {
  height = 25n;
  auditParams: AuditParams = params();
  paramsError: Error | undefined;
  anchors = new Map<bigint, EpochAnchor>();
  assigned = new Map<string, string[]>();
  assignedCalls = 0;
  reports = new Map<string, EpochReport>();
  actions: Action[] = [];
  supernodes: string[] = [];
  submitted: EpochReportInput[] = [];
  submitError: Error | undefined;
  rechecks: RecheckEvidenceInput[] = [];
  recheckError: Error | undefined;
  reporterErrors = new Set<string>();

  anchor(epochId: bigint, seed = new Uint8Array(32).fill(7)): EpochAnchor {
    const a = { epochId, epochStartHeight: 1n + epochId * 10n, epochEndHeight: 10n + epochId * 10n, epochLengthBlocks: 10n, seed, activeSupernodeAccounts: [], targetSupernodeAccounts: [], paramsCommitment: new Uint8Array() } as unknown as EpochAnchor;
    this.anchors.set(epochId, a);
    return a;
  }

  async getHeight(): Promise<bigint> {
    return this.height;
  }
  async getAuditParams(): Promise<AuditParams> {
    if (this.paramsError) throw this.paramsError;
    return this.auditParams;
  }
  async getCurrentEpoch() {
    const e = (this.height - 1n) / 10n;
    return { epochId: e, epochStartHeight: 1n + e * 10n, epochEndHeight: 10n + e * 10n };
  }
  async getEpochAnchor(epochId: bigint) {
    return this.anchors.get(epochId);
  }
  async getAssignedTargets(account: string, epochId?: bigint) {
    this.assignedCalls++;
    return { epochId: epochId ?? 0n, epochStartHeight: 0n, requiredOpenPorts: [], targetSupernodeAccounts: this.assigned.get(account) ?? [] };
  }
  async getEpochReport(epochId: bigint, account: string) {
    return this.reports.get(`${epochId}/${account}`);
  }
  async listEpochReportsByReporter(account: string, epochId?: bigint) {
    if (this.reporterErrors.has(account)) throw new Error(`reporter ${account} query failed`);
    return [...this.reports.values()].filter((r) => r.supernodeAccount === account && (epochId === undefined || r.epochId === epochId));
  }
  async getAction(id: string) {
    return this.actions.find((a) => a.actionID === id);
  }
  async listActionsBySuperNode(account: string) {
    return this.actions.filter((a) => a.superNodes.includes(account));
  }
  async listSupernodes() {
    return this.supernodes.map((a) => ({ supernodeAccount: a, states: [], prevIpAddresses: [] }) as unknown as SuperNode);
  }
  async getSupernodeByAccount() {
    return undefined;
  }
  async getSupernodeParams() {
    return {} as Awaited<ReturnType<ChallengeChain['getSupernodeParams']>>;
  }
  async submitEpochReport(input: EpochReportInput) {
    if (this.submitError) throw this.submitError;
    this.submitted.push(input);
    return { txHash: 'h', height: this.height, gasWanted: 0n, gasUsed: 0n, fee: 0n, events: [], msgResponses: [] };
  }
  async submitStorageRecheckEvidence(input: RecheckEvidenceInput) {
    if (this.recheckError) throw this.recheckError;
    this.rechecks.push(input);
    return { txHash: 'h', height: this.height, gasWanted: 0n, gasUsed: 0n, fee: 0n, events: [], msgResponses: [] };
  }
}

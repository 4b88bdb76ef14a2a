/**
 * Audit records and decoded messages as the keeper sees them. Field names and types follow the ts-proto
 * mapping of `lumera.audit.v1` (camelCase, bigint for 64-bit, numeric enums) so generated messages can
 * be handed to the keeper directly. Internal-only records (transcripts, facts, markers) are plain data
 * persisted through the module contract.
 */
import type { AuditParams } from './params.js';
import type { Table } from './table.js';

export interface HostReport {
  cpuUsagePercent: number;
  memUsagePercent: number;
  diskUsagePercent: number;
  inboundPortStates: number[];
  failedActionsCount: number;
  cascadeKademliaDbBytes: number;
}

export interface StorageChallengeObservation {
  targetSupernodeAccount: string;
  portStates: number[];
}

export interface StorageProofResult {
  targetSupernodeAccount: string;
  challengerSupernodeAccount: string;
  ticketId: string;
  bucketType: number;
  artifactClass: number;
  artifactOrdinal: number;
  artifactKey: string;
  resultClass: number;
  transcriptHash: string;
  details: string;
  artifactCount: number;
  derivationInputHash: string;
  challengerSignature: string;
  observerAttestationSignatures: string[];
}

/** Entries may be undefined only when the keeper is driven directly (Go's nil pointer case). */
export interface MsgSubmitEpochReport {
  creator: string;
  epochId: bigint;
  hostReport?: HostReport | undefined;
  storageChallengeObservations: (StorageChallengeObservation | undefined)[];
  storageProofResults: (StorageProofResult | undefined)[];
}

export interface MsgSubmitStorageRecheckEvidence {
  creator: string;
  epochId: bigint;
  challengedSupernodeAccount: string;
  ticketId: string;
  challengedResultTranscriptHash: string;
  recheckTranscriptHash: string;
  recheckResultClass: number;
  details: string;
}

export interface MsgClaimHealComplete {
  creator: string;
  healOpId: bigint;
  ticketId: string;
  healManifestHash: string;
  details: string;
}

export interface MsgSubmitHealVerification {
  creator: string;
  healOpId: bigint;
  verified: boolean;
  verificationHash: string;
  details: string;
}

export interface EpochAnchor {
  epochId: bigint;
  epochStartHeight: bigint;
  epochEndHeight: bigint;
  epochLengthBlocks: bigint;
  seed: Uint8Array;
  activeSupernodeAccounts: string[];
  targetSupernodeAccounts: string[];
  paramsCommitment: Uint8Array;
  activeSetCommitment: Uint8Array;
  targetsSetCommitment: Uint8Array;
}

export interface EpochReport {
  supernodeAccount: string;
  epochId: bigint;
  reportHeight: bigint;
  hostReport: HostReport;
  storageChallengeObservations: StorageChallengeObservation[];
  storageProofResults: StorageProofResult[];
}

export interface NodeSuspicionState {
  supernodeAccount: string;
  suspicionScore: bigint;
  lastUpdatedEpoch: bigint;
  lastRecentFailEpoch: bigint;
  lastOldFailEpoch: bigint;
  distinctTicketFailWindow: number;
  windowStartEpoch: bigint;
  classACountWindow: number;
  lastClassAEpoch: bigint;
  classBCountWindow: number;
  lastClassBEpoch: bigint;
  cleanPassCount: number;
  lastCleanPassEpoch: bigint;
  lastIndexFailEpoch: bigint;
  cleanPassCountAtPostpone: number;
}

export interface ReporterReliabilityState {
  reporterSupernodeAccount: string;
  reliabilityScore: bigint;
  lastUpdatedEpoch: bigint;
  trustBand: number;
  contradictionCount: bigint;
  ineligibleUntilEpoch: bigint;
  windowPositiveCount: number;
  windowNegativeCount: number;
  windowStartEpoch: bigint;
}

export interface TicketDeteriorationState {
  ticketId: string;
  deteriorationScore: bigint;
  lastUpdatedEpoch: bigint;
  activeHealOpId: bigint;
  probationUntilEpoch: bigint;
  lastHealEpoch: bigint;
  lastFailureEpoch: bigint;
  recentFailureEpochCount: number;
  contradictionCount: bigint;
  lastTargetSupernodeAccount: string;
  lastReporterSupernodeAccount: string;
  lastResultClass: number;
  lastResultEpoch: bigint;
  distinctHolderFailureCount: number;
  lastIndexFailureEpoch: bigint;
  recentBucketFailureEpoch: bigint;
  oldBucketFailureEpoch: bigint;
}

export interface HealOp {
  healOpId: bigint;
  ticketId: string;
  scheduledEpochId: bigint;
  healerSupernodeAccount: string;
  verifierSupernodeAccounts: string[];
  status: number;
  createdHeight: bigint;
  updatedHeight: bigint;
  deadlineEpochId: bigint;
  resultHash: string;
  notes: string;
}

export interface Evidence {
  evidenceId: bigint;
  subjectAddress: string;
  reporterAddress: string;
  actionId: string;
  evidenceType: number;
  metadata: Uint8Array;
  reportedHeight: bigint;
  /** Epoch of the block that recorded it (drives action-finalization postponement windows). */
  epochId: bigint;
}

/** One stored proof result (or synthetic recheck result), keyed by transcript hash (rule 3.5.5). */
export interface TranscriptRecord {
  transcriptHash: string;
  epochId: bigint;
  reporter: string;
  target: string;
  ticketId: string;
  bucketType: number;
  resultClass: number;
  artifactClass: number;
  artifactOrdinal: number;
  artifactKey: string;
  artifactCount: number;
  derivationInputHash: string;
  challengerSignature: string;
  recheckEligible: boolean;
  /** Set when an accepted recheck links to this record (rule 5.2.1). */
  linkedRecheckHash: string;
  /** The challenged transcript this synthetic recheck record answers ("" for report results). */
  rechecksTranscriptHash: string;
  contradicted: boolean;
  confirmed: boolean;
}

/** Node-failure fact keyed (target, epoch, ticket, reporter) (rule 6.3.6). */
export interface NodeFailureFact {
  target: string;
  epochId: bigint;
  ticketId: string;
  reporter: string;
  resultClass: number;
  bucketType: number;
  artifactClass: number;
}

/** Reporter-result fact keyed (reporter, epoch, ticket, target) (rule 6.3.6). */
export interface ReporterResultFact {
  reporter: string;
  epochId: bigint;
  ticketId: string;
  target: string;
  resultClass: number;
  overturned: boolean;
  confirmed: boolean;
}

export interface StoragePostponement {
  epochId: bigint;
  strong: boolean;
}

export interface AuditStateData {
  params: AuditParams;
  anchors: Table<EpochAnchor>;
  paramsSnapshots: Table<AuditParams>;
  /** key(epoch, reporter). */
  reports: Table<EpochReport>;
  transcripts: Table<TranscriptRecord>;
  nodeSuspicion: Table<NodeSuspicionState>;
  reporterReliability: Table<ReporterReliabilityState>;
  ticketDeterioration: Table<TicketDeteriorationState>;
  ticketArtifactCounts: Table<{ indexArtifactCount: number; symbolArtifactCount: number }>;
  healOps: Table<HealOp>;
  /** key(healOpId, verifier). */
  healVotes: Table<{ verified: boolean; verificationHash: string }>;
  nextHealOpId: bigint;
  nodeFailureFacts: Table<NodeFailureFact>;
  reporterResultFacts: Table<ReporterResultFact>;
  /** key(epoch, ticket, creator). */
  recheckDedup: Table<boolean>;
  storagePostponements: Table<StoragePostponement>;
  /** Action-finalization postponement markers: account → epoch postponed at. */
  actionPostponements: Table<bigint>;
  /** key(healer, epoch). */
  failedHealMarkers: Table<{ account: string; epochId: bigint }>;
  evidence: Table<Evidence>;
  nextEvidenceId: bigint;
}

/**
 * The slice of the chain client the challenge, report and recheck code uses. Components depend on this
 * narrow interface (not on the production client) so unit tests hand them a small fake.
 */
import type { LumeraClient } from '../chain/client.js';

export type ChallengeChain = Pick<
  LumeraClient,
  | 'getHeight'
  | 'getAuditParams'
  | 'getCurrentEpoch'
  | 'getEpochAnchor'
  | 'getAssignedTargets'
  | 'getEpochReport'
  | 'listEpochReportsByReporter'
  | 'getAction'
  | 'listActionsBySuperNode'
  | 'listSupernodes'
  | 'getSupernodeByAccount'
  | 'getSupernodeParams'
  | 'submitEpochReport'
  | 'submitStorageRecheckEvidence'
>;

/** Audit params as the runtime reads them (a fake only fills what a test needs). */
export type AuditParams = Awaited<ReturnType<LumeraClient['getAuditParams']>>;
export type EpochAnchor = NonNullable<Awaited<ReturnType<LumeraClient['getEpochAnchor']>>>;

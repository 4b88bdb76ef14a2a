/**
 * Which tickets a target stores (spec 04 §2.4) and what the challenger needs to know about one ticket
 * (§2.5 steps 1–2): the action, its CascadeMetadata and the chain-canonical artefact counts.
 */
import { ActionState } from '../gen/lumera/action/v1/action_state.js';
import { ActionType } from '../gen/lumera/action/v1/action_type.js';
import type { Action } from '../gen/lumera/action/v1/action.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import { artifactCounts, type ArtifactMetadata } from '../deterministic/index.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { ChallengeChain } from './chain.js';
import type { Lep6Metrics } from './metrics.js';

export interface TicketRef {
  ticketId: string;
  /** Registration height of the action (the bucket anchor). */
  anchorBlock: bigint;
}

/** Pre-derivation failure of one ticket; `stage` is the metric label of spec 04 §8. */
export class TicketFlowError extends SupernodeError {
  constructor(readonly stage: string, message: string, options?: { cause?: unknown }) {
    super('TICKET_FLOW_FAILED', message, { stage }, options);
  }
}

function decodeCascade(action: Action): CascadeMetadata {
  return CascadeMetadata.decode(action.metadata);
}

function eligible(action: Action, target: string): boolean {
  if (action.actionType !== ActionType.ACTION_TYPE_CASCADE) return false;
  if (action.state !== ActionState.ACTION_STATE_DONE && action.state !== ActionState.ACTION_STATE_APPROVED) return false;
  if (action.blockHeight <= 0n) return false;
  let meta: CascadeMetadata;
  try {
    meta = decodeCascade(action);
  } catch {
    return false;
  }
  if (meta.dataHash.trim() === '' || meta.rqIdsMax === 0n || meta.rqIdsIds.length === 0) return false;
  if (meta.indexArtifactCount === 0 && meta.symbolArtifactCount === 0) return false;
  return action.superNodes.some((s) => s.trim() === target);
}

/** §2.4: every CASCADE action the target finalised, eligible ones only, deduplicated, sorted by id. */
export async function ticketsOfTarget(chain: Pick<ChallengeChain, 'listActionsBySuperNode'>, target: string, metrics?: Lep6Metrics): Promise<TicketRef[]> {
  const actions = await chain.listActionsBySuperNode(target);
  const seen = new Map<string, TicketRef>();
  for (const a of actions) {
    if (!eligible(a, target)) {
      metrics?.inc('ticket_discovery_total', 'ineligible');
      continue;
    }
    const id = a.actionID.trim();
    if (id === '' || seen.has(id)) continue;
    metrics?.inc('ticket_discovery_total', 'eligible');
    seen.set(id, { ticketId: id, anchorBlock: a.blockHeight });
  }
  return [...seen.values()].sort((x, y) => (x.ticketId < y.ticketId ? -1 : x.ticketId > y.ticketId ? 1 : 0));
}

export interface TicketInfo {
  ticketId: string;
  fileSizeKbs: bigint;
  meta: ArtifactMetadata;
  /** Chain-canonical counts; both 0 when they cannot be resolved (§2.5 step 2). */
  counts: { index: number; symbol: number };
}

/** §2.5 steps 1–2. */
export async function loadTicket(chain: Pick<ChallengeChain, 'getAction'>, ticketId: string): Promise<TicketInfo> {
  let action: Action | undefined;
  try {
    action = await chain.getAction(ticketId);
  } catch (err) {
    throw new TicketFlowError('cascade_meta', `get action ${JSON.stringify(ticketId)}: ${errorMessage(err)}`, { cause: err });
  }
  if (!action) throw new TicketFlowError('cascade_meta', `get action ${JSON.stringify(ticketId)}: not found`);
  let cm: CascadeMetadata;
  try {
    cm = decodeCascade(action);
  } catch (err) {
    throw new TicketFlowError('cascade_meta', `decode cascade metadata for ${JSON.stringify(ticketId)}: ${errorMessage(err)}`, { cause: err });
  }
  const meta: ArtifactMetadata = {
    rqIdsIc: cm.rqIdsIc,
    rqIdsMax: cm.rqIdsMax,
    rqIdsIds: cm.rqIdsIds,
    signatures: cm.signatures,
    indexArtifactCount: cm.indexArtifactCount,
    symbolArtifactCount: cm.symbolArtifactCount,
  };
  let counts = { index: 0, symbol: 0 };
  try {
    counts = artifactCounts(meta);
  } catch {
    // §2.5 step 2: unresolvable counts are treated as zero (the class roll then yields NO_ELIGIBLE).
  }
  return { ticketId, fileSizeKbs: action.fileSizeKbs, meta, counts };
}

/**
 * Who may put or read which cascade artefacts on this node through `supernode.HealArtefactService`, for
 * uploads and client downloads (the heal path has its own rule in src/healing/artefact-peer-server.ts).
 *
 * Identity is always the handshake's verified caller, never a request field; `action_id` in a request only
 * names the action whose rule applies, and every key is checked against that action's on-chain metadata:
 *
 * * store (upload): the caller is the action's creator, or one of its `super_nodes` connected as a
 *   registered supernode (peer type 2); the action is a CASCADE action that is PENDING / PROCESSING (upload
 *   before finalize — the register flow stores first, then finalizes, spec 05 §1.1) or DONE / APPROVED (a
 *   holder re-seeding a peer). Accepted keys: the `rq_ids_max` index files regenerated from `signatures`, the
 *   layout files listed in the signed index, and the symbols listed in a layout file received in the same
 *   call — so the set of storable bytes is fixed by what the creator signed and paid for. A layout must be
 *   plausible for the action (its file size within the paid `file_size_kbs`, at most K + R symbols).
 * * fetch by a non-supernode account (client download): the action is DONE / APPROVED and public, or the
 *   caller is its creator (the handshake identity replaces the Go daemon's signature over the action id);
 *   keys must be the action's index files, layout files, or symbols of a layout file this node holds.
 *
 * Errors are grpc-js ServiceError-shaped (numeric `code`, `details`) so the server passes them through.
 */
import { status, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Action } from '../gen/lumera/action/v1/action.js';
import { ActionState, actionStateToJSON } from '../gen/lumera/action/v1/action_state.js';
import { ActionType } from '../gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import type { Caller } from '../transport/caller.js';
import { errorMessage } from '../util/errors.js';
import { indexFromSignatures } from './action-artefacts.js';
import { indexFiles, parseLayoutFile } from './id-files.js';
import type { Layout } from './layout.js';
import { MAX_CASCADE_FILE_BYTES, repairSymbolCount, sourceSymbolCount } from './params.js';

/** Longest action id accepted in a request (the chain's ids are decimal counters). */
export const MAX_ACTION_ID_LENGTH = 64;

export interface ArtefactPolicyChain {
  getAction(actionId: string): Promise<Action | undefined>;
}

/** A grpc-js ServiceError with a typed status code. */
export class ArtefactPolicyError extends Error implements ServiceError {
  readonly metadata = new Metadata();
  constructor(readonly code: status, readonly details: string) {
    super(`${code} ${status[code]}: ${details}`);
    this.name = 'ArtefactPolicyError';
  }
}

export function isArtefactPolicyError(err: unknown, code?: status): err is ArtefactPolicyError {
  return err instanceof ArtefactPolicyError && (code === undefined || err.code === code);
}

/** What one store call may write: the same shape the heal rule produces, plus the layout plausibility check. */
export interface UploadScope {
  actionId: string;
  /** Index-file ids (`rq_ids_max` copies, regenerated from the on-chain `signatures`). */
  ids: Set<string>;
  /** Layout-file ids listed in the signed index. */
  layoutIds: Set<string>;
  /** Throws PERMISSION_DENIED unless a received layout fits the action (size and symbol count bounds). */
  checkLayout(layout: Layout): void;
}

function checkActionId(actionId: unknown): string {
  if (typeof actionId !== 'string' || actionId === '') throw new ArtefactPolicyError(status.INVALID_ARGUMENT, 'action_id is required for a cascade upload (heal_op_id is 0)');
  if (actionId.length > MAX_ACTION_ID_LENGTH || !/^[0-9]+$/.test(actionId)) {
    throw new ArtefactPolicyError(status.INVALID_ARGUMENT, `action_id must be a decimal id of at most ${MAX_ACTION_ID_LENGTH} digits`);
  }
  return actionId;
}

async function cascadeAction(chain: ArtefactPolicyChain, actionId: string): Promise<{ action: Action; meta: CascadeMetadata }> {
  let action: Action | undefined;
  try {
    action = await chain.getAction(actionId);
  } catch (err) {
    throw new ArtefactPolicyError(status.UNAVAILABLE, `action ${actionId}: ${errorMessage(err)}`);
  }
  if (!action) throw new ArtefactPolicyError(status.NOT_FOUND, `action ${actionId} not found`);
  if (action.actionType !== ActionType.ACTION_TYPE_CASCADE) throw new ArtefactPolicyError(status.FAILED_PRECONDITION, `action ${actionId} is not a CASCADE action`);
  let meta: CascadeMetadata;
  try {
    meta = CascadeMetadata.decode(action.metadata);
  } catch (err) {
    throw new ArtefactPolicyError(status.FAILED_PRECONDITION, `action ${actionId} has undecodable metadata: ${errorMessage(err)}`);
  }
  return { action, meta };
}

function idSets(actionId: string, meta: CascadeMetadata): { ids: Set<string>; layoutIds: Set<string> } {
  try {
    const index = indexFromSignatures(meta.signatures, { actionId });
    return { ids: new Set(indexFiles(meta.signatures, meta.rqIdsIc, meta.rqIdsMax).map((f) => f.id)), layoutIds: new Set(index.layout_ids) };
  } catch (err) {
    throw new ArtefactPolicyError(status.FAILED_PRECONDITION, `action ${actionId}: on-chain signatures do not yield ID files: ${errorMessage(err)}`);
  }
}

const isSuperNodeOf = (action: Action, caller: Caller) => caller.peerType === 2 && action.superNodes.some((s) => s.trim() === caller.address);

/** Bounds a layout by what the creator paid for: file size within `file_size_kbs` KiB, at most K + R symbols. */
export function layoutBoundsCheck(action: Pick<Action, 'actionID' | 'fileSizeKbs'>): (layout: Layout) => void {
  const paidBytes = action.fileSizeKbs > 0n ? action.fileSizeKbs * 1024n : BigInt(MAX_CASCADE_FILE_BYTES);
  const limit = paidBytes < BigInt(MAX_CASCADE_FILE_BYTES) ? Number(paidBytes) : MAX_CASCADE_FILE_BYTES;
  return (layout) => {
    const block = layout.blocks[0];
    if (!block || layout.blocks.length !== 1) throw new ArtefactPolicyError(status.PERMISSION_DENIED, `action ${action.actionID}: layout must have exactly one block`);
    if (block.size > limit) throw new ArtefactPolicyError(status.PERMISSION_DENIED, `action ${action.actionID}: layout size ${block.size} exceeds the ${limit} bytes the action covers`);
    const most = sourceSymbolCount(block.size) + repairSymbolCount(block.size);
    if (block.symbols.length > most) throw new ArtefactPolicyError(status.PERMISSION_DENIED, `action ${action.actionID}: layout lists ${block.symbols.length} symbols, at most ${most} for ${block.size} bytes`);
  };
}

/** The store rule for cascade uploads (see the file comment). */
export async function authoriseUpload(chain: ArtefactPolicyChain, caller: Caller, actionIdIn: unknown): Promise<UploadScope> {
  const actionId = checkActionId(actionIdIn);
  const { action, meta } = await cascadeAction(chain, actionId);
  const uploading = action.state === ActionState.ACTION_STATE_PENDING || action.state === ActionState.ACTION_STATE_PROCESSING;
  const held = action.state === ActionState.ACTION_STATE_DONE || action.state === ActionState.ACTION_STATE_APPROVED;
  if (!uploading && !held) {
    throw new ArtefactPolicyError(status.FAILED_PRECONDITION, `action ${actionId} is ${actionStateToJSON(action.state)}; artefacts are accepted only while it is PENDING, PROCESSING, DONE or APPROVED`);
  }
  if (caller.address !== action.creator.trim() && !isSuperNodeOf(action, caller)) {
    throw new ArtefactPolicyError(status.PERMISSION_DENIED, `caller ${caller.address} is neither the creator nor a supernode of action ${actionId}`);
  }
  return { actionId, ...idSets(actionId, meta), checkLayout: layoutBoundsCheck(action) };
}

/** Reads a blob from the local store; undefined when absent or failing its content check. */
export type LocalBlobReader = (key: string) => Promise<Uint8Array | undefined>;

/**
 * The fetch rule for a caller that is not a registered supernode: resolves with the set of keys of
 * `actionId` it may read (throws when it may read none). Supernodes keep the heal service's open read rule.
 */
export async function authoriseAccountFetch(chain: ArtefactPolicyChain, caller: Caller, actionIdIn: unknown, readLocal: LocalBlobReader): Promise<Set<string>> {
  const actionId = checkActionId(actionIdIn);
  const { action, meta } = await cascadeAction(chain, actionId);
  if (action.state !== ActionState.ACTION_STATE_DONE && action.state !== ActionState.ACTION_STATE_APPROVED) {
    throw new ArtefactPolicyError(status.FAILED_PRECONDITION, `action ${actionId} is ${actionStateToJSON(action.state)}; downloads need DONE or APPROVED`);
  }
  if (!meta.public && caller.address !== action.creator.trim()) {
    throw new ArtefactPolicyError(status.PERMISSION_DENIED, `action ${actionId} is private and caller ${caller.address} is not its creator`);
  }
  const { ids, layoutIds } = idSets(actionId, meta);
  const allowed = new Set([...ids, ...layoutIds]);
  for (const id of layoutIds) {
    const blob = await readLocal(id);
    if (!blob) continue;
    try {
      for (const s of parseLayoutFile(blob, { actionId, artefact: id }).layout.blocks[0]!.symbols) allowed.add(s);
      break;
    } catch {
      // an unparsable layout copy: try the next one
    }
  }
  return allowed;
}

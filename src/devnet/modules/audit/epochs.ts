/**
 * Epochs and anchors (spec 03 §1.1–1.2): epoch math from height via the derivation library, the anchor
 * frozen in BeginBlock of an epoch start height, and the per-epoch params snapshot.
 */
import { anchorAccountList, blake3, commitStringList, epochAtHeight, epochByID, epochSeed, type EpochBounds } from '../../../deterministic/index.js';
import { Params as ParamsMsg } from '../../../gen/lumera/audit/v1/params.js';
import { SuperNodeState, currentState } from '../supernode/keeper.js';
import type { AuditEnv } from './env.js';
import { plainError } from './errors.js';
import { cloneParams, type AuditParams } from './params.js';
import { tGet, tHas, tSet } from './table.js';
import type { EpochAnchor } from './types.js';

export function epochAt(params: AuditParams, height: bigint): EpochBounds {
  return epochAtHeight(height < 0n ? 0n : height, params.epochZeroHeight, params.epochLengthBlocks);
}

export function epochBounds(params: AuditParams, epochId: bigint): EpochBounds {
  return epochByID(epochId, params.epochZeroHeight, params.epochLengthBlocks);
}

export function getAnchor(env: Pick<AuditEnv, 'state'>, epochId: bigint): EpochAnchor | undefined {
  return tGet(env.state.anchors, epochId.toString());
}

/** Params of epoch E's snapshot, or the live params when no snapshot exists (rule 1.2.4). */
export function snapshotParams(env: Pick<AuditEnv, 'state'>, epochId: bigint): AuditParams {
  return tGet(env.state.paramsSnapshots, epochId.toString()) ?? env.state.params;
}

export function paramsCommitment(params: AuditParams): Uint8Array {
  return blake3(ParamsMsg.encode(ParamsMsg.fromPartial(params)).finish());
}

/** BeginBlock: at an epoch start height with no anchor yet, freeze the anchor and the params snapshot. */
export function maybeCreateAnchor(env: AuditEnv, headerHash: Uint8Array): EpochAnchor | undefined {
  const params = env.state.params;
  if (env.height < params.epochZeroHeight) return undefined;
  const epoch = epochAt(params, env.height);
  if (epoch.startHeight !== env.height || tHas(env.state.anchors, epoch.epochId.toString())) return undefined;
  return createAnchor(env, epoch, headerHash);
}

export function createAnchor(env: AuditEnv, epoch: EpochBounds, headerHash: Uint8Array): EpochAnchor {
  const params = env.state.params;
  const active: string[] = [];
  const targets: string[] = [];
  for (const sn of env.supernodes.all()) {
    const st = currentState(sn);
    const isActive = st === SuperNodeState.ACTIVE || st === SuperNodeState.STORAGE_FULL;
    if (!isActive && st !== SuperNodeState.POSTPONED) continue;
    if (sn.supernodeAccount === '') {
      throw plainError(`supernode ${sn.validatorAddress} has empty supernode_account; cannot build epoch anchor`);
    }
    if (isActive) active.push(sn.supernodeAccount);
    targets.push(sn.supernodeAccount);
  }
  const activeList = anchorAccountList(active);
  const targetList = anchorAccountList(targets);
  const anchor: EpochAnchor = {
    epochId: epoch.epochId,
    epochStartHeight: epoch.startHeight,
    epochEndHeight: epoch.endHeight,
    epochLengthBlocks: params.epochLengthBlocks,
    seed: epochSeed(headerHash, epoch.epochId, epoch.startHeight),
    activeSupernodeAccounts: activeList,
    targetSupernodeAccounts: targetList,
    paramsCommitment: paramsCommitment(params),
    activeSetCommitment: commitStringList(activeList),
    targetsSetCommitment: commitStringList(targetList),
  };
  tSet(env.state.anchors, epoch.epochId.toString(), anchor);
  tSet(env.state.paramsSnapshots, epoch.epochId.toString(), cloneParams(params));
  return anchor;
}

/** Δ(E, last): E − last when E > last, else 0. */
export function delta(e: bigint, last: bigint): bigint {
  return e > last ? e - last : 0n;
}

/** Window(E, W): epochs [max(0, E−W+1), E]. */
export function inWindow(epoch: bigint, e: bigint, w: number | bigint): boolean {
  const lo = e + 1n > BigInt(w) ? e - BigInt(w) + 1n : 0n;
  return epoch >= lo && epoch <= e;
}

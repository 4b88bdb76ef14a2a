/**
 * Stage-only recovery reseed (spec 04 R3.9.2, spec 05 §3.1): rebuild a cascade action's file from the
 * symbols other supernodes still hold, check it against the on-chain data hash, re-encode it, regenerate the
 * ID files (which must reproduce the index's layout ids) and stage everything under
 * `<staging>/<heal_op_id>/` — nothing is published here.
 *
 * Memory: fetched symbols go straight to files; the decode and encode run in the cascade worker (which holds
 * one file's worth of data, as the cascade codec does everywhere).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionState } from '../gen/lumera/action/v1/action_state.js';
import type { Action } from '../gen/lumera/action/v1/action.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import { buildActionIdFiles, indexFromSignatures } from '../cascade/action-artefacts.js';
import { CascadeError, isCascadeError } from '../cascade/errors.js';
import { dataHashB64OfFile } from '../cascade/hash.js';
import { parseLayoutFile } from '../cascade/id-files.js';
import { decodeFile, encodeFile } from '../cascade/jobs.js';
import { layoutJson, type Layout } from '../cascade/layout.js';
import { sourceSymbolCount } from '../cascade/params.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { MAX_FETCH_KEYS, type ArtefactPeers } from './artefact-peers.js';
import type { HealChain } from './chain.js';
import { throwIfAborted } from './op-context.js';
import { RECONSTRUCTED_FILE, StagingArea, idFileName, writeFileSynced, type StagingManifest } from './staging.js';

export class ReconstructError extends SupernodeError {}

/** Which peers to ask for an action's artefacts, and which hold it (publish targets). */
export interface HolderDirectory {
  /** Peers that may hold the action's blobs, best first (never includes self). */
  fetchSources(action: Action): Promise<string[]>;
  /** The action's holders that should receive the rebuilt artefacts (never includes self). */
  publishTargets(action: Action): Promise<string[]>;
}

/**
 * Holders are the chain's `Action.super_nodes`; blobs may also sit on any other registered supernode
 * (replication), so those are asked too, after the holders.
 */
export function chainHolderDirectory(self: string, listSupernodeAccounts: () => Promise<string[]>): HolderDirectory {
  return {
    async fetchSources(action) {
      const holders = action.superNodes.map((s) => s.trim()).filter((s) => s !== '' && s !== self);
      let others: string[] = [];
      try {
        others = (await listSupernodeAccounts()).filter((s) => s !== self && !holders.includes(s)).sort();
      } catch {
        // the registry is a bonus source; the holders alone may suffice
      }
      return [...new Set([...holders, ...others])];
    },
    async publishTargets(action) {
      return [...new Set(action.superNodes.map((s) => s.trim()).filter((s) => s !== '' && s !== self))];
    },
  };
}

export interface ReconstructDeps {
  chain: Pick<HealChain, 'getAction'>;
  peers: ArtefactPeers;
  holders: HolderDirectory;
  staging: StagingArea;
  logger: Logger;
  /** Per fetch call deadline. Default 120 s. */
  fetchTimeoutMs?: number;
}

export interface StagedResult {
  dir: string;
  manifest: StagingManifest;
  /** Phase durations in ms (bench, logs). */
  timings: { fetchMs: number; decodeMs: number; encodeMs: number; stageMs: number };
}

function cascadeMetaOf(action: Action | undefined, ticketId: string): CascadeMetadata {
  if (!action) throw new ReconstructError('RESEED_ACTION_NOT_FOUND', `action ${ticketId} not found`);
  if (action.state !== ActionState.ACTION_STATE_DONE && action.state !== ActionState.ACTION_STATE_APPROVED) {
    throw new ReconstructError('RESEED_ACTION_STATE', `action ${ticketId} is in state ${action.state}, not DONE or APPROVED`);
  }
  const meta = CascadeMetadata.decode(action.metadata);
  if (meta.dataHash.trim() === '') throw new ReconstructError('RESEED_NO_DATA_HASH', `action ${ticketId} has no data_hash`);
  return meta;
}

/** Fetches one parseable layout file from the sources (the index comes from the on-chain signatures). */
async function fetchLayout(deps: ReconstructDeps, sources: string[], actionId: string, layoutIds: string[], signal?: AbortSignal): Promise<Layout> {
  const errors: string[] = [];
  for (const src of sources) {
    throwIfAborted(signal, 'fetch layout');
    let layout: Layout | undefined;
    try {
      await deps.peers.fetch(src, actionId, layoutIds.slice(0, MAX_FETCH_KEYS), async (b) => {
        if (layout) return;
        try {
          layout = parseLayoutFile(b.data, { actionId, artefact: b.key }).layout;
        } catch (err) {
          errors.push(`${src}/${b.key}: ${errorMessage(err)}`);
        }
      }, { signal, timeoutMs: deps.fetchTimeoutMs });
    } catch (err) {
      errors.push(`${src}: ${errorMessage(err)}`);
    }
    if (layout) return layout;
  }
  throw new ReconstructError('RESEED_NO_LAYOUT', `no layout file of action ${actionId} from ${sources.length} peers${errors.length ? `: ${errors.slice(0, 3).join('; ')}` : ''}`);
}

/** Fetches symbols into `dir/<id>` until `target` distinct ones are held or every source was asked. */
async function fetchSymbols(deps: ReconstructDeps, sources: string[], actionId: string, ids: readonly string[], have: Set<string>, target: number, dir: string, signal?: AbortSignal): Promise<void> {
  for (const src of sources) {
    if (have.size >= target) return;
    const missing = ids.filter((id) => !have.has(id));
    for (let i = 0; i < missing.length && have.size < target; ) {
      throwIfAborted(signal, 'fetch symbols');
      const want = Math.min(MAX_FETCH_KEYS, Math.max(1, target - have.size));
      const batch = missing.slice(i, i + want);
      i += batch.length;
      try {
        await deps.peers.fetch(src, actionId, batch, async (b) => {
          if (have.has(b.key)) return;
          await writeFile(join(dir, b.key), b.data, { mode: 0o600 });
          have.add(b.key);
        }, { signal, timeoutMs: deps.fetchTimeoutMs });
      } catch (err) {
        deps.logger.warn({ actionId, peer: src, err: errorMessage(err) }, 'symbol fetch from peer failed; trying the next');
        break;
      }
    }
  }
}

/** Rebuilds and stages action `ticketId` for heal op `healOpId`. Leaves nothing behind on failure. */
export async function reconstructAndStage(deps: ReconstructDeps, healOpId: bigint, ticketId: string, self: string, signal?: AbortSignal): Promise<StagedResult> {
  const action = await deps.chain.getAction(ticketId);
  const meta = cascadeMetaOf(action, ticketId);
  const index = indexFromSignatures(meta.signatures, { actionId: ticketId });
  const sources = (await deps.holders.fetchSources(action!)).filter((s) => s !== self);
  if (sources.length === 0) throw new ReconstructError('RESEED_NO_SOURCES', `no peer to fetch action ${ticketId} from`);
  const builder = await deps.staging.begin(healOpId);
  try {
    const t0 = Date.now();
    const layout = await fetchLayout(deps, sources, ticketId, index.layout_ids, signal);
    const block = layout.blocks[0]!;
    const download = join(builder.tmpDir, 'download');
    await mkdir(download, { mode: 0o700 });
    const k = sourceSymbolCount(block.size);
    const n = block.symbols.length;
    const have = new Set<string>();
    const out = join(builder.tmpDir, RECONSTRUCTED_FILE);
    let target = Math.min(n, k + Math.max(2, Math.ceil(n * 0.02)));
    let fetchMs = 0;
    let decodeMs = 0;
    for (let attempt = 1; ; attempt++) {
      const f0 = Date.now();
      await fetchSymbols(deps, sources, ticketId, block.symbols, have, target, download, signal);
      fetchMs += Date.now() - f0;
      throwIfAborted(signal, 'decode');
      const d0 = Date.now();
      try {
        await decodeFile(layout, block.symbols.map((id) => (have.has(id) ? join(download, id) : undefined)), out, { expectedDataHashB64: meta.dataHash }, { actionId: ticketId });
        decodeMs += Date.now() - d0;
        break;
      } catch (err) {
        decodeMs += Date.now() - d0;
        // More symbols can only help an incomplete decode, and only while some remain to ask for.
        if (!isCascadeError(err, 'CASCADE_DECODE_INCOMPLETE') || have.size >= n || attempt >= 4 || target >= n) throw err;
        target = Math.min(n, target + Math.ceil(n * 0.05));
      }
    }
    await rm(download, { recursive: true, force: true });
    const hash = await dataHashB64OfFile(out);
    if (hash !== meta.dataHash) throw new CascadeError('CASCADE_DATA_HASH_MISMATCH', `data hash not verified: decoded ${hash}, action says ${meta.dataHash}`, { actionId: ticketId });
    throwIfAborted(signal, 'encode');
    const e0 = Date.now();
    const symbolsTmp = join(builder.tmpDir, 'symbols');
    const enc = await encodeFile(out, symbolsTmp, { actionId: ticketId });
    const encodeMs = Date.now() - e0;
    if (layoutJson(enc.layout) !== layoutJson(layout)) {
      throw new ReconstructError('RESEED_LAYOUT_MISMATCH', `re-encoded layout of action ${ticketId} differs from the fetched layout file`);
    }
    const s0 = Date.now();
    // Regenerated layout ids must equal the index's (buildActionIdFiles checks), so the staged ID files are the originals.
    const ids = buildActionIdFiles(meta, enc.layout, { actionId: ticketId });
    const all = [...ids.layoutFiles, ...ids.indexFiles];
    await mkdir(join(builder.tmpDir, 'id_files'), { mode: 0o700 });
    for (let i = 0; i < all.length; i++) await writeFileSynced(join(builder.tmpDir, 'id_files', idFileName(i)), all[i]!.bytes);
    const manifest: StagingManifest = {
      action_id: ticketId,
      layout: enc.layout,
      id_files: all.map((f) => Buffer.from(f.bytes).toString('base64')),
      symbol_keys: [...new Set(enc.layout.blocks[0]!.symbols.filter((s) => s.trim() !== ''))].sort(),
      symbols_dir: join(builder.finalDir, 'symbols'),
      reconstructed_rel: RECONSTRUCTED_FILE,
      manifest_hash_b64: hash,
    };
    const dir = await builder.commit(manifest);
    return { dir, manifest, timings: { fetchMs, decodeMs, encodeMs, stageMs: Date.now() - s0 } };
  } catch (err) {
    await builder.abort();
    throw err;
  }
}

/**
 * `downloadCascadeFile`: the download path of spec 05 §1.12 against our holders over lumera-alts.
 *
 * Action (DONE/APPROVED, CASCADE) → index files by `rq_ids_ids` → layout files by the index's `layout_ids`
 * (first one that verifies and parses wins) → symbols in layout order, source symbols first, about K + 5 %
 * at first, 5 % of the total more per failed decode (the Go path asks 20 % then +5 %; our placement makes
 * the systematic symbols the cheapest complete set) → RaptorQ decode in the codec worker → block hash and
 * `data_hash` check → OUT renamed into place (nothing partial is ever left under OUT).
 *
 * Sources: the chain's `Action.super_nodes` first, then every other registered supernode (replicas live
 * there, spec 05 §1.10); a source that fails a call is skipped for the rest of the download, so a stopped
 * holder costs one failed dial. Every blob is checked against its key here even though the transport
 * client drops mismatches too: ID files with CASCADE_ID_MISMATCH, symbols with CASCADE_SYMBOL_CORRUPT.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LumeraClient } from '../chain/client.js';
import { ActionState, actionStateToJSON } from '../gen/lumera/action/v1/action_state.js';
import { ActionType } from '../gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import { MAX_FETCH_KEYS, type ArtefactPeers } from '../healing/artefact-peers.js';
import { InvalidArgumentError, SupernodeError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { checkSymbol } from './codec.js';
import { CascadeError, isCascadeError, type CascadeContext } from './errors.js';
import { checkIdFile, parseIndexFile, parseLayoutFile } from './id-files.js';
import { decodeFile } from './jobs.js';
import type { Layout } from './layout.js';
import { sourceSymbolCount } from './params.js';

export type DownloadChain = Pick<LumeraClient, 'getAction' | 'listSupernodes'>;

export interface DownloadProgress {
  phase: 'layout' | 'fetch' | 'decode';
  done: number;
  total: number;
}

export interface DownloadOptions {
  actionId: string;
  /** Final path of the file; written only when complete and verified. */
  outPath: string;
  chain: DownloadChain;
  peers: Pick<ArtefactPeers, 'fetch'>;
  /** Where fetched symbols are kept during the download. Default: the directory of outPath. */
  workDir?: string;
  fetchTimeoutMs?: number;
  progress?: (p: DownloadProgress) => void;
  logger?: Logger;
}

export interface DownloadResult {
  actionId: string;
  size: number;
  dataHashB64: string;
  layoutId: string;
  /** Symbols fetched per source account. */
  fetchedFrom: Record<string, number>;
  /** Sources whose calls failed (skipped after the first failure), and why. */
  unavailable: string[];
  failures: Array<{ source: string; error: string }>;
  /** Symbols fed to the decoder, and symbols refused (truncated / corrupted). */
  used: number;
  rejected: Array<{ id: string; source: string; reason: string }>;
  decodeAttempts: number;
}

/** Download failures that are not about a specific artefact's content (action state, no reachable data). */
export class CascadeDownloadError extends SupernodeError {
  constructor(code: 'CASCADE_DOWNLOAD_NO_ACTION' | 'CASCADE_DOWNLOAD_ACTION_STATE' | 'CASCADE_DOWNLOAD_UNAVAILABLE', message: string, details: Record<string, unknown>) {
    super(code, message, details);
  }
}

/** Deadline of a one-ID-file fetch call (a few KB): a stalled source is given up on quickly. */
const SMALL_FETCH_TIMEOUT_MS = 10_000;

class Sources {
  readonly dead = new Set<string>();
  readonly failures: Array<{ source: string; error: string }> = [];
  readonly fetchedFrom: Record<string, number> = {};
  constructor(readonly all: string[], private readonly o: DownloadOptions, private readonly log: Logger) {}

  get live(): string[] {
    return this.all.filter((s) => !this.dead.has(s));
  }

  /**
   * One fetch call, blobs handed to `onBlob` as they arrive (a symbol batch is never held whole in memory);
   * a failing source is marked dead. `small` calls (one ID file) get a shorter deadline.
   */
  async fetch(source: string, keys: readonly string[], onBlob: (b: { key: string; data: Uint8Array }) => Promise<void>, small = false): Promise<void> {
    const timeoutMs = this.o.fetchTimeoutMs ?? 60_000;
    let local: { err: unknown } | undefined;
    const guarded = async (b: { key: string; data: Uint8Array }) => {
      try {
        await onBlob(b);
      } catch (err) {
        local ??= { err };
        throw err;
      }
    };
    try {
      await this.o.peers.fetch(source, this.o.actionId, keys, guarded, { timeoutMs: small ? Math.min(timeoutMs, SMALL_FETCH_TIMEOUT_MS) : timeoutMs });
    } catch (err) {
      if (local) throw local.err; // our side failed (e.g. disk full), not the source
      this.dead.add(source);
      this.failures.push({ source, error: errorMessage(err) });
      this.log.warn({ actionId: this.o.actionId, source, err: errorMessage(err) }, 'cascade download: source failed; skipping it');
    }
  }
}

function cascadeOf(actionId: string, action: Awaited<ReturnType<DownloadChain['getAction']>>): CascadeMetadata {
  if (!action) throw new CascadeDownloadError('CASCADE_DOWNLOAD_NO_ACTION', `action ${actionId} not found`, { actionId });
  if (action.actionType !== ActionType.ACTION_TYPE_CASCADE) throw new CascadeDownloadError('CASCADE_DOWNLOAD_ACTION_STATE', `action ${actionId} is not a CASCADE action`, { actionId });
  if (action.state !== ActionState.ACTION_STATE_DONE && action.state !== ActionState.ACTION_STATE_APPROVED) {
    throw new CascadeDownloadError('CASCADE_DOWNLOAD_ACTION_STATE', `action ${actionId} is ${actionStateToJSON(action.state)}; downloads need DONE or APPROVED`, { actionId, state: action.state });
  }
  const meta = CascadeMetadata.decode(action.metadata);
  if (meta.rqIdsIds.length === 0 || meta.dataHash.trim() === '') {
    throw new CascadeDownloadError('CASCADE_DOWNLOAD_ACTION_STATE', `action ${actionId} has no rq_ids_ids or data_hash`, { actionId });
  }
  return meta;
}

/** Fetches one ID file: every live source in turn until a copy verifies; content errors are collected. */
async function fetchIdFile(src: Sources, id: string, errors: CascadeError[], ctx: CascadeContext): Promise<Uint8Array | undefined> {
  for (const s of src.live) {
    let found: Uint8Array | undefined;
    await src.fetch(s, [id], async (b) => {
      if (b.key !== id || found) return;
      try {
        checkIdFile(id, b.data, { ...ctx, artefact: id });
        found = b.data;
      } catch (err) {
        if (!isCascadeError(err)) throw err;
        errors.push(err);
      }
    }, true);
    if (found) return found;
  }
  return undefined;
}

/** Index files in `rq_ids_ids` order → their layout ids → the first layout that verifies and parses. */
async function resolveLayout(src: Sources, rqIdsIds: readonly string[], ctx: CascadeContext): Promise<{ layout: Layout; layoutId: string }> {
  const errors: CascadeError[] = [];
  const tried = new Set<string>();
  for (const indexId of rqIdsIds) {
    const blob = await fetchIdFile(src, indexId, errors, ctx);
    if (!blob) continue;
    let layoutIds: string[];
    try {
      layoutIds = parseIndexFile(blob, { ...ctx, artefact: indexId }).index.layout_ids;
    } catch (err) {
      if (!isCascadeError(err)) throw err;
      errors.push(err);
      continue;
    }
    for (const layoutId of layoutIds) {
      if (tried.has(layoutId)) continue;
      tried.add(layoutId);
      const lb = await fetchIdFile(src, layoutId, errors, ctx);
      if (!lb) continue;
      try {
        return { layout: parseLayoutFile(lb, { ...ctx, artefact: layoutId }).layout, layoutId };
      } catch (err) {
        if (!isCascadeError(err)) throw err;
        errors.push(err);
      }
    }
  }
  // Report the first content error (it names the artefact); all of them travel in details.
  const first = errors[0];
  if (first) {
    Object.assign(first.details, { others: errors.slice(1).map((e) => ({ code: e.code, artefact: e.artefact, message: e.message })) });
    throw first;
  }
  throw new CascadeDownloadError('CASCADE_DOWNLOAD_UNAVAILABLE', `action ${ctx.actionId}: no index or layout file from ${src.all.length} sources (${src.dead.size} unreachable)`, { actionId: ctx.actionId, unavailable: [...src.dead] });
}

export async function downloadCascadeFile(o: DownloadOptions): Promise<DownloadResult> {
  const log = o.logger ?? silentLogger();
  const progress = o.progress ?? (() => undefined);
  if (typeof o.actionId !== 'string' || !/^[0-9]{1,64}$/.test(o.actionId)) throw new InvalidArgumentError('actionId', 'must be a decimal action id');
  if (typeof o.outPath !== 'string' || o.outPath === '') throw new InvalidArgumentError('outPath', 'must be a path');
  const outDir = dirname(o.outPath);
  if (!(await stat(outDir).catch(() => undefined))?.isDirectory()) throw new InvalidArgumentError('outPath', `directory ${outDir} does not exist`);
  const actionId = o.actionId;
  const action = await o.chain.getAction(actionId);
  const meta = cascadeOf(actionId, action);
  const holders = action!.superNodes.map((s) => s.trim()).filter((s) => s !== '');
  let others: string[] = [];
  try {
    others = (await o.chain.listSupernodes()).map((s) => s.supernodeAccount.trim()).filter((s) => s !== '' && !holders.includes(s)).sort();
  } catch (err) {
    log.warn({ actionId, err: errorMessage(err) }, 'cascade download: supernode list unavailable; asking the holders only');
  }
  const src = new Sources([...new Set([...holders, ...others])], o, log);

  progress({ phase: 'layout', done: 0, total: 1 });
  const { layout, layoutId } = await resolveLayout(src, meta.rqIdsIds, { actionId });
  progress({ phase: 'layout', done: 1, total: 1 });
  const ctx: CascadeContext = { actionId, artefact: layoutId };
  const ids = layout.blocks[0]!.symbols;
  const wanted = new Set(ids);
  const k = sourceSymbolCount(layout.blocks[0]!.size);
  const step = Math.max(1, Math.ceil(ids.length * 0.05));
  let target = Math.min(ids.length, k + Math.ceil(k * 0.05) + 2);

  const tmp = await mkdtemp(join(o.workDir ?? outDir, '.cascade-download-'));
  try {
    const have = new Set<string>();
    const rejected: DownloadResult['rejected'] = [];
    const asked = new Map<string, Set<string>>();
    const fetchUpTo = async (goal: number): Promise<void> => {
      for (const s of src.all) {
        const askedHere = asked.get(s) ?? new Set<string>();
        asked.set(s, askedHere);
        while (have.size < goal && !src.dead.has(s)) {
          const batch = ids.filter((id) => !have.has(id) && !askedHere.has(id)).slice(0, Math.min(MAX_FETCH_KEYS, Math.max(64, goal - have.size)));
          if (batch.length === 0) break;
          for (const id of batch) askedHere.add(id);
          await src.fetch(s, batch, async (b) => {
            if (!wanted.has(b.key) || have.has(b.key)) return;
            try {
              checkSymbol(b.key, b.data, ctx);
            } catch (err) {
              if (!isCascadeError(err)) throw err;
              rejected.push({ id: b.key, source: s, reason: String(err.details.reason ?? err.code) });
              return;
            }
            await writeFile(join(tmp, b.key), b.data);
            have.add(b.key);
            src.fetchedFrom[s] = (src.fetchedFrom[s] ?? 0) + 1;
            progress({ phase: 'fetch', done: have.size, total: goal });
          });
        }
        if (have.size >= goal) return;
      }
    };

    for (let attempt = 1; ; attempt++) {
      await fetchUpTo(target);
      progress({ phase: 'decode', done: 0, total: 1 });
      try {
        const r = await decodeFile(layout, ids.map((id) => (have.has(id) ? join(tmp, id) : undefined)), o.outPath, { expectedDataHashB64: meta.dataHash }, ctx);
        progress({ phase: 'decode', done: 1, total: 1 });
        return {
          actionId, size: r.size, dataHashB64: r.dataHashB64, layoutId, fetchedFrom: { ...src.fetchedFrom }, unavailable: [...src.dead], failures: [...src.failures],
          used: r.used, rejected, decodeAttempts: attempt,
        };
      } catch (err) {
        if (!isCascadeError(err, 'CASCADE_DECODE_INCOMPLETE')) throw err;
        const before = have.size;
        if (target < ids.length) {
          target = Math.min(ids.length, Math.max(target, have.size) + step);
          await fetchUpTo(target);
        }
        if (have.size > before) continue; // more symbols arrived: decode again
        // Nothing more to fetch. When bad symbols were refused, they are the reason: name the first.
        const bad = rejected[0];
        if (bad) {
          throw new CascadeError('CASCADE_SYMBOL_CORRUPT', `decode cannot complete: ${have.size} good symbols of ${ids.length}, ${rejected.length} refused (first from ${bad.source}: ${bad.reason}), at least ${k} needed`, { actionId, artefact: bad.id }, { rejected, have: have.size, needed: k, layoutId });
        }
        Object.assign(err.details, { have: have.size, unavailable: [...src.dead], layoutId });
        throw err;
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

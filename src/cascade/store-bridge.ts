/**
 * Glue between cascade artefacts and the local artefact store: ingest an encoded action (ID files and
 * symbols, each verified against its key on the way in, recorded in the key→action index), decode an
 * action from whatever symbols the store holds, and resolve an action's layout from its ID files the way
 * the download path does (spec 05 §1.12: each index id in order, each of its layout ids in order, first
 * layout that parses wins).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtefactIndex, ArtefactRecord } from '../store/artefact-index.js';
import type { ArtefactStore } from '../store/artefacts.js';
import { checkSymbol } from './codec.js';
import { CascadeError, isCascadeError, type CascadeContext } from './errors.js';
import { checkIdFile, parseIndexFile, parseLayoutFile, type IdFile } from './id-files.js';
import { decodeFile, type DecodeFileOptions, type DecodeFileResult } from './jobs.js';
import type { Layout } from './layout.js';

export interface IngestInput {
  layoutFiles: readonly IdFile[];
  indexFiles: readonly IdFile[];
  /** Directory written by `encodeFile` (holds `block_0/<symbol id>`). */
  symbolsDir: string;
  layout: Layout;
}

/** Stores every ID file and symbol of an action and records them in the index; returns what was recorded. */
export async function ingestEncodedAction(store: ArtefactStore, index: ArtefactIndex, actionId: string, input: IngestInput): Promise<ArtefactRecord[]> {
  const ctx: CascadeContext = { actionId };
  const records: ArtefactRecord[] = [];
  for (const [kind, files] of [['layout', input.layoutFiles], ['index', input.indexFiles]] as const) {
    for (const f of files) {
      checkIdFile(f.id, f.bytes, ctx);
      await store.putVerified(f.id, f.bytes);
      records.push({ key: f.id, kind, size: f.bytes.length });
    }
  }
  for (const id of input.layout.blocks[0]!.symbols) {
    const packet = await readFile(join(input.symbolsDir, 'block_0', id));
    checkSymbol(id, packet, ctx);
    await store.putVerified(id, packet);
    records.push({ key: id, kind: 'symbol', size: packet.length });
  }
  index.record(actionId, records);
  return records;
}

/** Decodes an action into `outPath` from the symbols present in the local store (missing ones skipped). */
export function decodeFromStore(store: ArtefactStore, layout: Layout, outPath: string, opts: DecodeFileOptions, ctx: CascadeContext): Promise<DecodeFileResult> {
  const paths = layout.blocks[0]?.symbols.map((id) => store.pathOf(id)) ?? [];
  return decodeFile(layout, paths, outPath, opts, ctx);
}

/** Fetches a blob by key from wherever the caller keeps them (local store, peers); undefined = not found. */
export type BlobSource = (key: string) => Promise<Uint8Array | undefined>;

export interface ResolvedLayout {
  layout: Layout;
  indexId: string;
  layoutId: string;
  /** ID files that were fetched but failed their checks, with the reason (for logs and peer scoring). */
  rejected: Array<{ id: string; code: string; message: string }>;
}

/**
 * Walks `rq_ids_ids` → index files → layout files and returns the first layout that verifies (content
 * hashes to its id) and parses. Throws CASCADE_LAYOUT_INVALID naming the action when none does.
 */
export async function resolveLayout(rqIdsIds: readonly string[], fetch: BlobSource, ctx: CascadeContext = {}): Promise<ResolvedLayout> {
  const rejected: ResolvedLayout['rejected'] = [];
  const reject = (id: string, err: unknown): void => {
    if (!isCascadeError(err)) throw err;
    rejected.push({ id, code: err.code, message: err.message });
  };
  const tried = new Set<string>();
  for (const indexId of rqIdsIds) {
    const blob = await fetch(indexId);
    if (!blob) continue;
    let layoutIds: string[];
    try {
      checkIdFile(indexId, blob, { ...ctx, artefact: indexId });
      layoutIds = parseIndexFile(blob, { ...ctx, artefact: indexId }).index.layout_ids;
    } catch (err) {
      reject(indexId, err);
      continue;
    }
    for (const layoutId of layoutIds) {
      if (tried.has(layoutId)) continue;
      tried.add(layoutId);
      const lb = await fetch(layoutId);
      if (!lb) continue;
      try {
        checkIdFile(layoutId, lb, { ...ctx, artefact: layoutId });
        const { layout } = parseLayoutFile(lb, { ...ctx, artefact: layoutId });
        return { layout, indexId, layoutId, rejected };
      } catch (err) {
        reject(layoutId, err);
      }
    }
  }
  throw new CascadeError(
    'CASCADE_LAYOUT_INVALID',
    `no usable layout: ${rqIdsIds.length} index ids, ${tried.size} layout ids tried, ${rejected.length} ID files rejected`,
    ctx,
    { rejected },
  );
}

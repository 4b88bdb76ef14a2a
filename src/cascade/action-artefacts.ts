/**
 * All ID files of one cascade action, built from its on-chain metadata and the (re-)encoded layout, as the
 * register and reseed flows do (spec 05 §1.6–§1.8, §3.1 steps 6–7).
 */
import type { CascadeMetadata } from '../gen/lumera/action/v1/metadata.js';
import { CascadeError, type CascadeContext } from './errors.js';
import { indexFiles, layoutB64, layoutFiles, parseIndexJson, type IdFile, type IndexDocument } from './id-files.js';
import type { Layout } from './layout.js';

export type ActionIdInputs = Pick<CascadeMetadata, 'signatures' | 'rqIdsIc' | 'rqIdsMax'>;

export interface ActionIdFiles {
  index: IndexDocument;
  layoutFiles: IdFile[];
  indexFiles: IdFile[];
  /** The index IDs in counter order: what finalize submits as `rq_ids_ids`. */
  rqIdsIds: string[];
}

/** Decodes the index carried in `CascadeMetadata.signatures` (indexB64 "." creatorSigB64). */
export function indexFromSignatures(signatures: string, ctx: CascadeContext = {}): IndexDocument {
  const parts = signatures.split('.');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new CascadeError('CASCADE_ID_FILE_INVALID', 'signatures must be "<indexB64>.<creatorSigB64>"', ctx);
  }
  return parseIndexJson(Buffer.from(parts[0]!, 'base64').toString('utf8'), ctx);
}

/**
 * Regenerates the layout files (from `layout` and the layout signature inside the index) and the index
 * files (from `signatures`). The layout IDs must equal the index's `layout_ids` — otherwise the network
 * would hold layout files nobody can find — and a mismatch is CASCADE_ID_MISMATCH naming the first one.
 */
export function buildActionIdFiles(meta: ActionIdInputs, layout: Layout, ctx: CascadeContext = {}): ActionIdFiles {
  const index = indexFromSignatures(meta.signatures, ctx);
  const layouts = layoutFiles(layoutB64(layout), index.layout_signature, meta.rqIdsIc, meta.rqIdsMax);
  if (layouts.length !== index.layout_ids.length) {
    throw new CascadeError('CASCADE_ID_MISMATCH', `index lists ${index.layout_ids.length} layout ids, rq_ids_max is ${meta.rqIdsMax}`, ctx);
  }
  layouts.forEach((f, i) => {
    if (f.id !== index.layout_ids[i]) {
      throw new CascadeError('CASCADE_ID_MISMATCH', `layout file ${i} hashes to ${f.id}, the index lists ${index.layout_ids[i]}`, { ...ctx, artefact: index.layout_ids[i] });
    }
  });
  const indexes = indexFiles(meta.signatures, meta.rqIdsIc, meta.rqIdsMax);
  return { index, layoutFiles: layouts, indexFiles: indexes, rqIdsIds: indexes.map((f) => f.id) };
}

/**
 * Checks `rq_ids_ids` against the index files regenerated from `signatures` (the chain checks one random
 * position at finalize; we check all). Throws CASCADE_ID_MISMATCH naming the first differing id.
 */
export function verifyRqIdsIds(meta: ActionIdInputs & Pick<CascadeMetadata, 'rqIdsIds'>, ctx: CascadeContext = {}): void {
  const expected = indexFiles(meta.signatures, meta.rqIdsIc, meta.rqIdsMax).map((f) => f.id);
  if (meta.rqIdsIds.length !== expected.length) {
    throw new CascadeError('CASCADE_ID_MISMATCH', `rq_ids_ids has ${meta.rqIdsIds.length} entries, rq_ids_max is ${meta.rqIdsMax}`, ctx);
  }
  meta.rqIdsIds.forEach((id, i) => {
    if (id !== expected[i]) throw new CascadeError('CASCADE_ID_MISMATCH', `rq_ids_ids[${i}] is ${id}, the index file hashes to ${expected[i]}`, { ...ctx, artefact: id });
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { encodeFile } from '../../src/cascade/jobs.js';
import { buildActionIdFiles } from '../../src/cascade/action-artefacts.js';
import { indexJson, layoutB64, layoutFiles } from '../../src/cascade/id-files.js';
import { decodeFromStore, ingestEncodedAction, resolveLayout } from '../../src/cascade/store-bridge.js';
import { isCascadeError } from '../../src/cascade/errors.js';
import { makeFile } from '../../src/cascade/patterns.js';
import { ArtefactStore, isArtefactError } from '../../src/store/artefacts.js';
import { ArtefactIndex, ensureArtefactIndexSchema } from '../../src/store/artefact-index.js';

const SIG = Buffer.alloc(64, 9).toString('base64');

test('pipeline: encode, build ID files, ingest, lose symbols and an index file, resolve the layout, decode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-pipeline-'));
  const db = new Database(':memory:');
  try {
    ensureArtefactIndexSchema(db);
    const idx = new ArtefactIndex(db);
    const store = await ArtefactStore.open(join(dir, 'store'));
    const data = makeFile({ size: 2_000_000, pattern: 'xorshift32', seed: 31 });
    await writeFile(join(dir, 'in.bin'), data);
    const enc = await encodeFile(join(dir, 'in.bin'), join(dir, 'symbols'), { actionId: '21' });
    // Creator side: layout signature, layout ids, index, signatures (signature bytes are not checked here).
    const ic = 11n;
    const max = 5n;
    const layoutIds = layoutFiles(layoutB64(enc.layout), SIG, ic, max).map((f) => f.id);
    const signatures = `${Buffer.from(indexJson({ layout_ids: layoutIds, layout_signature: SIG, version: 1 })).toString('base64')}.${SIG}`;
    const ids = buildActionIdFiles({ signatures, rqIdsIc: ic, rqIdsMax: max }, enc.layout, { actionId: '21' });
    const records = await ingestEncodedAction(store, idx, '21', { layoutFiles: ids.layoutFiles, indexFiles: ids.indexFiles, symbolsDir: enc.symbolsDir, layout: enc.layout });
    const symbols = enc.layout.blocks[0]!.symbols;
    assert.equal(records.length, 10 + symbols.length);
    assert.equal(idx.artefactsOf('21', 'index').length, 5);
    // Damage: first index file corrupted in place, 70 % of the symbols gone.
    await writeFile(store.pathOf(ids.rqIdsIds[0]!), Buffer.from('not an index file'));
    for (let i = 0; i < symbols.length; i++) if (i % 10 < 7) await store.delete(symbols[i]!);
    const fetch = async (key: string) => {
      try {
        return await store.get(key);
      } catch (err) {
        if (isArtefactError(err)) return undefined; // missing or corrupt locally: treat as not available
        throw err;
      }
    };
    const rawFetch = async (key: string) => ((await store.has(key)) ? readFile(store.pathOf(key)) : undefined);
    const viaRaw = await resolveLayout(ids.rqIdsIds, rawFetch, { actionId: '21' });
    assert.equal(viaRaw.indexId, ids.rqIdsIds[1]);
    assert.equal(viaRaw.rejected[0]?.id, ids.rqIdsIds[0]);
    assert.equal(viaRaw.rejected[0]?.code, 'CASCADE_ID_MISMATCH');
    const resolved = await resolveLayout(ids.rqIdsIds, fetch, { actionId: '21' });
    assert.deepEqual(resolved.layout, enc.layout);
    const out = join(dir, 'out.bin');
    const res = await decodeFromStore(store, resolved.layout, out, { expectedDataHashB64: enc.dataHashB64 }, { actionId: '21' });
    assert.equal(res.dataHashB64, enc.dataHashB64);
    assert.deepEqual(await readFile(out), Buffer.from(data));
    // Without any index file the layout cannot be resolved: a typed error naming the action.
    await assert.rejects(resolveLayout(ids.rqIdsIds, async () => undefined, { actionId: '21' }), (e) => isCascadeError(e, 'CASCADE_LAYOUT_INVALID') && e.actionId === '21');
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** Stage-only reseed (R3.9.2) with in-memory peers, and the staging area's atomicity and manifest rules. */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeBytes } from '../../src/cascade/codec.js';
import { blake3Base58, dataHashB64 } from '../../src/cascade/hash.js';
import { indexFiles, indexJson, layoutB64, layoutFiles } from '../../src/cascade/id-files.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import type { ArtefactBlob, ArtefactPeers } from '../../src/healing/artefact-peers.js';
import { reconstructAndStage } from '../../src/healing/reconstruct.js';
import { parseManifest, manifestJson, readManifestIn } from '../../src/healing/staging.js';
import { stagedBlobs } from '../../src/healing/publisher.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeChain, HEALER, SELF, env, type Env } from './fakes.js';

let e: Env;
beforeEach(async () => {
  e = await env();
});
afterEach(() => e.cleanup());

function cascadeAction(data: Uint8Array) {
  const { layout, packets } = encodeBytes(data);
  const lb64 = layoutB64(layout);
  const lFiles = layoutFiles(lb64, 'bGF5b3V0c2ln', 3n, 2n);
  const indexB64 = Buffer.from(indexJson({ layout_ids: lFiles.map((f) => f.id), layout_signature: 'bGF5b3V0c2ln', version: 1 })).toString('base64');
  const signatures = `${indexB64}.c2ln`;
  const iFiles = indexFiles(signatures, 3n, 2n);
  const meta = CascadeMetadata.fromPartial({ dataHash: dataHashB64(data), rqIdsIc: 3n, rqIdsMax: 2n, rqIdsIds: iFiles.map((f) => f.id), signatures });
  const action = { actionID: 'a1', state: ActionState.ACTION_STATE_DONE, superNodes: [HEALER], metadata: CascadeMetadata.encode(meta).finish() } as unknown as Action;
  const blobs = new Map<string, Uint8Array>([...lFiles, ...iFiles].map((f) => [f.id, f.bytes]));
  layout.blocks[0]!.symbols.forEach((id, i) => blobs.set(id, packets[i]!));
  return { layout, action, blobs, idFiles: [...lFiles, ...iFiles], symbols: layout.blocks[0]!.symbols };
}

/** A peer holding `blobs`; it may serve corrupted copies of some keys. */
function memoryPeers(blobs: Map<string, Uint8Array>, corrupt = new Set<string>()): ArtefactPeers & { asked: number } {
  const peers = {
    asked: 0,
    async fetch(_h: string, _a: string, keys: readonly string[], onBlob: (b: ArtefactBlob) => Promise<void>) {
      peers.asked += keys.length;
      let n = 0;
      for (const k of keys) {
        const v = blobs.get(k);
        if (!v) continue;
        const data = corrupt.has(k) ? Uint8Array.from(v, (x, i) => (i === 10 ? x ^ 1 : x)) : v;
        if (blake3Base58(data) !== k) continue; // the production client drops these the same way
        await onBlob({ key: k, data });
        n++;
      }
      return n;
    },
    async store() {
      return 0;
    },
  };
  return peers;
}

describe('reconstructAndStage', () => {
  it('rebuilds from the symbols others hold and stages file, symbols, ID files and manifest', async () => {
    const data = randomBytes(300_000);
    const f = cascadeAction(data);
    // The first few source symbols are lost everywhere: repair symbols must stand in.
    for (const id of f.symbols.slice(0, 2)) f.blobs.delete(id);
    const chain = new FakeChain();
    chain.actions.set('a1', f.action);
    const peers = memoryPeers(f.blobs);
    const holders = { fetchSources: async () => [HEALER], publishTargets: async () => [HEALER] };
    const r = await reconstructAndStage({ chain, peers, holders, staging: e.staging, logger: silentLogger() }, 9n, 'a1', SELF);
    assert.equal(r.dir, e.staging.dirOf(9n));
    assert.deepEqual(await readFile(join(r.dir, 'reconstructed.bin')), Buffer.from(data));
    assert.equal(r.manifest.manifest_hash_b64, dataHashB64(data));
    assert.deepEqual(r.manifest.layout, f.layout);
    assert.deepEqual(r.manifest.symbol_keys, [...f.symbols].sort());
    assert.deepEqual(readdirSync(join(r.dir, 'id_files')), ['idfile_00000.bin', 'idfile_00001.bin', 'idfile_00002.bin', 'idfile_00003.bin']);
    assert.deepEqual(r.manifest.id_files, f.idFiles.map((x) => Buffer.from(x.bytes).toString('base64')));
    assert.equal(readdirSync(join(r.dir, 'symbols', 'block_0')).length, f.symbols.length, 're-encoded symbols staged, lost ones included');
    assert.ok(peers.asked < f.symbols.length + 2, 'asked for about K symbols, not all of them');
    assert.deepEqual(readdirSync(e.staging.root), ['9'], 'no partial directory left');
    // The publish stream is every ID file then every symbol, each hashing to its key.
    let n = 0;
    for await (const b of stagedBlobs((await readManifestIn(r.dir))!)) {
      assert.equal(blake3Base58(b.data), b.key);
      n++;
    }
    assert.equal(n, f.idFiles.length + f.symbols.length);
  });

  it('fails without leaving staging when too few sound symbols exist (corrupted copies are not used)', async () => {
    const data = randomBytes(200_000);
    const f = cascadeAction(data);
    const corrupt = new Set(f.symbols.slice(2));
    const chain = new FakeChain();
    chain.actions.set('a1', f.action);
    const holders = { fetchSources: async () => [HEALER], publishTargets: async () => [HEALER] };
    await assert.rejects(
      reconstructAndStage({ chain, peers: memoryPeers(f.blobs, corrupt), holders, staging: e.staging, logger: silentLogger() }, 9n, 'a1', SELF),
      (err: Error & { code?: string }) => err.code === 'CASCADE_DECODE_INCOMPLETE',
    );
    assert.deepEqual(readdirSync(e.staging.root), []);
  });

  it('refuses an action that is missing or has no data hash, with nobody asked', async () => {
    const chain = new FakeChain();
    const peers = memoryPeers(new Map());
    const holders = { fetchSources: async () => [HEALER], publishTargets: async () => [HEALER] };
    await assert.rejects(reconstructAndStage({ chain, peers, holders, staging: e.staging, logger: silentLogger() }, 9n, 'nope', SELF), /action nope not found/);
    assert.equal(peers.asked, 0);
    assert.equal(existsSync(e.staging.dirOf(9n)), false);
  });
});

describe('staging manifest', () => {
  it('round-trips through Go key order and rejects bad fields by name', () => {
    const { layout } = encodeBytes(randomBytes(1000));
    const m = { action_id: 'a', layout, id_files: ['AA=='], symbol_keys: ['x'], symbols_dir: '/s/symbols', reconstructed_rel: 'reconstructed.bin', manifest_hash_b64: 'h' };
    const text = manifestJson(m);
    assert.ok(text.startsWith('{"action_id":"a","layout":{"blocks":[{"block_id":0,'));
    assert.deepEqual(parseManifest(text), m);
    assert.throws(() => parseManifest(text.replace('"/s/symbols"', '"rel/symbols"')), /symbols_dir must be an absolute path/);
    assert.throws(() => parseManifest(text.replace('"reconstructed.bin"', '"../x"')), /reconstructed_rel must be a plain file name/);
    assert.throws(() => parseManifest(text.replace('"manifest_hash_b64":"h"', '"manifest_hash_b64":""')), /manifest_hash_b64/);
    assert.throws(() => parseManifest('[]'), /must be a JSON object/);
    assert.equal(parseManifest(text.replace('"reconstructed.bin"', '""')).reconstructed_rel, 'reconstructed.bin');
  });

  it('an aborted build leaves nothing; a committed one appears only whole', async () => {
    const b = await e.staging.begin(4n);
    assert.equal(existsSync(e.staging.dirOf(4n)), false);
    assert.equal(await e.staging.readManifest(4n), undefined);
    await b.abort();
    assert.deepEqual(readdirSync(e.staging.root), []);
  });
});

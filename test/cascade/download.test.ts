/**
 * downloadCascadeFile against in-memory holders: the round trip with a holder down, and the bad inputs of
 * issue 4 (truncated / corrupted symbols, a layout that does not parse, an index file whose id does not
 * match, a decode that cannot complete) — each a typed error naming the action and the artefact, and
 * nothing ever appears under OUT (a file already there is left as it was).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadCascadeFile, type DownloadOptions } from '../../src/cascade/download.js';
import { isCascadeError } from '../../src/cascade/errors.js';
import { generateIdFiles, indexFiles, indexJson } from '../../src/cascade/id-files.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { SupernodeError } from '../../src/util/errors.js';
import { placeSymbols } from '../../src/cascade/upload.js';
import { FakePeers, fakeDownloadChain, keyOf, makeTestAction, type TestAction } from './upload-helpers.js';

const creator = keyOf('creator');
const [H1, H2, H3] = [keyOf('h1').address, keyOf('h2').address, keyOf('h3').address];

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-download-test-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Holders H1..H3 each with all ID files; symbols dealt round-robin (one holder each). */
function spread(a: TestAction, peers = new FakePeers()): FakePeers {
  const hs = [H1!, H2!, H3!];
  for (const h of hs) peers.holders.set(h, new Map([...a.layoutFiles, ...a.indexFiles].map((f) => [f.id, f.bytes])));
  [...a.symbols].forEach(([id, p], i) => peers.holders.get(hs[i % 3]!)!.set(id, p));
  return peers;
}

function opts(a: TestAction, peers: FakePeers, outPath: string): DownloadOptions {
  return { actionId: a.action.actionID, outPath, chain: fakeDownloadChain([a.action], [H1!, H2!, H3!]), peers };
}

/** Asserts OUT holds `before` (or is absent) and no temp entries remain in `dir`. */
function assertUntouched(dir: string, out: string, before?: string): void {
  if (before === undefined) assert.equal(existsSync(out), false, 'nothing under OUT');
  else assert.equal(readFileSync(out, 'utf8'), before, 'OUT left as it was');
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary files left');
}

test('download: round trip from the holders with the chain holder down', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] });
  const peers = spread(a);
  peers.down.add(H1!);
  const out = join(dir, 'out.bin');
  const r = await downloadCascadeFile(opts(a, peers, out));
  assert.ok(readFileSync(out).equals(Buffer.from(a.data)));
  assert.equal(r.dataHashB64, a.meta.dataHash);
  assert.deepEqual(r.unavailable, [H1]);
  assert.equal(r.fetchedFrom[H1!], undefined);
  assert.equal(peers.calls.filter((c) => c.holder === H1).length, 1, 'a failed source is asked once');
  assert.deepEqual(r.rejected, []);
  assertUntouched(dir, join(dir, 'absent'));
}));

test('download: truncated symbols are refused; when they leave too few, CASCADE_SYMBOL_CORRUPT names action and symbol', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] });
  const peers = spread(a);
  for (const h of peers.holders.values()) for (const [id, p] of a.symbols) if (h.has(id)) h.set(id, p.subarray(0, p.length - 1));
  const out = join(dir, 'out.bin');
  writeFileSync(out, 'previous');
  await assert.rejects(downloadCascadeFile(opts(a, peers, out)), (e) => {
    assert.ok(isCascadeError(e, 'CASCADE_SYMBOL_CORRUPT'), String(e));
    assert.equal(e.actionId, a.action.actionID);
    assert.ok(a.symbols.has(e.artefact!), 'artefact is one of the symbols');
    assert.match(e.message, new RegExp(`action ${a.action.actionID}, artefact ${e.artefact}`));
    assert.equal((e.details.rejected as Array<{ reason: string }>)[0]!.reason, 'truncated');
    return true;
  });
  assertUntouched(dir, out, 'previous');
}));

test('download: corrupted symbols are skipped when enough good ones remain, refused with their reason otherwise', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] });
  const flip = (p: Uint8Array) => {
    const c = Uint8Array.from(p);
    c[100] = c[100]! ^ 0xff;
    return c;
  };
  // Only the first symbol is corrupted: the download succeeds and reports it.
  const first = [...a.symbols.keys()][0]!;
  const peers = spread(a);
  for (const h of peers.holders.values()) if (h.has(first)) h.set(first, flip(h.get(first)!));
  const ok = await downloadCascadeFile(opts(a, peers, join(dir, 'ok.bin')));
  assert.ok(readFileSync(join(dir, 'ok.bin')).equals(Buffer.from(a.data)));
  assert.deepEqual(ok.rejected.map((r) => [r.id, r.reason]), [[first, 'corrupted']]);
  rmSync(join(dir, 'ok.bin'));
  // Every symbol corrupted: typed error, nothing written.
  const all = spread(a);
  for (const h of all.holders.values()) for (const id of a.symbols.keys()) if (h.has(id)) h.set(id, flip(h.get(id)!));
  const out = join(dir, 'out.bin');
  await assert.rejects(downloadCascadeFile(opts(a, all, out)), (e) => isCascadeError(e, 'CASCADE_SYMBOL_CORRUPT') && e.actionId === a.action.actionID && a.symbols.has(e.artefact!) && (e.details.rejected as Array<{ reason: string }>).every((r) => r.reason === 'corrupted'));
  assertUntouched(dir, out);
}));

test('download: a decode that cannot complete is CASCADE_DECODE_INCOMPLETE naming the action and the layout', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] }); // K = 4
  const peers = spread(a);
  const keep = new Set([...a.symbols.keys()].slice(0, 3));
  for (const h of peers.holders.values()) for (const id of a.symbols.keys()) if (!keep.has(id)) h.delete(id);
  const out = join(dir, 'out.bin');
  await assert.rejects(downloadCascadeFile(opts(a, peers, out)), (e) => {
    assert.ok(isCascadeError(e, 'CASCADE_DECODE_INCOMPLETE'), String(e));
    assert.equal(e.actionId, a.action.actionID);
    assert.equal(e.artefact, a.layoutFiles[0]!.id);
    assert.equal(e.details.have, 3);
    assert.equal(e.details.needed, 4);
    return true;
  });
  assertUntouched(dir, out);
}));

test('download: an index file whose content does not match its id is CASCADE_ID_MISMATCH naming it', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] });
  const peers = spread(a);
  // Every holder answers each index id with another file's bytes.
  for (const h of peers.holders.values()) for (const f of a.indexFiles) h.set(f.id, a.layoutFiles[0]!.bytes);
  const out = join(dir, 'out.bin');
  await assert.rejects(downloadCascadeFile(opts(a, peers, out)), (e) => isCascadeError(e, 'CASCADE_ID_MISMATCH') && e.actionId === a.action.actionID && e.artefact === a.indexFiles[0]!.id);
  assertUntouched(dir, out);
}));

test('download: a layout that does not parse is CASCADE_LAYOUT_INVALID naming the layout file', withDir(async (dir) => {
  // A creator-signed index that lists layout files whose layout is not JSON.
  const ic = 5n;
  const max = 2n;
  const sig = Buffer.alloc(64, 9).toString('base64');
  const badLayouts = generateIdFiles(`${Buffer.from('{"blocks":[').toString('base64')}.${sig}`, ic, max);
  const indexB64 = Buffer.from(indexJson({ layout_ids: badLayouts.map((f) => f.id), layout_signature: sig, version: 1 })).toString('base64');
  const signatures = `${indexB64}.${Buffer.from(creator.sign(Buffer.from(indexB64)).subarray(0, 64)).toString('base64')}`;
  const idx = indexFiles(signatures, ic, max);
  const base = makeTestAction({ creator, superNodes: [H1!] });
  const meta = { ...base.meta, rqIdsIc: ic, rqIdsMax: max, signatures, rqIdsIds: idx.map((f) => f.id) };
  const action = { ...base.action, metadata: CascadeMetadata.encode(meta).finish() };
  const peers = new FakePeers();
  peers.holders.set(H2!, new Map([...badLayouts, ...idx].map((f) => [f.id, f.bytes])));
  const out = join(dir, 'out.bin');
  await assert.rejects(
    downloadCascadeFile({ actionId: action.actionID, outPath: out, chain: fakeDownloadChain([action], [H2!]), peers }),
    (e) => isCascadeError(e, 'CASCADE_LAYOUT_INVALID') && e.actionId === action.actionID && e.artefact === badLayouts[0]!.id && /not JSON/.test(e.message),
  );
  assertUntouched(dir, out);
}));

test('download: unknown, unfinished and unreachable actions are typed errors', withDir(async (dir) => {
  const out = join(dir, 'out.bin');
  const pending = makeTestAction({ creator, actionId: '7', state: ActionState.ACTION_STATE_PENDING });
  const done = makeTestAction({ creator, actionId: '8', superNodes: [H1!] });
  const chain = fakeDownloadChain([pending.action, done.action], [H1!]);
  const peers = new FakePeers();
  const code = (c: string) => (e: unknown) => e instanceof SupernodeError && e.code === c && e.message.includes('action');
  await assert.rejects(downloadCascadeFile({ actionId: '6', outPath: out, chain, peers }), code('CASCADE_DOWNLOAD_NO_ACTION'));
  await assert.rejects(downloadCascadeFile({ actionId: '7', outPath: out, chain, peers }), code('CASCADE_DOWNLOAD_ACTION_STATE'));
  peers.down.add(H1!);
  await assert.rejects(downloadCascadeFile({ actionId: '8', outPath: out, chain, peers }), code('CASCADE_DOWNLOAD_UNAVAILABLE'));
  await assert.rejects(downloadCascadeFile({ actionId: 'x', outPath: out, chain, peers }), (e) => e instanceof SupernodeError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(downloadCascadeFile({ actionId: '8', outPath: join(dir, 'no', 'such', 'dir'), chain, peers }), (e) => e instanceof SupernodeError && e.code === 'INVALID_ARGUMENT');
  assertUntouched(dir, out);
}));

test('download: with the upload placement (one holder per symbol), any single holder of three suffices', withDir(async (dir) => {
  const a = makeTestAction({ creator, superNodes: [H1!] }); // K = 4, 20 symbols
  const placement = placeSymbols([H1!, H2!, H3!], [...a.symbols.keys()], 1);
  for (const only of [H1!, H2!, H3!]) {
    const peers = new FakePeers();
    peers.holders.set(only, new Map([...a.layoutFiles, ...a.indexFiles].map((f) => [f.id, f.bytes])));
    for (const id of placement.get(only)!) peers.holders.get(only)!.set(id, a.symbols.get(id)!);
    for (const h of [H1!, H2!, H3!]) if (h !== only) peers.down.add(h);
    const out = join(dir, `out-${only.slice(-6)}.bin`);
    await downloadCascadeFile(opts(a, peers, out));
    assert.ok(readFileSync(out).equals(Buffer.from(a.data)), `holder ${only} alone`);
  }
}));

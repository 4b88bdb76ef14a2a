/**
 * The cascade rules of the peer artefact service (src/cascade/upload-policy.ts): unit tests of the rules,
 * then the same rules over real lumera-alts through HealArtefactService (identity from the handshake).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { authoriseAccountFetch, authoriseUpload, isArtefactPolicyError } from '../../src/cascade/upload-policy.js';
import { storeOnHolder, UploadTransferError } from '../../src/cascade/upload-transfer.js';
import { parseLayout, layoutJson } from '../../src/cascade/layout.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { ActionType } from '../../src/gen/lumera/action/v1/action_type.js';
import { HealArtefactServiceService } from '../../src/gen/supernode/heal_artefacts.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { createArtefactPeerService } from '../../src/healing/artefact-peer-server.js';
import { GrpcArtefactPeers, type ArtefactBlob } from '../../src/healing/artefact-peers.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { PeerDialer } from '../../src/transport/peer-dialer.js';
import { PEER_TYPE_SIMPLENODE, PEER_TYPE_SUPERNODE } from '../../src/transport/handshake-message.js';
import { silentLogger } from '../../src/util/logger.js';
import type { Caller } from '../../src/transport/caller.js';
import { FakeChain } from '../transport/helpers.js';
import { keyOf, makeTestAction, type TestAction } from './upload-helpers.js';

const creator = keyOf('policy creator');
const holder = keyOf('policy holder');
const stranger = keyOf('policy stranger');
const sn = (address: string): Caller => ({ address, peerType: PEER_TYPE_SUPERNODE });
const acct = (address: string): Caller => ({ address, peerType: PEER_TYPE_SIMPLENODE });
const chainOf = (...actions: Action[]) => ({ getAction: async (id: string) => actions.find((a) => a.actionID === id) });
const denied = (code: grpc.status) => (e: unknown) => isArtefactPolicyError(e, code);

test('upload policy: the creator may store while the action is PENDING; the scope is the on-chain ID files', async () => {
  const a = makeTestAction({ creator, state: ActionState.ACTION_STATE_PENDING });
  const scope = await authoriseUpload(chainOf(a.action), acct(creator.address), a.action.actionID);
  assert.equal(scope.actionId, a.action.actionID);
  assert.deepEqual([...scope.ids].sort(), a.indexFiles.map((f) => f.id).sort());
  assert.deepEqual([...scope.layoutIds].sort(), a.layoutFiles.map((f) => f.id).sort());
  scope.checkLayout(a.layout); // the real layout fits what was paid for
});

test('upload policy: only the creator or a super_node connected as a supernode, only in states that hold data', async () => {
  const done = makeTestAction({ creator, superNodes: [holder.address] });
  await authoriseUpload(chainOf(done.action), sn(holder.address), done.action.actionID);
  await authoriseUpload(chainOf(done.action), acct(creator.address), done.action.actionID);
  await assert.rejects(authoriseUpload(chainOf(done.action), acct(holder.address), done.action.actionID), denied(grpc.status.PERMISSION_DENIED));
  await assert.rejects(authoriseUpload(chainOf(done.action), sn(stranger.address), done.action.actionID), denied(grpc.status.PERMISSION_DENIED));
  for (const state of [ActionState.ACTION_STATE_FAILED, ActionState.ACTION_STATE_EXPIRED, ActionState.ACTION_STATE_REJECTED]) {
    const a = makeTestAction({ creator, state });
    await assert.rejects(authoriseUpload(chainOf(a.action), acct(creator.address), a.action.actionID), denied(grpc.status.FAILED_PRECONDITION));
  }
  const sense = { ...done.action, actionType: ActionType.ACTION_TYPE_SENSE };
  await assert.rejects(authoriseUpload(chainOf(sense), acct(creator.address), sense.actionID), denied(grpc.status.FAILED_PRECONDITION));
  await assert.rejects(authoriseUpload(chainOf(), acct(creator.address), '99'), denied(grpc.status.NOT_FOUND));
  await assert.rejects(authoriseUpload({ getAction: async () => { throw new Error('rpc down'); } }, acct(creator.address), '1'), denied(grpc.status.UNAVAILABLE));
  for (const bad of ['', 'abc', '1'.repeat(65), undefined]) await assert.rejects(authoriseUpload(chainOf(), acct(creator.address), bad), denied(grpc.status.INVALID_ARGUMENT));
});

test('upload policy: a layout larger than the paid size or with too many symbols is refused', async () => {
  const a = makeTestAction({ creator, state: ActionState.ACTION_STATE_PENDING });
  const scope = await authoriseUpload(chainOf({ ...a.action, fileSizeKbs: 10n }), acct(creator.address), a.action.actionID);
  assert.throws(() => scope.checkLayout(a.layout), denied(grpc.status.PERMISSION_DENIED));
  const padded = parseLayout(layoutJson(a.layout));
  padded.blocks[0]!.symbols.push(...a.layout.blocks[0]!.symbols);
  const full = await authoriseUpload(chainOf(a.action), acct(creator.address), a.action.actionID);
  assert.throws(() => full.checkLayout(padded), (e) => denied(grpc.status.PERMISSION_DENIED)(e) && /at most/.test((e as Error).message));
});

test('download rule: public DONE actions for anyone, private ones for the creator; symbols only once a layout is held', async () => {
  const pub = makeTestAction({ creator, superNodes: [holder.address] });
  const noLayout = await authoriseAccountFetch(chainOf(pub.action), acct(stranger.address), pub.action.actionID, async () => undefined);
  assert.ok(a_has(noLayout, pub.indexFiles.map((f) => f.id)) && a_has(noLayout, pub.layoutFiles.map((f) => f.id)));
  assert.equal(noLayout.has([...pub.symbols.keys()][0]!), false);
  const withLayout = await authoriseAccountFetch(chainOf(pub.action), acct(stranger.address), pub.action.actionID, async (k) => pub.blobs.get(k));
  assert.ok(a_has(withLayout, [...pub.symbols.keys()]));
  const priv = makeTestAction({ creator, public: false, superNodes: [holder.address] });
  await authoriseAccountFetch(chainOf(priv.action), acct(creator.address), priv.action.actionID, async () => undefined);
  await assert.rejects(authoriseAccountFetch(chainOf(priv.action), acct(stranger.address), priv.action.actionID, async () => undefined), denied(grpc.status.PERMISSION_DENIED));
  const pending = makeTestAction({ creator, state: ActionState.ACTION_STATE_PENDING });
  await assert.rejects(authoriseAccountFetch(chainOf(pending.action), acct(creator.address), pending.action.actionID, async () => undefined), denied(grpc.status.FAILED_PRECONDITION));
});

function a_has(set: Set<string>, keys: string[]): boolean {
  return keys.every((k) => set.has(k));
}

/** A holder serving HealArtefactService over lumera-alts, and dialers for the creator and a stranger. */
async function wire(fn: (ctx: { a: TestAction; store: ArtefactStore; dial: (who: typeof creator) => PeerDialer }) => Promise<void>, state = ActionState.ACTION_STATE_PENDING): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-policy-wire-'));
  const a = makeTestAction({ creator, state, superNodes: state === ActionState.ACTION_STATE_DONE ? [holder.address] : [] });
  const verifier = new FakeChain().register(holder);
  verifier.accounts.add(creator.address).add(stranger.address);
  const store = await ArtefactStore.open(join(dir, 'store'));
  const server = new AltsGrpcServer({ signer: holder, verifier, logger: silentLogger() });
  const chain = { getAction: async (id: string) => (id === a.action.actionID ? a.action : undefined), getHealOp: async () => undefined };
  server.addService(HealArtefactServiceService as unknown as grpc.ServiceDefinition, createArtefactPeerService({ store, chain, self: holder.address }) as unknown as grpc.UntypedServiceImplementation);
  const port = await server.listen('127.0.0.1', 0);
  const dialers: PeerDialer[] = [];
  const dial = (who: typeof creator) => {
    const d = new PeerDialer({ signer: who, verifier, peerType: PEER_TYPE_SIMPLENODE, defaultPort: port, callTimeoutMs: 10_000, resolver: { resolvePeerAddress: async () => `127.0.0.1:${port}` } });
    dialers.push(d);
    return d;
  };
  try {
    await fn({ a, store, dial });
  } finally {
    for (const d of dialers) d.close();
    await server.close(100);
    rmSync(dir, { recursive: true, force: true });
  }
}

const blobsOf = (a: TestAction): ArtefactBlob[] => [...a.blobs].map(([key, data]) => ({ key, data }));

test('upload over lumera-alts: the creator stores every artefact; the holder recomputes each key', () => wire(async ({ a, store, dial }) => {
  const stored = await storeOnHolder(dial(creator), holder.address, a.action.actionID, blobsOf(a));
  assert.equal(stored, a.blobs.size);
  for (const [k, v] of a.blobs) assert.ok(Buffer.from(await store.get(k)).equals(Buffer.from(v)));
}));

test('upload over lumera-alts: strangers, foreign blobs and symbols before their layout are refused', () => wire(async ({ a, store, dial }) => {
  const refused = (code: grpc.status) => (e: unknown) => e instanceof UploadTransferError && (e.cause as grpc.ServiceError).code === code;
  await assert.rejects(storeOnHolder(dial(stranger), holder.address, a.action.actionID, blobsOf(a)), refused(grpc.status.PERMISSION_DENIED));
  const creatorDialer = dial(creator);
  const foreign = makeTestAction({ creator, seed: 99 });
  const firstSymbol = [...foreign.symbols][0]!;
  await assert.rejects(storeOnHolder(creatorDialer, holder.address, a.action.actionID, [{ key: firstSymbol[0], data: firstSymbol[1] }]), refused(grpc.status.PERMISSION_DENIED));
  const own = [...a.symbols][0]!;
  await assert.rejects(storeOnHolder(creatorDialer, holder.address, a.action.actionID, [{ key: own[0], data: own[1] }]), refused(grpc.status.PERMISSION_DENIED));
  await assert.rejects(storeOnHolder(creatorDialer, holder.address, '1234', blobsOf(a)), refused(grpc.status.NOT_FOUND));
  const f = a.indexFiles[0]!;
  await assert.rejects(storeOnHolder(creatorDialer, holder.address, a.action.actionID, [{ key: a.indexFiles[1]!.id, data: f.bytes }]), refused(grpc.status.INVALID_ARGUMENT));
  assert.equal(await store.has(own[0]), false);
  assert.equal(await store.has(firstSymbol[0]), false);
}));

test('download over lumera-alts: an account reads a DONE action\'s blobs, nothing outside it', () => wire(async ({ a, store, dial }) => {
  for (const v of a.blobs.values()) await store.put(v);
  const peers = new GrpcArtefactPeers(dial(stranger), 10_000);
  const got: string[] = [];
  const keys = [...a.blobs.keys()];
  assert.equal(await peers.fetch(holder.address, a.action.actionID, keys, async (b) => void got.push(b.key)), keys.length);
  assert.deepEqual(got.sort(), keys.sort());
  const other = makeTestAction({ creator, seed: 5 });
  const outside = [...other.symbols.keys()][0]!;
  await store.put(other.symbols.get(outside)!);
  const started = Date.now();
  await assert.rejects(peers.fetch(holder.address, a.action.actionID, [keys[0]!, outside], async () => undefined), (e) => (e as grpc.ServiceError).code === grpc.status.PERMISSION_DENIED);
  assert.ok(Date.now() - started < 5000, 'refused promptly');
  // The heal path (heal_op_id set) stays supernode-only.
  async function* one() {
    yield { key: keys[0]!, data: a.blobs.get(keys[0]!)! };
  }
  await assert.rejects(peers.store(holder.address, 5n, one()), (e) => (e as grpc.ServiceError).code === grpc.status.UNAUTHENTICATED);
}, ActionState.ACTION_STATE_DONE));

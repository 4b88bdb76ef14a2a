/**
 * uploadCascadeFile against a fake chain and three real holders serving HealArtefactService over
 * lumera-alts: what it registers, where each artefact lands, the finalize it asks for, its failures, and a
 * download of the result from the holders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { placeSymbols, uploadCascadeFile, type Finalizer, type UploadChain } from '../../src/cascade/upload.js';
import { downloadCascadeFile } from '../../src/cascade/download.js';
import { chainAcceptsIndexSignature } from '../../src/cascade/signatures.js';
import { indexFiles } from '../../src/cascade/id-files.js';
import { blake3Base58 } from '../../src/cascade/hash.js';
import { isCascadeError } from '../../src/cascade/errors.js';
import { MAX_CASCADE_FILE_BYTES } from '../../src/cascade/params.js';
import { makeFile } from '../../src/cascade/patterns.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { ActionType } from '../../src/gen/lumera/action/v1/action_type.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { HealArtefactServiceService } from '../../src/gen/supernode/heal_artefacts.js';
import { createArtefactPeerService } from '../../src/healing/artefact-peer-server.js';
import { GrpcArtefactPeers } from '../../src/healing/artefact-peers.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { PeerDialer } from '../../src/transport/peer-dialer.js';
import { PEER_TYPE_SIMPLENODE } from '../../src/transport/handshake-message.js';
import { SupernodeError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeChain } from '../transport/helpers.js';
import { keyOf } from './upload-helpers.js';

const creator = keyOf('upload creator');
const sns = [keyOf('upload sn0'), keyOf('upload sn1'), keyOf('upload sn2'), keyOf('upload sn3')];

test('placeSymbols: every symbol on exactly r distinct holders, deterministic, spread over all holders', () => {
  const holders = sns.map((k) => k.address);
  const symbols = Array.from({ length: 300 }, (_, i) => blake3Base58(Buffer.from(`symbol ${i}`)));
  for (const r of [1, 2, 4]) {
    const p = placeSymbols(holders, symbols, r);
    const count = new Map<string, number>();
    for (const h of holders) for (const id of p.get(h)!) count.set(id, (count.get(id) ?? 0) + 1);
    assert.ok(symbols.every((s) => count.get(s) === r), `each symbol on ${r} holders`);
    assert.ok(holders.every((h) => p.get(h)!.length > 0), 'every holder gets some');
    assert.deepEqual(placeSymbols(holders, symbols, r), p);
  }
});

/** The chain side the upload talks to, with the devnet's request/finalize effects. */
class UploadFakeChain implements UploadChain {
  readonly actions = new Map<string, Action>();
  readonly sent: string[] = [];
  hasPubkey = false;
  top: string[] = sns.slice(0, 3).map((k) => k.address);

  async getActionParams() {
    return { maxRaptorQSymbols: 4n, expirationDuration: { seconds: 3600n, nanos: 0 } } as Awaited<ReturnType<UploadChain['getActionParams']>>;
  }
  async getActionFee(kb: bigint) {
    return 1000n + kb;
  }
  async getAccount(address: string) {
    return { address, accountNumber: 1n, sequence: 0n, ...(this.hasPubkey ? { pubkey: { typeUrl: 'x', key: creator.publicKey } } : {}) };
  }
  async submitMessages(msgs: Array<{ typeUrl: string }>) {
    this.sent.push(...msgs.map((m) => m.typeUrl));
    this.hasPubkey = true;
    return {} as Awaited<ReturnType<UploadChain['submitMessages']>>;
  }
  async requestAction(input: Parameters<UploadChain['requestAction']>[0]) {
    const meta = CascadeMetadata.fromJSON(JSON.parse(input.metadata));
    meta.rqIdsMax = 4n;
    const id = String(this.actions.size + 1);
    this.actions.set(id, {
      creator: creator.address, actionID: id, actionType: ActionType.ACTION_TYPE_CASCADE, metadata: CascadeMetadata.encode(meta).finish(), price: input.price,
      expirationTime: input.expirationTime, state: ActionState.ACTION_STATE_PENDING, blockHeight: 9n, superNodes: [], fileSizeKbs: input.fileSizeKbs, appPubkey: new Uint8Array(),
    });
    return { actionId: id } as Awaited<ReturnType<UploadChain['requestAction']>>;
  }
  async getAction(id: string) {
    return this.actions.get(id);
  }
  async getTopSupernodesForBlock() {
    return this.top.map((supernodeAccount) => ({ supernodeAccount })) as Awaited<ReturnType<UploadChain['getTopSupernodesForBlock']>>;
  }
  finalizer(address: string, apply = true): Finalizer & { calls: string[] } {
    const calls: string[] = [];
    return {
      address, calls,
      finalize: async (input) => {
        calls.push(input.metadata);
        if (!apply) return; // a rejected finalization: the tx succeeds, nothing changes
        const a = this.actions.get(input.actionId)!;
        const meta = CascadeMetadata.decode(a.metadata);
        meta.rqIdsIds = (JSON.parse(input.metadata) as { rq_ids_ids: string[] }).rq_ids_ids;
        a.metadata = CascadeMetadata.encode(meta).finish();
        a.state = ActionState.ACTION_STATE_DONE;
        a.superNodes = [address];
      },
    };
  }
}

async function withHolders(fn: (ctx: { chain: UploadFakeChain; stores: Map<string, ArtefactStore>; dialer: PeerDialer; dir: string }) => Promise<void>, down: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-upload-test-'));
  const chain = new UploadFakeChain();
  const verifier = new FakeChain().register(...sns);
  verifier.accounts.add(creator.address);
  const servers: AltsGrpcServer[] = [];
  const ports = new Map<string, number>();
  const stores = new Map<string, ArtefactStore>();
  let dialer: PeerDialer | undefined;
  try {
    for (const [i, k] of sns.entries()) {
      const store = await ArtefactStore.open(join(dir, `sn${i}`));
      stores.set(k.address, store);
      const server = new AltsGrpcServer({ signer: k, verifier, logger: silentLogger() });
      server.addService(HealArtefactServiceService as unknown as grpc.ServiceDefinition, createArtefactPeerService({ store, chain: { getAction: (id) => chain.getAction(id), getHealOp: async () => undefined }, self: k.address }) as unknown as grpc.UntypedServiceImplementation);
      ports.set(k.address, await server.listen('127.0.0.1', 0));
      servers.push(server);
    }
    dialer = new PeerDialer({ signer: creator, verifier, peerType: PEER_TYPE_SIMPLENODE, defaultPort: 4444, resolver: { resolvePeerAddress: async (a) => `127.0.0.1:${down.includes(a) ? 1 : ports.get(a)}` } });
    await fn({ chain, stores, dialer, dir });
  } finally {
    dialer?.close();
    for (const s of servers) await s.close(100);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('upload: registers the file, stores ID files on every holder and each symbol on one, finalizes, and downloads back', () => withHolders(async ({ chain, stores, dialer, dir }) => {
  const file = join(dir, 'in.bin');
  const data = makeFile({ size: 300_000, pattern: 'xorshift32', seed: 3 });
  writeFileSync(file, data);
  const fin = chain.finalizer(sns[1]!.address);
  const phases: string[] = [];
  const r = await uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: [chain.finalizer(sns[3]!.address), fin], workDir: dir, progress: (p) => void (phases.at(-1) !== p.phase && phases.push(p.phase)) });
  assert.deepEqual(phases, ['encode', 'request', 'store', 'finalize']);
  assert.deepEqual(chain.sent, ['/cosmos.bank.v1beta1.MsgSend'], 'the creator key was made known on chain first');
  assert.equal(r.finalizer, sns[1]!.address, 'the first finalizer in the top list signs');
  assert.equal(r.holders[0], r.finalizer);
  assert.deepEqual([...r.holders].sort(), sns.slice(0, 3).map((k) => k.address).sort());
  const action = (await chain.getAction(r.actionId))!;
  const meta = CascadeMetadata.decode(action.metadata);
  assert.equal(meta.fileName, 'in.bin');
  assert.ok(meta.rqIdsIc > 0n);
  assert.ok(chainAcceptsIndexSignature(meta.signatures, { pubkey: creator.publicKey, keyType: creator.keyType, address: creator.address }));
  const ids = indexFiles(meta.signatures, meta.rqIdsIc, 4n).map((f) => f.id);
  assert.deepEqual(JSON.parse(fin.calls[0]!), { rq_ids_ids: ids });
  assert.deepEqual(r.rqIdsIds, ids);
  // Artefacts: ID files everywhere, each symbol on exactly one holder, nothing on the non-holder.
  const perSymbol = new Map<string, number>();
  for (const h of r.holders) {
    const keys = await stores.get(h)!.list();
    for (const id of ids) assert.ok(keys.includes(id));
    for (const k of keys) perSymbol.set(k, (perSymbol.get(k) ?? 0) + 1);
  }
  assert.deepEqual(await stores.get(sns[3]!.address)!.list(), []);
  assert.equal([...perSymbol.values()].filter((n) => n === 1).length, r.symbols, 'every symbol stored once');
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('cascade-upload-')).length, 0, 'encode directory removed');
  // The file comes back from the holders with the finalizer gone.
  for (const k of await stores.get(r.finalizer)!.list()) await stores.get(r.finalizer)!.delete(k);
  const out = join(dir, 'out.bin');
  await downloadCascadeFile({ actionId: r.actionId, outPath: out, chain: { getAction: (id) => chain.getAction(id), listSupernodes: async () => sns.map((k) => ({ supernodeAccount: k.address }) as never) }, peers: new GrpcArtefactPeers(dialer, 10_000) });
  assert.ok(readFileSync(out).equals(Buffer.from(data)));
}));

test('upload: no usable finalizer, a refused store and an unapplied finalize are typed errors', () => withHolders(async ({ chain, dialer, dir }) => {
  const file = join(dir, 'in.bin');
  writeFileSync(file, makeFile({ size: 70_000, pattern: 'xorshift32', seed: 4 }));
  chain.hasPubkey = true;
  const code = (c: string) => (e: unknown) => e instanceof SupernodeError && e.code === c && /action \d+/.test(e.message);
  await assert.rejects(uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: [chain.finalizer(sns[3]!.address)], workDir: dir }), code('CASCADE_UPLOAD_NO_FINALIZER'));
  await assert.rejects(uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: [chain.finalizer(sns[0]!.address, false)], workDir: dir }), code('CASCADE_UPLOAD_FINALIZE_REJECTED'));
  // A holder that refuses the creator (here: the creator is not who the chain says) fails the upload before finalize.
  const fin = chain.finalizer(sns[0]!.address);
  const real = chain.requestAction.bind(chain);
  chain.requestAction = async (input) => {
    const r = await real(input);
    chain.actions.get(r.actionId)!.creator = sns[3]!.address;
    return r;
  };
  await assert.rejects(uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: [fin], workDir: dir }), (e) => e instanceof SupernodeError && e.code === 'CASCADE_UPLOAD_STORE_FAILED' && /neither the creator/.test(e.message));
  assert.equal(fin.calls.length, 0, 'nothing is finalized when a store failed');
  await assert.rejects(uploadCascadeFile({ filePath: join(dir, 'missing.bin'), chain, creator, dialer, finalizers: [fin] }), (e) => (e as NodeJS.ErrnoException).code === 'ENOENT');
  await assert.rejects(uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: [] }), (e) => e instanceof SupernodeError && e.code === 'INVALID_ARGUMENT');
}));

test('upload: an unreachable holder is dropped and its symbols go to the other holders', () => withHolders(async ({ chain, stores, dialer, dir }) => {
  chain.top = sns.map((k) => k.address);
  const file = join(dir, 'in.bin');
  const data = makeFile({ size: 200_000, pattern: 'xorshift32', seed: 8 });
  writeFileSync(file, data);
  const r = await uploadCascadeFile({ filePath: file, chain, creator, dialer, finalizers: sns.map((k) => chain.finalizer(k.address)), holders: 4, workDir: dir });
  assert.equal(r.holders.length, 3, 'all four were chosen; the unreachable one was dropped');
  assert.ok(!r.holders.includes(sns[2]!.address), 'the unreachable supernode is not reported as a holder');
  const keys = new Set<string>();
  for (const h of r.holders) for (const k of await stores.get(h)!.list()) keys.add(k);
  assert.equal(keys.size, r.symbols + 2 * 4, 'every symbol and ID file landed on a reachable holder');
  const out = join(dir, 'out.bin');
  await downloadCascadeFile({ actionId: r.actionId, outPath: out, chain: { getAction: (id) => chain.getAction(id), listSupernodes: async () => sns.map((k) => ({ supernodeAccount: k.address }) as never) }, peers: new GrpcArtefactPeers(dialer, 10_000) });
  assert.ok(readFileSync(out).equals(Buffer.from(data)));
}, [sns[2]!.address]));

test('upload: empty and oversized files are refused before the chain is asked anything', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-upload-size-'));
  try {
    const chain = new UploadFakeChain();
    const asked: string[] = [];
    const spy = new Proxy(chain, { get: (t, p, r) => (asked.push(String(p)), Reflect.get(t, p, r)) });
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, '');
    const huge = join(dir, 'huge.bin');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_CASCADE_FILE_BYTES + 1); // sparse: nothing is read
    const dialer = { client: async () => { throw new Error('no peer should be dialled'); } };
    await assert.rejects(uploadCascadeFile({ filePath: empty, chain: spy, creator, dialer, finalizers: [chain.finalizer(sns[0]!.address)] }), (e) => isCascadeError(e, 'CASCADE_EMPTY_FILE'));
    await assert.rejects(uploadCascadeFile({ filePath: huge, chain: spy, creator, dialer, finalizers: [chain.finalizer(sns[0]!.address)] }), (e) => isCascadeError(e, 'CASCADE_FILE_TOO_LARGE') && e.details.limit === MAX_CASCADE_FILE_BYTES);
    assert.deepEqual(asked, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

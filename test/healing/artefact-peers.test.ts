/** HealArtefactService over real lumera-alts on loopback: fetch and the heal-publish authorisation of store. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeBytes } from '../../src/cascade/codec.js';
import { blake3Base58, dataHashB64 } from '../../src/cascade/hash.js';
import { indexFiles, indexJson, layoutB64, layoutFiles } from '../../src/cascade/id-files.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { HealArtefactServiceService } from '../../src/gen/supernode/heal_artefacts.js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { PeerDialer } from '../../src/transport/peer-dialer.js';
import type { RemoteIdentityVerifier } from '../../src/transport/identity-verifier.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { createArtefactPeerService } from '../../src/healing/artefact-peer-server.js';
import { GrpcArtefactPeers, type ArtefactBlob } from '../../src/healing/artefact-peers.js';
import type { ArtefactRecord } from '../../src/store/artefact-index.js';
import { testSigner } from '../transport/helpers.js';
import { FakeChain, op } from './fakes.js';

const anyone: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };
const holder = testSigner('heal-peers-holder');
const healer = testSigner('heal-peers-healer');
const other = testSigner('heal-peers-other');

let dir: string;
let server: AltsGrpcServer;
let store: ArtefactStore;
let port: number;
const chain = new FakeChain();
const dialers: PeerDialer[] = [];
let blobs: ArtefactBlob[];
let symbols: ArtefactBlob[];
let layoutCount = 0;
const indexed: Array<ArtefactRecord & { actionId: string }> = [];

function peersAs(signer: typeof healer): GrpcArtefactPeers {
  const d = new PeerDialer({ signer, verifier: anyone, defaultPort: port, resolver: { resolvePeerAddress: async () => `127.0.0.1:${port}` } });
  dialers.push(d);
  return new GrpcArtefactPeers(d, 10_000);
}

async function* each(list: ArtefactBlob[]): AsyncGenerator<ArtefactBlob> {
  for (const b of list) yield b;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heal-peers-'));
  store = await ArtefactStore.open(join(dir, 'store'));
  const data = randomBytes(200_000);
  const { layout, packets } = encodeBytes(data);
  const lFiles = layoutFiles(layoutB64(layout), 'c2ln', 1n, 1n);
  const signatures = `${Buffer.from(indexJson({ layout_ids: lFiles.map((f) => f.id), layout_signature: 'c2ln', version: 1 })).toString('base64')}.c2ln`;
  const iFiles = indexFiles(signatures, 1n, 1n);
  const meta = CascadeMetadata.fromPartial({ dataHash: dataHashB64(data), rqIdsIc: 1n, rqIdsMax: 1n, rqIdsIds: iFiles.map((f) => f.id), signatures });
  chain.actions.set('t1', { actionID: 't1', state: ActionState.ACTION_STATE_DONE, superNodes: [holder.address], metadata: CascadeMetadata.encode(meta).finish() } as unknown as Action);
  blobs = [...lFiles, ...iFiles].map((f) => ({ key: f.id, data: f.bytes }));
  symbols = layout.blocks[0]!.symbols.map((id, i) => ({ key: id, data: packets[i]! }));
  server = new AltsGrpcServer({ signer: holder, verifier: anyone });
  layoutCount = lFiles.length;
  server.addService(HealArtefactServiceService, createArtefactPeerService({ store, chain, self: holder.address, onStored: (actionId, records) => void indexed.push(...records.map((r) => ({ ...r, actionId }))) }));
  port = await server.listen('127.0.0.1', 0);
});

after(async () => {
  for (const d of dialers) d.close();
  await server.close(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('HealArtefactService', () => {
  it('store: refused unless the caller is the healer of a VERIFIED op of an action this node holds', async () => {
    chain.put(op({ healOpId: 1n, ticketId: 't1', healerSupernodeAccount: healer.address, status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED }));
    await assert.rejects(peersAs(healer).store(holder.address, 1n, each(blobs)), /is not VERIFIED/);
    chain.put(op({ healOpId: 1n, ticketId: 't1', healerSupernodeAccount: healer.address, status: HealOpStatus.HEAL_OP_STATUS_VERIFIED }));
    await assert.rejects(peersAs(other).store(holder.address, 1n, each(blobs)), /PERMISSION_DENIED.*is not the healer of heal op 1/);
    await assert.rejects(peersAs(healer).store(holder.address, 1n, each([{ key: symbols[0]!.key, data: symbols[0]!.data }])), /ID files must precede their symbols/);
    const stranger = randomBytes(1000);
    await assert.rejects(peersAs(healer).store(holder.address, 1n, each([...blobs, { key: 'x', data: stranger }])), /hashes to/);
    assert.equal((await store.list()).length, blobs.length, 'only the verified ID files of the refused batches were kept');
  });

  it('store: a call the holder ends while the healer is still writing rejects at once, without waiting for a drain', async () => {
    const junk = Array.from({ length: 40 }, () => {
      const data = randomBytes(1024 * 1024);
      return { key: blake3Base58(data), data };
    });
    const t0 = Date.now();
    await assert.rejects(peersAs(healer).store(holder.address, 1n, each(junk)), /ID files must precede their symbols/);
    assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms (the call's deadline is 10 s)`);
  });

  it('store then fetch: the healer publishes ID files and symbols; any supernode fetches what the holder has', async () => {
    indexed.length = 0;
    const stored = await peersAs(healer).store(holder.address, 1n, each([...blobs, ...symbols]));
    assert.equal(stored, blobs.length + symbols.length);
    // Every stored blob is reported for the index under its action, with what it is.
    const kinds = (k: string) => indexed.filter((r) => r.kind === k && r.actionId === 't1').length;
    assert.deepEqual([kinds('layout'), kinds('index'), kinds('symbol')], [layoutCount, blobs.length - layoutCount, symbols.length]);
    assert.ok(indexed.every((r) => r.size > 0));
    const absent = 'z'.repeat(43); // a well-formed key nobody stored: skipped, not an error
    const want = [symbols[3]!.key, symbols[5]!.key, absent];
    const got: string[] = [];
    await assert.rejects(peersAs(other).fetch(holder.address, 't1', ['not-a-key'], async () => undefined), /INVALID_ARGUMENT: keys must be a base58/);
    const n = await peersAs(other).fetch(holder.address, 't1', want, async (b) => void got.push(b.key));
    assert.equal(n, 2);
    assert.deepEqual(got.sort(), want.slice(0, 2).sort());
  });
});

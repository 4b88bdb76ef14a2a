import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { AltsGrpcServer } from '../../src/transport/grpc-server.js';
import { AltsChannelCredentials } from '../../src/transport/grpc-credentials.js';
import {
  StorageChallengeServiceClient, StorageChallengeServiceService, type GetCompoundProofRequest, type GetCompoundProofResponse,
} from '../../src/gen/supernode/storage_challenge.js';
import { CompoundProofRecipient } from '../../src/challenge/recipient-service.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeChain } from '../transport/helpers.js';
import { CountingReader, blob, ranges, request, tempDir, testKey } from './helpers.js';

const server = testKey('hostile-server');
const client = testKey('hostile-client');
const chain = new FakeChain().register(server, client);

type Answer = { res?: GetCompoundProofResponse; err?: grpc.ServiceError };

function call(c: grpc.Client, req: GetCompoundProofRequest): Promise<Answer> {
  return new Promise((resolve) => {
    (c as unknown as { getCompoundProof: Function }).getCompoundProof(req, { deadline: Date.now() + 5000 }, (err: grpc.ServiceError | null, res?: GetCompoundProofResponse) => resolve(err ? { err } : { res }));
  });
}

async function startServer(t: { after(fn: () => Promise<void> | void): void }) {
  const store = await ArtefactStore.open(tempDir(t));
  const data = blob(4096, 'hostile');
  const key = await store.put(data);
  const recipient = new CompoundProofRecipient({
    identity: server.address, reader: store, signer: server, params: undefined, perCallerRatePerSec: 1e6, perCallerBurst: 1e6, maxInFlight: 1000, logger: silentLogger(),
  });
  const srv = new AltsGrpcServer({ signer: server, verifier: chain, logger: silentLogger() });
  srv.addService(StorageChallengeServiceService, recipient.implementation());
  const port = await srv.listen('127.0.0.1', 0);
  const c = new StorageChallengeServiceClient(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  t.after(async () => {
    c.close();
    await srv.close(100);
  });
  return { c, key, port, recipient };
}

test('hostile GetCompoundProof requests each get the documented answer over lumera-alts', async (t) => {
  const { c, key } = await startServer(t);
  const base = (over: Partial<GetCompoundProofRequest> = {}) => request({ target: server.address, challenger: client.address, artifactKey: key, artifactSize: 4096n, ...over });
  const soft = async (req: GetCompoundProofRequest, text: string | RegExp) => {
    const a = await call(c, req);
    assert.equal(a.err, undefined, `unexpected error ${a.err?.message}`);
    assert.equal(a.res!.ok, false);
    assert.deepEqual(a.res!.rangeBytes, []);
    if (typeof text === 'string') assert.equal(a.res!.error, text);
    else assert.match(a.res!.error, text);
  };
  const hard = async (req: GetCompoundProofRequest, code: grpc.status, text: RegExp) => {
    const a = await call(c, req);
    assert.equal(a.err?.code, code, `expected ${grpc.status[code]}, got ${a.err ? a.err.message : 'a response'}`);
    assert.match(a.err!.details, text);
  };

  const ok = await call(c, base());
  assert.equal(ok.res?.ok, true);
  assert.equal(ok.res?.rangeBytes.length, 4);

  await soft(base({ ranges: [] }), 'at least one range is required');
  await soft(base({ ranges: [{ start: 0n, end: 0n }] }), 'range[0] invalid: end (0) must be > start (0)');
  await soft(base({ ranges: [{ start: 500n, end: 100n }] }), 'range[0] invalid: end (100) must be > start (500)');
  await hard(base({ artifactSize: (1n << 64n) - 1n, ranges: [{ start: 0n, end: (1n << 64n) - 1n }] }), grpc.status.INVALID_ARGUMENT, /^range length 18446744073709551615 exceeds cap 256$/);
  await soft(base({ ranges: [{ start: 3900n, end: 4156n }] }), 'range[0] out of bounds: end (4156) > artifact_size (4096)');
  await hard(base({ ranges: ranges(10_000, 1) }), grpc.status.INVALID_ARGUMENT, /^too many ranges: got 10000, max 4$/);
  await soft(base({ challengeId: '' }), 'challenge_id is required');
  await soft(base({ ticketId: '' }), 'ticket_id is required');
  await soft(base({ epochId: 0n }), 'epoch_id must be > 0');
  await soft(base({ ranges: [{ start: 0n, end: 256n }, { start: 256n, end: 300n }] }), 'range[1] invalid size: got 44, want 256 from first range');
  await soft(base({ artifactKey: '' }), /^read range\[0\] \[0,256\): key must be a base58/);
  await soft(base({ artifactKey: 'not-a-key!' }), /^read range\[0\] \[0,256\): key must be a base58/);
  await soft(base({ artifactKey: '11111111111111111111111111111111' }), /^read range\[0\] \[0,256\): artefact .* not in the local store$/);
  await soft(base({ artifactSize: 1n << 62n, ranges: [{ start: 1n << 61n, end: (1n << 61n) + 256n }] }), /^read range\[0\] .*start must be a non-negative integer/);
  // Overlapping and repeated ranges are legal (the challenger's offsets may repeat): answered in order.
  const overlap = await call(c, base({ ranges: [{ start: 0n, end: 256n }, { start: 128n, end: 384n }, { start: 0n, end: 256n }] }));
  assert.equal(overlap.res?.ok, true);
  assert.deepEqual(overlap.res!.rangeBytes[0], overlap.res!.rangeBytes[2]);
  // Legacy slice RPC on the same service: served from the local store, recipient_id is the server's identity.
  const slice = await new Promise<{ ok: boolean; slice: Uint8Array; recipientId: string }>((resolve, reject) => {
    (c as unknown as { getSliceProof: Function }).getSliceProof({ challengeId: 'l', epochId: 1n, seed: new Uint8Array(), fileKey: key, requestedStart: 0n, requestedEnd: 10n, challengerId: '', recipientId: 'spoof', observerIds: [] },
      { deadline: Date.now() + 5000 }, (err: Error | null, res: { ok: boolean; slice: Uint8Array; recipientId: string }) => (err ? reject(err) : resolve(res)));
  });
  assert.deepEqual([slice.ok, slice.slice.length, slice.recipientId], [true, 10, server.address]);
  // Another node's name as challenger: refused outright, no bytes.
  await hard(base({ challengerAccount: testKey('someone-else').address }), grpc.status.PERMISSION_DENIED, /is not the request's challenger_account/);
});

function randomString(): string {
  const pick = Math.random();
  if (pick < 0.2) return '';
  if (pick < 0.4) return randomBytes(Math.floor(Math.random() * 64)).toString('base64');
  if (pick < 0.5) return 'x'.repeat(Math.floor(Math.random() * 5000));
  return randomBytes(8).toString('hex');
}

function randomU64(): bigint {
  const r = Math.random();
  if (r < 0.2) return 0n;
  if (r < 0.4) return BigInt(Math.floor(Math.random() * 5000));
  return randomBytes(8).readBigUInt64BE();
}

function randomRequest(target: string, challenger: string, key: string): GetCompoundProofRequest {
  const n = Math.random() < 0.1 ? Math.floor(Math.random() * 3000) : Math.floor(Math.random() * 8);
  return {
    challengeId: randomString(),
    epochId: randomU64(),
    seed: randomBytes(Math.floor(Math.random() * 64)),
    ticketId: randomString(),
    targetSupernodeAccount: Math.random() < 0.7 ? target : randomString(),
    challengerAccount: Math.random() < 0.8 ? challenger : randomString(),
    observerAccounts: Array.from({ length: Math.floor(Math.random() * 3) }, randomString),
    artifactClass: Math.floor(Math.random() * 5),
    artifactOrdinal: Math.floor(Math.random() * 10),
    artifactCount: Math.floor(Math.random() * 10),
    bucketType: Math.floor(Math.random() * 6),
    artifactKey: Math.random() < 0.5 ? key : randomString(),
    artifactSize: randomU64(),
    ranges: Array.from({ length: n }, () => {
      const start = Math.random() < 0.5 ? BigInt(Math.floor(Math.random() * 4096)) : randomU64();
      return { start, end: Math.random() < 0.5 ? start + BigInt(Math.floor(Math.random() * 300)) : randomU64() };
    }),
  };
}

test('fuzz: 1,000 random malformed requests are all answered and the server keeps serving', async (t) => {
  const { c, key, port } = await startServer(t);
  const raw = new grpc.Client(`127.0.0.1:${port}`, new AltsChannelCredentials({ signer: client, verifier: chain, expectedServer: server.address }));
  t.after(() => raw.close());
  const rawCall = (bytes: Buffer): Promise<Answer> => new Promise((resolve) => {
    raw.makeUnaryRequest('/supernode.StorageChallengeService/GetCompoundProof', (b: Buffer) => b, (b: Buffer) => b, bytes, { deadline: Date.now() + 5000 },
      (err: grpc.ServiceError | null) => resolve(err ? { err } : { res: {} as GetCompoundProofResponse }));
  });
  const allowed = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.PERMISSION_DENIED, grpc.status.INTERNAL, grpc.status.UNKNOWN]);
  let answered = 0;
  for (let batch = 0; batch < 20; batch++) {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      (i % 5 === 0 ? rawCall(randomBytes(Math.floor(Math.random() * 200))) : call(c, randomRequest(server.address, client.address, key)))));
    for (const a of answers) {
      if (a.err) assert.ok(allowed.has(a.err.code), `unexpected status ${grpc.status[a.err.code]}: ${a.err.message}`);
      else assert.ok(a.res !== undefined);
      answered++;
    }
  }
  assert.equal(answered, 1000);
  const after = await call(c, request({ target: server.address, challenger: client.address, artifactKey: key, artifactSize: 4096n }));
  assert.equal(after.res?.ok, true);
});

test('admission: per-caller rate limit and the in-flight bound answer RESOURCE_EXHAUSTED before any read', async () => {
  const reader = new CountingReader();
  const key = reader.add(blob(4096));
  const req = request({ target: server.address, challenger: client.address, artifactKey: key, artifactSize: 4096n });
  const limited = new CompoundProofRecipient({ identity: server.address, reader, signer: undefined, params: undefined, perCallerRatePerSec: 0.001, perCallerBurst: 2 });
  assert.equal((await limited.handle(req, client.address)).response?.ok, true);
  assert.equal((await limited.handle(req, client.address)).response?.ok, true);
  const third = await limited.handle(req, client.address);
  assert.equal(third.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(third.error!.details, /rate limit exceeded/);
  // Another caller has its own bucket.
  const other = testKey('other-caller');
  assert.equal((await limited.handle({ ...req, challengerAccount: other.address }, other.address)).response?.ok, true);

  reader.delayMs = 100;
  const narrow = new CompoundProofRecipient({ identity: server.address, reader, signer: undefined, params: undefined, maxInFlight: 1 });
  const reads = reader.reads;
  const [a, b] = await Promise.all([narrow.handle(req, client.address), narrow.handle(req, client.address)]);
  assert.equal(a.response?.ok, true);
  assert.equal(b.error?.code, grpc.status.RESOURCE_EXHAUSTED);
  assert.match(b.error!.details, /too many proofs in flight/);
  assert.equal(reader.reads - reads, 4);
  assert.equal(narrow.stats.refused, 1);
});

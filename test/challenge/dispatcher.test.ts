import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Dispatcher, type DispatcherOptions } from '../../src/challenge/dispatcher.js';
import { ResultBuffer } from '../../src/challenge/result-buffer.js';
import { Lep6Metrics } from '../../src/challenge/metrics.js';
import { ArtefactResolver } from '../../src/challenge/artefact-size.js';
import { classifyProofFailure } from '../../src/challenge/classify.js';
import { DialerProofCaller, type ProofCaller } from '../../src/challenge/proof-client.js';
import { answerCompoundProof } from '../../src/challenge/recipient.js';
import { FALLBACK_CAPS } from '../../src/challenge/caps.js';
import { NO_ELIGIBLE_DETAILS } from '../../src/challenge/rows.js';
import { StorageProofBucketType as B, StorageProofResultClass as R, StorageTruthEnforcementMode, blake3 } from '../../src/deterministic/index.js';
import { verifyMessage } from '../../src/crypto/account-keys.js';
import { GetCompoundProofRequest, type GetCompoundProofResponse } from '../../src/gen/supernode/storage_challenge.js';
import type { AuditParams } from '../../src/challenge/chain.js';
import { FakeChain, params, ticket } from './fake-chain.js';
import { CountingReader, testKey } from './helpers.js';

const me = testKey('dispatcher-self');
const targetA = testKey('target-a');

function rpcError(code: number, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/** A ProofCaller answering from in-process recipients (one reader per target). */
class LocalProofs implements ProofCaller {
  readonly readers = new Map<string, CountingReader>();
  calls: Array<{ target: string; req: GetCompoundProofRequest; timeoutMs: number }> = [];
  fail: Error | undefined;
  tamper: ((r: GetCompoundProofResponse) => void) | undefined;
  active = 0;
  maxActive = 0;

  async getCompoundProof(target: string, req: GetCompoundProofRequest, timeoutMs: number): Promise<GetCompoundProofResponse> {
    this.calls.push({ target, req, timeoutMs });
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await new Promise((r) => setTimeout(r, 20));
      if (this.fail) throw this.fail;
      const a = await answerCompoundProof(req, me.address, { identity: target, reader: this.readers.get(target), signer: undefined, caps: FALLBACK_CAPS, readTimeoutMs: 1000 });
      if (a.kind === 'error') throw rpcError(a.code, a.message);
      this.tamper?.(a.response);
      return a.response;
    } finally {
      this.active--;
    }
  }
}

function setup(over: Partial<DispatcherOptions> = {}) {
  const chain = new FakeChain();
  chain.anchor(2n);
  chain.assigned.set(me.address, [targetA.address]);
  const buffer = new ResultBuffer();
  const metrics = new Lep6Metrics();
  const proofs = new LocalProofs();
  // The challenger holds a copy of every artefact (stored size wins over the metadata estimate, spec 04 §2.5 step 6).
  const storedSize = async (key: string) => {
    for (const r of proofs.readers.values()) {
      const n = r.size(key);
      if (n !== undefined) return BigInt(n);
    }
    return undefined;
  };
  const d = new Dispatcher({
    chain, identity: me.address, signer: me, sink: buffer, proofs, resolver: new ArtefactResolver(storedSize), metrics,
    recipientReadTimeoutMs: 1234, maxConcurrentTargets: 4, ...over,
  });
  return { chain, buffer, metrics, proofs, d };
}

/** A RECENT ticket held by `target`, its artefact readable from the target's in-process store. */
function holdTicket(s: ReturnType<typeof setup>, target: string) {
  const t = ticket([target]);
  s.chain.actions.push(t.action);
  let reader = s.proofs.readers.get(target);
  if (!reader) s.proofs.readers.set(target, (reader = new CountingReader()));
  for (const f of t.files) reader.add(f.bytes);
  return t;
}

test('TestDispatchEpoch_ModeUnspecified_NoOp', async () => {
  const s = setup();
  s.chain.auditParams = params({ storageTruthEnforcementMode: StorageTruthEnforcementMode.UNSPECIFIED as number });
  await s.d.dispatchEpoch(2n);
  assert.deepEqual(s.buffer.peek(2n), []);
  assert.equal(s.chain.assignedCalls, 0);
});

test('TestDispatchEpoch_GetParamsNilResponseIsClear (and a params error is wrapped)', async () => {
  const s = setup();
  s.chain.auditParams = undefined as unknown as AuditParams;
  await assert.rejects(s.d.dispatchEpoch(2n), { message: 'lep6 dispatch: get params returned nil response' });
  s.chain.paramsError = new Error('boom');
  await assert.rejects(s.d.dispatchEpoch(2n), { message: 'lep6 dispatch: get params: boom' });
  await assert.rejects(setup().d.dispatchEpoch(9n), { message: 'lep6 dispatch: epoch anchor not yet available for epoch 9' });
});

test('TestDispatchEpoch_ModeShadow_AppendsResults: no tickets → two signed NO_ELIGIBLE rows', async () => {
  const s = setup();
  s.chain.auditParams = params({ storageTruthEnforcementMode: StorageTruthEnforcementMode.SHADOW as number });
  await s.d.dispatchEpoch(2n);
  const rows = s.buffer.peek(2n);
  assert.deepEqual(rows.map((r) => [r.bucketType, r.resultClass]), [[B.RECENT, R.NO_ELIGIBLE_TICKET], [B.OLD, R.NO_ELIGIBLE_TICKET]]);
  for (const r of rows) {
    assert.equal(r.ticketId, '');
    assert.equal(r.details, NO_ELIGIBLE_DETAILS);
    assert.match(r.transcriptHash, /^[0-9a-f]{64}$/);
    assert.ok(verifyMessage(me.publicKey, Buffer.from(r.transcriptHash, 'ascii'), Buffer.from(r.challengerSignature, 'hex'), 'eth_secp256k1'));
  }
  assert.equal(s.metrics.get('no_ticket_provider_active'), 1);
});

test('TestDispatchEpoch_NoEligibleTicket_EmitsClass: a middle-band ticket → NO_ELIGIBLE for both buckets', async () => {
  const s = setup();
  s.chain.auditParams = params({ storageTruthRecentBucketMaxBlocks: 2n, storageTruthOldBucketMinBlocks: 1000n });
  holdTicket(s, targetA.address); // anchor height 5, epoch 2 ends at 30 → δ 25: neither RECENT nor OLD
  await s.d.dispatchEpoch(2n);
  assert.deepEqual(s.buffer.peek(2n).map((r) => r.resultClass), [R.NO_ELIGIBLE_TICKET, R.NO_ELIGIBLE_TICKET]);
  assert.equal(s.proofs.calls.length, 0);
});

test('PASS: the recipient proves possession; row carries ticket, key, count, derivation hash and a valid signature', async () => {
  const s = setup();
  const t = holdTicket(s, targetA.address);
  await s.d.dispatchEpoch(2n);
  const [recent, old] = s.buffer.peek(2n);
  assert.equal(recent!.resultClass, R.PASS, recent!.details);
  assert.equal(recent!.ticketId, t.action.actionID);
  assert.equal(recent!.artifactKey, t.files[0]!.id);
  assert.equal(recent!.artifactCount, 1);
  assert.match(recent!.derivationInputHash, /^[0-9a-f]{64}$/);
  assert.ok(verifyMessage(me.publicKey, Buffer.from(recent!.transcriptHash, 'ascii'), Buffer.from(recent!.challengerSignature, 'hex'), 'eth_secp256k1'));
  assert.equal(old!.resultClass, R.NO_ELIGIBLE_TICKET);
  // The explicit per-call deadline is the configured recipient_read_timeout.
  assert.equal(s.proofs.calls[0]!.timeoutMs, 1234);
  assert.equal(s.proofs.calls[0]!.req.challengerAccount, me.address);
  assert.deepEqual(s.proofs.calls[0]!.req.observerAccounts, []);
});

test('TestDispatchEpoch_GetCompoundProofError_EmitsFailClass: plain RPC error → INVALID_TRANSCRIPT with the error; OLD → NO_ELIGIBLE', async () => {
  const s = setup();
  holdTicket(s, targetA.address);
  s.proofs.fail = rpcError(status.INTERNAL, 'kaboom');
  await s.d.dispatchEpoch(2n);
  const [recent, old] = s.buffer.peek(2n);
  assert.equal(recent!.resultClass, R.INVALID_TRANSCRIPT);
  assert.match(recent!.details, /kaboom/);
  assert.equal(old!.resultClass, R.NO_ELIGIBLE_TICKET);
});

test('classification of delivered responses: hash mismatch, range count and size, recipient content-check failure', async () => {
  const cases: Array<[(r: GetCompoundProofResponse) => void, R, RegExp]> = [
    [(r) => { r.proofHashHex = '00'.repeat(32); }, R.HASH_MISMATCH, /^proof hash mismatch: local=[0-9a-f]{64} remote=0{64}$/],
    [(r) => { r.rangeBytes.pop(); }, R.INVALID_TRANSCRIPT, /^range count mismatch: got 3 want 4$/],
    [(r) => { r.rangeBytes[0] = r.rangeBytes[0]!.subarray(1); }, R.INVALID_TRANSCRIPT, /^range\[0\] size \d+ != \d+$/],
    [(r) => { r.ok = false; r.error = 'read range[0] [0,9): artefact X: content hash mismatch: blob hashes to Y'; }, R.HASH_MISMATCH, /content hash mismatch/],
    [(r) => { r.ok = false; r.error = ''; }, R.TIMEOUT_OR_NO_RESPONSE, /^no response$/],
  ];
  for (const [tamper, cls, details] of cases) {
    const s = setup();
    holdTicket(s, targetA.address);
    s.proofs.tamper = tamper;
    await s.d.dispatchEpoch(2n);
    const recent = s.buffer.peek(2n)[0]!;
    assert.equal(recent.resultClass, cls, recent.details);
    assert.match(recent.details, details);
  }
});

test('TestAppendNoEligibleSuppressedWhenBufferedEligibleResultExists', async () => {
  const s = setup();
  holdTicket(s, targetA.address);
  await s.d.dispatchEpoch(2n);
  const pass = s.buffer.peek(2n)[0]!;
  assert.equal(pass.resultClass, R.PASS);
  s.buffer.collect(2n);
  s.buffer.append(2n, { ...pass, bucketType: B.OLD as number });
  await s.d.dispatchEpoch(2n, [{ target: targetA.address, buckets: [B.OLD] }]);
  assert.deepEqual(s.buffer.peek(2n).map((r) => r.resultClass), [R.PASS]);
  assert.equal(s.metrics.get('dispatch_internal_failures_total', 'no_eligible_consistency_suppressed'), 1);
});

test('pre-derivation failure (action vanished) drops the row and counts the stage', async () => {
  const s = setup();
  const t = holdTicket(s, targetA.address);
  const real = s.chain.getAction.bind(s.chain);
  s.chain.getAction = async (id: string) => (id === t.action.actionID ? undefined : real(id));
  await s.d.dispatchEpoch(2n);
  assert.deepEqual(s.buffer.peek(2n).map((r) => r.bucketType), [B.OLD]);
  assert.equal(s.metrics.get('dispatch_internal_failures_total', 'cascade_meta'), 1);
});

test('max_concurrent_targets bounds the parallel proof calls; self and blank targets are skipped', async () => {
  const s = setup({ maxConcurrentTargets: 2 });
  const targets = Array.from({ length: 6 }, (_, i) => testKey(`t${i}`).address);
  s.chain.assigned.set(me.address, [...targets, me.address, '  ']);
  for (const t of targets) holdTicket(s, t);
  await s.d.dispatchEpoch(2n);
  assert.equal(s.proofs.calls.length, 6);
  assert.equal(s.proofs.maxActive, 2);
  assert.equal(s.buffer.peek(2n).filter((r) => (r.resultClass as number) === R.PASS).length, 6);
});

test('TestClassifyProofFailure_NonTimeoutRPCErrorsAreInvalidTranscript', () => {
  assert.equal(classifyProofFailure(rpcError(status.PERMISSION_DENIED, 'nope'), ''), R.INVALID_TRANSCRIPT);
  assert.equal(classifyProofFailure(new Error('connect ECONNREFUSED 127.0.0.1:1'), ''), R.INVALID_TRANSCRIPT);
  assert.equal(classifyProofFailure(undefined, 'ticket_id is required'), R.INVALID_TRANSCRIPT);
});

test('TestClassifyProofFailure_TimeoutsRemainTimeoutOrNoResponse', () => {
  assert.equal(classifyProofFailure(rpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), ''), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(rpcError(status.UNAVAILABLE, 'No connection established'), ''), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(rpcError(status.CANCELLED, 'Cancelled'), ''), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(Object.assign(new Error('aborted'), { name: 'AbortError' }), ''), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(undefined, 'No Response from peer'), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(undefined, 'read timeout'), R.TIMEOUT_OR_NO_RESPONSE);
  assert.equal(classifyProofFailure(undefined, '  '), R.TIMEOUT_OR_NO_RESPONSE);
});

test('DialerProofCaller applies the deadline: a silent peer ends in DEADLINE_EXCEEDED → TIMEOUT_OR_NO_RESPONSE', async (t) => {
  // A TCP server that accepts and never speaks: without a deadline the call would hang forever.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((sock) => sockets.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const port = (silent.address() as net.AddressInfo).port;
  let client: grpc.Client | undefined;
  const caller = new DialerProofCaller({
    client: async <T extends grpc.Client>(_account: string, ctor: grpc.ServiceClientConstructor) => (client = new ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure())) as unknown as T,
  });
  t.after(() => client?.close());
  const started = Date.now();
  const err = await caller.getCompoundProof('peer', GetCompoundProofRequest.fromPartial({ challengeId: 'x' }), 300).then(() => undefined, (e: unknown) => e);
  const elapsed = Date.now() - started;
  assert.ok(err, 'the call must fail');
  assert.equal((err as grpc.ServiceError).code, status.DEADLINE_EXCEEDED);
  assert.ok(elapsed < 3000, `ended by the deadline (${elapsed} ms)`);
  assert.equal(classifyProofFailure(err, ''), R.TIMEOUT_OR_NO_RESPONSE);
  // An unresolvable peer is a dial failure ("dial: …" in the row details).
  const unresolvable = new DialerProofCaller({ client: async () => { throw new Error('no address for target "x"'); } });
  await assert.rejects(unresolvable.getCompoundProof('x', {} as GetCompoundProofRequest, 100), { code: 'PEER_DIAL_FAILED' });
});

test('a lying recipient (wrong bytes, self-consistent hash) passes the reference check but not the verified-local-copy check', async () => {
  const lie = (r: GetCompoundProofResponse) => {
    r.rangeBytes = r.rangeBytes.map((b) => new Uint8Array(b.length).fill(0x41));
    r.proofHashHex = Buffer.from(blake3(Buffer.concat(r.rangeBytes))).toString('hex');
  };
  const plain = setup();
  holdTicket(plain, targetA.address);
  plain.proofs.tamper = lie;
  await plain.d.dispatchEpoch(2n);
  assert.equal(plain.buffer.peek(2n)[0]!.resultClass as number, R.PASS, 'no local copy: only self-consistency can be checked');

  let checked: CountingReader | undefined;
  const s = setup({
    localRanges: async (key, ranges) => checked!.readRanges(key, ranges.map((r) => ({ start: Number(r.start), end: Number(r.end) }))),
  });
  holdTicket(s, targetA.address);
  checked = s.proofs.readers.get(targetA.address);
  s.proofs.tamper = lie;
  await s.d.dispatchEpoch(2n);
  const row = s.buffer.peek(2n)[0]!;
  assert.equal(row.resultClass as number, R.HASH_MISMATCH);
  assert.match(row.details, /^proof does not match the verified local copy: expected=[0-9a-f]{64} remote=[0-9a-f]{64}$/);
  // An honest answer still passes with the local check on.
  const honest = setup({ localRanges: async (key, ranges) => checked!.readRanges(key, ranges.map((r) => ({ start: Number(r.start), end: Number(r.end) }))) });
  holdTicket(honest, targetA.address);
  checked = honest.proofs.readers.get(targetA.address);
  await honest.d.dispatchEpoch(2n);
  assert.equal(honest.buffer.peek(2n)[0]!.resultClass as number, R.PASS);
});

test('epoch 0 is never challenged (recipients refuse epoch_id 0): NO_ELIGIBLE for both buckets, no proof call', async () => {
  const s = setup();
  s.chain.anchor(0n);
  holdTicket(s, targetA.address);
  await s.d.dispatchEpoch(0n);
  assert.deepEqual(s.buffer.peek(0n).map((r) => r.resultClass as number), [R.NO_ELIGIBLE_TICKET, R.NO_ELIGIBLE_TICKET]);
  assert.equal(s.proofs.calls.length, 0);
});

test('TestAppendNoEligiblePreservedWhenOnlySelectedTicketExists: an empty class roll on the selected ticket still yields NO_ELIGIBLE', async () => {
  const s = setup();
  const t = holdTicket(s, targetA.address);
  // The ticket is listed as eligible, but its metadata resolves to zero artefact counts → class UNSPECIFIED.
  const { CascadeMetadata } = await import('../../src/gen/lumera/action/v1/metadata.js');
  const empty = { ...t.action, metadata: CascadeMetadata.encode(CascadeMetadata.fromPartial({ dataHash: 'x', rqIdsMax: 1n })).finish() };
  s.chain.getAction = async (id: string) => (id === t.action.actionID ? empty : undefined);
  await s.d.dispatchEpoch(2n);
  assert.deepEqual(s.buffer.peek(2n).map((r) => [r.bucketType, r.resultClass, r.ticketId]), [[B.RECENT, R.NO_ELIGIBLE_TICKET, ''], [B.OLD, R.NO_ELIGIBLE_TICKET, '']]);
  assert.equal(s.proofs.calls.length, 0);
});

test('TestDispatchEpoch_GetParamsDoesNotHoldDispatcherLock: a second dispatch queries params while the first holds the lock', async () => {
  const s = setup();
  holdTicket(s, targetA.address);
  s.chain.anchor(3n);
  let paramsCalls = 0;
  const real = s.chain.getAuditParams.bind(s.chain);
  s.chain.getAuditParams = async () => {
    paramsCalls++;
    return real();
  };
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inner = s.proofs.getCompoundProof.bind(s.proofs);
  s.proofs.getCompoundProof = async (target, req, ms) => {
    await gate;
    return inner(target, req, ms);
  };
  const first = s.d.dispatchEpoch(2n);
  await new Promise((r) => setTimeout(r, 50)); // the first dispatch now holds the lock, waiting on its proof
  const second = s.d.dispatchEpoch(3n);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(paramsCalls, 2, 'the second params query ran while the lock was held');
  release();
  await Promise.all([first, second]);
  assert.equal(s.buffer.peek(3n).length, 2);
});

/** ServeReconstructedArtefacts handler (spec 04 §1.5; mirrors §10.2). */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { createSelfHealingService, type CallerResolver } from '../../src/healing/serve.js';
import { FakeChain, FakeServerStream, HEALER, SELF, STRANGER, V1, env, op, stageFile, type Env } from './fakes.js';

let e: Env;
let chain: FakeChain;
beforeEach(async () => {
  e = await env();
  chain = new FakeChain();
});
afterEach(() => e.cleanup());

const asCaller = (who: string): CallerResolver => () => who;

async function serve(resolver: CallerResolver, request: unknown, opts: { self?: string; chunkBytes?: number; pressureEvery?: number } = {}) {
  const { service, stats } = createSelfHealingService({ chain, self: opts.self ?? SELF, staging: e.staging, resolveCaller: resolver, chunkBytes: opts.chunkBytes ?? 1000 });
  const call = new FakeServerStream(request, opts.pressureEvery);
  await (service.serveReconstructedArtefacts as unknown as (c: unknown) => Promise<void>)(call);
  return { call, stats };
}

describe('ServeReconstructedArtefacts', () => {
  it('authorizes only assigned verifiers: the verifier receives exactly the staged bytes in bounded chunks', async () => {
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED }));
    const bytes = randomBytes(2500);
    await stageFile(e.staging, 7n, bytes);
    const { call, stats } = await serve(asCaller(V1), { healOpId: 7n, verifierAccount: STRANGER }, { pressureEvery: 1 });
    assert.equal(call.error, undefined);
    assert.equal(call.ended, true);
    assert.deepEqual(call.written.map((m) => m.chunk.length), [1000, 1000, 500]);
    assert.deepEqual(call.written.map((m) => m.totalSize), [2500n, 0n, 0n]);
    assert.deepEqual(call.written.map((m) => m.isLast), [false, false, true]);
    assert.deepEqual(Buffer.concat(call.written.map((m) => m.chunk)), bytes);
    assert.equal(stats.bytes, 2500);
  });

  it('rejects an unassigned caller with PERMISSION_DENIED and no bytes, even when the request names a verifier', async () => {
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED }));
    await stageFile(e.staging, 7n, randomBytes(100));
    const { call } = await serve(asCaller(STRANGER), { healOpId: 7n, verifierAccount: V1 });
    assert.equal(call.error?.code, grpc.status.PERMISSION_DENIED);
    assert.equal(call.error?.details, `caller "${STRANGER}" not in verifier set`);
    assert.equal(call.written.length, 0);
  });

  it('refuses on a node that is not the assigned healer (FAILED_PRECONDITION)', async () => {
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, healerSupernodeAccount: HEALER }));
    await stageFile(e.staging, 7n, randomBytes(100));
    const { call } = await serve(asCaller(V1), { healOpId: 7n });
    assert.equal(call.error?.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(call.error?.details, 'this supernode is not the assigned healer for this heal op');
    assert.equal(call.written.length, 0);
  });

  it('status gate: only HEALER_REPORTED serves', async () => {
    await stageFile(e.staging, 7n, randomBytes(10));
    const refused = [HealOpStatus.HEAL_OP_STATUS_UNSPECIFIED, HealOpStatus.HEAL_OP_STATUS_SCHEDULED, HealOpStatus.HEAL_OP_STATUS_VERIFIED, HealOpStatus.HEAL_OP_STATUS_FAILED, HealOpStatus.HEAL_OP_STATUS_EXPIRED];
    for (const status of refused) {
      chain.put(op({ status }));
      const { call } = await serve(asCaller(V1), { healOpId: 7n });
      assert.equal(call.error?.code, grpc.status.FAILED_PRECONDITION, `status ${status}`);
      assert.match(call.error!.details, /^heal op 7 status is HEAL_OP_STATUS_[A-Z]+; serve only valid in HEALER_REPORTED$/);
      assert.equal(call.written.length, 0);
    }
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED }));
    const { call } = await serve(asCaller(V1), { healOpId: 7n });
    assert.equal(call.error, undefined);
    assert.equal(call.written.length, 1);
  });

  it('production constructor requires an identity resolver', () => {
    assert.throws(() => createSelfHealingService({ chain, self: SELF, staging: e.staging, resolveCaller: undefined as unknown as CallerResolver }), /resolveCaller is required/);
  });

  it('answers every other check of R1.5.2 with its code and text', async () => {
    const cases: Array<[string, () => Promise<{ call: FakeServerStream }>, grpc.status, string | RegExp]> = [
      ['missing id', () => serve(asCaller(V1), { healOpId: 0n }), grpc.status.INVALID_ARGUMENT, 'missing heal_op_id'],
      ['null request', () => serve(asCaller(V1), null), grpc.status.INVALID_ARGUMENT, 'missing heal_op_id'],
      ['resolver fails', () => serve(() => { throw new Error('caller identity unavailable'); }, { healOpId: 7n }), grpc.status.UNAUTHENTICATED, 'resolve caller: caller identity unavailable'],
      ['blank caller', () => serve(asCaller('  '), { healOpId: 7n }), grpc.status.UNAUTHENTICATED, 'caller identity unknown'],
      ['op missing', () => serve(asCaller(V1), { healOpId: 8n }), grpc.status.NOT_FOUND, 'heal op 8 not found'],
    ];
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED }));
    for (const [name, run, code, text] of cases) {
      const { call } = await run();
      assert.equal(call.error?.code, code, name);
      if (typeof text === 'string') assert.equal(call.error?.details, text, name);
      assert.equal(call.written.length, 0, name);
    }
    // No staging yet → NOT_FOUND; garbage manifest → INTERNAL.
    let r = await serve(asCaller(V1), { healOpId: 7n });
    assert.equal(r.call.error?.code, grpc.status.NOT_FOUND);
    assert.equal(r.call.error?.details, 'no staged heal-op 7');
    const dir = await stageFile(e.staging, 7n, randomBytes(5));
    await writeFile(join(dir, 'manifest.json'), '{not json');
    r = await serve(asCaller(V1), { healOpId: 7n });
    assert.equal(r.call.error?.code, grpc.status.INTERNAL);
    assert.match(r.call.error!.details, /^read staged heal op: /);
    chain.healOpError = () => new Error('rpc down');
    r = await serve(asCaller(V1), { healOpId: 7n });
    assert.equal(r.call.error?.code, grpc.status.NOT_FOUND);
    assert.equal(r.call.error?.details, 'heal op 7: rpc down');
  });
});

/** Healer submit/resume/reconcile paths and the finalizer (mirrors spec 04 §10.4). */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { reconcileExistingClaim, resumePendingClaim } from '../../src/healing/healer.js';
import { HealMetrics } from '../../src/healing/metrics.js';
import { silentLogger } from '../../src/util/logger.js';
import { FakeChain, env, op, rejection, stageFile, unavailable, type Env } from './fakes.js';
import { Doubles, FILE, FILE_HASH, buildService, tickAndDrain } from './service-helpers.js';

let e: Env;
let chain: FakeChain;
let d: Doubles;
beforeEach(async () => {
  e = await env();
  chain = new FakeChain();
  d = new Doubles(e);
});
afterEach(() => e.cleanup());

const resumeDeps = () => ({ chain, claims: e.claims, staging: e.staging, metrics: new HealMetrics(), logger: silentLogger() });

describe('healer', () => {
  it('unclassified submit error with the chain still SCHEDULED: no row of either status, staging removed', async () => {
    chain.put(op());
    chain.claimError = () => new Error('opaque failure');
    chain.onClaim = () => undefined;
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.claims.length, 1);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(e.staging.dirOf(7n)), false);
  });

  it('invalid-state error with the chain HEALER_REPORTED and our hash: reconciled to a submitted row', async () => {
    chain.put(op());
    chain.claimError = () => rejection(13, 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition');
    chain.claimLandsDespiteError = true; // an earlier copy of the claim is what the chain holds
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(e.claims.get(7n)?.status, 'submitted');
    assert.ok(existsSync(e.staging.dirOf(7n)));
  });

  it('opaque submit error but the chain shows our hash: submitted row, staging kept', async () => {
    chain.put(op());
    chain.claimError = () => new Error('EOF while reading the broadcast answer');
    chain.claimLandsDespiteError = true;
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(e.claims.get(7n)?.status, 'submitted');
    assert.ok(existsSync(e.staging.dirOf(7n)));
  });

  it('transient submit error keeps the pending row and staging', async () => {
    chain.put(op());
    chain.claimError = unavailable;
    chain.onClaim = () => undefined;
    const s = buildService(e, chain, d);
    await tickAndDrain(s);
    assert.equal(e.claims.get(7n)?.status, 'pending');
    assert.ok(existsSync(e.staging.dirOf(7n)));
    assert.equal(s.metrics.get('heal_claims_submitted_total', 'result=submit_transient'), 1);
  });

  it('reconstruction failure: no claim tx, no row, no staging', async () => {
    chain.put(op());
    d.reconstructError = () => new Error('CASCADE_DECODE_INCOMPLETE');
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.claims.length, 0);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(e.staging.dirOf(7n)), false);
  });

  it('deadline passed (current epoch beyond the deadline epoch): no tx, no row, staging removed', async () => {
    chain.epoch = 9n;
    chain.put(op({ deadlineEpochId: 5n }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.claims.length, 0);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(e.staging.dirOf(7n)), false);
  });

  it('deadline 0: pre-check skipped, exactly one claim', async () => {
    chain.put(op({ deadlineEpochId: 0n }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.claims.length, 1);
  });

  it('resume: pending + chain HEALER_REPORTED with our hash → submitted, no reseed, staging kept', async () => {
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    chain.put(op({ healOpId: 7n, status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    await resumePendingClaim(resumeDeps(), 7n);
    assert.equal(e.claims.get(7n)?.status, 'submitted');
    assert.ok(existsSync(dir));
    assert.equal(d.reconstructs.length, 0);
    assert.equal(chain.claims.length, 0);
  });

  it('resume at start: a pending row whose op already left SCHEDULED is read back from the chain and promoted', async () => {
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    const s = buildService(e, chain, d);
    await s.start();
    await s.drain();
    await s.stop();
    assert.equal(e.claims.get(7n)?.status, 'submitted');
    assert.equal(chain.claims.length, 0);
    assert.equal(s.metrics.get('heal_claims_reconciled_total'), 1);
    assert.ok(existsSync(dir));
  });

  it('resume through dispatch: a pending row of a still-SCHEDULED op is reset (row and staging removed)', async () => {
    chain.put(op());
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    const s = buildService(e, chain, d);
    await tickAndDrain(s);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(dir), false);
    assert.equal(chain.claims.length, 0, 'the reset tick submits nothing; the next tick rebuilds');
    await tickAndDrain(s);
    assert.equal(chain.claims.length, 1);
  });

  it('resume: UNAVAILABLE keeps the pending row and staging and reports the error', async () => {
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    chain.healOpError = () => Object.assign(new Error('14 UNAVAILABLE: down'), { code: 14, details: 'down' });
    await assert.rejects(resumePendingClaim(resumeDeps(), 7n), /UNAVAILABLE/);
    assert.equal(e.claims.get(7n)?.status, 'pending');
    assert.ok(existsSync(dir));
  });

  it('resume: foreign hash or terminal status drops the pending row and staging', async () => {
    for (const [status, hash] of [[HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, 'Zm9yZWlnbg=='], [HealOpStatus.HEAL_OP_STATUS_EXPIRED, FILE_HASH]] as const) {
      chain.put(op({ status, resultHash: hash }));
      const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
      e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
      await resumePendingClaim(resumeDeps(), 7n);
      assert.equal(e.claims.get(7n), undefined, `status ${status}`);
      assert.equal(existsSync(dir), false);
    }
  });

  it('reconcile an existing chain claim: foreign hash cleans staging and persists nothing; ours records submitted', async () => {
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: 'Zm9yZWlnbg==' }));
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    assert.equal(await reconcileExistingClaim(resumeDeps(), 7n, 'ticket-7', FILE_HASH, dir), false);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(dir), false);
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    const dir2 = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    assert.equal(await reconcileExistingClaim(resumeDeps(), 7n, 'ticket-7', FILE_HASH, dir2), true);
    assert.equal(e.claims.get(7n)?.status, 'submitted');
  });
});

describe('finalizer', () => {
  async function claimed(status: HealOpStatus) {
    chain.put(op({ status, resultHash: FILE_HASH }));
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.recordSubmitted({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    return dir;
  }

  it('VERIFIED publishes the staging dir, deletes the row before removing staging', async () => {
    const dir = await claimed(HealOpStatus.HEAL_OP_STATUS_VERIFIED);
    const orig = e.staging.remove.bind(e.staging);
    let rowGoneAtRemoval: boolean | undefined;
    e.staging.remove = async (p: string) => {
      rowGoneAtRemoval = e.claims.get(7n) === undefined;
      await orig(p);
    };
    const s = buildService(e, chain, d);
    await tickAndDrain(s);
    assert.deepEqual(d.published.map((p) => p.healOpId), [7n]);
    assert.equal(rowGoneAtRemoval, true);
    assert.equal(existsSync(dir), false);
    assert.equal(s.metrics.get('heal_finalize_publishes_total'), 1);
  });

  it('a publish error keeps row and staging for the next tick', async () => {
    const dir = await claimed(HealOpStatus.HEAL_OP_STATUS_VERIFIED);
    d.publishError = () => new Error('holder offline');
    await tickAndDrain(buildService(e, chain, d));
    assert.ok(e.claims.get(7n));
    assert.ok(existsSync(dir));
  });

  for (const status of [HealOpStatus.HEAL_OP_STATUS_FAILED, HealOpStatus.HEAL_OP_STATUS_EXPIRED]) {
    it(`${HealOpStatus[status]} skips publish and deletes row and staging`, async () => {
      const dir = await claimed(status);
      await tickAndDrain(buildService(e, chain, d));
      assert.equal(d.events.length, 0);
      assert.equal(e.claims.get(7n), undefined);
      assert.equal(existsSync(dir), false);
    });
  }

  it('heal op not found cleans claim and staging without publishing; a transient error keeps both', async () => {
    const dir = await claimed(HealOpStatus.HEAL_OP_STATUS_VERIFIED);
    chain.healOpError = unavailable;
    await tickAndDrain(buildService(e, chain, d));
    assert.ok(e.claims.get(7n));
    chain.healOpError = () => rejection(11, 'heal op 7 not found: heal op not found', 'query');
    const s = buildService(e, chain, d);
    await tickAndDrain(s);
    assert.equal(d.events.length, 0);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(dir), false);
    assert.equal(s.metrics.get('heal_finalize_cleanups_total', 'HEAL_OP_STATUS_EXPIRED'), 1);
  });

  it('quorum pending (HEALER_REPORTED) does nothing', async () => {
    const dir = await claimed(HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED);
    chain.ops.get(7n)!.verifierSupernodeAccounts = [];
    await tickAndDrain(buildService(e, chain, d));
    assert.ok(e.claims.get(7n));
    assert.ok(existsSync(dir));
    assert.equal(d.events.length, 0);
  });
});

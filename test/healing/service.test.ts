/** Self-healing tick, dispatch and roles (mirrors spec 04 §10.4). */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageTruthEnforcementMode } from '../../src/gen/lumera/audit/v1/params.js';
import { negativeAttestationHash } from '../../src/healing/constants.js';
import { FakeChain, HEALER, SELF, STRANGER, V1, env, op, rejection, stageFile, type Env } from './fakes.js';
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

describe('self-healing service', () => {
  it('healer: reconstructs, stages and claims with the manifest hash; the row ends submitted', async () => {
    chain.put(op());
    await tickAndDrain(buildService(e, chain, d));
    assert.deepEqual(d.reconstructs, [7n]);
    assert.deepEqual(chain.claims, [{ healOpId: 7n, ticketId: 'ticket-7', healManifestHash: FILE_HASH, details: '' }]);
    assert.equal(e.claims.get(7n)?.status, 'submitted');
    assert.ok(existsSync(join(e.staging.dirOf(7n), 'manifest.json')), 'staging kept for the finalizer');
  });

  it('no role: a bystander never reconstructs, fetches or submits', async () => {
    chain.put(op({ healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [V1, STRANGER] }));
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [V1, STRANGER], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(d.reconstructs.length + d.fetches.length + chain.claims.length + chain.votes.length, 0);
  });

  it('UNSPECIFIED mode skips healer and verifier entirely', async () => {
    chain.mode = StorageTruthEnforcementMode.STORAGE_TRUTH_ENFORCEMENT_MODE_UNSPECIFIED;
    chain.put(op());
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(d.reconstructs.length + d.fetches.length + chain.claims.length + chain.votes.length, 0);
  });

  it('final-state ops are never reconstructed', async () => {
    for (const [i, status] of [HealOpStatus.HEAL_OP_STATUS_VERIFIED, HealOpStatus.HEAL_OP_STATUS_FAILED, HealOpStatus.HEAL_OP_STATUS_EXPIRED].entries()) chain.put(op({ healOpId: BigInt(10 + i), status }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(d.reconstructs.length, 0);
    assert.equal(chain.claims.length, 0);
  });

  it('finalizer runs even in UNSPECIFIED mode (FAILED op: row and staging removed)', async () => {
    chain.mode = StorageTruthEnforcementMode.STORAGE_TRUTH_ENFORCEMENT_MODE_UNSPECIFIED;
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_FAILED }));
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    const s = buildService(e, chain, d);
    await tickAndDrain(s);
    assert.equal(e.claims.get(7n), undefined);
    assert.equal(existsSync(dir), false);
    assert.equal(d.published.length, 0);
    assert.equal(s.metrics.get('heal_finalize_cleanups_total', 'HEAL_OP_STATUS_FAILED'), 1);
  });

  it('a failing mode-gate query ends the tick before the finalizer', async () => {
    chain.paramsError = () => new Error('params down');
    chain.put(op({ status: HealOpStatus.HEAL_OP_STATUS_FAILED }));
    const dir = await stageFile(e.staging, 7n, FILE, FILE_HASH);
    e.claims.insertPending({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: dir });
    await assert.rejects(buildService(e, chain, d).tick(), /params down/);
    assert.ok(e.claims.get(7n));
  });

  it('a stuck SCHEDULED listing times out and verifier dispatch still runs', async () => {
    chain.listHang[HealOpStatus.HEAL_OP_STATUS_SCHEDULED] = true;
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    const r = await tickAndDrain(buildService(e, chain, d));
    assert.match(r.errors.join(), /healer: HealOpsByStatus\(1\) listing did not finish within 300 ms/);
    assert.equal(chain.votes.length, 1);
    assert.equal(chain.votes[0]!.verified, true);
  });

  it('restart: submitted claim and verification rows block re-running work and txs', async () => {
    chain.put(op());
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    e.claims.recordSubmitted({ healOpId: 7n, ticketId: 'ticket-7', manifestHash: FILE_HASH, stagingDir: e.staging.dirOf(7n) });
    e.verifications.insertPending({ healOpId: 8n, verifierAccount: SELF, verified: true, verificationHash: FILE_HASH });
    e.verifications.markSubmitted(8n, SELF);
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(d.reconstructs.length + d.fetches.length + chain.claims.length + chain.votes.length, 0);
  });

  it('orphan cleanup removes only numeric dirs without claim rows (and our partial builds)', async () => {
    const keep = await stageFile(e.staging, 5n, FILE);
    e.claims.insertPending({ healOpId: 5n, ticketId: 't', manifestHash: 'h', stagingDir: keep });
    const orphan = await stageFile(e.staging, 6n, FILE);
    await mkdir(join(e.staging.root, 'notes'));
    await mkdir(join(e.staging.root, '.partial-9-abc'));
    await writeFile(join(e.staging.root, '12'), 'a file, not a dir');
    const s = buildService(e, chain, d);
    await s.start();
    await s.stop();
    assert.equal(existsSync(keep), true);
    assert.equal(existsSync(orphan), false);
    assert.equal(existsSync(join(e.staging.root, 'notes')), true);
    assert.equal(existsSync(join(e.staging.root, '12')), true);
    assert.equal(existsSync(join(e.staging.root, '.partial-9-abc')), false);
    assert.equal(s.metrics.get('heal_orphaned_staging_cleanups_total'), 2);
  });

  it('verifier: fetches from the assigned healer only, as self, and votes true with op.result_hash', async () => {
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [V1, SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    await tickAndDrain(buildService(e, chain, d));
    assert.deepEqual(d.fetches, [{ healer: HEALER, healOpId: 8n, self: SELF }]);
    assert.deepEqual(chain.votes, [{ healOpId: 8n, verified: true, verificationHash: FILE_HASH, details: '' }]);
    assert.equal(e.verifications.get(8n, SELF)?.status, 'submitted');
  });

  it('verifier: hash mismatch votes false with the mismatch placeholder; its computed hash is in the details', async () => {
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: 'b3RoZXI=' }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.votes.length, 1);
    assert.equal(chain.votes[0]!.verified, false);
    assert.equal(chain.votes[0]!.verificationHash, negativeAttestationHash('reason_hash_mismatch'));
    assert.equal(chain.votes[0]!.details, `reason_hash_mismatch:computed=${FILE_HASH}`);
  });

  it('verifier: fetch failure after the retries votes false with the fetch-failed placeholder', async () => {
    d.serve = undefined;
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(d.fetches.length, 3, 'verifier_fetch_attempts attempts');
    assert.equal(chain.votes[0]!.verified, false);
    assert.equal(chain.votes[0]!.verificationHash, negativeAttestationHash('reason_fetch_failed'));
    assert.match(chain.votes[0]!.details!, /^reason_fetch_failed:connection refused/);
  });

  it('verifier: a stream short of total_size or without is_last is a failed fetch, never a vote on partial bytes', async () => {
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    d.serve = () => [{ chunk: FILE.subarray(0, 100), totalSize: BigInt(FILE.length), isLast: false }];
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.votes[0]!.verified, false);
    assert.match(chain.votes[0]!.details!, /reason_fetch_failed:healer stream ended without is_last at 100 of 3000 bytes/);
  });

  it('verifier: "already submitted" marks the row submitted; a transient error keeps it pending', async () => {
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    chain.voteError = () => rejection(15, 'verification already submitted by creator: heal verification already submitted');
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(e.verifications.get(8n, SELF)?.status, 'submitted');
    chain.put(op({ healOpId: 9n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    chain.voteError = () => Object.assign(new Error('unavailable'), { code: 14, details: 'unavailable' });
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(e.verifications.get(9n, SELF)?.status, 'pending');
  });

  it('verifier: a pending vote that already reached the chain is reconciled by simulation, not re-submitted', async () => {
    chain.put(op({ healOpId: 8n, healerSupernodeAccount: HEALER, verifierSupernodeAccounts: [SELF], status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, resultHash: FILE_HASH }));
    e.verifications.insertPending({ healOpId: 8n, verifierAccount: SELF, verified: true, verificationHash: FILE_HASH });
    chain.votes.push({ healOpId: 8n, verified: true, verificationHash: FILE_HASH }); // what reached the chain before the crash
    await tickAndDrain(buildService(e, chain, d));
    assert.equal(chain.votes.length, 1, 'nothing submitted twice');
    assert.equal(chain.simulations.length, 1);
    assert.equal(d.fetches.length, 0);
    assert.equal(e.verifications.get(8n, SELF)?.status, 'submitted');
  });
});

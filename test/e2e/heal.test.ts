/**
 * Self-healing end to end (issue 6): devnet + 4 daemons with real lumera-alts and the production chain client.
 * A real cascade file is lost by its holder; real challenges fail, the chain schedules a heal op, and the
 * daemons heal, verify and publish (or reject, expire, survive a crash) with no help from the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { LumeraClient } from '../../src/chain/client.js';
import { HealOpStatus, StorageProofResultClass, type HealOp } from '../../src/gen/lumera/audit/v1/audit.js';
import { SelfHealingServiceClient } from '../../src/gen/supernode/self_healing.js';
import { negativeAttestationHash } from '../../src/healing/constants.js';
import type { HealHooks } from '../../src/healing/hooks.js';
import { HealCluster, challengeResults, waitFor, type RealCascadeFile } from '../healing/heal-cluster.js';

const TIMEOUT = 90_000;
const PASS = StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_PASS;

async function holderHasEverything(c: HealCluster, file: RealCascadeFile): Promise<boolean> {
  const st = await c.store(file.holderIndex);
  for (const k of file.artefacts.keys()) {
    try {
      await st.get(k);
    } catch {
      return false;
    }
  }
  return true;
}

test('e2e heal: lost artefacts are healed and verified', { timeout: TIMEOUT }, async (t) => {
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${what} at ${Date.now() - t0} ms`);
  const c = await HealCluster.start();
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    await c.startAll();
    await waitFor('a failed challenge of the holder on chain', async () => (await challengeResults(c, file.actionId, file.holder)).some((r) => r.resultClass !== PASS), 45_000);
    mark('challenge failed');
    await c.waitForOp(file.actionId, 'heal op scheduled', () => true, 60_000);
    mark('op scheduled');
    const verified = await c.waitForOp(file.actionId, 'heal op VERIFIED', (o) => o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED, 60_000);
    mark('op verified');
    assert.notEqual(verified.healerSupernodeAccount, file.holder);
    assert.equal(verified.verifierSupernodeAccounts.length, 2);
    assert.ok(!verified.verifierSupernodeAccounts.includes(verified.healerSupernodeAccount));
    await waitFor('artefacts published to the holder', () => holderHasEverything(c, file), 20_000);
    const healer = c.nodes[c.indexOf(verified.healerSupernodeAccount)]!;
    await waitFor('healer staging removed', () => !existsSync(join(healer.baseDir, 'heal-staging', verified.healOpId.toString())), 10_000);
    mark('published');
    const after = (await c.sn[0]!.getCurrentEpoch()).epochId;
    await waitFor('a passing challenge of the holder after the heal', async () => (await challengeResults(c, file.actionId, file.holder)).some((r) => r.epoch > after && r.resultClass === PASS), 45_000);
    mark('passing challenge');
  } finally {
    await c.stop();
  }
});

/** A hook gate: `wait()` blocks until `open()`. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((res) => (open = res));
  return { wait: () => p, open };
}

/** Blocks until the task is cancelled — the daemon being stopped is the simulated crash; the task ends here. */
function untilKilled(signal: AbortSignal): Promise<void> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('killed'));
    signal.addEventListener('abort', () => reject(new Error('killed')), { once: true });
  });
}

/** Resolves with the op the first time any node reaches the hook. */
function firstReach() {
  let reached!: (op: HealOp) => void;
  const p = new Promise<HealOp>((r) => (reached = r));
  let fired = false;
  return { promise: p, fire: (op: HealOp) => (fired ? false : ((fired = true), reached(op), true)) };
}

/** Wraps a chain client so the test can count the heal txs a restarted daemon sends. */
function counting(counts: { claims: number; votes: number }) {
  return (client: LumeraClient): LumeraClient =>
    new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'claimHealComplete') return (...a: Parameters<LumeraClient['claimHealComplete']>) => (counts.claims++, target.claimHealComplete(...a));
        if (prop === 'submitHealVerification') return (...a: Parameters<LumeraClient['submitHealVerification']>) => (counts.votes++, target.submitHealVerification(...a));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
}

async function failedChallengeThenOp(c: HealCluster, file: RealCascadeFile, pred: (o: HealOp) => boolean, what: string): Promise<HealOp> {
  await waitFor('a failed challenge of the holder on chain', async () => (await challengeResults(c, file.actionId, file.holder)).some((r) => r.resultClass !== PASS), 45_000);
  return c.waitForOp(file.actionId, what, pred, 45_000);
}

test('e2e heal: wrong reconstruction is rejected', { timeout: TIMEOUT }, async () => {
  const c = await HealCluster.start();
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    // Every healer stages bytes that differ from the file it rebuilt (it still claims the true data hash).
    const tamper: HealHooks = {
      async afterStage(_op, dir) {
        const p = join(dir, 'reconstructed.bin');
        const b = await readFile(p);
        b[b.length >> 1] = b[b.length >> 1]! ^ 0x5a;
        await writeFile(p, b);
      },
    };
    await c.startAll(() => ({ healingHooks: tamper }));
    const failed = await failedChallengeThenOp(c, file, (o) => o.status === HealOpStatus.HEAL_OP_STATUS_FAILED, 'heal op FAILED');
    assert.equal(failed.resultHash, negativeAttestationHash('reason_hash_mismatch'), 'the deciding vote carries the mismatch placeholder');
    assert.match(failed.notes, /reason_hash_mismatch:computed=/);
    const healer = c.nodes[c.indexOf(failed.healerSupernodeAccount)]!;
    await waitFor('healer staging removed', () => !existsSync(join(healer.baseDir, 'heal-staging', failed.healOpId.toString())), 15_000);
    await waitFor('claim row removed', () => healer.node?.healing?.metrics.get('heal_finalize_cleanups_total', 'HEAL_OP_STATUS_FAILED') === 1, 15_000);
    assert.equal(healer.node?.healing?.metrics.get('heal_finalize_publishes_total'), 0, 'nothing published');
    assert.equal(await holderHasEverything(c, file), false, 'the holder received nothing');
  } finally {
    await c.stop();
  }
});

test('e2e heal: expired op cleans up', { timeout: TIMEOUT }, async () => {
  const c = await HealCluster.start({ auditParams: { storage_truth_heal_deadline_epochs: 3 } });
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    const first = firstReach();
    // The first healer to get an op stages it, writes its pending row, then goes down before claiming.
    const hooks: HealHooks = { beforeClaimSubmit: async (op, signal) => (first.fire(op) ? untilKilled(signal) : undefined) };
    await c.startAll(() => ({ healingHooks: hooks }));
    const op1 = await first.promise;
    const h = c.indexOf(op1.healerSupernodeAccount);
    const staging = join(c.nodes[h]!.baseDir, 'heal-staging', op1.healOpId.toString());
    assert.ok(existsSync(join(staging, 'manifest.json')), 'staging complete before the crash');
    await c.stopDaemon(h);
    await c.waitForOp(file.actionId, `heal op ${op1.healOpId} EXPIRED`, (o) => o.healOpId === op1.healOpId && o.status === HealOpStatus.HEAL_OP_STATUS_EXPIRED, 30_000);
    assert.ok(existsSync(staging), 'nothing cleaned while the healer was down');
    await c.startDaemon(h);
    await waitFor('expired staging cleaned by the restarted healer', () => !existsSync(staging), 15_000);
    // Removed by the start-up resume of the pending claim (op EXPIRED → resume_terminal) or by the finalizer.
    const m = c.nodes[h]!.node!.healing!.metrics;
    const cleanups = () => m.get('heal_claims_submitted_total', 'result=resume_terminal') + m.get('heal_finalize_cleanups_total', 'HEAL_OP_STATUS_EXPIRED');
    await waitFor('the expired claim row dropped', () => cleanups() === 1, 5_000);
    const op2 = await c.waitForOp(file.actionId, 'rescheduled heal op VERIFIED', (o) => o.healOpId > op1.healOpId && o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED, 60_000);
    assert.ok(op2.healOpId > op1.healOpId);
    await waitFor('artefacts published to the holder', () => holderHasEverything(c, file), 20_000);
  } finally {
    await c.stop();
  }
});

test('e2e heal: crash between submit and record does not double submit', { timeout: TIMEOUT }, async () => {
  const c = await HealCluster.start();
  const children = new Map<number, ChildProcess>();
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    // Every daemon runs in its own process (daemon-child.ts) so the crash is a real SIGKILL.
    const claimed = firstReach();
    const voted = firstReach();
    let firstVoter: number | undefined;
    const held: number[] = [];
    await Promise.all(c.nodes.map(async (n) => {
      const child = fork(fileURLToPath(new URL('../healing/daemon-child.js', import.meta.url)), [], {
        env: { ...process.env, HEAL_CHILD: JSON.stringify({ index: n.index, address: n.address, mnemonic: c.devnet.supernodes[n.index]!.mnemonic, baseDir: n.baseDir, port: n.port, rpcUrl: c.devnet.rpcUrl, chainId: c.devnet.chainId }) },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.set(n.index, child);
      child.on('message', (m: { event: string; op?: string }) => {
        if (m.event === 'claimed') claimed.fire({ healOpId: BigInt(m.op!), index: n.index } as unknown as HealOp);
        if (m.event === 'voted') voted.fire({ healOpId: BigInt(m.op!), index: n.index } as unknown as HealOp);
        if (m.event === 'verify') {
          // One verifier votes first; the other waits until the first was killed, restarted and reconciled.
          firstVoter ??= n.index;
          if (firstVoter === n.index) child.send({ go: m.op });
          else held.push(n.index);
        }
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`daemon ${n.index} process not ready within 30 s`)), 30_000);
        child.once('exit', (code) => reject(new Error(`daemon ${n.index} process exited (${code}) before it was ready`)));
        child.on('message', (m: { event: string }) => {
          if (m.event !== 'ready') return;
          clearTimeout(timer);
          resolve();
        });
      });
    }));
    const kill9 = async (i: number) => {
      const child = children.get(i)!;
      children.delete(i);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    };

    // Healer: MsgClaimHealComplete is in a block, the row is still pending → kill -9, restart.
    const claim = (await claimed.promise) as unknown as { healOpId: bigint; index: number };
    await kill9(claim.index);
    const healerCounts = { claims: 0, votes: 0 };
    await c.startDaemon(claim.index, {}, counting(healerCounts));
    await waitFor('healer reconciled its pending claim', () => c.nodes[claim.index]!.node?.healing?.metrics.get('heal_claims_reconciled_total') === 1, 20_000);

    // Verifier: MsgSubmitHealVerification is in a block, the row is still pending → kill -9, restart.
    const vote = (await voted.promise) as unknown as { healOpId: bigint; index: number };
    await kill9(vote.index);
    const voterCounts = { claims: 0, votes: 0 };
    await c.startDaemon(vote.index, {}, counting(voterCounts));
    await waitFor('verifier reconciled its pending vote', () => c.nodes[vote.index]!.node?.healing?.metrics.get('heal_verifications_reconciled_total') === 1, 20_000);
    await waitFor('the second verifier asked to fetch', () => held.length > 0, 20_000);
    for (const i of held) children.get(i)?.send({ go: claim.healOpId.toString() });

    await c.waitForOp(file.actionId, 'heal op VERIFIED', (o) => o.healOpId === claim.healOpId && o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED, 30_000);
    await waitFor('artefacts published to the holder', () => holderHasEverything(c, file), 20_000);
    assert.deepEqual(healerCounts, { claims: 0, votes: 0 }, 'the restarted healer sent no second claim');
    assert.equal(voterCounts.votes, 0, 'the restarted verifier sent no second vote');
  } finally {
    for (const child of children.values()) child.kill('SIGKILL');
    await c.stop();
  }
});

test('e2e heal: unassigned caller gets no bytes', { timeout: TIMEOUT }, async () => {
  const c = await HealCluster.start();
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    const hold = gate();
    await c.startAll(() => ({ healingHooks: { beforeVerifyFetch: () => hold.wait() } }));
    const op = await failedChallengeThenOp(c, file, (o) => o.status === HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, 'heal op HEALER_REPORTED');
    const stranger = c.nodes.find((n) => n.address !== op.healerSupernodeAccount && !op.verifierSupernodeAccounts.includes(n.address))!;
    assert.ok(stranger, 'a registered supernode outside the op');
    const client = await stranger.node!.dialer!.client<SelfHealingServiceClient>(op.healerSupernodeAccount, SelfHealingServiceClient as unknown as grpc.ServiceClientConstructor);
    // The request even names a real verifier: identity comes from the handshake only.
    const call = client.serveReconstructedArtefacts({ healOpId: op.healOpId, verifierAccount: op.verifierSupernodeAccounts[0]! }, { deadline: Date.now() + 10_000 });
    let bytes = 0;
    const err = await new Promise<grpc.ServiceError | undefined>((resolve) => {
      call.on('data', (m: { chunk: Uint8Array }) => (bytes += m.chunk.length));
      call.on('error', (e: grpc.ServiceError) => resolve(e));
      call.on('end', () => resolve(undefined));
    });
    assert.equal(err?.code, grpc.status.PERMISSION_DENIED);
    assert.equal(err?.details, `caller "${stranger.address}" not in verifier set`);
    assert.equal(bytes, 0);
    hold.open();
    await c.waitForOp(file.actionId, 'heal op VERIFIED', (o) => o.healOpId === op.healOpId && o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED, 30_000);
  } finally {
    await c.stop();
  }
});

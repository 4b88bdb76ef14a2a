import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EpochReport, StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofBucketType, StorageProofResultClass } from '../../src/deterministic/index.js';
import { Cluster, waitFor } from './helpers/cluster.js';

const TEST_TIMEOUT = 60_000;

/**
 * Rows that say something about the target's data: not a TIMEOUT (in the first epoch a target may not be
 * listening yet) and not NO_ELIGIBLE (epoch 0 is never challenged).
 */
const notStartupTimeout = (r: StorageProofResult) =>
  (r.resultClass as number) !== StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE && (r.resultClass as number) !== StorageProofResultClass.NO_ELIGIBLE_TICKET;

/** Every challenger with a target in `epoch`, and the targets. */
async function assignment(c: Cluster, epoch: bigint): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const n of c.nodes) {
    const t = await c.sn[0]!.getAssignedTargets(n.address, epoch);
    if (t.targetSupernodeAccounts.length > 0) out.set(n.address, t.targetSupernodeAccounts);
  }
  return out;
}

async function reportOf(c: Cluster, epoch: bigint, account: string): Promise<EpochReport | undefined> {
  return c.sn[0]!.getEpochReport(epoch, account);
}

function descriptorKey(r: StorageProofResult): string {
  return [r.targetSupernodeAccount, r.bucketType, r.ticketId, r.artifactClass, r.artifactOrdinal].join('|');
}

/** A cluster with one cascade file finalised by (and held by every node incl.) each supernode. */
async function clusterWithFiles(opts: Parameters<typeof Cluster.start>[0] = {}) {
  const c = await Cluster.start(opts);
  try {
    for (let i = 0; i < c.nodes.length; i++) await c.placeCascadeFile(i);
  } catch (err) {
    await c.stop();
    throw err;
  }
  return c;
}

test('e2e challenge: honest holders all PASS', { timeout: TEST_TIMEOUT }, async () => {
  const c = await clusterWithFiles();
  try {
    await c.startAll();
    const epoch = (await c.epoch()) + 1n;
    await waitFor(`epoch ${epoch}`, async () => (await c.epoch()) >= epoch, 20_000);
    const assigned = await assignment(c, epoch);
    assert.ok(assigned.size > 0, 'some challenger has a target');
    for (const [challenger, targets] of assigned) {
      const report = await waitFor(`report of ${challenger} for epoch ${epoch}`, () => reportOf(c, epoch, challenger), 20_000);
      const rows = report.storageProofResults;
      assert.equal(rows.length, 2 * targets.length, 'one RECENT and one OLD row per target (FULL mode)');
      const recent = rows.filter((r) => (r.bucketType as number) === StorageProofBucketType.RECENT);
      assert.equal(recent.length, targets.length);
      for (const r of recent) {
        assert.equal(r.resultClass as number, StorageProofResultClass.PASS, `row ${r.ticketId} → ${r.details}`);
        assert.equal(r.challengerSupernodeAccount, challenger);
        assert.ok(targets.includes(r.targetSupernodeAccount));
        assert.match(r.transcriptHash, /^[0-9a-f]{64}$/);
        assert.match(r.challengerSignature, /^[0-9a-f]{128}$/);
      }
      // OLD: no ticket is old enough on a fresh chain.
      for (const r of rows.filter((x) => (x.bucketType as number) === StorageProofBucketType.OLD)) assert.equal(r.resultClass as number, StorageProofResultClass.NO_ELIGIBLE_TICKET);
      assert.equal(report.storageChallengeObservations.length, targets.length);
    }
  } finally {
    await c.stop();
  }
});

test('e2e challenge: corrupted artefact is HASH_MISMATCH', { timeout: 90_000 }, async () => {
  const c = await clusterWithFiles();
  try {
    // Flip one byte of node 0's copy of the artefact of its own ticket (the only one it is challenged on).
    const victim = c.nodes[0]!;
    const file = (await c.sn[0]!.listActionsBySuperNode(victim.address))[0]!;
    const { CascadeMetadata } = await import('../../src/gen/lumera/action/v1/metadata.js');
    const key = CascadeMetadata.decode(file.metadata).rqIdsIds[0]!;
    const { ArtefactStore } = await import('../../src/store/artefacts.js');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const path = (await ArtefactStore.open(`${victim.baseDir}/artefacts`)).pathOf(key);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(path, bytes);

    await c.startAll();
    // From the first epoch the daemons run in: the first challenge of the victim (before any scoring of it).
    const { row } = await c.firstRecentRowAgainst(victim.address, await c.epoch(), 10, notStartupTimeout);
    assert.equal(row.resultClass as number, StorageProofResultClass.HASH_MISMATCH, row.details);
    assert.equal(row.artifactKey, key);
    assert.match(row.details, /content hash mismatch/);
  } finally {
    await c.stop();
  }
});

test('e2e challenge: offline target is TIMEOUT_OR_NO_RESPONSE', { timeout: 90_000 }, async () => {
  const c = await clusterWithFiles({ readTimeoutMs: 1500 });
  try {
    await c.startAll();
    const offline = c.nodes[1]!;
    await c.stopDaemon(offline.index);
    const { epoch, row, report } = await c.firstRecentRowAgainst(offline.address, (await c.epoch()) + 1n);
    assert.equal(row.resultClass as number, StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE, row.details);
    // Landed inside the epoch it was dispatched for: the call ended by the deadline, not by a stalled challenger.
    const anchor = await c.sn[0]!.getEpochAnchor(epoch);
    assert.ok(report.reportHeight <= anchor!.epochEndHeight);
  } finally {
    await c.stop();
  }
});

test('e2e challenge: restart mid-epoch still reports', { timeout: TEST_TIMEOUT }, async () => {
  // Longer epochs: the restarted process must come back and report inside the same epoch even on a busy machine.
  const c = await clusterWithFiles({ epochBlocks: 40 });
  try {
    const from = (await c.epoch()) + 1n;
    let killed: { index: number; epoch: bigint; done: Promise<void> } | undefined;
    await c.startAll((i) => ({
      challengerHooks: {
        onDispatched: async (epoch) => {
          const node = c.nodes[i]!.node;
          if (killed || !node || epoch < from || node.buffer.peek(epoch).length === 0) return;
          // Kill this challenger between dispatch and report: its buffered rows die with it.
          killed = { index: i, epoch, done: c.stopDaemon(i) };
          await waitFor('challenger stopping', () => node.challenger!.isStopping, 5000, 5);
        },
      },
    }));
    const k = await waitFor('a challenger killed mid-epoch', () => killed, 30_000);
    await k.done;
    const account = c.nodes[k.index]!.address;
    assert.equal(await reportOf(c, k.epoch, account), undefined, 'the killed process did not report');
    assert.equal(await c.epoch(), k.epoch, 'still inside the epoch');
    const restarted = await c.startDaemon(k.index);
    const report = await waitFor(`report of the restarted challenger for epoch ${k.epoch}`, () => reportOf(c, k.epoch, account), 20_000);
    const targets = (await c.sn[0]!.getAssignedTargets(account, k.epoch)).targetSupernodeAccounts;
    assert.equal(report.storageProofResults.length, 2 * targets.length);
    const keys = report.storageProofResults.map(descriptorKey);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate result descriptors');
    // The report is visible on chain as soon as its block commits; the challenger records the epoch as
    // submitted once it has seen that tx confirmed, a moment later.
    await waitFor('the restarted challenger records the epoch as submitted', () => {
      const last = restarted.challenger!.lastSubmittedEpoch;
      return last !== undefined && last >= k.epoch ? last : undefined;
    }, 10_000);
  } finally {
    await c.stop();
  }
});

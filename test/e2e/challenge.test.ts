import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EpochReport, StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofBucketType, StorageProofResultClass } from '../../src/deterministic/index.js';
import { Cluster, waitFor } from './helpers/cluster.js';

const TEST_TIMEOUT = 60_000;

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

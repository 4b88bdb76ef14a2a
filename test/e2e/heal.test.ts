/**
 * Self-healing end to end (issue 6): devnet + 4 daemons with real lumera-alts and the production chain client.
 * A real cascade file is lost by its holder; real challenges fail, the chain schedules a heal op, and the
 * daemons heal, verify and publish (or reject, expire, survive a crash) with no help from the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofResultClass } from '../../src/gen/lumera/audit/v1/audit.js';
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

test('e2e heal: lost artefacts are healed and verified', { timeout: TIMEOUT }, async () => {
  const c = await HealCluster.start();
  try {
    const file = await c.placeRealCascadeFile(0);
    await c.loseArtefacts(file);
    await c.startAll();
    await waitFor('a failed challenge of the holder on chain', async () => (await challengeResults(c, file.actionId, file.holder)).some((r) => r.resultClass !== PASS), 45_000);
    const verified = await c.waitForOp(file.actionId, 'heal op VERIFIED', (o) => o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED, 60_000);
    assert.notEqual(verified.healerSupernodeAccount, file.holder);
    assert.equal(verified.verifierSupernodeAccounts.length, 2);
    assert.ok(!verified.verifierSupernodeAccounts.includes(verified.healerSupernodeAccount));
    await waitFor('artefacts published to the holder', () => holderHasEverything(c, file), 20_000);
    const healer = c.nodes[c.indexOf(verified.healerSupernodeAccount)]!;
    await waitFor('healer staging removed', () => !existsSync(join(healer.baseDir, 'heal-staging', verified.healOpId.toString())), 10_000);
    const after = (await c.sn[0]!.getCurrentEpoch()).epochId;
    await waitFor('a passing challenge of the holder after the heal', async () => (await challengeResults(c, file.actionId, file.holder)).some((r) => r.epoch > after && r.resultClass === PASS), 45_000);
  } finally {
    await c.stop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageProofResultClass } from '../../src/deterministic/index.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { recheckEvidenceMsg } from '../../src/chain/messages.js';
import { isRecheckEvidenceAlreadySubmitted } from '../../src/chain/errors.js';
import type { RecheckEvidenceInput } from '../../src/chain/client.js';
import { Cluster, waitFor, wrapChain } from './helpers/cluster.js';
import type { StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';

/**
 * Rows that say something about the target's data: not a TIMEOUT (in the first epoch a target may not be
 * listening yet) and not NO_ELIGIBLE (epoch 0 is never challenged).
 */
const notStartupTimeout = (r: StorageProofResult) =>
  (r.resultClass as number) !== StorageProofResultClass.TIMEOUT_OR_NO_RESPONSE && (r.resultClass as number) !== StorageProofResultClass.NO_ELIGIBLE_TICKET;

/** The reported storage-proof row with this transcript hash in `epoch`, and who reported it. */
async function findReportedRow(c: Cluster, epoch: bigint, transcriptHash: string): Promise<{ reporter: string; row: StorageProofResult } | undefined> {
  for (const n of c.nodes) {
    const report = await c.sn[0]!.getEpochReport(epoch, n.address);
    const row = report?.storageProofResults.find((r) => r.transcriptHash === transcriptHash);
    if (row) return { reporter: n.address, row };
  }
  return undefined;
}

test('e2e recheck: failure is rechecked by another node', { timeout: 90_000 }, async () => {
  const c = await Cluster.start({ recheck: false });
  try {
    for (let i = 0; i < c.nodes.length; i++) await c.placeCascadeFile(i);
    const victim = c.nodes[0]!;
    const action = (await c.sn[0]!.listActionsBySuperNode(victim.address))[0]!;
    const key = CascadeMetadata.decode(action.metadata).rqIdsIds[0]!;
    const path = (await ArtefactStore.open(join(victim.baseDir, 'artefacts'))).pathOf(key);
    const bytes = readFileSync(path);
    bytes[0]! ^= 0x80;
    writeFileSync(path, bytes);
    await c.startAll();

    // 1. Some challenger reports HASH_MISMATCH against the victim (its first challenge, from the first epoch).
    const first = await c.firstRecentRowAgainst(victim.address, await c.epoch(), 10, notStartupTimeout);
    assert.equal(first.row.resultClass as number, StorageProofResultClass.HASH_MISMATCH, first.row.details);
    const { epoch, challenger } = first;

    // 2. A node that is neither the target nor the reporter rechecks it. Its first submission is accepted by
    //    the chain, then the process "crashes" before marking the row submitted (the call fails as a transient
    //    error would, leaving the row pending).
    const rechecker = c.nodes.find((n) => n.address !== victim.address && n.address !== challenger)!;
    await c.stopDaemon(rechecker.index);
    let accepted: RecheckEvidenceInput | undefined;
    const crashing = await c.startDaemon(rechecker.index, {}, (real) => wrapChain(real, {
      submitStorageRecheckEvidence: async (input) => {
        await real.submitStorageRecheckEvidence(input);
        accepted ??= input; // the test follows the first; later ones stay pending just the same
        throw Object.assign(new Error('simulated crash between broadcast and mark'), { name: 'AbortError' });
      },
    }), true);
    await waitFor('the rechecker\'s evidence on chain', () => accepted, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; rechecker metrics ${JSON.stringify(crashing.metrics.snapshot())}; epoch now ${String(c.devnet.height())}`);
    });
    // On a slow machine more failures than the first may be waiting by now (the victim stays corrupt): the
    // rechecker may take any of them. Whichever it took must be a real failed result against the victim,
    // reported by another node; from here on the test follows that one.
    assert.equal(accepted!.challengedSupernodeAccount, victim.address);
    assert.equal(accepted!.recheckResultClass as number, StorageProofResultClass.RECHECK_CONFIRMED_FAIL);
    assert.ok(accepted!.epochId >= epoch, `rechecked epoch ${accepted!.epochId} is not before the first failure's ${epoch}`);
    const reportedRow = await findReportedRow(c, accepted!.epochId, accepted!.challengedResultTranscriptHash);
    assert.ok(reportedRow, `no reported result with transcript ${accepted!.challengedResultTranscriptHash} in epoch ${accepted!.epochId}`);
    assert.notEqual(reportedRow.reporter, rechecker.address, 'a node never rechecks its own report');
    assert.equal(reportedRow.row.targetSupernodeAccount, victim.address);
    assert.equal(reportedRow.row.resultClass as number, StorageProofResultClass.HASH_MISMATCH);
    const rEpoch = accepted!.epochId;
    const rTicket = accepted!.ticketId;
    const pending = await waitFor('a pending local row', () => {
      const row = crashing.repos!.recheckSubmissions.get(rEpoch, rTicket);
      return row?.status === 'pending' ? row : undefined;
    }, 5000, 20);
    assert.equal(pending.resultClass, StorageProofResultClass.RECHECK_CONFIRMED_FAIL);
    // The chain holds it: the same evidence again is refused as already submitted (dry run, nothing broadcast).
    const dup = await c.sn[rechecker.index]!.simulateMessages([recheckEvidenceMsg(rechecker.address, accepted!)]).then(() => undefined, (e: unknown) => e);
    assert.ok(isRecheckEvidenceAlreadySubmitted(dup), `expected "already submitted", got ${String(dup)}`);
    await c.stopDaemon(rechecker.index);

    // 3. After the restart the pending row is reconciled (dry run says the chain has it) — no second submission.
    let submits = 0;
    const restarted = await c.startDaemon(rechecker.index, {}, (real) => wrapChain(real, {
      submitStorageRecheckEvidence: async (input) => {
        // Only this evidence counts: the victim stays corrupt, so later epochs' failures are rechecked anew.
        if (input.epochId === rEpoch && input.challengedResultTranscriptHash === accepted!.challengedResultTranscriptHash) submits++;
        return real.submitStorageRecheckEvidence(input);
      },
    }), true);
    const row = await waitFor('the row marked submitted', () => {
      const r = restarted.repos!.recheckSubmissions.get(rEpoch, rTicket);
      return r?.status === 'submitted' ? r : undefined;
    }, 15_000, 50);
    assert.equal(row.recheckTranscriptHash, accepted!.recheckTranscriptHash);
    assert.equal(submits, 0, 'no second submission of the same evidence was attempted');
    // At least ours (more if the crashing process got further evidence onto the chain before it stopped).
    assert.ok(restarted.metrics.get('recheck_evidence_already_submitted_total') >= 1);
  } finally {
    await c.stop();
  }
});

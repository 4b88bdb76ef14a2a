/**
 * Acceptance test of issue 3: the production chain client against the devnet (4 supernodes, 3-block epochs).
 * Every audit tx a supernode sends is included with code 0, and an invalid twin of each is rejected with the
 * chain's own text (spec 03), classified to the spec 03 §8 reaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChainAbciError, classifyChainError, isEpochReportDuplicate, isRecheckEvidenceAlreadySubmitted, isVerificationAlreadySubmitted,
} from '../../src/chain/errors.js';
import type { LumeraClient } from '../../src/chain/client.js';
import {
  HealOpStatus, PortState, StorageProofArtifactClass, StorageProofBucketType, StorageProofResultClass, type StorageProofResult,
} from '../../src/gen/lumera/audit/v1/audit.js';
import { advanceToEpochStart, settle, settleError, startTestChain } from '../chain/devnet-helpers.js';

const TICKET = 'e2e-ticket-1';

function hashMismatch(creator: string, target: string, ordinal: number): StorageProofResult {
  return {
    targetSupernodeAccount: target, challengerSupernodeAccount: creator, ticketId: TICKET,
    bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_RECENT, artifactClass: StorageProofArtifactClass.STORAGE_PROOF_ARTIFACT_CLASS_INDEX,
    artifactOrdinal: ordinal, artifactKey: `index-key-${ordinal}`, resultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_HASH_MISMATCH,
    transcriptHash: `e2e-transcript-${ordinal}`, details: '', artifactCount: 8, derivationInputHash: `derivation-${ordinal}`,
    challengerSignature: `signature-${ordinal}`, observerAttestationSignatures: [],
  };
}

/** The chain's rejection: its log holds `text`, and (codespace, code) are recovered. */
function assertRejected(err: unknown, code: number, text: string): ChainAbciError {
  assert.ok(err instanceof ChainAbciError, `expected a chain rejection, got ${String(err)}`);
  assert.ok(err.failure.log.includes(text), `log ${JSON.stringify(err.failure.log)} lacks ${JSON.stringify(text)}`);
  const v = classifyChainError(err);
  assert.equal(v.codespace, 'audit');
  assert.equal(v.code, code);
  return err;
}

test('e2e chain: every audit tx accepted and its invalid twin rejected', { timeout: 120_000 }, async () => {
  const chain = await startTestChain({ supernodes: 4, epochBlocks: 3, auditParams: { consecutive_epochs_to_postpone: 100 } });
  try {
    const sn = chain.sn;
    const byAddress = new Map<string, LumeraClient>(sn.map((c) => [c.signerAddress!, c]));
    const client = (addr: string) => {
      const c = byAddress.get(addr);
      assert.ok(c, `no client for ${addr}`);
      return c;
    };

    // ---- 1. Epoch reports (epoch ≥ 1, so the index failure epoch is non-zero and schedules a heal op).
    const epoch = await advanceToEpochStart(chain, sn[0]!);
    assert.ok(epoch >= 1n);
    const assigned = await Promise.all(sn.map((c) => c.getAssignedTargets(c.signerAddress!, epoch)));
    const proberIdx = assigned.findIndex((a) => a.targetSupernodeAccounts.length > 0);
    assert.ok(proberIdx >= 0, 'some supernode is a prober with a target');
    const prober = sn[proberIdx]!;
    const proberAddr = prober.signerAddress!;
    const target = assigned[proberIdx]!.targetSupernodeAccounts[0]!;
    const ports = assigned[proberIdx]!.requiredOpenPorts.map(() => PortState.PORT_STATE_OPEN);
    const results = Array.from({ length: 8 }, (_, i) => hashMismatch(proberAddr, target, i));
    const reports = await settle(chain, Promise.all(sn.map((c, i) => c.submitEpochReport(i === proberIdx
      ? { epochId: epoch, hostReport: { diskUsagePercent: 40 }, storageChallengeObservations: [{ targetSupernodeAccount: target, portStates: ports }], storageProofResults: results }
      : { epochId: epoch, hostReport: { diskUsagePercent: 40 } }))), sn.length);
    for (const r of reports) assert.ok(r.height > 0n && r.txHash.length === 64);
    const stored = await prober.getEpochReport(epoch, proberAddr);
    assert.equal(stored?.storageProofResults.length, 8);
    assert.equal(stored?.reportHeight, reports[proberIdx]!.height);

    // Twin: the same report again.
    const dup = await settleError(chain, prober.submitEpochReport({ epochId: epoch, hostReport: { diskUsagePercent: 40 } }));
    assertRejected(dup, 4, 'report already submitted for this epoch: duplicate report');
    assert.equal(isEpochReportDuplicate(dup), true);
    assert.equal(classifyChainError(dup).reaction, 'DONE');

    // ---- 2. The epoch end schedules a heal op for the ticket; its healer claims.
    await advanceToEpochStart(chain, sn[0]!);
    const scheduled = (await sn[0]!.listHealOpsByStatus(HealOpStatus.HEAL_OP_STATUS_SCHEDULED)).filter((o) => o.ticketId === TICKET);
    assert.equal(scheduled.length, 1, 'one heal op scheduled for the ticket');
    const op = scheduled[0]!;
    assert.equal(op.verifierSupernodeAccounts.length, 2);
    assert.notEqual(op.healerSupernodeAccount, target);
    const healer = client(op.healerSupernodeAccount);
    const verifier = client(op.verifierSupernodeAccounts[0]!);
    const manifest = 'e2e-manifest-hash';

    // Twin: a verifier tries to claim.
    const wrongClaimer = await settleError(chain, verifier.claimHealComplete({ healOpId: op.healOpId, ticketId: TICKET, healManifestHash: manifest }));
    assertRejected(wrongClaimer, 12, 'creator is not assigned healer for this heal op: heal op unauthorized actor');
    assert.equal(classifyChainError(wrongClaimer).reaction, 'DROP');

    const claim = await settle(chain, healer.claimHealComplete({ healOpId: op.healOpId, ticketId: TICKET, healManifestHash: manifest, details: 'e2e' }));
    assert.ok(claim.height > 0n);
    const claimed = await healer.getHealOp(op.healOpId);
    assert.equal(claimed?.status, HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED);
    assert.equal(claimed?.resultHash, manifest);

    // ---- 3. A verifier votes; voting twice is refused.
    const vote = await settle(chain, verifier.submitHealVerification({ healOpId: op.healOpId, verified: true, verificationHash: manifest }));
    assert.ok(vote.height > 0n);
    const again = await settleError(chain, verifier.submitHealVerification({ healOpId: op.healOpId, verified: true, verificationHash: manifest }));
    assertRejected(again, 15, 'verification already submitted by creator: heal verification already submitted');
    assert.equal(isVerificationAlreadySubmitted(again), true);
    assert.equal(classifyChainError(again).reaction, 'DONE');

    // ---- 4. Recheck evidence on one of the prober's failures, by a third supernode.
    const rechecker = sn.find((c) => c.signerAddress !== proberAddr && c.signerAddress !== target)!;
    const recheck = {
      epochId: epoch, challengedSupernodeAccount: target, ticketId: TICKET, challengedResultTranscriptHash: results[0]!.transcriptHash,
      recheckTranscriptHash: 'e2e-recheck-transcript-0', recheckResultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_RECHECK_CONFIRMED_FAIL,
    };
    // Twin first: naming oneself as the challenged supernode.
    const self = await settleError(chain, rechecker.submitStorageRecheckEvidence({ ...recheck, challengedSupernodeAccount: rechecker.signerAddress! }));
    assertRejected(self, 10, 'challenged_supernode_account must not equal creator: invalid storage recheck evidence');
    assert.equal(classifyChainError(self).reaction, 'DROP');
    const ok = await settle(chain, rechecker.submitStorageRecheckEvidence(recheck));
    assert.ok(ok.height > 0n);
    const replay = await settleError(chain, rechecker.submitStorageRecheckEvidence({ ...recheck, recheckTranscriptHash: 'e2e-recheck-transcript-1' }));
    assertRejected(replay, 10, `recheck evidence already submitted for epoch ${epoch} ticket "${TICKET}" by "${rechecker.signerAddress}"`);
    assert.equal(isRecheckEvidenceAlreadySubmitted(replay), true);
    assert.equal(classifyChainError(replay).reaction, 'DONE');
  } finally {
    await chain.stop();
  }
});

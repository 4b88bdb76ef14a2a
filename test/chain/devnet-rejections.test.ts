/**
 * One test per spec 03 §8 row a supernode can trigger: the production client sends the offending tx to the
 * devnet, the rejection carries the chain's exact text, and classification yields the row's reaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAbciError, classifyChainError, isHealClaimAlreadyAccepted, type ChainReaction, type ClassifyContext } from '../../src/chain/errors.js';
import type { LumeraClient, RecheckEvidenceInput } from '../../src/chain/client.js';
import {
  HealOpStatus, StorageProofArtifactClass, StorageProofBucketType, StorageProofResultClass, type StorageProofResult,
} from '../../src/gen/lumera/audit/v1/audit.js';
import { advanceToEpochStart, settle, settleError, startTestChain } from './devnet-helpers.js';

const TICKET = 'rows-ticket';
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

function result(creator: string, target: string, ordinal: number, cls = StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_HASH_MISMATCH): StorageProofResult {
  return {
    targetSupernodeAccount: target, challengerSupernodeAccount: creator, ticketId: TICKET,
    bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_RECENT, artifactClass: StorageProofArtifactClass.STORAGE_PROOF_ARTIFACT_CLASS_INDEX,
    artifactOrdinal: ordinal, artifactKey: `key-${ordinal}`, resultClass: cls, transcriptHash: `rows-transcript-${ordinal}`, details: '',
    artifactCount: 16, derivationInputHash: `din-${ordinal}`, challengerSignature: `sig-${ordinal}`, observerAttestationSignatures: [],
  };
}

/** Asserts the chain's text, the (codespace, code) and the §8 reaction. */
function row(err: unknown, code: number, text: string | RegExp, reaction: ChainReaction, ctx?: ClassifyContext): void {
  assert.ok(err instanceof ChainAbciError, `expected a chain rejection, got ${String(err)}`);
  const log = err.failure.log;
  if (typeof text === 'string') assert.ok(log.includes(`: ${text}`), `log ${JSON.stringify(log)} lacks ${JSON.stringify(text)}`);
  else assert.match(log, text);
  const v = classifyChainError(err, ctx);
  assert.deepEqual([v.codespace, v.code, v.reaction], ['audit', code, reaction], `${text}: ${JSON.stringify(v)}`);
}

test('devnet §8 rows: epoch report, heal claim, heal verification and recheck rejections', { timeout: 120_000 }, async () => {
  const chain = await startTestChain({ supernodes: 4, epochBlocks: 20, auditParams: { consecutive_epochs_to_postpone: 100 } });
  try {
    const sn = chain.sn;
    const byAddr = (a: string) => sn.find((c) => c.signerAddress === a)!;
    const epoch = await advanceToEpochStart(chain, sn[0]!);
    const assigned = await Promise.all(sn.map((c) => c.getAssignedTargets(c.signerAddress!)));
    const pIdx = assigned.findIndex((a) => a.targetSupernodeAccounts.length > 0);
    const P = sn[pIdx]!;
    const p = P.signerAddress!;
    const T = assigned[pIdx]!.targetSupernodeAccounts[0]!;
    const others = sn.filter((c) => c.signerAddress !== p && c.signerAddress !== T);
    const X = others[0]!.signerAddress!;
    const open = [1, 1, 1];
    const obs = [{ targetSupernodeAccount: T, portStates: open }];
    const rep = (r: Partial<Parameters<LumeraClient['submitEpochReport']>[0]>) => settleError(chain, P.submitEpochReport({ epochId: epoch, ...r }));

    // ---- MsgSubmitEpochReport (spec 03 §3.1)
    row(await rep({ epochId: epoch + 1n }), 2, new RegExp(`epoch_id ${epoch + 1n} not accepted at height \\d+: invalid epoch id`), 'RETRY', { currentEpochId: epoch });
    row(await rep({ epochId: epoch - 1n }), 2, new RegExp(`epoch_id ${epoch - 1n} not accepted at height \\d+: invalid epoch id`), 'DROP', { currentEpochId: epoch });
    row(await rep({ hostReport: { cpuUsagePercent: 100.5 } }), 18, 'cpu_usage_percent must be a finite percentage in [0,100], got 100.5: invalid host metric', 'REBUILD');
    row(await rep({ hostReport: { cascadeKademliaDbBytes: -1 } }), 18, 'cascade_kademlia_db_bytes must be >= 0, got -1: invalid host metric', 'REBUILD');
    row(await rep({ hostReport: { inboundPortStates: [1] } }), 6, 'inbound_port_states length 1 must be 0 or 3: invalid port states length', 'REBUILD');
    row(await rep({ hostReport: { inboundPortStates: [1, 1, 1, 1] } }), 6, 'inbound_port_states length 4 exceeds required_open_ports length 3: invalid port states length', 'REBUILD');
    row(await rep({ storageChallengeObservations: [{ targetSupernodeAccount: p, portStates: open }] }), 5, 'self-targeting is not allowed: invalid peer observations', 'REBUILD');
    row(await rep({ storageChallengeObservations: [{ targetSupernodeAccount: X, portStates: open }] }), 5, `target "${X}" is not assigned to reporter in this epoch: invalid peer observations`, 'REBUILD');
    row(await rep({ storageChallengeObservations: [...obs, ...obs] }), 5, `duplicate storage challenge observation for target "${T}": invalid peer observations`, 'REBUILD');
    row(await rep({ storageChallengeObservations: [{ targetSupernodeAccount: T, portStates: [1, 2] }] }), 6, 'port_states length 2 does not match required_open_ports length 3: invalid port states length', 'REBUILD');
    row(await rep({ storageProofResults: Array.from({ length: 17 }, (_, i) => result(p, T, i)) }), 9, 'too many storage proof results: got 17, max 16: invalid storage proof results', 'REBUILD');
    row(await rep({ storageProofResults: [{ ...result(p, T, 0), transcriptHash: '' }] }), 9, 'storage_proof_results[0].transcript_hash is required: invalid storage proof results', 'REBUILD');
    row(await rep({ storageProofResults: [{ ...result(p, T, 0), challengerSupernodeAccount: X }] }), 9, 'storage_proof_results[0].challenger_supernode_account must match report creator: invalid storage proof results', 'REBUILD');
    row(await rep({ storageProofResults: [result(p, T, 0), { ...result(p, T, 0), resultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_PASS }] }), 9, 'storage_proof_results[1] duplicates another storage proof result descriptor: invalid storage proof results', 'REBUILD');
    const outsider = chain.accounts[0]!;
    row(await settleError(chain, outsider.submitEpochReport({ epochId: epoch })), 7, 'creator is not a registered supernode: reporter supernode not found', 'DROP');

    // The accepted reports: P's failures on TICKET plus one PASS (for the not-recheck-eligible row).
    const results = [...Array.from({ length: 8 }, (_, i) => result(p, T, i)), { ...result(p, T, 8, StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_PASS), transcriptHash: 'rows-pass' }];
    await settle(chain, Promise.all(sn.map((c) => c.submitEpochReport(c === P ? { epochId: epoch, storageChallengeObservations: obs, storageProofResults: results } : { epochId: epoch }))), sn.length);
    row(await rep({}), 4, 'report already submitted for this epoch: duplicate report', 'DONE');
    // The scoring rows the accepted report created, read back through the client.
    assert.ok((await P.getNodeSuspicionState(T))!.suspicionScore > 0n);
    assert.ok((await P.getReporterReliabilityState(p))!.reliabilityScore > 0n, 'HASH_MISMATCH costs the reporter +1 each');
    assert.ok((await P.getTicketDeteriorationState(TICKET))!.deteriorationScore >= 50n);
    const seen = await P.listStorageChallengeReports(T, epoch);
    assert.deepEqual(seen.map((r) => [r.reporterSupernodeAccount, r.portStates.length]), [[p, 3]]);

    // ---- Heal ops (spec 03 §4.3, §4.4): the epoch end schedules one for TICKET.
    await advanceToEpochStart(chain, sn[0]!);
    const op = (await P.listHealOpsByTicket(TICKET))[0]!;
    assert.equal(op.status, HealOpStatus.HEAL_OP_STATUS_SCHEDULED);
    const healer = byAddr(op.healerSupernodeAccount);
    const [v1, v2] = op.verifierSupernodeAccounts.map(byAddr) as [LumeraClient, LumeraClient];
    const manifest = 'rows-manifest';
    const claim = (c: LumeraClient, over: Partial<Parameters<LumeraClient['claimHealComplete']>[0]> = {}) =>
      settleError(chain, c.claimHealComplete({ healOpId: op.healOpId, ticketId: TICKET, healManifestHash: manifest, ...over }));
    const vote = (c: LumeraClient, over: Partial<Parameters<LumeraClient['submitHealVerification']>[0]> = {}) =>
      settleError(chain, c.submitHealVerification({ healOpId: op.healOpId, verified: true, verificationHash: manifest, ...over }));

    row(await claim(healer, { healOpId: 9999n }), 11, 'heal op 9999 not found: heal op not found', 'DROP');
    row(await claim(healer, { healOpId: 0n }), 11, 'heal_op_id is required: heal op not found', 'DROP');
    row(await claim(healer, { ticketId: '' }), 14, 'ticket_id is required: heal op ticket mismatch', 'REBUILD');
    row(await claim(healer, { ticketId: 'wrong-ticket' }), 14, `ticket_id "wrong-ticket" does not match heal op ticket_id "${TICKET}": heal op ticket mismatch`, 'REBUILD');
    row(await claim(healer, { healManifestHash: '' }), 13, 'heal_manifest_hash is required: heal op invalid state transition', 'REBUILD');
    row(await claim(v1), 12, 'creator is not assigned healer for this heal op: heal op unauthorized actor', 'DROP');
    row(await vote(v1), 13, 'heal op status HEAL_OP_STATUS_SCHEDULED does not accept verification: heal op invalid state transition', 'RETRY');

    await settle(chain, healer.claimHealComplete({ healOpId: op.healOpId, ticketId: TICKET, healManifestHash: manifest }));
    const reported = await healer.getHealOp(op.healOpId);
    const again = await claim(healer);
    row(again, 13, 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition', 'DONE', { ownManifestHash: manifest, healOpResultHash: reported!.resultHash });
    assert.equal(isHealClaimAlreadyAccepted(again, { ownManifestHash: manifest, healOpResultHash: reported!.resultHash }), true);
    row(await vote(healer), 12, 'creator is not assigned verifier for this heal op: heal op unauthorized actor', 'DROP');
    row(await vote(v1, { verificationHash: '' }), 13, 'verification_hash is required: heal op invalid state transition', 'REBUILD');
    row(await vote(v1, { verificationHash: 'wrong' }), 17, `positive attestation hash ${hex('wrong')} mismatches heal-op result hash ${hex(manifest)}: invalid heal verification`, 'REBUILD');
    await settle(chain, v1.submitHealVerification({ healOpId: op.healOpId, verified: true, verificationHash: manifest }));
    row(await vote(v1), 15, 'verification already submitted by creator: heal verification already submitted', 'DONE');
    await settle(chain, v2.submitHealVerification({ healOpId: op.healOpId, verified: true, verificationHash: manifest }));
    assert.equal((await v2.getHealOp(op.healOpId))?.status, HealOpStatus.HEAL_OP_STATUS_VERIFIED);
    row(await claim(healer), 13, 'heal op status HEAL_OP_STATUS_VERIFIED does not accept healer completion claim: heal op invalid state transition', 'DONE');
    row(await vote(v1), 13, 'heal op status HEAL_OP_STATUS_VERIFIED does not accept verification: heal op invalid state transition', 'DONE', { ownVoteRecorded: true });

    // ---- Recheck evidence (spec 03 §5.1)
    const [A, B] = others as [LumeraClient, LumeraClient];
    const rc: RecheckEvidenceInput = {
      epochId: epoch, challengedSupernodeAccount: T, ticketId: TICKET, challengedResultTranscriptHash: results[0]!.transcriptHash,
      recheckTranscriptHash: 'rows-recheck-0', recheckResultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_RECHECK_CONFIRMED_FAIL,
    };
    const recheck = (c: LumeraClient, over: Partial<RecheckEvidenceInput> = {}) => settleError(chain, c.submitStorageRecheckEvidence({ ...rc, ...over }));
    const R = ': invalid storage recheck evidence';
    row(await recheck(A, { epochId: 999n }), 2, 'epoch anchor not found for epoch_id 999: invalid epoch id', 'DROP');
    row(await recheck(A, { recheckResultClass: StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_NO_ELIGIBLE_TICKET }), 10, `recheck_result_class is invalid${R}`, 'DROP');
    row(await recheck(A, { challengedResultTranscriptHash: 'nope' }), 10, `challenged_result_transcript_hash does not reference a submitted storage proof result${R}`, 'DROP');
    row(await recheck(A, { epochId: epoch - 1n }), 10, `challenged result epoch ${epoch} does not match request epoch ${epoch - 1n}${R}`, 'DROP');
    row(await recheck(A, { ticketId: 'other-ticket' }), 10, `challenged result ticket_id does not match request ticket_id${R}`, 'DROP');
    row(await recheck(A, { challengedSupernodeAccount: B.signerAddress! }), 10, `challenged result target does not match challenged_supernode_account${R}`, 'DROP');
    row(await recheck(A, { challengedSupernodeAccount: outsider.signerAddress! }), 10, `challenged_supernode_account is not a registered supernode${R}`, 'DROP');
    row(await recheck(P), 10, `creator must be independent from the challenged result reporter${R}`, 'DROP');
    row(await recheck(A, { challengedResultTranscriptHash: 'rows-pass' }), 10, `challenged result class is not recheck-eligible${R}`, 'DROP');
    row(await recheck(outsider), 7, 'creator is not a registered supernode: reporter supernode not found', 'DROP');
    await settle(chain, A.submitStorageRecheckEvidence(rc));
    row(await recheck(A, { recheckTranscriptHash: 'rows-recheck-1' }), 10, `recheck evidence already submitted for epoch ${epoch} ticket "${TICKET}" by "${A.signerAddress}"${R}`, 'DONE');
    row(await recheck(B, { recheckTranscriptHash: 'rows-recheck-2' }), 10, `challenged transcript "${results[0]!.transcriptHash}" already linked to recheck transcript "rows-recheck-0"${R}`, 'DROP');
    row(await recheck(B, { challengedResultTranscriptHash: results[1]!.transcriptHash }), 10, `recheck transcript hash "rows-recheck-0" already recorded for a different challenged transcript or reporter${R}`, 'DROP');
  } finally {
    await chain.stop();
  }
});

test('devnet §8 row 8: a reporter outside the epoch\'s active set may send neither observations nor results', { timeout: 60_000 }, async () => {
  // Default params: nobody reports in epoch 0, so every supernode is POSTPONED and epoch 1 has no probers.
  const chain = await startTestChain({ supernodes: 4, epochBlocks: 3 });
  try {
    const c = chain.sn[0]!;
    const epoch = await advanceToEpochStart(chain, c);
    assert.deepEqual((await c.getCurrentEpochAnchor())?.activeSupernodeAccounts, []);
    const other = chain.sn[1]!.signerAddress!;
    const err1 = await settleError(chain, c.submitEpochReport({ epochId: epoch, storageChallengeObservations: [{ targetSupernodeAccount: other, portStates: [1, 1, 1] }] }));
    row(err1, 8, 'reporter not eligible for storage challenge observations in this epoch: invalid reporter state', 'REBUILD');
    const err2 = await settleError(chain, c.submitEpochReport({ epochId: epoch, storageProofResults: [result(c.signerAddress!, other, 0)] }));
    row(err2, 8, 'reporter not eligible for storage proof results in this epoch: invalid reporter state', 'REBUILD');
    // The host-only report (the REBUILD) is accepted.
    assert.ok((await settle(chain, c.submitEpochReport({ epochId: epoch }))).height > 0n);
  } finally {
    await chain.stop();
  }
});

test('devnet §8 row 9 (FULL mode): an assigned challenger must send exactly one RECENT and one OLD result per target', { timeout: 60_000 }, async () => {
  const chain = await startTestChain({ supernodes: 4, epochBlocks: 20, auditParams: { consecutive_epochs_to_postpone: 100, storage_truth_enforcement_mode: 'STORAGE_TRUTH_ENFORCEMENT_MODE_FULL' } });
  try {
    const epoch = await advanceToEpochStart(chain, chain.sn[0]!);
    const assigned = await Promise.all(chain.sn.map((c) => c.getAssignedTargets(c.signerAddress!)));
    const i = assigned.findIndex((a) => a.targetSupernodeAccounts.length > 0);
    const P = chain.sn[i]!;
    const T = assigned[i]!.targetSupernodeAccounts[0]!;
    const obs = [{ targetSupernodeAccount: T, portStates: [1, 1, 1] }];
    const recent = result(P.signerAddress!, T, 0);
    const old = { ...result(P.signerAddress!, T, 1), bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_OLD };
    const submit = (storageProofResults: StorageProofResult[]) => settleError(chain, P.submitEpochReport({ epochId: epoch, storageChallengeObservations: obs, storageProofResults }));
    row(await submit([]), 9, 'storage_proof_results must include RECENT and OLD entries for every assigned target: invalid storage proof results', 'REBUILD');
    row(await submit([recent]), 9, `assigned target "${T}" must have exactly one RECENT and one OLD storage proof result: invalid storage proof results`, 'REBUILD');
    row(await submit([recent, old, { ...recent, artifactOrdinal: 5, transcriptHash: 'x5' }]), 9, 'storage_proof_results[2] duplicates RECENT storage proof for assigned target: invalid storage proof results', 'REBUILD');
    assert.ok((await settle(chain, P.submitEpochReport({ epochId: epoch, storageChallengeObservations: obs, storageProofResults: [recent, old] }))).height > 0n);
  } finally {
    await chain.stop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChainAbciError, ChainInclusionTimeoutError, ChainRpcError, ChainTransportError, classifyChainError, chainErrorIdentity,
  expectedSequence, isEpochReportDuplicate, isHealClaimAlreadyAccepted, isHealOpInvalidState, isHealOpNotFound, isHealOpPastDeadline,
  isNotFound, isOutOfGas, isRecheckEvidenceAlreadySubmitted, isSequenceMismatch, isTransient, isVerificationAlreadySubmitted,
  notFoundSubject, type ChainReaction, type ClassifyContext,
} from '../../src/chain/errors.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

const REPORT = '/lumera.audit.v1.MsgSubmitEpochReport';
const RECHECK = '/lumera.audit.v1.MsgSubmitStorageRecheckEvidence';
const CLAIM = '/lumera.audit.v1.MsgClaimHealComplete';
const VOTE = '/lumera.audit.v1.MsgSubmitHealVerification';

/** An included tx that failed: typed codespace/code, baseapp message-index prefix. */
function delivered(code: number, text: string, msg = REPORT, codespace = 'audit'): ChainAbciError {
  return new ChainAbciError({ stage: 'delivertx', codespace, code, log: `failed to execute message; message index: 0: ${text}`, msgTypeUrls: [msg], txHash: 'AB'.repeat(32), height: 10n });
}
/** The same rejection seen at simulation over abci_query: generic sdk/6 wrapper, module text inside. */
function simulated(text: string, msg = REPORT): ChainAbciError {
  return new ChainAbciError({
    stage: 'simulate', codespace: 'sdk', code: 6, msgTypeUrls: [msg],
    log: `rpc error: code = Unknown desc = failed to execute message; message index: 0: ${text} With gas wanted: '0' and gas used: '51234' : unknown request`,
  });
}
function query(code: number, status: string, desc: string, registered: string): ChainAbciError {
  return new ChainAbciError({ stage: 'query', codespace: 'sdk', code, log: `rpc error: code = ${status} desc = ${desc}: ${registered}`, path: '/lumera.audit.v1.Query/HealOp' });
}

interface Row { code: number; text: string; msg?: string; ctx?: ClassifyContext; reaction: ChainReaction; kind: string }

// Every row of spec 03 §8 (texts rendered as the chain renders them, spec 03 §0.2).
const ROWS: Row[] = [
  { code: 1, text: 'creator is required: invalid signer', reaction: 'DROP', kind: 'INVALID_SIGNER' },
  { code: 1, text: 'empty request: invalid signer', reaction: 'DROP', kind: 'INVALID_SIGNER' },
  { code: 2, text: 'epoch_id 3 not accepted at height 20: invalid epoch id', ctx: { currentEpochId: 6n }, reaction: 'DROP', kind: 'EPOCH_OVER' },
  { code: 2, text: 'epoch_id 7 not accepted at height 20: invalid epoch id', ctx: { currentEpochId: 6n }, reaction: 'RETRY', kind: 'EPOCH_NOT_STARTED' },
  { code: 2, text: 'epoch_id 7 not accepted at height 20: invalid epoch id', reaction: 'RETRY', kind: 'EPOCH_MISMATCH' },
  { code: 2, text: 'epoch_id not accepted at height 0: invalid epoch id', reaction: 'RETRY', kind: 'BEFORE_EPOCH_ZERO' },
  { code: 2, text: 'epoch anchor not found for epoch_id 9: invalid epoch id', reaction: 'RETRY', kind: 'EPOCH_ANCHOR_MISSING' },
  { code: 2, text: 'epoch anchor not found for epoch_id 9: invalid epoch id', msg: RECHECK, reaction: 'DROP', kind: 'RECHECK_EPOCH_UNKNOWN' },
  { code: 4, text: 'report already submitted for this epoch: duplicate report', reaction: 'DONE', kind: 'DUPLICATE_REPORT' },
  { code: 5, text: 'nil storage challenge observation: invalid peer observations', reaction: 'REBUILD', kind: 'INVALID_OBSERVATIONS' },
  { code: 5, text: 'self-targeting is not allowed: invalid peer observations', reaction: 'REBUILD', kind: 'INVALID_OBSERVATIONS' },
  { code: 5, text: 'duplicate storage challenge observation for target "lumera1x": invalid peer observations', reaction: 'REBUILD', kind: 'INVALID_OBSERVATIONS' },
  { code: 5, text: 'target "lumera1x" is not assigned to reporter in this epoch: invalid peer observations', reaction: 'REBUILD', kind: 'TARGET_NOT_ASSIGNED' },
  { code: 6, text: 'inbound_port_states length 1 must be 0 or 3: invalid port states length', reaction: 'REBUILD', kind: 'PORT_STATES_LENGTH' },
  { code: 7, text: 'creator is not a registered supernode: reporter supernode not found', reaction: 'DROP', kind: 'REPORTER_NOT_REGISTERED' },
  { code: 7, text: 'creator is not a registered supernode: reporter supernode not found', ctx: { registrationPending: true }, reaction: 'RETRY', kind: 'REPORTER_NOT_REGISTERED' },
  { code: 8, text: 'reporter not eligible for storage challenge observations in this epoch: invalid reporter state', reaction: 'REBUILD', kind: 'NOT_A_PROBER' },
  { code: 9, text: 'too many storage proof results: got 17, max 16: invalid storage proof results', reaction: 'REBUILD', kind: 'INVALID_PROOF_RESULTS' },
  { code: 9, text: 'storage_proof_results[0] NO_ELIGIBLE_TICKET conflicts with recently observed eligible ticket history for target "lumera1x" bucket STORAGE_PROOF_BUCKET_TYPE_RECENT: invalid storage proof results', reaction: 'REBUILD', kind: 'NO_ELIGIBLE_CONFLICT' },
  { code: 10, text: 'recheck evidence already submitted for epoch 2 ticket "7" by "lumera1x": invalid storage recheck evidence', msg: RECHECK, reaction: 'DONE', kind: 'RECHECK_ALREADY_SUBMITTED' },
  { code: 10, text: 'challenged transcript "aa" already linked to recheck transcript "bb": invalid storage recheck evidence', msg: RECHECK, reaction: 'DROP', kind: 'RECHECK_LOST_RACE' },
  { code: 10, text: 'recheck transcript hash "bb" already recorded for a different challenged transcript or reporter: invalid storage recheck evidence', msg: RECHECK, reaction: 'DROP', kind: 'RECHECK_LOST_RACE' },
  { code: 10, text: 'challenged_result_transcript_hash does not reference a submitted storage proof result: invalid storage recheck evidence', msg: RECHECK, reaction: 'DROP', kind: 'RECHECK_TARGET_UNKNOWN' },
  { code: 10, text: 'challenged_result_transcript_hash does not reference a submitted storage proof result: invalid storage recheck evidence', msg: RECHECK, ctx: { challengedReportCommitted: false }, reaction: 'RETRY', kind: 'RECHECK_TARGET_UNKNOWN' },
  { code: 10, text: 'challenged_supernode_account must not equal creator: invalid storage recheck evidence', msg: RECHECK, reaction: 'DROP', kind: 'INVALID_RECHECK' },
  { code: 11, text: 'heal op 42 not found: heal op not found', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_NOT_FOUND' },
  { code: 11, text: 'heal_op_id is required: heal op not found', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_NOT_FOUND' },
  { code: 12, text: 'creator is not assigned healer for this heal op: heal op unauthorized actor', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_UNAUTHORIZED' },
  { code: 13, text: 'heal_manifest_hash is required: heal op invalid state transition', msg: CLAIM, reaction: 'REBUILD', kind: 'HEAL_HASH_REQUIRED' },
  { code: 13, text: 'verification_hash is required: heal op invalid state transition', msg: VOTE, reaction: 'REBUILD', kind: 'HEAL_HASH_REQUIRED' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, ctx: { ownManifestHash: 'm1', healOpResultHash: 'm1' }, reaction: 'DONE', kind: 'HEAL_CLAIM_ALREADY_ACCEPTED' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, ctx: { ownManifestHash: 'm1', healOpResultHash: 'm2' }, reaction: 'DROP', kind: 'HEAL_CLAIM_OTHER_MANIFEST' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, reaction: 'RETRY', kind: 'HEAL_CLAIM_ALREADY_REPORTED' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_VERIFIED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, reaction: 'DONE', kind: 'HEAL_CLAIM_ALREADY_ACCEPTED' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_FAILED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_TERMINAL' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_EXPIRED does not accept healer completion claim: heal op invalid state transition', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_TERMINAL' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_SCHEDULED does not accept verification: heal op invalid state transition', msg: VOTE, reaction: 'RETRY', kind: 'HEAL_NOT_CLAIMED_YET' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_IN_PROGRESS does not accept verification: heal op invalid state transition', msg: VOTE, reaction: 'RETRY', kind: 'HEAL_NOT_CLAIMED_YET' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_VERIFIED does not accept verification: heal op invalid state transition', msg: VOTE, ctx: { ownVoteRecorded: true }, reaction: 'DONE', kind: 'HEAL_VOTE_RECORDED' },
  { code: 13, text: 'heal op status HEAL_OP_STATUS_EXPIRED does not accept verification: heal op invalid state transition', msg: VOTE, ctx: { ownVoteRecorded: false }, reaction: 'DROP', kind: 'HEAL_OP_FINAL' },
  { code: 13, text: 'heal op has no independent verifier assignments: heal op invalid state transition', msg: CLAIM, reaction: 'DROP', kind: 'HEAL_OP_NO_VERIFIERS' },
  { code: 14, text: 'ticket_id "9" does not match heal op ticket_id "7": heal op ticket mismatch', msg: CLAIM, reaction: 'REBUILD', kind: 'HEAL_TICKET_MISMATCH' },
  { code: 15, text: 'verification already submitted by creator: heal verification already submitted', msg: VOTE, reaction: 'DONE', kind: 'VERIFICATION_ALREADY_SUBMITTED' },
  { code: 16, text: 'storage_proof_results[0] index artifact_count 9 does not match canonical count 8 for ticket "7": ticket artifact count mismatch', reaction: 'REBUILD', kind: 'ARTIFACT_COUNT_MISMATCH' },
  { code: 17, text: 'positive attestation hash 6161 mismatches heal-op result hash 6262: invalid heal verification', msg: VOTE, reaction: 'REBUILD', kind: 'VERIFICATION_HASH_MISMATCH' },
  { code: 18, text: 'cpu_usage_percent must be a finite percentage in [0,100], got 100.1: invalid host metric', reaction: 'REBUILD', kind: 'INVALID_HOST_METRIC' },
  { code: 1101, text: 'evidence type is reserved for the action module: invalid evidence type', reaction: 'DROP', kind: 'INVALID_EVIDENCE' },
  { code: 1104, text: 'reporter is not an authorized challenger for epoch: invalid reporter address', reaction: 'DROP', kind: 'INVALID_EVIDENCE' },
];

test('every spec 03 §8 row classifies the same from the typed tx result and from the simulation text', () => {
  for (const r of ROWS) {
    const label = `${r.code} ${r.text}`;
    for (const err of [delivered(r.code, r.text, r.msg), simulated(r.text, r.msg)]) {
      const v = classifyChainError(err, r.ctx);
      assert.equal(v.reaction, r.reaction, `${err.failure.stage}: ${label}`);
      assert.equal(v.kind, r.kind, `${err.failure.stage}: ${label}`);
      assert.equal(v.codespace, 'audit', label);
      assert.equal(v.code, r.code, label);
      assert.equal(isTransient(err), false, label);
    }
  }
});

test('identity: a simulation wrapper yields the module (codespace, code) and the bare context', () => {
  const id = chainErrorIdentity(simulated('heal op 42 not found: heal op not found', CLAIM));
  assert.deepEqual({ cs: id?.codespace, code: id?.code, fromText: id?.fromText, ctx: id?.context }, { cs: 'audit', code: 11, fromText: true, ctx: 'heal op 42 not found' });
  const typed = chainErrorIdentity(delivered(4, 'report already submitted for this epoch: duplicate report'));
  assert.deepEqual({ cs: typed?.codespace, code: typed?.code, fromText: typed?.fromText, ctx: typed?.context }, { cs: 'audit', code: 4, fromText: false, ctx: 'report already submitted for this epoch' });
});

test('action-module re-wrap of artifact-count anchoring errors is DROP; undefined/1 is RETRY', () => {
  const action = new ChainAbciError({ stage: 'delivertx', codespace: 'action', code: 4, log: 'failed to execute message; message index: 0: ticket "7" index artifact count is immutable (existing=8, new=9): invalid storage proof results: invalid metadata' });
  assert.deepEqual([classifyChainError(action).reaction, classifyChainError(action).kind], ['DROP', 'FINALIZE_ARTIFACT_COUNTS']);
  // The same at simulation: the right-most registered message (action/4) is the outer error, not audit/9.
  const sim = simulated('ticket "7" index artifact count is immutable (existing=8, new=9): invalid storage proof results: invalid metadata', '/lumera.action.v1.MsgFinalizeAction');
  assert.deepEqual([chainErrorIdentity(sim)?.codespace, chainErrorIdentity(sim)?.code], ['action', 4]);
  assert.equal(classifyChainError(sim).kind, 'FINALIZE_ARTIFACT_COUNTS');
  const undef = new ChainAbciError({ stage: 'delivertx', codespace: 'undefined', code: 1, log: 'failed to execute message; message index: 0: supernode keeper: boom' });
  assert.equal(classifyChainError(undef).reaction, 'RETRY');
});

test('SDK tx failures: sequence mismatch (expected N parsed), out of gas, insufficient fee', () => {
  const seq = new ChainAbciError({ stage: 'checktx', codespace: 'sdk', code: 32, log: 'account sequence mismatch, expected 7, got 5: incorrect account sequence' });
  assert.equal(isSequenceMismatch(seq), true);
  assert.equal(expectedSequence(seq), 7n);
  const seqSim = new ChainAbciError({ stage: 'simulate', codespace: 'sdk', code: 6, log: "rpc error: code = Unknown desc = account sequence mismatch, expected 12, got 11: incorrect account sequence With gas wanted: '0' and gas used: '0' : unknown request" });
  assert.equal(chainErrorIdentity(seqSim)?.code, 32);
  assert.equal(expectedSequence(seqSim), 12n);
  const gas = new ChainAbciError({ stage: 'delivertx', codespace: 'sdk', code: 11, log: 'out of gas in location: WriteFlat; gasWanted: 1000, gasUsed: 1200: out of gas' });
  assert.equal(isOutOfGas(gas), true);
  assert.equal(classifyChainError(gas).kind, 'OUT_OF_GAS');
  assert.equal(isOutOfGas(seq), false);
  assert.equal(expectedSequence(gas), undefined);
  const fee = new ChainAbciError({ stage: 'checktx', codespace: 'sdk', code: 13, log: 'insufficient fees; got: 1ulume required: 500ulume: insufficient fee' });
  assert.equal(classifyChainError(fee).reaction, 'RETRY');
});

test('transport failures, our deadlines and inclusion timeouts are transient RETRY; answers are not', () => {
  const down = new ChainTransportError('http://127.0.0.1:1', 'connection', 'connection failed (ECONNREFUSED)');
  const slow = new ChainTransportError('http://127.0.0.1:1', 'timeout', 'no answer within 10 ms');
  const busy = new ChainTransportError('http://127.0.0.1:1', 'http_status', 'HTTP 503', { httpStatus: 503 });
  const lost = new ChainInclusionTimeoutError('AB'.repeat(32), 1000);
  for (const e of [down, slow, busy, lost, new Error('wrapped', { cause: down })]) {
    assert.equal(isTransient(e), true, (e as Error).message);
    assert.equal(classifyChainError(e).reaction, 'RETRY');
  }
  assert.equal(classifyChainError(lost).kind, 'INCLUSION_UNKNOWN');
  const abort = new DOMException('aborted', 'AbortError');
  assert.equal(isTransient(new Error('ctx', { cause: abort })), true);
  assert.equal(isTransient(new ChainRpcError('u', 'tx', -32603, 'Internal error', 'boom')), false);
  assert.equal(isTransient(delivered(4, 'report already submitted for this epoch: duplicate report')), false);
  assert.equal(isTransient(new Error('plain text')), false);
  assert.equal(classifyChainError(new InvalidArgumentError('epochId', 'must be a uint64')).reaction, 'DROP');
});

// Spec 04 §10.8 (pkg/lumera/chainerrors tests), with gRPC statuses in grpc-js shape.
const grpc = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

test('10.8 IsTransientGrpc: cancel/deadline (also wrapped) and the five codes; others are not', () => {
  for (const c of [14, 4, 10, 8, 1]) assert.equal(isTransient(grpc(c, 'x')), true, `code ${c}`);
  assert.equal(isTransient(new Error('outer', { cause: grpc(14, 'x') })), true);
  assert.equal(isTransient(new Error('outer', { cause: new DOMException('t', 'TimeoutError') })), true);
  for (const c of [5, 3]) assert.equal(isTransient(grpc(c, 'x')), false, `code ${c}`);
  assert.equal(isTransient(delivered(13, 'heal op status HEAL_OP_STATUS_VERIFIED does not accept healer completion claim: heal op invalid state transition', CLAIM)), false);
});

test('10.8 IsHealOpInvalidState: typed 13 (bare, wrapped, tx-shaped) and the claim phrase; not-found/UNAVAILABLE/unrelated do not', () => {
  const bare = new ChainAbciError({ stage: 'delivertx', codespace: 'audit', code: 13, log: 'heal op invalid state transition' });
  assert.equal(isHealOpInvalidState(bare), true);
  assert.equal(isHealOpInvalidState(new Error('submit claim', { cause: bare })), true);
  assert.equal(isHealOpInvalidState(delivered(13, 'heal op status HEAL_OP_STATUS_FAILED does not accept healer completion claim: heal op invalid state transition', CLAIM)), true);
  assert.equal(isHealOpInvalidState(new Error('rpc error: code = Unknown desc = heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim')), true);
  assert.equal(isHealOpInvalidState(delivered(11, 'heal op 4 not found: heal op not found', CLAIM)), false);
  assert.equal(isHealOpInvalidState(grpc(14, 'does not accept healer completion claim')), false);
  assert.equal(isHealOpInvalidState(new Error('something else')), false);
});

test('10.8 IsHealOpNotFound: typed 11 and NOT_FOUND "heal op not found"; other not-found texts do not', () => {
  assert.equal(isHealOpNotFound(delivered(11, 'heal op 4 not found: heal op not found', CLAIM)), true);
  assert.equal(isHealOpNotFound(new Error('wrapped', { cause: delivered(11, 'heal op 4 not found: heal op not found', CLAIM) })), true);
  const q = query(38, 'NotFound', 'heal op not found', 'key not found');
  assert.equal(isHealOpNotFound(q), true);
  assert.equal(isNotFound(q), true);
  assert.equal(notFoundSubject(q), 'heal_op');
  assert.equal(isHealOpNotFound(grpc(5, 'heal op not found')), true);
  for (const e of [query(38, 'NotFound', 'block at height 99 not found', 'key not found'), new Error('block 12345 not found'), new Error('codec: key not_found'), grpc(14, 'heal op not found'), new DOMException('c', 'AbortError')]) {
    assert.equal(isHealOpNotFound(e), false, (e as Error).message);
  }
});

test('10.8 IsHealVerificationAlreadySubmitted, IsEpochReportDuplicate, IsRecheckEvidenceAlreadySubmitted', () => {
  assert.equal(isVerificationAlreadySubmitted(delivered(15, 'verification already submitted by creator: heal verification already submitted', VOTE)), true);
  assert.equal(isVerificationAlreadySubmitted(new Error('rpc error: code = Unknown desc = verification already submitted by creator')), true);
  assert.equal(isVerificationAlreadySubmitted(delivered(13, 'verification_hash is required: heal op invalid state transition', VOTE)), false);
  assert.equal(isEpochReportDuplicate(delivered(4, 'report already submitted for this epoch: duplicate report')), true);
  assert.equal(isEpochReportDuplicate(new Error('Report Already Submitted For This Epoch')), true);
  assert.equal(isRecheckEvidenceAlreadySubmitted(delivered(10, 'recheck evidence already submitted for epoch 1 ticket "a" by "b": invalid storage recheck evidence', RECHECK)), true);
  assert.equal(isRecheckEvidenceAlreadySubmitted(delivered(10, 'recheck_result_class is invalid: invalid storage recheck evidence', RECHECK)), false);
  assert.equal(isRecheckEvidenceAlreadySubmitted(new Error('connection already closed before duplicate retry could be replayed')), false);
});

test('10.8 IsHealOpPastDeadline: typed 13 with "deadline"; the claim-state text does not', () => {
  assert.equal(isHealOpPastDeadline(delivered(13, 'heal op deadline has passed: heal op invalid state transition', CLAIM)), true);
  assert.equal(isHealOpPastDeadline(delivered(13, 'heal op status HEAL_OP_STATUS_SCHEDULED does not accept healer completion claim: heal op invalid state transition', CLAIM)), false);
  assert.equal(classifyChainError(delivered(13, 'heal op deadline has passed: heal op invalid state transition', CLAIM)).kind, 'HEAL_OP_PAST_DEADLINE');
});

test('isHealClaimAlreadyAccepted: VERIFIED always, HEALER_REPORTED only with matching hashes', () => {
  const reported = delivered(13, 'heal op status HEAL_OP_STATUS_HEALER_REPORTED does not accept healer completion claim: heal op invalid state transition', CLAIM);
  assert.equal(isHealClaimAlreadyAccepted(reported), false);
  assert.equal(isHealClaimAlreadyAccepted(reported, { ownManifestHash: 'h', healOpResultHash: 'h' }), true);
  assert.equal(isHealClaimAlreadyAccepted(reported, { ownManifestHash: 'h', healOpResultHash: 'x' }), false);
  assert.equal(isHealClaimAlreadyAccepted(simulated('heal op status HEAL_OP_STATUS_VERIFIED does not accept healer completion claim: heal op invalid state transition', CLAIM)), true);
  assert.equal(isHealClaimAlreadyAccepted(delivered(13, 'heal op status HEAL_OP_STATUS_VERIFIED does not accept verification: heal op invalid state transition', VOTE)), false);
});

test('query NotFound subjects distinguish "supernode not found" from "epoch report not found"', () => {
  assert.equal(notFoundSubject(query(38, 'NotFound', 'supernode not found', 'key not found')), 'supernode');
  assert.equal(notFoundSubject(query(38, 'NotFound', 'epoch report not found', 'key not found')), 'epoch_report');
  assert.equal(notFoundSubject(query(38, 'NotFound', 'current epoch anchor not found', 'key not found')), 'current_epoch_anchor');
  assert.equal(notFoundSubject(query(18, 'InvalidArgument', 'heal_op_id is required', 'invalid request')), undefined);
  assert.deepEqual(classifyChainError(query(38, 'NotFound', 'heal op not found', 'key not found')).kind, 'NOT_FOUND');
  assert.deepEqual(classifyChainError(query(18, 'InvalidArgument', 'status is required', 'invalid request')).reaction, 'DROP');
  assert.deepEqual(classifyChainError(query(6, 'Internal', 'boom', 'unknown request')).reaction, 'RETRY');
});

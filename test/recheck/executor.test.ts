import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/challenge/dispatcher.js';
import { ResultBuffer } from '../../src/challenge/result-buffer.js';
import { Lep6Metrics } from '../../src/challenge/metrics.js';
import { ArtefactResolver } from '../../src/challenge/artefact-size.js';
import { FALLBACK_CAPS } from '../../src/challenge/caps.js';
import { answerCompoundProof } from '../../src/challenge/recipient.js';
import type { ProofCaller } from '../../src/challenge/proof-client.js';
import { DispatcherRecheckExecutor } from '../../src/recheck/executor.js';
import { StorageProofBucketType as B, StorageProofResultClass as R, StorageTruthEnforcementMode as M } from '../../src/deterministic/index.js';
import { FakeChain, params, ticket } from '../challenge/fake-chain.js';
import { CountingReader, testKey } from '../challenge/helpers.js';

const me = testKey('rechecker');
const target = testKey('recheck-target');

function setup(corrupt: boolean) {
  const chain = new FakeChain();
  chain.anchor(4n);
  const t = ticket([target.address]);
  chain.actions.push(t.action);
  const reader = new CountingReader();
  const good = t.files[0]!.bytes;
  reader.add(good);
  const requests: number[] = [];
  const proofs: ProofCaller = {
    getCompoundProof: async (_target, req) => {
      requests.push(req.bucketType);
      const a = await answerCompoundProof(req, me.address, { identity: target.address, reader, signer: undefined, caps: FALLBACK_CAPS, readTimeoutMs: 500 });
      if (a.kind !== 'response') throw new Error(a.message);
      // A target whose copy fails its content check answers with the store's R1.3.3 wording.
      if (corrupt) return { ...a.response, ok: false, rangeBytes: [], proofHashHex: '', error: `read range[0] [0,9): artefact ${req.artifactKey}: content hash mismatch: blob hashes to X` };
      return a.response;
    },
  };
  const epochBuffer = new ResultBuffer();
  const d = new Dispatcher({
    chain, identity: me.address, signer: me, sink: epochBuffer, proofs, metrics: new Lep6Metrics(),
    resolver: new ArtefactResolver(async (k) => (reader.size(k) === undefined ? undefined : BigInt(reader.size(k)!))),
    recipientReadTimeoutMs: 1000, maxConcurrentTargets: 1,
  });
  const cand = { epochId: 4n, target: target.address, ticketId: t.action.actionID, challengedTranscriptHash: 'orig', originalReporter: 'someone', originalClass: R.HASH_MISMATCH };
  return { chain, d, epochBuffer, cand, requests, exec: new DispatcherRecheckExecutor(chain, d) };
}

test('recheck execution: bucket RECHECK on the original epoch anchor; a confirmed mismatch maps to RECHECK_CONFIRMED_FAIL; the epoch buffer is untouched', async () => {
  const s = setup(true);
  const r = await s.exec.execute(s.cand);
  assert.equal(r.resultClass, R.RECHECK_CONFIRMED_FAIL);
  assert.match(r.transcriptHash, /^[0-9a-f]{64}$/);
  assert.match(r.details, /content hash mismatch/);
  assert.deepEqual(s.requests, [B.RECHECK]);
  assert.deepEqual(s.epochBuffer.peek(4n), []);
  // The transcript is this node's own (challenger = self, bucket RECHECK), never the original one.
  assert.notEqual(r.transcriptHash, 'orig');
});

test('recheck execution: an honest target → PASS', async () => {
  const s = setup(false);
  const r = await s.exec.execute(s.cand);
  assert.equal(r.resultClass, R.PASS);
  assert.equal(r.details, '');
});

test('recheck execution errors: invalid candidate, mode UNSPECIFIED, missing anchor', async () => {
  const s = setup(false);
  await assert.rejects(s.exec.execute({ ...s.cand, originalClass: R.PASS }), { message: 'invalid recheck candidate' });
  await assert.rejects(s.exec.execute({ ...s.cand, epochId: 9n }), { message: 'lep6 recheck: epoch anchor not yet available for epoch 9' });
  s.chain.auditParams = params({ storageTruthEnforcementMode: M.UNSPECIFIED as number });
  await assert.rejects(s.exec.execute(s.cand), { message: 'lep6 recheck: enforcement mode unspecified' });
});

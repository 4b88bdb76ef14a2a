import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultBuffer, THROTTLE_POLICY } from '../../src/challenge/result-buffer.js';
import { Lep6Metrics } from '../../src/challenge/metrics.js';
import type { StorageProofResult } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofBucketType as B, StorageProofResultClass as R } from '../../src/deterministic/index.js';

function row(target: string, bucket: B, ticket: string, cls: R = R.PASS): StorageProofResult {
  return {
    targetSupernodeAccount: target, challengerSupernodeAccount: 'me', ticketId: ticket, bucketType: bucket as number, artifactClass: 1, artifactOrdinal: 0,
    artifactKey: 'k', resultClass: cls as number, transcriptHash: `${target}-${ticket}`, details: '', artifactCount: 1, derivationInputHash: 'd',
    challengerSignature: 's', observerAttestationSignatures: [],
  } as StorageProofResult;
}

function clocked() {
  let t = 0;
  const metrics = new Lep6Metrics();
  return { buf: new ResultBuffer({ now: () => ++t, metrics }), metrics };
}

test('R2.9.5: 10 RECENT for A + 8 OLD for B → the 2 oldest A rows go', () => {
  const { buf, metrics } = clocked();
  for (let i = 0; i < 10; i++) buf.append(1n, row('A', B.RECENT, `a${String(i).padStart(2, '0')}`));
  for (let i = 0; i < 8; i++) buf.append(1n, row('B', B.OLD, `b${i}`));
  const out = buf.collect(1n);
  assert.equal(out.length, 16);
  assert.deepEqual(out.filter((r) => r.targetSupernodeAccount === 'A').map((r) => r.ticketId), ['a02', 'a03', 'a04', 'a05', 'a06', 'a07', 'a08', 'a09']);
  assert.equal(out.filter((r) => r.targetSupernodeAccount === 'B').length, 8);
  assert.equal(metrics.get('dispatch_throttled_total', THROTTLE_POLICY), 2);
});

test('R2.9.5: 20 rows in one group → the 4 oldest go', () => {
  const { buf } = clocked();
  for (let i = 0; i < 20; i++) buf.append(1n, row('A', B.RECENT, `t${String(i).padStart(2, '0')}`));
  assert.deepEqual(buf.collect(1n).map((r) => r.ticketId), Array.from({ length: 16 }, (_, i) => `t${String(i + 4).padStart(2, '0')}`));
});

test('R2.9.5: noisy target shaved first; the quiet target and the filler survive', () => {
  const { buf } = clocked();
  for (let i = 0; i < 14; i++) buf.append(1n, row('noisy', B.RECENT, `n${String(i).padStart(2, '0')}`));
  buf.append(1n, row('quiet', B.RECENT, 'q1'));
  buf.append(1n, row('quiet', B.OLD, 'q2'));
  buf.append(1n, row('quiet', B.OLD, 'q3'));
  buf.append(1n, row('filler', B.OLD, 'f1'));
  const out = buf.collect(1n);
  assert.equal(out.length, 16);
  const noisy = out.filter((r) => r.targetSupernodeAccount === 'noisy').map((r) => r.ticketId);
  assert.equal(noisy.length, 12);
  assert.ok(!noisy.includes('n00') && !noisy.includes('n01'));
  assert.deepEqual(out.filter((r) => r.targetSupernodeAccount !== 'noisy').map((r) => r.ticketId).sort(), ['f1', 'q1', 'q2', 'q3']);
});

test('collect drains one epoch, sorted by (bucket, ticket, target); requeued rows are newest; hasEligibleResult ignores NO_ELIGIBLE', () => {
  const { buf } = clocked();
  buf.append(2n, row('B', B.OLD, 't1'));
  buf.append(2n, row('A', B.RECENT, 't2'));
  buf.append(2n, row('C', B.RECENT, 't2'));
  buf.append(2n, row('A', B.RECENT, 't1'));
  buf.append(3n, row('Z', B.RECENT, 'z'));
  buf.append(2n, row('N', B.OLD, '', R.NO_ELIGIBLE_TICKET));
  buf.append(2n, undefined);
  assert.equal(buf.hasEligibleResult(2n, 'A', B.RECENT), true);
  assert.equal(buf.hasEligibleResult(2n, 'N', B.OLD), false);
  const out = buf.collect(2n);
  assert.deepEqual(out.map((r) => `${r.bucketType}/${r.ticketId}/${r.targetSupernodeAccount}`), ['1/t1/A', '1/t2/A', '1/t2/C', '2//N', '2/t1/B']);
  assert.deepEqual(buf.collect(2n), []);
  assert.equal(buf.hasEligibleResult(2n, 'A', B.RECENT), false);
  assert.deepEqual(buf.peek(3n).map((r) => r.ticketId), ['z']);
  buf.requeue(2n, out.slice(0, 2));
  assert.equal(buf.peek(2n).length, 2);
});

test('rows of epochs far behind the newest are not kept forever', () => {
  const buf = new ResultBuffer({ retainEpochs: 2n });
  buf.append(1n, row('A', B.RECENT, 'old'));
  buf.append(5n, row('A', B.RECENT, 'new'));
  assert.deepEqual(buf.peek(1n), []);
  assert.equal(buf.peek(5n).length, 1);
});

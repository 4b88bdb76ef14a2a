/** Healer-stream digest rules (R3.6.3, stricter per §11.9), placeholders (R3.6.4) and deadlines (R3.8). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dataHashB64 } from '../../src/cascade/hash.js';
import { MAX_RECONSTRUCTED_BYTES, NEGATIVE_REASONS, negativeAttestationHash } from '../../src/healing/constants.js';
import { deadlinePassed, opDeadline } from '../../src/healing/deadlines.js';
import { digestHealerStream, type StreamMessage } from '../../src/healing/healer-stream.js';
import type { EpochAnchor } from '../../src/gen/lumera/audit/v1/epoch.js';
import { FakeChain } from './fakes.js';

async function* from(msgs: StreamMessage[], fail?: Error): AsyncGenerator<StreamMessage> {
  for (const m of msgs) yield m;
  if (fail) throw fail;
}
const m = (chunk: Uint8Array, totalSize: number, isLast = false): StreamMessage => ({ chunk, totalSize: BigInt(totalSize), isLast });

describe('digestHealerStream', () => {
  const data = randomBytes(2500);
  it('hashes a complete stream while it arrives', async () => {
    const r = await digestHealerStream(from([m(data.subarray(0, 1000), 2500), m(data.subarray(1000, 2000), 0), m(data.subarray(2000), 0, true)]));
    assert.deepEqual(r, { hashB64: dataHashB64(data), bytes: 2500 });
  });
  it('rejects a stream that ends short of total_size without is_last (the reference accepts it)', async () => {
    await assert.rejects(digestHealerStream(from([m(data.subarray(0, 1000), 2500)])), /ended without is_last at 1000 of 2500 bytes/);
  });
  it('rejects is_last before the advertised size, an overrun, data after is_last and a missing total_size', async () => {
    await assert.rejects(digestHealerStream(from([m(data.subarray(0, 1000), 2500, true)])), /reached IsLast at 1000 bytes; advertised total_size=2500/);
    await assert.rejects(digestHealerStream(from([m(data, 2000)])), /streamed 2500 bytes, exceeds advertised total_size=2000/);
    await assert.rejects(digestHealerStream(from([m(data, 2500, true), m(data.subarray(0, 1), 0)])), /data after is_last/);
    await assert.rejects(digestHealerStream(from([m(data, 0, true)])), /did not advertise total_size/);
  });
  it('refuses an advertised size above the 4 GiB ceiling before reading it', async () => {
    await assert.rejects(digestHealerStream(from([m(data, MAX_RECONSTRUCTED_BYTES + 1)])), /exceeds MaxReconstructedBytes=4294967296/);
    assert.ok(MAX_RECONSTRUCTED_BYTES >= 64 * 1024 * 1024);
  });
  it('wraps a transport error as recv: …', async () => {
    await assert.rejects(digestHealerStream(from([m(data.subarray(0, 10), 2500)], new Error('14 UNAVAILABLE'))), /^.*recv: 14 UNAVAILABLE/);
  });
});

describe('negative attestation', () => {
  it('uses base64 BLAKE3 of "lep6:negative-attestation:" + reason, with the spec values', () => {
    assert.equal(negativeAttestationHash('reason_fetch_failed'), 'ILlCdzdnx9TgulG604gtzFvX8wK+jQxPZtpym6ZhmI8=');
    assert.equal(negativeAttestationHash('reason_hash_compute_failed'), 'tlQrUjlaYGI0ni9AH6WEtgHp+dA8wijjsvpgs3fvLUM=');
    assert.equal(negativeAttestationHash('reason_hash_mismatch'), 'jZpTqqC3PvKzLANbBm4mz/IzIlyAc24zeXmPfJwJI90=');
    assert.equal(negativeAttestationHash('reason_other'), 'Vkc3OJnM9QW56b0S3SzjRuI12HeAC4+bqZFmBEo3LYA=');
    assert.equal(negativeAttestationHash('  '), negativeAttestationHash('reason_other'));
    assert.equal(negativeAttestationHash('x'), dataHashB64(new TextEncoder().encode('lep6:negative-attestation:x')));
  });
  it('has four distinct non-empty reasons with distinct hashes', () => {
    assert.equal(new Set(NEGATIVE_REASONS).size, 4);
    assert.equal(new Set(NEGATIVE_REASONS.map(negativeAttestationHash)).size, 4);
  });
});

describe('deadlines', () => {
  const anchor = (epochId: bigint, start: bigint, end: bigint) => ({ epochId, epochStartHeight: start, epochEndHeight: end }) as EpochAnchor;
  it('uses the deadline anchor when earlier than the hard timeout (1 block → within 30 s despite a 1 h cap)', async () => {
    const c = new FakeChain();
    c.currentAnchor = anchor(3n, 21n, 30n);
    c.anchors.set(4n, anchor(4n, 31n, 31n));
    const now = 1_000_000;
    const dl = await opDeadline(c, { deadlineEpochId: 4n }, 3_600_000, 1000, now);
    assert.ok(dl - now <= 30_000 && dl > now, `deadline ${dl - now} ms`);
  });
  it('falls back to the hard timeout when anchors are missing', async () => {
    const c = new FakeChain();
    const now = 1_000_000;
    assert.equal(await opDeadline(c, { deadlineEpochId: 4n }, 3_600_000, 1000, now), now + 3_600_000);
    c.currentAnchor = anchor(3n, 21n, 30n);
    assert.equal(await opDeadline(c, { deadlineEpochId: 4n }, 3_600_000, 1000, now), now + 3_600_000);
    assert.equal(await opDeadline(c, { deadlineEpochId: 0n }, 5, 1000, now), now + 5);
  });
  it('is now once the current epoch is past the deadline epoch; inside the deadline epoch it allows that epoch', async () => {
    const c = new FakeChain();
    const now = 1_000_000;
    c.currentAnchor = anchor(5n, 41n, 50n);
    assert.equal(await opDeadline(c, { deadlineEpochId: 4n }, 3_600_000, 1000, now), now);
    assert.equal(await opDeadline(c, { deadlineEpochId: 5n }, 3_600_000, 1000, now), now + 10 * 6000);
  });
  it('pre-check: past only beyond the deadline epoch; unknown when the query fails', async () => {
    const c = new FakeChain();
    c.epoch = 5n;
    assert.equal(await deadlinePassed(c, { deadlineEpochId: 4n }, 100), 'passed');
    assert.equal(await deadlinePassed(c, { deadlineEpochId: 5n }, 100), 'open');
    assert.equal(await deadlinePassed(c, { deadlineEpochId: 0n }, 100), 'open');
    c.getCurrentEpoch = () => Promise.reject(new Error('down'));
    assert.equal(await deadlinePassed(c, { deadlineEpochId: 4n }, 100), 'unknown');
  });
});

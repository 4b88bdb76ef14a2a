import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from '../../src/challenge/admission.js';

test('admission: one caller cannot hold more than its share of the in-flight slots', () => {
  const a = new Admission({ perCallerBurst: 1000, perCallerRatePerSec: 1000, maxInFlight: 8, maxInFlightPerCaller: 2, now: () => 0 });
  const x1 = a.enter('noisy');
  const x2 = a.enter('noisy');
  assert.ok('release' in x1 && 'release' in x2);
  assert.deepEqual(a.enter('noisy'), { refused: 'caller_in_flight' });
  const other = a.enter('quiet');
  assert.ok('release' in other, 'another caller still gets a slot');
  x1.release();
  x1.release(); // idempotent
  assert.ok('release' in a.enter('noisy'), 'a released slot is usable again');
  assert.equal(a.active, 3);
});

test('admission: the per-caller share defaults to a quarter of the global bound and is validated', () => {
  const a = new Admission({ perCallerBurst: 1000, maxInFlight: 8, now: () => 0 });
  assert.ok('release' in a.enter('c') && 'release' in a.enter('c'));
  assert.deepEqual(a.enter('c'), { refused: 'caller_in_flight' });
  assert.throws(() => new Admission({ maxInFlightPerCaller: 0 }), /maxInFlightPerCaller must be a positive number, got 0/);
});

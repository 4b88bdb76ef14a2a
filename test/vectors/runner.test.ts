import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVector, toJsonShape } from '../../src/vectors/runner.js';
import { parseVectorFile } from '../../src/vectors/format.js';

const handlers = {
  Add: (i: Record<string, unknown>) => (i.a as number) + (i.b as number),
  Fail: () => {
    throw new Error('boom');
  },
  Partial: () => ({ error: true, done: ['aa'] }),
};

test('runVector: value, error and unknown-function outcomes', async () => {
  assert.deepEqual(await runVector({ id: 'a', function: 'Add', inputs: { a: 1, b: 2 }, expected: 3 }, handlers), { id: 'a', ok: true });
  const wrong = await runVector({ id: 'b', function: 'Add', inputs: { a: 1, b: 2 }, expected: 4 }, handlers);
  assert.equal(wrong.ok, false);
  assert.match(wrong.reason!, /expected 4 got 3/);
  assert.equal((await runVector({ id: 'c', function: 'Fail', inputs: {}, expected: { error: true } }, handlers)).ok, true);
  assert.equal((await runVector({ id: 'd', function: 'Add', inputs: { a: 1, b: 1 }, expected: { error: true } }, handlers)).ok, false);
  const unknown = await runVector({ id: 'e', function: 'Nope', inputs: {}, expected: 1 }, handlers);
  assert.match(unknown.reason!, /unknown function "Nope"/);
});

test('runVector: error expectations with partial results are compared, reference text is not', async () => {
  const v = { id: 'p', function: 'Partial', inputs: {}, expected: { error: true, done: ['aa'], reference_error: 'x' } };
  assert.equal((await runVector(v, handlers)).ok, true);
  const w = { ...v, expected: { error: true, done: ['bb'] } };
  assert.equal((await runVector(w, handlers)).ok, false);
  const thrown = { id: 'q', function: 'Fail', inputs: {}, expected: { error: true, done: [] } };
  assert.equal((await runVector(thrown, handlers)).ok, false);
});

test('toJsonShape: bigint to decimal string, bytes to hex, nested', () => {
  assert.deepEqual(toJsonShape({ a: 18446744073709551615n, b: [new Uint8Array([1, 255])] }), { a: '18446744073709551615', b: ['01ff'] });
});

test('parseVectorFile names the bad field', () => {
  assert.throws(() => parseVectorFile('{"vectors":[{"id":"x","function":"F","inputs":[]}]}', 'f.json'), /f\.json: vectors\[0\]\.inputs must be an object/);
  assert.throws(() => parseVectorFile('nope', 'f.json'), /f\.json is not valid JSON/);
});

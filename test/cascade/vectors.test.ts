import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVector } from '../../src/vectors/runner.js';
import { cascadeVectorHandlers } from '../../src/cascade/vectors.js';
import { loadVectorFile } from '../helpers/vectors.js';

// All 56 vectors (largest file 12 MB) run in a few seconds on 2 cores, so they are not split.
test('cascade vectors: every vector of cascade.json passes', async () => {
  const file = loadVectorFile('cascade.json');
  assert.ok(file.vectors.length >= 50, `expected the full vector file, got ${file.vectors.length}`);
  const failures: string[] = [];
  for (const v of file.vectors) {
    const r = await runVector(v, cascadeVectorHandlers);
    if (!r.ok) failures.push(`${r.id}: ${r.reason}`);
  }
  assert.deepEqual(failures, []);
});

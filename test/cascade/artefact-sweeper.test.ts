import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { ArtefactIndex, ensureArtefactIndexSchema } from '../../src/store/artefact-index.js';
import { ArtefactSweeper } from '../../src/cascade/artefact-sweeper.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { blake3Base58 } from '../../src/cascade/hash.js';

const key = (i: number) => blake3Base58(new Uint8Array([i]));
const HOUR = 3_600_000;

function setup() {
  const clock = { t: 1_000_000 };
  const db = new Database(':memory:');
  ensureArtefactIndexSchema(db);
  const index = new ArtefactIndex(db, () => clock.t);
  const blobs = new Set<string>();
  const store = { delete: async (k: string) => blobs.delete(k) };
  const states = new Map<string, ActionState>();
  const asked: string[] = [];
  let failOn: string | undefined;
  const chain = {
    getAction: async (id: string): Promise<Action | undefined> => {
      asked.push(id);
      if (id === failOn) throw new Error('chain unreachable');
      const state = states.get(id);
      return state === undefined ? undefined : ({ actionID: id, state } as Action);
    },
  };
  const sweeper = new ArtefactSweeper({ index, store, chain, graceMs: HOUR, recheckMs: HOUR, maxPerPass: 10, now: () => clock.t });
  const upload = (actionId: string, ...ks: number[]) => {
    index.record(actionId, ks.map((i) => ({ key: key(i), kind: 'symbol' as const, size: 10 })));
    for (const i of ks) blobs.add(key(i));
  };
  return { clock, index, blobs, states, asked, sweeper, upload, failOn: (id: string | undefined) => (failOn = id) };
}

test('artefact sweeper: an expired action loses the blobs only it references, after the grace period', async () => {
  const s = setup();
  s.upload('1', 1, 2, 3);
  s.upload('2', 3, 4); // blob 3 is shared with a live action
  s.states.set('1', ActionState.ACTION_STATE_EXPIRED);
  s.states.set('2', ActionState.ACTION_STATE_DONE);
  assert.deepEqual(await s.sweeper.sweep(), { checked: 0, actionsRemoved: 0, blobsDeleted: 0 }, 'nothing is asked about within the grace period');
  s.clock.t += HOUR;
  assert.deepEqual(await s.sweeper.sweep(), { checked: 2, actionsRemoved: 1, blobsDeleted: 2 });
  assert.deepEqual([...s.blobs].sort(), [key(3), key(4)].sort());
  assert.deepEqual(s.index.artefactsOf('1'), []);
  assert.deepEqual(s.index.actionsOf(key(3)), ['2']);
});

test('artefact sweeper: finalised actions are never asked about again; pending ones after the recheck time', async () => {
  const s = setup();
  s.upload('5', 1);
  s.upload('6', 2);
  s.states.set('5', ActionState.ACTION_STATE_APPROVED);
  s.states.set('6', ActionState.ACTION_STATE_PENDING);
  s.clock.t += HOUR;
  await s.sweeper.sweep();
  assert.deepEqual(s.asked.sort(), ['5', '6']);
  s.asked.length = 0;
  s.clock.t += HOUR / 2;
  await s.sweeper.sweep();
  assert.deepEqual(s.asked, [], 'the pending answer stands for the recheck time');
  s.clock.t += HOUR / 2;
  s.states.set('6', ActionState.ACTION_STATE_FAILED);
  assert.deepEqual(await s.sweeper.sweep(), { checked: 1, actionsRemoved: 1, blobsDeleted: 1 });
  assert.deepEqual(s.asked, ['6']);
  assert.deepEqual([...s.blobs], [key(1)]);
});

test('artefact sweeper: an unknown action or a failing chain deletes nothing; the next pass retries', async () => {
  const s = setup();
  s.upload('7', 1);
  s.upload('8', 2);
  s.upload('9', 3);
  s.states.set('8', ActionState.ACTION_STATE_REJECTED);
  s.states.set('9', ActionState.ACTION_STATE_EXPIRED);
  s.clock.t += HOUR;
  s.failOn('8');
  await assert.rejects(s.sweeper.sweep(), /chain unreachable/);
  assert.equal(s.blobs.size, 3, 'the pass stopped at the failing query without deleting');
  s.failOn(undefined);
  const r = await s.sweeper.sweep();
  assert.equal(r.actionsRemoved, 2);
  assert.deepEqual([...s.blobs], [key(1)], 'the action the chain does not know keeps its blob');
});

test('artefact sweeper: one pass asks about at most maxPerPass actions, longest-unasked first', async () => {
  const s = setup();
  for (let i = 1; i <= 25; i++) {
    s.upload(String(i), i);
    s.states.set(String(i), ActionState.ACTION_STATE_PENDING);
  }
  s.clock.t += HOUR;
  assert.equal((await s.sweeper.sweep()).checked, 10);
  assert.equal((await s.sweeper.sweep()).checked, 10);
  assert.equal((await s.sweeper.sweep()).checked, 5);
  assert.equal(new Set(s.asked).size, 25, 'every action was asked about once');
});

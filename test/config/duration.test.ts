import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../src/config/index.js';
import { suggestKey, editDistance } from '../../src/config/suggest.js';

test('Go-style durations parse to milliseconds and format back', () => {
  const cases: Array<[string, number]> = [['30s', 30000], ['1m30s', 90000], ['500ms', 500], ['1.5h', 5400000], ['-5s', -5000], ['0', 0], ['2000us', 2], ['1h2m3s4ms', 3723004]];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  for (const bad of ['', '5', 's', '5 s', '5d', '1m-3s', 'abc']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(formatDuration(90000), '1m30s');
  assert.equal(formatDuration(3723004), '1h2m3s4ms');
  assert.equal(formatDuration(-5000), '-5s');
  assert.equal(formatDuration(0), '0s');
  for (const ms of [1, 999, 60000, 3600000, 86400000]) assert.equal(parseDuration(formatDuration(ms)), ms);
});

test('key suggestions prefer siblings and ignore case and separators', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  const known = ['a', 'a.max_per_tick', 'b', 'b.max_per_tick', 'b.enabled'];
  assert.equal(suggestKey('max_per_tik', 'b', known), 'b.max_per_tick');
  assert.equal(suggestKey('MaxPerTick', 'a', known), 'a.max_per_tick');
  assert.equal(suggestKey('enabled', 'a', known), 'b.enabled');
  assert.equal(suggestKey('zzzzzz', 'a', known), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/vectors.js';

const SEED = '3031323334353637383930313233343536373839303132333435363738393031';
const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('supernode derive targets: chain pairing of the reference fixture as JSON', () => {
  const r = run(['derive', 'targets', '--seed', SEED, '--active', 'sn-a,sn-b,sn-c,sn-d,sn-e,sn-f', '--divisor', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { mode: 'SHADOW', count: 2, selected_targets: ['sn-f', 'sn-e'], assignments: { 'sn-a': 'sn-f', 'sn-b': 'sn-e' } });
});

test('supernode derive ticket/ranges: --input file with vector keys, flags override', () => {
  const dir = mkdtempSync(join(tmpdir(), 'derive-'));
  try {
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify({ seed_hex: SEED, target: 'sn-target', bucket: 'RECENT', tickets: ['t1', 't2', 't3', 't4', 't5'], excluded: [] }));
    const a = run(['derive', 'ticket', '--input', file]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).ticket_id, 't5');
    const b = run(['derive', 'ticket', '--input', file, '--bucket', 'OLD', '--excluded', 't1']);
    assert.equal(JSON.parse(b.stdout).ticket_id, 't4');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const r = run(['derive', 'ranges', '--seed', SEED, '--target', 'sn-target', '--ticket', 'ticket-1', '--class', 'SYMBOL', '--ordinal', '0', '--artifact-size', '10000']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).offsets, ['6684', '1519', '1771', '2516']);
});

test('supernode derive: malformed input is one line naming the flag, exit 2, no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['derive', 'targets', '--seed', 'xyz', '--active', 'a,b'], /^error: --seed must be hex/],
    [['derive', 'targets', '--seed', SEED, '--active', ''], /^error: --active must list at least one account/],
    [['derive', 'ordinal', '--seed', SEED, '--target', 'x', '--ticket', 't', '--class', 'SYMBOL', '--count', '-5'], /^error: --count must be a non-negative/],
    [['derive', 'ticket', '--seed', SEED, '--target', 'x', '--bucket', 'NEWISH', '--tickets', 'a'], /^error: --bucket must be one of/],
    [['derive', 'ordinal', '--seed', SEED, '--target', 'x', '--ticket', 't', '--class', 'SYMBOL', '--count', '0'], /^error: --count must be > 0/],
  ];
  for (const [args, want] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

#!/usr/bin/env node
// Runs the compiled node:test suites (dist/test/**/*.test.js) and fails on anything that is not a
// clean pass: a failure, a cancelled test (timeout, crash in a hook), a todo, or a run with no tests.
// Usage: node scripts/run-tests.mjs [--only unit|e2e] [name-filter...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let only = null;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only = args[++i];
  else filters.push(args[i]);
}

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const testRoot = join(root, 'dist', 'test');
let files = collect(testRoot).sort();
if (only === 'e2e') files = files.filter((f) => relative(testRoot, f).startsWith('e2e/'));
if (only === 'unit') files = files.filter((f) => !relative(testRoot, f).startsWith('e2e/'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}

const tapFile = join(mkdtempSync(join(tmpdir(), 'lep6-tests-')), 'results.tap');
const nodeArgs = [
  '--test',
  '--test-concurrency=2',
  '--test-timeout=600000',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...files,
];
const child = spawn(process.execPath, nodeArgs, { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => {
  let tap = '';
  try { tap = readFileSync(tapFile, 'utf8'); } catch { /* reporter wrote nothing */ }
  const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const pass = count('pass'), fail = count('fail'), cancelled = count('cancelled'), todo = count('todo'), skipped = count('skipped');
  const problems = [];
  if (signal) problems.push(`test runner killed by ${signal}`);
  if (code !== 0) problems.push(`test runner exited with code ${code}`);
  if (pass === 0) problems.push('no test passed');
  if (cancelled > 0) problems.push(`${cancelled} cancelled`);
  if (todo > 0) problems.push(`${todo} todo`);
  if (skipped > 0) problems.push(`${skipped} skipped`);
  console.log(`\n${pass} passed, ${fail + cancelled} failed`);
  if (problems.length) {
    console.error(`run-tests: FAILED (${problems.join('; ')})`);
    process.exit(1);
  }
});

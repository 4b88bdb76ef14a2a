#!/usr/bin/env node
// Runs the compiled node:test suites (dist/test/**/*.test.js) and fails on anything that is not a
// clean pass: a failure, a cancelled test (timeout, crash in a hook), a todo, a skip, or no test at all.
// Unit files run two at a time; end-to-end files (dist/test/e2e/) run one at a time afterwards, because
// each starts a devnet and several daemons and two of them at once overload a 2-core machine.
// Usage: node scripts/run-tests.mjs [--only unit|e2e] [path-substring...]
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
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
const isE2e = (f) => relative(testRoot, f).startsWith('e2e/');
const phases = [
  { name: 'unit', files: only === 'e2e' ? [] : files.filter((f) => !isE2e(f)), concurrency: 2 },
  { name: 'e2e', files: only === 'unit' ? [] : files.filter(isE2e), concurrency: 1 },
].filter((p) => p.files.length > 0);
if (phases.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}

function runPhase(phase) {
  const tapFile = join(mkdtempSync(join(tmpdir(), 'lep6-tests-')), 'results.tap');
  const nodeArgs = [
    '--test',
    `--test-concurrency=${phase.concurrency}`,
    '--test-timeout=300000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...phase.files,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: 'inherit', cwd: root, env: { LOG_LEVEL: 'silent', ...process.env } });
    child.on('exit', (code, signal) => {
      let tap = '';
      try { tap = readFileSync(tapFile, 'utf8'); } catch { /* reporter wrote nothing */ }
      const count = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
      resolve({ name: phase.name, code, signal, pass: count('pass'), fail: count('fail'), cancelled: count('cancelled'), todo: count('todo'), skipped: count('skipped') });
    });
  });
}

const results = [];
for (const phase of phases) {
  console.log(`\n=== ${phase.name} tests (${phase.files.length} files, ${phase.concurrency} at a time) ===`);
  results.push(await runPhase(phase));
}
const problems = [];
let pass = 0, failed = 0;
for (const r of results) {
  pass += r.pass;
  failed += r.fail + r.cancelled;
  if (r.signal) problems.push(`${r.name}: test runner killed by ${r.signal}`);
  if (r.code !== 0) problems.push(`${r.name}: test runner exited with code ${r.code}`);
  if (r.cancelled > 0) problems.push(`${r.name}: ${r.cancelled} cancelled`);
  if (r.todo > 0) problems.push(`${r.name}: ${r.todo} todo`);
  if (r.skipped > 0) problems.push(`${r.name}: ${r.skipped} skipped`);
}
if (pass === 0) problems.push('no test passed');
console.log(`\n${pass} passed, ${failed} failed`);
if (problems.length) {
  console.error(`run-tests: FAILED (${problems.join('; ')})`);
  process.exit(1);
}

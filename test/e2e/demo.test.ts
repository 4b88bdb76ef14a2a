/**
 * The README's main command, end to end: the built CLI runs `supernode demo --once` (devnet + 4 daemons,
 * a sample file lost and healed) and must end with `demo: OK …` and exit 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { DemoNetwork } from '../../src/demo/network.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');

test('e2e demo: npm start -- --once heals a lost file and prints demo: OK', { timeout: 320_000 }, async (t) => {
  const child = spawn(process.execPath, [CLI, 'demo', '--once'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(timer);
  t.diagnostic(out.split('\n').slice(-12).join('\n'));
  assert.equal(code, 0, `demo exited ${code}\nstdout:\n${out}\nstderr:\n${err.slice(-2000)}`);
  const m = /^demo: OK challenges=(\d+) heals_verified=(\d+)$/m.exec(out);
  assert.ok(m, `no "demo: OK" line in:\n${out}`);
  assert.ok(Number(m[1]) > 0, 'challenges were counted');
  assert.ok(Number(m[2]) >= 1, 'at least one heal op was verified');
  // The narrated steps, in order.
  const steps = [/PASS/, /HASH_MISMATCH|TIMEOUT_OR_NO_RESPONSE|INVALID_TRANSCRIPT|failed challenge/, /heal op \d+ scheduled/, /claim accepted/, /vote: .* verified=true/, /VERIFIED/, /republished/, /passes its challenge again/];
  let at = 0;
  for (const s of steps) {
    const i = out.slice(at).search(s);
    assert.ok(i >= 0, `step ${s} missing after offset ${at} in:\n${out}`);
    at += i;
  }
});

test('e2e demo: a demo node\'s /metrics shows the LEP-6 counters moving', { timeout: 120_000 }, async () => {
  const get = (url: string) => new Promise<string>((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  const dir = mkdtempSync(join(tmpdir(), 'lep6-demo-metrics-'));
  const net = await DemoNetwork.start(dir);
  try {
    await net.startAll();
    await net.uploadSampleFile(100_000);
    const url = `http://${net.nodes[0]!.runtime!.metricsAddress}/metrics`;
    const series = 'supernode_dispatch_epoch_duration_count{role="challenger"}';
    const first = await get(url);
    const deadline = Date.now() + 60_000;
    let later = first;
    while (value(later, series) <= value(first, series) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      later = await get(url);
    }
    assert.ok(value(later, series) > value(first, series), `${series} did not move:\n${later.split('\n').filter((l) => l.startsWith('supernode_dispatch')).join('\n')}`);
    assert.match(later, /^supernode_dispatch_results_total\{class="storage_proof_result_class_[a-z_]+"\} [1-9]/m);
    assert.match(later, /^supernode_chain_rpc_duration_seconds_count\{method="[A-Za-z]+",outcome="ok"\} [1-9]/m);
  } finally {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

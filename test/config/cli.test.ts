import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: '/home/op' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('config validate prints the resolved example config and exits 0', () => {
  const r = run('config', 'validate', 'supernode.example.yaml');
  assert.equal(r.code, 0, r.stderr);
  const resolved = parse(r.stdout) as { base_dir: string; self_healing: { staging_dir: string; enabled: boolean } };
  assert.equal(resolved.base_dir, '/home/op/.supernode');
  assert.equal(resolved.self_healing.staging_dir, '/home/op/.supernode/heal-staging');
  assert.equal(resolved.self_healing.enabled, true);
  const json = run('config', 'validate', '--json', '--base-dir', '/srv/sn', 'supernode.example.yaml');
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { config: { keyring: { dir: string } } }).config.keyring.dir, '/srv/sn/keys');
});

test('config validate lists every error with its position and exits 2', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'supernode:\n  identity: lumera1ksmg483uk7hudtxkmy8ddk6f7x3xapnsadfrgt\n  key_name: k\nlumera:\n  chain_id: c-1\nself_healing:\n  poll_interval_ms: -5\n  poll_intervl: 1\n');
  const r = run('config', 'validate', file);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    `${file}:7:21: self_healing.poll_interval_ms must be >= 0, got -5`,
    `${file}:8:3: unknown key self_healing.poll_intervl (did you mean self_healing.poll_interval_ms?)`,
    `2 errors in ${file}`,
  ]);
  writeFileSync(file, 'supernode: [\n');
  const syntax = run('config', 'validate', '--json', file);
  assert.equal(syntax.code, 2, syntax.stderr);
  const body = JSON.parse(syntax.stdout) as { valid: boolean; errors: Array<{ line: number; col: number; message: string }> };
  assert.equal(body.valid, false);
  assert.equal(body.errors[0]?.line, 2);
  assert.match(body.errors[0]?.message ?? '', /^YAML syntax error/);
  const missing = run('config', 'validate', join(dir, 'absent.yaml'));
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /absent\.yaml cannot be read: ENOENT/);
});

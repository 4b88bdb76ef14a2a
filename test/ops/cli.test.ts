/**
 * The operator commands through the built CLI: `init` (key + commented config), `start` (running line,
 * status and metrics endpoints, second daemon on the same base dir refused, SIGTERM → clean stop),
 * `status` (human and JSON).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevnet } from '../../src/devnet/index.js';
import { Keyring } from '../../src/chain/keyring.js';
import { loadConfigFile } from '../../src/config/index.js';
import { freeBasePort } from '../../src/demo/network.js';
import { silentLogger } from '../../src/util/logger.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(root, 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

/** Spawns a long-running command; resolves once stdout matches `ready`. */
function spawnUntil(args: string[], ready: RegExp, timeoutMs = 30_000): Promise<{ child: ChildProcess; out: () => string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready within ${timeoutMs} ms:\n${out}\n${err.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (ready.test(out)) {
        clearTimeout(t);
        resolve({ child, out: () => out, exited });
      }
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`exited ${code} before ready:\n${out}\n${err.slice(-2000)}`));
    });
  });
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('cli init: a key and a commented config that loads; an existing config is kept without --force', { timeout: 60_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'lep6-init-'));
  try {
    const r = await run(['init', '--home', home, '--keyring-backend', 'test', '--chain-id', 'lumera-test-9', '--rpc', 'http://127.0.0.1:26999']);
    assert.equal(r.code, 0, r.err);
    const address = /key: supernode \(test keyring\) (lumera1\w+)/.exec(r.out)?.[1];
    assert.ok(address, r.out);
    assert.match(r.out, /Write this mnemonic down/);
    const text = readFileSync(join(home, 'config.yml'), 'utf8');
    assert.match(text, /^# /m, 'the config is commented');
    const cfg = loadConfigFile(join(home, 'config.yml'));
    assert.equal(cfg.supernode.identity, address);
    assert.equal(cfg.baseDir, home);
    assert.equal(cfg.lumera.chainId, 'lumera-test-9');
    assert.deepEqual(cfg.lumera.rpcEndpoints, ['http://127.0.0.1:26999']);
    assert.equal(new Keyring({ home, backend: 'test' }).show('supernode').address, address);
    const again = await run(['init', '--home', home, '--keyring-backend', 'test']);
    assert.equal(again.code, 2, again.err);
    assert.match(again.err, /already has .*config\.yml; use --force/);
    const forced = await run(['init', '--home', home, '--keyring-backend', 'test', '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /the key already existed and was kept/);
    const noPass = await run(['init', '--home', join(home, 'other')], { SUPERNODE_KEYRING_PASSPHRASE: undefined });
    assert.equal(noPass.code, 2, `the file backend needs a passphrase: ${noPass.err}`);
    assert.match(noPass.err, /^error: passphrase is required for the file backend/m);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('cli start/status: running daemon answers status and metrics, a second daemon on the base dir is refused, SIGTERM stops it cleanly', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lep6-start-'));
  const devnet = await startDevnet({ supernodes: 2, blockMs: 100, epochBlocks: 10, supernodeBasePort: await freeBasePort(2), fundedAccounts: 0 }, silentLogger());
  let daemon: ChildProcess | undefined;
  try {
    const sn = devnet.supernodes[0]!;
    const baseDir = join(dir, 'sn0');
    new Keyring({ home: baseDir, backend: 'test' }).importMnemonic('sn0', sn.mnemonic);
    const config = join(dir, 'config.yml');
    writeFileSync(config, [
      `base_dir: ${baseDir}`,
      'supernode:', `  identity: ${sn.address}`, '  key_name: sn0', '  host: 127.0.0.1', `  port: ${sn.grpcPort}`, '  status_address: 127.0.0.1:0', '  metrics_address: 127.0.0.1:0',
      'keyring:', '  backend: test',
      'lumera:', `  chain_id: ${devnet.chainId}`, `  rpc_endpoints: [${devnet.rpcUrl}]`,
      'storage_challenge:', '  enabled: true', '  poll_interval_ms: 200', '  lep6:', '    enabled: true',
      'self_healing:', '  enabled: true', '  poll_interval_ms: 300',
      '',
    ].join('\n'));
    const d = await spawnUntil(['start', '--config', config, '--summary-interval', '1'], /running: .*metrics http:\/\/[\d.:]+\/metrics\n/);
    daemon = d.child;
    const statusAddr = /status http:\/\/([\d.:]+)\/status/.exec(d.out())![1]!;
    const metricsAddr = /metrics http:\/\/([\d.:]+)\/metrics/.exec(d.out())![1]!;
    assert.match(d.out(), /services state-db, artefact-store, peer-server, peer-dialer, artefact-gc, storage-challenger, self-healing/);

    const human = await run(['status', '--address', statusAddr]);
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, new RegExp(`supernode ${sn.address}`));
    assert.match(human.out, /^epoch +\d+, enforcement \w+$/m);
    assert.match(human.out, new RegExp(`via ${devnet.rpcUrl.replace(/[.]/g, '\\.')}`));
    const json = await run(['status', '--json', '--address', statusAddr]);
    assert.equal(json.code, 0, json.err);
    const report = JSON.parse(json.out) as { identity: string; chain: { chainId: string }; claims: { pending: number } };
    assert.equal(report.identity, sn.address);
    assert.equal(report.chain.chainId, devnet.chainId);

    const metrics = await httpGet(`http://${metricsAddr}/metrics`);
    assert.match(metrics, /^supernode_dispatch_epoch_duration_count\{role="challenger"\} [1-9]\d*$/m, 'the challenger ran at least once');
    assert.match(metrics, /^supernode_chain_rpc_duration_seconds_count\{method="getCurrentEpoch",outcome="ok"\} [1-9]/m);
    assert.match(metrics, /^supernode_process_resident_memory_bytes /m);

    const second = await run(['start', '--config', config]);
    assert.equal(second.code, 2, second.err);
    assert.match(second.err, /^error: database .*history\.db is in use by another supernode process \(pid \d+/m);

    daemon.kill('SIGTERM');
    assert.equal(await d.exited, 0);
    assert.match(d.out(), /supernode stopped \(SIGTERM\)/);
    daemon = undefined;
    // The lock went with the process: the base dir can be used again.
    const third = await spawnUntil(['start', '--config', config, '--status-address', '', '--metrics-address', ''], /running: .*status off, metrics off\n/);
    third.child.kill('SIGINT');
    assert.equal(await third.exited, 0);
  } finally {
    daemon?.kill('SIGKILL');
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

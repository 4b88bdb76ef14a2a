import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rpc } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run {
  output: () => string;
  waitFor: (re: RegExp, ms: number) => Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
  kill: (sig: NodeJS.Signals) => void;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => out,
    exit,
    kill: (sig) => child.kill(sig),
    waitFor: async (re, ms) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const m = re.exec(out);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGKILL');
      throw new Error(`timed out waiting for ${re} in output:\n${out}`);
    },
  };
}

test('supernode devnet start: prints RPC URL, chain id and key files, serves RPC, stops on SIGTERM with state saved, resumes', async () => {
  const home = mkdtempSync(join(tmpdir(), 'devnet-cli-'));
  try {
    const first = run(['devnet', 'start', '--home', home, '--supernodes', '2', '--rpc-port', '0', '--block-ms', '30', '--epoch-blocks', '3']);
    const url = (await first.waitFor(/rpc-url: (http:\/\/127\.0\.0\.1:\d+)/, 20_000))[1]!;
    await first.waitFor(/summary: /, 5000);
    assert.match(first.output(), /chain-id: lumera-devnet-1/);
    const sn0 = /supernode sn0 (lumera1[0-9a-z]+) grpc 127\.0\.0\.1:4444 p2p 4445 key (\S+)/.exec(first.output());
    assert.ok(sn0, first.output());
    assert.ok(existsSync(sn0[2]!));
    assert.equal(JSON.parse(readFileSync(sn0[2]!, 'utf8')).address, sn0[1]);
    const status = await rpc(url, 'status');
    assert.equal(status.body.result.node_info.network, 'lumera-devnet-1');
    first.kill('SIGTERM');
    assert.equal(await first.exit, 0, first.output());
    const stopped = /devnet stopped at height (\d+)/.exec(first.output());
    assert.ok(stopped, first.output());

    const second = run(['devnet', 'start', '--home', home, '--rpc-port', '0', '--block-ms', '30']);
    const url2 = (await second.waitFor(/rpc-url: (http:\/\/127\.0\.0\.1:\d+)/, 20_000))[1]!;
    const height = Number((await rpc(url2, 'status')).body.result.sync_info.latest_block_height);
    assert.ok(height >= Number(stopped[1]), `resumed at ${height}, stopped at ${stopped[1]}`);
    second.kill('SIGTERM');
    assert.equal(await second.exit, 0, second.output());

    const bad = run(['devnet', 'start', '--home', home, '--supernodes', 'many']);
    assert.equal(await bad.exit, 2, bad.output());
    assert.match(bad.output(), /--supernodes must be an integer/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

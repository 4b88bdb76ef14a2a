/**
 * Cascade upload and download end to end (issue 4 items 7–8): devnet + 4 daemons serving the peer artefact
 * service over real lumera-alts; the client uploads through StoreArtefacts as the action's creator, a
 * supernode finalizes, and the file is downloaded back from the holders with one of them gone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from './helpers/cluster.js';
import { uploadCascadeFile, type Finalizer } from '../../src/cascade/upload.js';
import { downloadCascadeFile } from '../../src/cascade/download.js';
import { cascadeClientDialer } from '../../src/cascade/upload-dialer.js';
import { GrpcArtefactPeers } from '../../src/healing/artefact-peers.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { writeDevnetKeys } from '../../src/devnet/key-files.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { Keyring } from '../../src/chain/keyring.js';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';

const TIMEOUT = 90_000;
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`supernode ${args.slice(0, 2).join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('e2e cascade', { timeout: TIMEOUT * 2 }, () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), 'lep6-e2e-cascade-'));
  const finalizers = (): Finalizer[] => c.nodes.map((n, i) => ({ address: n.address, finalize: (input) => c.sn[i]!.finalizeAction(input) }));

  before(async () => {
    c = await Cluster.start({ nodes: 4, epochBlocks: 400 });
    // The storage challenger is not under test here; the peer services (the heal artefact service) are.
    await c.startAll(() => ({ disableHostReporter: true }));
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('e2e cascade: the built CLI uploads and downloads a file', { timeout: TIMEOUT }, async () => {
    const home = join(dir, 'devnet-home');
    writeDevnetKeys(home, c.devnet.rpcUrl, c.devnet.chainId, c.devnet.supernodes, c.devnet.accounts);
    // Its own funded account, so the test's creator client keeps its sequence to itself.
    const cli = new Keyring({ home: join(home, 'accounts', 'cli'), backend: 'test' }).add('cli');
    const fund = MsgSend.encode({ fromAddress: c.creatorKey.address, toAddress: cli.address, amount: [{ denom: 'ulume', amount: '50000000' }] }).finish();
    await c.creator.submitMessages([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: fund }]);
    const input = join(dir, 'cli-in.bin');
    writeFileSync(input, randomBytes(300_000));
    const up = await run(['cascade', 'upload', input, '--devnet', home, '--key', 'cli'], 60_000);
    assert.equal(up.code, 0, `upload failed: ${up.stderr}`);
    // stderr is not a terminal here: plain progress lines, one per phase.
    for (const phase of ['encode', 'request', 'store', 'finalize']) assert.match(up.stderr, new RegExp(`^${phase}\\.\\.\\.$`, 'm'));
    const actionId = up.stdout.trim().split('\n').at(-1)!;
    assert.match(actionId, /^[0-9]+$/, `stdout: ${up.stdout}`);
    const action = await c.creator.getAction(actionId);
    assert.equal(action?.state, ActionState.ACTION_STATE_DONE);
    const out = join(dir, 'cli-out.bin');
    const down = await run(['cascade', 'download', actionId, out, '--devnet', home, '--key', 'cli'], 60_000);
    assert.equal(down.code, 0, `download failed: ${down.stderr}`);
    assert.ok(readFileSync(out).equals(readFileSync(input)), 'downloaded bytes differ');
    // A download that cannot succeed leaves nothing under OUT and fails with one line, no stack trace.
    const missing = join(dir, 'never.bin');
    const bad = await run(['cascade', 'download', '999999', missing, '--devnet', home, '--key', 'cli'], 30_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /action 999999 not found/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    assert.equal(existsSync(missing), false);
  });

  test('e2e cascade: upload and download round-trip with a holder missing', { timeout: TIMEOUT }, async (t) => {
    const t0 = Date.now();
    const mark = (what: string) => t.diagnostic(`${what} at ${Date.now() - t0} ms`);
    const input = join(dir, 'in.bin');
    writeFileSync(input, randomBytes(20_000_000));
    const dialer = await cascadeClientDialer(c.creator, c.creatorKey);
    try {
      let uphase = '';
      const up = await uploadCascadeFile({
        filePath: input, chain: c.creator, creator: c.creatorKey, dialer, finalizers: finalizers(), holders: 3,
        progress: (p) => {
          if (p.phase !== uphase) mark(`upload phase ${(uphase = p.phase)}`);
        },
      });
      mark(`uploaded action ${up.actionId} (${up.symbols} symbols, ${up.storedBytes} bytes to ${up.holders.length} holders)`);
      assert.equal(up.holders.length, 3);
      assert.equal(up.holders[0], up.finalizer);
      const action = await c.creator.getAction(up.actionId);
      assert.equal(action?.state, ActionState.ACTION_STATE_DONE);
      assert.deepEqual(action?.superNodes, [up.finalizer]);

      // Every holder received every ID file and its share of the symbols through the peer service.
      for (const h of up.holders) {
        const n = c.nodes.find((x) => x.address === h)!;
        const st = await ArtefactStore.open(join(n.baseDir, 'artefacts'));
        for (const id of up.rqIdsIds) assert.ok(await st.has(id), `holder ${n.index} lacks index file ${id}`);
        // ...and indexed them under the action (what artefact collection reads).
        const indexed = n.node!.artefactIndex!.artefactsOf(up.actionId);
        for (const id of up.rqIdsIds) assert.ok(indexed.some((r) => r.key === id && r.kind === 'index'), `holder ${n.index} did not index ${id}`);
        assert.ok(indexed.some((r) => r.kind === 'symbol'), `holder ${n.index} indexed no symbol`);
      }

      // The chain's own holder (the finalizer) loses everything and goes away.
      const gone = c.nodes.find((x) => x.address === up.finalizer)!;
      await c.stopDaemon(gone.index);
      rmSync(join(gone.baseDir, 'artefacts'), { recursive: true, force: true });
      mark('finalizer stopped and wiped');

      const out = join(dir, 'out.bin');
      let phase = '';
      const down = await downloadCascadeFile({
        actionId: up.actionId, outPath: out, chain: c.creator, peers: new GrpcArtefactPeers(dialer, 30_000), fetchTimeoutMs: 30_000,
        progress: (p) => {
          if (p.phase !== phase) mark(`download phase ${(phase = p.phase)}`);
        },
      });
      mark(`downloaded (${down.used} symbols used, ${down.decodeAttempts} decode attempts, failed sources: ${JSON.stringify(down.failures)})`);
      assert.ok(down.unavailable.includes(up.finalizer), 'the stopped holder was asked and skipped');
      assert.equal(down.fetchedFrom[up.finalizer], undefined);
      assert.ok(readFileSync(out).equals(readFileSync(input)), 'downloaded bytes differ from the upload');
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary files left next to OUT');
    } finally {
      dialer.close();
    }
  });
});

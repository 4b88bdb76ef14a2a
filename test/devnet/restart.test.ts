import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { StargateClient } from '@cosmjs/stargate';
import { startDevnet } from '../../src/devnet/index.js';
import { writeDevnetKeys } from '../../src/devnet/key-files.js';
import { Keyring } from '../../src/chain/keyring.js';
import { auditQuery } from '../../src/wire/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { rpc, sendMsg, signTx, b64 } from './helpers.js';

test('a devnet restarted from the same home continues at the next height with its state', async () => {
  const home = mkdtempSync(join(tmpdir(), 'devnet-restart-'));
  try {
    const first = await startDevnet({ home, supernodes: 3, fundedAccounts: 2, autoBlocks: false, epochBlocks: 3 }, silentLogger());
    const [a, b] = [first.accounts[0]!, first.accounts[1]!];
    const tx = signTx({ ...a, chainId: first.chainId, accountNumber: 3n, sequence: 0n, msgs: [sendMsg(a.address, b.address, 4242n)] });
    const sent = await rpc(first.rpcUrl, 'broadcast_tx_sync', { tx: b64(tx) });
    assert.equal(sent.body.result.code, 0, sent.body.result.log);
    for (let i = 0; i < 4; i++) await first.produceBlock();
    const heightBefore = first.height();
    assert.equal(heightBefore, 5n);
    const epochBefore = await rpc(first.rpcUrl, 'abci_query', { path: auditQuery.currentEpoch.path, data: '' });
    assert.equal(epochBefore.body.result.response.code, 0, epochBefore.body.result.response.log);
    await assert.rejects(startDevnet({ home, autoBlocks: false }, silentLogger()), (err: Error & { code?: string }) => err.code === 'DEVNET_LOCKED');
    await first.stop();
    await first.stop(); // idempotent

    const second = await startDevnet({ home, supernodes: 7, autoBlocks: false }, silentLogger());
    try {
      assert.equal(second.height(), heightBefore, 'resumed at the saved height');
      assert.equal(second.supernodes.length, 3, 'genesis (supernode count) comes from the saved chain');
      assert.deepEqual(second.supernodes.map((s) => s.address), first.supernodes.map((s) => s.address));
      await second.produceBlock();
      assert.equal(second.height(), heightBefore + 1n);
      const client = await StargateClient.connect(second.rpcUrl);
      assert.equal(await client.getHeight(), Number(heightBefore) + 1);
      assert.equal((await client.getAccount(a.address))?.sequence, 1);
      assert.ok((await client.getAccount(a.address))?.pubkey, 'pubkey persisted');
      assert.equal((await client.getBalance(b.address, 'ulume')).amount, (1_000_000_000_000n + 4242n).toString());
      const found = await client.getTx(toHex(sha256(tx)).toUpperCase());
      assert.equal(found?.code, 0);
      const blk = await rpc(second.rpcUrl, 'block', { height: (heightBefore + 1n).toString() });
      const prev = await client.getBlock(Number(heightBefore));
      assert.equal(blk.body.result.block.header.last_block_id.hash, prev.id, 'hash chain continues across the restart');
      client.disconnect();
      // Module state survived: the audit epoch math and anchors are the same chain.
      const epochAfter = await rpc(second.rpcUrl, 'abci_query', { path: auditQuery.currentEpoch.path, data: '' });
      const decode = (v: string) => auditQuery.currentEpoch.response.decode(fromBase64(v));
      // epoch_id = floor((h - 1) / 3) with epoch_zero_height 1 and 3-block epochs (spec 03 §1.1).
      assert.equal(decode(epochBefore.body.result.response.value).epochId, (heightBefore - 1n) / 3n);
      assert.equal(decode(epochAfter.body.result.response.value).epochId, heightBefore / 3n);
      const anchor = await rpc(second.rpcUrl, 'abci_query', { path: auditQuery.currentEpochAnchor.path, data: '' });
      assert.equal(anchor.body.result.response.code, 0, `anchor of the epoch started before the restart survives: ${anchor.body.result.response.log}`);
      // The CLI's key files are a test-backend keyring the daemon's Keyring reads back.
      const summary = writeDevnetKeys(home, second.rpcUrl, second.chainId, second.supernodes, second.accounts);
      const sn0 = summary.supernodes[0]!;
      assert.ok(existsSync(sn0.keyFile));
      const ring = new Keyring({ home: sn0.keyringHome, backend: 'test' });
      assert.equal(ring.show('sn0').address, sn0.address);
      assert.equal((await ring.signingKey('sn0')).address, sn0.address);
      assert.equal(JSON.parse(readFileSync(join(home, 'devnet.json'), 'utf8')).chainId, 'lumera-devnet-1');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '../../src/chain/keyring.js';
import { connectFromConfig, loadSigningKey } from '../../src/chain/from-config.js';
import { startDevnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/util/logger.js';
import type { SupernodeConfig } from '../../src/config/types.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art';

test('loadSigningKey: key_name from keyring.dir, passphrase file, identity must match', async () => {
  const base = mkdtempSync(join(tmpdir(), 'from-config-'));
  try {
    const keysDir = join(base, 'custom-keys');
    const info = new Keyring({ home: base, keysDir, backend: 'file', passphrase: 'passphrase-123' }).importMnemonic('sn', MNEMONIC);
    const pf = join(base, 'pp');
    writeFileSync(pf, 'passphrase-123\n');
    const cfg = (identity: string, passphraseFile = pf): Pick<SupernodeConfig, 'baseDir' | 'supernode' | 'keyring'> => ({
      baseDir: base,
      supernode: { identity, keyName: 'sn' } as SupernodeConfig['supernode'],
      keyring: { backend: 'file', dir: keysDir, passphraseFile },
    });
    assert.equal((await loadSigningKey(cfg(info.address))).address, info.address);
    const other = 'lumera1ted4l44tkv9kensq9vkqxp8e4jrwnje22lxmad';
    await assert.rejects(loadSigningKey(cfg(other)), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'supernode.identity');
    await assert.rejects(loadSigningKey(cfg(info.address, join(base, 'nope'))), /keyring.passphrase_file cannot be read/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('connectFromConfig: endpoints, chain id check and tx settings from the lumera section', async () => {
  const devnet = await startDevnet({ supernodes: 1, autoBlocks: false, fundedAccounts: 0 }, silentLogger());
  try {
    const lumera: SupernodeConfig['lumera'] = {
      rpcEndpoints: [devnet.rpcUrl], chainId: devnet.chainId, gasPrice: '0.025', gasAdjustment: 1.3, gasPadding: 50_000, callTimeoutMs: 5000, inclusionTimeoutMs: 10_000,
    };
    const c = await connectFromConfig({ lumera }, undefined);
    try {
      assert.equal(c.chainId, devnet.chainId);
      assert.equal(c.signerAddress, undefined);
    } finally {
      c.close();
    }
    await assert.rejects(connectFromConfig({ lumera: { ...lumera, chainId: 'lumera-testnet-2' } }, undefined), /chain.chain_id/);
  } finally {
    await devnet.stop();
  }
});

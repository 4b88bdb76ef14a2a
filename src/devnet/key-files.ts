/**
 * Writes each devnet key where the daemon can use it: a test-backend keyring (src/chain/keyring.ts) under
 * `<home>/supernodes/<name>/` (so `--home <home>/supernodes/sn0 --keyring-backend test` signs as sn0), plus
 * `<home>/devnet.json` summarising the chain (RPC URL, chain id, accounts, key files) for scripts.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '../chain/keyring.js';
import type { DevnetAccount } from './api.js';

export interface KeyFileEntry extends DevnetAccount {
  /** `--home` to give the daemon for this key. */
  keyringHome: string;
  keyFile: string;
}

export interface DevnetSummary {
  rpcUrl: string;
  chainId: string;
  supernodes: KeyFileEntry[];
  accounts: KeyFileEntry[];
}

function writeKey(home: string, group: string, a: DevnetAccount): KeyFileEntry {
  const keyringHome = join(home, group, a.name);
  const ring = new Keyring({ home: keyringHome, backend: 'test' });
  const keyFile = join(ring.dir, `${a.name}.json`);
  if (!existsSync(keyFile)) ring.importMnemonic(a.name, a.mnemonic);
  return { ...a, keyringHome, keyFile };
}

export function writeDevnetKeys(home: string, rpcUrl: string, chainId: string, supernodes: DevnetAccount[], accounts: DevnetAccount[]): DevnetSummary {
  const summary: DevnetSummary = {
    rpcUrl, chainId,
    supernodes: supernodes.map((a) => writeKey(home, 'supernodes', a)),
    accounts: accounts.map((a) => writeKey(home, 'accounts', a)),
  };
  const path = join(home, 'devnet.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(summary, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  return summary;
}

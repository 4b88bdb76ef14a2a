/**
 * Wiring from the daemon configuration: the signing key (`supernode.key_name` from the configured keyring,
 * whose address must be `supernode.identity`) and the connected client (`lumera.*`).
 */
import { readFileSync } from 'node:fs';
import type { SupernodeConfig } from '../config/types.js';
import { InvalidArgumentError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { connectLumeraClient, type LumeraClient } from './client.js';
import { Keyring } from './keyring.js';
import type { SigningKey } from './keys.js';

export const PASSPHRASE_ENV = 'SUPERNODE_KEYRING_PASSPHRASE';

/** Unlocks `supernode.key_name`; the passphrase comes from `keyring.passphrase_file`, else SUPERNODE_KEYRING_PASSPHRASE. */
export async function loadSigningKey(cfg: Pick<SupernodeConfig, 'baseDir' | 'supernode' | 'keyring'>): Promise<SigningKey> {
  let passphrase: string | undefined;
  if (cfg.keyring.backend === 'file') {
    if (cfg.keyring.passphraseFile !== '') {
      try {
        passphrase = readFileSync(cfg.keyring.passphraseFile, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        throw new InvalidArgumentError('keyring.passphrase_file', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    } else {
      passphrase = process.env[PASSPHRASE_ENV];
    }
  }
  const ring = new Keyring({ home: cfg.baseDir, keysDir: cfg.keyring.dir, backend: cfg.keyring.backend, passphrase });
  const key = await ring.signingKey(cfg.supernode.keyName);
  if (key.address !== cfg.supernode.identity) {
    throw new InvalidArgumentError('supernode.identity', `is ${cfg.supernode.identity} but key ${JSON.stringify(cfg.supernode.keyName)} has address ${key.address}`);
  }
  return key;
}

/** Connects to `lumera.rpc_endpoints` (checking `lumera.chain_id`) with the config's gas and timeout settings. */
export function connectFromConfig(cfg: Pick<SupernodeConfig, 'lumera'>, signer: SigningKey | undefined, logger?: Logger): Promise<LumeraClient> {
  const l = cfg.lumera;
  return connectLumeraClient({
    rpcUrls: l.rpcEndpoints,
    chainId: l.chainId,
    signer,
    requestTimeoutMs: l.callTimeoutMs,
    tx: { gasPrice: l.gasPrice, gasAdjustment: l.gasAdjustment, gasPadding: BigInt(l.gasPadding), inclusionTimeoutMs: l.inclusionTimeoutMs },
    logger,
  });
}

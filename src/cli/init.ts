/**
 * `supernode init [--home DIR]`: creates the base directory, a signing key in its keyring and a commented
 * `config.yml` (the documented example with this key filled in). Existing keys are reused; an existing
 * config file is kept unless --force.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { Keyring, KEYRING_BACKENDS, KeyringError, type KeyringBackend } from '../chain/keyring.js';
import { PASSPHRASE_ENV } from '../chain/from-config.js';
import { checkConfig, formatIssue, renderExampleConfig } from '../config/index.js';
import { InvalidArgumentError } from '../util/errors.js';

export interface InitOptions {
  home: string;
  keyName: string;
  keyringBackend: string;
  passphraseFile?: string;
  chainId?: string;
  rpc?: string;
  force?: boolean;
}

/** The example config with this node's values set (comments kept). */
export function initialConfigText(v: { baseDir: string; identity: string; keyName: string; backend: KeyringBackend; passphraseFile?: string; chainId?: string; rpc?: string }): string {
  const doc = parseDocument(renderExampleConfig());
  doc.set('base_dir', v.baseDir);
  doc.setIn(['supernode', 'identity'], v.identity);
  doc.setIn(['supernode', 'key_name'], v.keyName);
  doc.setIn(['keyring', 'backend'], v.backend);
  if (v.passphraseFile) doc.setIn(['keyring', 'passphrase_file'], v.passphraseFile);
  if (v.chainId) doc.setIn(['lumera', 'chain_id'], v.chainId);
  if (v.rpc) doc.setIn(['lumera', 'rpc_endpoints'], doc.createNode([v.rpc]));
  return doc.toString({ lineWidth: 0 });
}

export function registerInitCommands(program: Command): void {
  program
    .command('init')
    .description('create a base directory with a signing key and a commented config.yml')
    .option('--home <dir>', 'base directory', join(homedir(), '.supernode'))
    .option('--key-name <name>', 'name of the signing key', 'supernode')
    .option('--keyring-backend <backend>', `keyring backend (${KEYRING_BACKENDS.join('|')})`, 'file')
    .option('--passphrase-file <file>', `file holding the keyring passphrase (else $${PASSPHRASE_ENV}); recorded in the config`)
    .option('--chain-id <id>', 'lumera.chain_id to write')
    .option('--rpc <url>', 'lumera.rpc_endpoints to write (one URL)')
    .option('--force', 'overwrite an existing config.yml')
    .action((o: InitOptions) => {
      if (!KEYRING_BACKENDS.includes(o.keyringBackend as KeyringBackend)) {
        throw new InvalidArgumentError('--keyring-backend', `must be one of ${KEYRING_BACKENDS.join(', ')}, got ${JSON.stringify(o.keyringBackend)}`);
      }
      const backend = o.keyringBackend as KeyringBackend;
      const home = resolve(o.home);
      const configPath = join(home, 'config.yml');
      if (existsSync(configPath) && !o.force) throw new InvalidArgumentError('--home', `already has ${configPath}; use --force to overwrite it`);
      let passphrase: string | undefined;
      const passphraseFile = o.passphraseFile !== undefined ? resolve(o.passphraseFile) : undefined;
      if (backend === 'file') {
        if (passphraseFile !== undefined) {
          try {
            passphrase = readFileSync(passphraseFile, 'utf8').replace(/\r?\n$/, '');
          } catch (err) {
            throw new InvalidArgumentError('--passphrase-file', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          }
        } else passphrase = process.env[PASSPHRASE_ENV];
        if (passphrase === undefined) throw new InvalidArgumentError('passphrase', `is required for the file backend: use --passphrase-file FILE or set ${PASSPHRASE_ENV}`);
      }
      mkdirSync(home, { recursive: true, mode: 0o700 });
      chmodSync(home, 0o700);
      const ring = new Keyring({ home, backend, passphrase });
      let address: string;
      let mnemonic: string | undefined;
      try {
        address = ring.show(o.keyName).address;
      } catch (err) {
        if (!(err instanceof KeyringError)) throw err;
        const k = ring.add(o.keyName);
        address = k.address;
        mnemonic = k.mnemonic;
      }
      const text = initialConfigText({ baseDir: home, identity: address, keyName: o.keyName, backend, passphraseFile, chainId: o.chainId, rpc: o.rpc });
      // Never write a file `start` would reject.
      const { issues } = checkConfig(text, { source: configPath });
      if (issues.length > 0) throw new InvalidArgumentError('config', `generated for ${home} is invalid: ${issues.map((i) => formatIssue(i, configPath)).join('; ')}`);
      writeFileSync(configPath, text, { mode: 0o600 });
      const out = process.stdout;
      out.write(`home: ${home}\nconfig: ${configPath}\nkey: ${o.keyName} (${backend} keyring) ${address}\n`);
      if (mnemonic) out.write(`\n**Write this mnemonic down and keep it safe; it is the only way to recover the key.**\n${mnemonic}\n\n`);
      else out.write('(the key already existed and was kept)\n');
      out.write(`next: register ${address} as a supernode on chain, check lumera.* in the config, then run\n  supernode start --config ${configPath}\n`);
    });
}

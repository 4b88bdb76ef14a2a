/**
 * `supernode keys add|import|show|list`: the keyring under `<home>/keys/keyring-<backend>/`.
 * The passphrase (file backend) comes from `--passphrase-file` or SUPERNODE_KEYRING_PASSPHRASE and is never
 * printed; an imported mnemonic comes from `--mnemonic-file` or standard input, never from the command line
 * (it would land in shell history and the process list).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Keyring, KEYRING_BACKENDS, type KeyringBackend } from '../chain/keyring.js';
import { InvalidArgumentError } from '../util/errors.js';
import { PASSPHRASE_ENV } from '../chain/from-config.js';

export { PASSPHRASE_ENV };

interface KeyOpts {
  home: string;
  keyringBackend: string;
  passphraseFile?: string;
}

function readSecretFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new InvalidArgumentError(flag, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function keyring(o: KeyOpts, needPassphrase: boolean): Keyring {
  if (!KEYRING_BACKENDS.includes(o.keyringBackend as KeyringBackend)) {
    throw new InvalidArgumentError('--keyring-backend', `must be one of ${KEYRING_BACKENDS.join(', ')}, got ${JSON.stringify(o.keyringBackend)}`);
  }
  let passphrase: string | undefined;
  if (needPassphrase && o.keyringBackend === 'file') {
    passphrase = o.passphraseFile !== undefined ? readSecretFile('--passphrase-file', o.passphraseFile) : process.env[PASSPHRASE_ENV];
    if (passphrase === undefined) throw new InvalidArgumentError('passphrase', `is required for the file backend: use --passphrase-file FILE or set ${PASSPHRASE_ENV}`);
  }
  return new Keyring({ home: o.home, backend: o.keyringBackend as KeyringBackend, passphrase });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new InvalidArgumentError('mnemonic', 'must be given with --mnemonic-file FILE or piped on standard input');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function common(cmd: Command): Command {
  return cmd
    .option('--home <dir>', 'supernode base directory', join(homedir(), '.supernode'))
    .option('--keyring-backend <backend>', `keyring backend (${KEYRING_BACKENDS.join('|')})`, 'file')
    .option('--passphrase-file <file>', `file holding the keyring passphrase (else $${PASSPHRASE_ENV})`);
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('manage the supernode signing keys (eth_secp256k1, m/44\'/60\'/0\'/0/0)');

  common(keys.command('add').description('create a key from a new 24-word mnemonic (printed once: back it up)').argument('<name>'))
    .action((name: string, o: KeyOpts) => {
      const k = keyring(o, true).add(name);
      process.stdout.write(`name: ${k.name}\naddress: ${k.address}\n\n**Write this mnemonic down and keep it safe; it is the only way to recover the key.**\n${k.mnemonic}\n`);
    });

  common(keys.command('import').description('store an existing mnemonic under <name>').argument('<name>'))
    .option('--mnemonic-file <file>', 'file holding the mnemonic (else read from standard input)')
    .action(async (name: string, o: KeyOpts & { mnemonicFile?: string }) => {
      const kr = keyring(o, true);
      const mnemonic = o.mnemonicFile !== undefined ? readSecretFile('--mnemonic-file', o.mnemonicFile) : await readStdin();
      const k = kr.importMnemonic(name, mnemonic);
      process.stdout.write(`name: ${k.name}\naddress: ${k.address}\n`);
    });

  common(keys.command('show').description('print the address of a key').argument('<name>'))
    .option('--address', 'print only the address')
    .action((name: string, o: KeyOpts & { address?: boolean }) => {
      const k = keyring(o, false).show(name);
      process.stdout.write(o.address ? `${k.address}\n` : `name: ${k.name}\naddress: ${k.address}\ntype: ${k.keyType}\nhd_path: ${k.hdPath}\n`);
    });

  common(keys.command('list').description('list the keys of the keyring'))
    .action((o: KeyOpts) => {
      for (const k of keyring(o, false).list()) process.stdout.write(`${k.name}\t${k.address}\n`);
    });
}

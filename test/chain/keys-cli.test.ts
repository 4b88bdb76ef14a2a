import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerKeysCommands, PASSPHRASE_ENV } from '../../src/cli/keys.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art';

/** Runs `supernode keys …` in-process and returns what it printed. */
async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerKeysCommands(program);
  let out = '';
  const orig = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['keys', ...args], { from: 'user' });
  } finally {
    process.stdout.write = orig;
  }
  return out;
}

test('keys CLI: add/import/show/list on both backends; passphrase from file or env, never printed', async () => {
  const home = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  try {
    const pp = join(home, 'pass');
    writeFileSync(pp, 'a long passphrase\n');
    const added = await run(['add', 'sn', '--home', home, '--passphrase-file', pp]);
    assert.match(added, /^name: sn\naddress: lumera1[0-9a-z]{38}\n/);
    assert.equal(added.trim().split('\n').at(-1)!.split(' ').length, 24, 'the mnemonic is shown once');
    assert.equal(added.includes('a long passphrase'), false);
    const mf = join(home, 'mnemonic');
    writeFileSync(mf, `${MNEMONIC}\n`);
    process.env[PASSPHRASE_ENV] = 'a long passphrase';
    try {
      const imported = await run(['import', 'old', '--home', home, '--mnemonic-file', mf]);
      assert.match(imported, /^name: old\naddress: lumera1/);
    } finally {
      delete process.env[PASSPHRASE_ENV];
    }
    const addr = (await run(['show', 'old', '--home', home, '--address'])).trim();
    assert.match(addr, /^lumera1/);
    const list = await run(['list', '--home', home]);
    assert.deepEqual(list.trim().split('\n').map((l) => l.split('\t')[0]), ['old', 'sn']);
    assert.ok(list.includes(addr));
    // test backend: no passphrase needed, separate folder.
    await run(['import', 'dev', '--home', home, '--keyring-backend', 'test', '--mnemonic-file', mf]);
    assert.equal((await run(['show', 'dev', '--home', home, '--keyring-backend', 'test', '--address'])).trim(), addr);
    await assert.rejects(run(['add', 'x', '--home', home]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'passphrase');
    await assert.rejects(run(['list', '--home', home, '--keyring-backend', 'os']), /--keyring-backend must be one of file, test/);
    await assert.rejects(run(['import', 'y', '--home', home, '--keyring-backend', 'test', '--mnemonic-file', join(home, 'missing')]), /--mnemonic-file cannot be read/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

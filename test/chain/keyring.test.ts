import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectEthSecp256k1HdWallet, makeSignBytes } from '@cosmjs/proto-signing';
import { Keyring } from '../../src/chain/keyring.js';
import { generateMnemonic, normaliseMnemonic, signingKeyFromMnemonic } from '../../src/chain/keys.js';
import { verifyMessage } from '../../src/crypto/account-keys.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art';

function withHome(fn: (home: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const home = mkdtempSync(join(tmpdir(), 'keyring-'));
    try {
      await fn(home);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };
}

test('derivation matches cosmjs DirectEthSecp256k1HdWallet (m/44\'/60\'/0\'/0/0, prefix lumera) and signs verifiably', async () => {
  const key = await signingKeyFromMnemonic(MNEMONIC);
  const wallet = await DirectEthSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: 'lumera' });
  const [acc] = await wallet.getAccounts();
  assert.equal(key.address, acc!.address);
  assert.deepEqual(key.publicKey, acc!.pubkey);
  assert.equal(key.keyType, 'eth_secp256k1');
  const doc = { bodyBytes: new Uint8Array([1, 2]), authInfoBytes: new Uint8Array([3]), chainId: 'lumera-devnet-1', accountNumber: 4n };
  const sig = key.sign(makeSignBytes(doc));
  assert.equal(sig.length, 65);
  assert.equal(verifyMessage(key.publicKey, makeSignBytes(doc), sig, 'eth_secp256k1'), true);
  // cosmjs signs the same Keccak digest; its 64-byte R||S equals our first 64 bytes (RFC 6979, low-S).
  const theirs = await wallet.signDirect(acc!.address, doc);
  assert.deepEqual(Buffer.from(theirs.signature.signature, 'base64'), Buffer.from(sig.subarray(0, 64)));
});

test('mnemonics: 24 fresh words, normalisation, bad checksum rejected with the field name', () => {
  const m = generateMnemonic();
  assert.equal(m.split(' ').length, 24);
  assert.equal(normaliseMnemonic(`  ${MNEMONIC.toUpperCase().replace(/ /g, '   ')} `), MNEMONIC);
  assert.throws(() => normaliseMnemonic(MNEMONIC.replace(/art$/, 'abandon')), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'mnemonic');
  assert.throws(() => normaliseMnemonic('one two three'), /12, 15, 18, 21 or 24 words/);
});

test('test backend: add, import, show, list, sign', withHome(async (home) => {
  const kr = new Keyring({ home, backend: 'test' });
  const added = kr.add('alice');
  assert.equal(added.mnemonic.split(' ').length, 24);
  const imported = kr.importMnemonic('bob', MNEMONIC);
  assert.equal(imported.address, (await signingKeyFromMnemonic(MNEMONIC)).address);
  assert.deepEqual(kr.show('bob'), imported);
  assert.deepEqual(kr.list().map((k) => k.name), ['alice', 'bob']);
  assert.equal((await kr.signingKey('alice')).address, added.address);
  assert.throws(() => kr.importMnemonic('bob', MNEMONIC), /already exists/);
  assert.throws(() => kr.show('carol'), /not found/);
  assert.throws(() => kr.show('../etc'), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'name');
}));

test('file backend: 0600 files, mnemonic not in clear, wrong passphrase and tampering rejected', withHome(async (home) => {
  const kr = new Keyring({ home, backend: 'file', passphrase: 'correct horse battery' });
  const info = kr.importMnemonic('sn', MNEMONIC);
  const file = join(kr.dir, 'sn.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(kr.dir).mode & 0o777, 0o700);
  const raw = readFileSync(file, 'utf8');
  assert.equal(raw.includes('abandon'), false, 'mnemonic is sealed');
  assert.equal((await kr.signingKey('sn')).address, info.address);
  // Listing needs no passphrase.
  assert.deepEqual(new Keyring({ home, backend: 'file' }).list(), [info]);
  await assert.rejects(new Keyring({ home, backend: 'file', passphrase: 'wrong passphrase' }).signingKey('sn'), /wrong passphrase/);
  await assert.rejects(new Keyring({ home, backend: 'file' }).signingKey('sn'), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'passphrase');
  // Moving the sealed blob to another name/address fails authentication.
  const f = JSON.parse(raw) as { address: string };
  f.address = 'lumera1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq';
  writeFileSync(file, JSON.stringify(f));
  await assert.rejects(kr.signingKey('sn'), /wrong passphrase or damaged/);
  assert.throws(() => new Keyring({ home, backend: 'file', passphrase: 'short' }).add('x'), /at least 8/);
  assert.throws(() => new Keyring({ home, backend: 'os' as 'file' }), /keyring-backend/);
}));

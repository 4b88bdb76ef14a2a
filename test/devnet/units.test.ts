import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { DirectEthSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from '@cosmjs/crypto';
import { toHex } from '@cosmjs/encoding';
import { encodeState, decodeState } from '../../src/devnet/state-codec.js';
import { parseTxQuery, matches } from '../../src/devnet/tx-query.js';
import { merkleProof, merkleRoot } from '../../src/devnet/merkle.js';
import { devnetAccount, devnetMnemonic, privateKeyFromMnemonic, parseGasPrice, startDevnet } from '../../src/devnet/index.js';
import { requiredFee } from '../../src/devnet/ante.js';
import { silentLogger } from '../../src/util/logger.js';
import { rpc, sendMsg, signTx, b64 } from './helpers.js';

test('state codec round-trips bigint and bytes and refuses types it cannot restore', () => {
  const v = { a: 1n, b: new Uint8Array([1, 2, 255]), c: [{ d: 'x', e: null, f: true, g: -3.5 }], h: { $n: 'looks tagged but has two keys', z: 1 } };
  assert.deepEqual(decodeState(encodeState(v)), v);
  assert.throws(() => encodeState({ m: new Map() }), /only plain objects/);
  assert.throws(() => encodeState({ d: new Date() }), /only plain objects/);
  assert.throws(() => encodeState({ n: Number.NaN }), /non-finite/);
});

test('tx_search query parser: AND, comparison operators, quoted and numeric values; bad queries refused', () => {
  const conds = parseTxQuery("message.sender='lumera1abc' AND tx.height>=5 AND transfer.amount CONTAINS 'ulume'");
  assert.deepEqual(conds, [
    { key: 'message.sender', op: '=', value: 'lumera1abc' },
    { key: 'tx.height', op: '>=', value: '5' },
    { key: 'transfer.amount', op: 'CONTAINS', value: 'ulume' },
  ]);
  assert.equal(matches(conds[1]!, ['4']), false);
  assert.equal(matches(conds[1]!, ['4', '5']), true);
  assert.equal(matches(conds[2]!, ['10ulume']), true);
  assert.equal(matches({ key: 'x.y', op: 'EXISTS', value: '' }, []), false);
  assert.throws(() => parseTxQuery(''), /query must be a non-empty string/);
  assert.throws(() => parseTxQuery('tx.height = ; DROP'), /unsupported condition/);
});

test('merkle proofs verify against the root for every index (RFC 6962 layout as CometBFT)', () => {
  const leafHash = (b: Uint8Array) => sha256(new Uint8Array([0, ...b]));
  const inner = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1, ...l, ...r]));
  for (let n = 1; n <= 9; n++) {
    const items = Array.from({ length: n }, (_, i) => sha256(new Uint8Array([i])));
    const root = merkleRoot(items);
    for (let i = 0; i < n; i++) {
      const p = merkleProof(items, i);
      assert.deepEqual(p.leafHash, leafHash(items[i]!));
      // Recompute the root bottom-up like CometBFT's computeHashFromAunts.
      const compute = (index: number, total: number, leaf: Uint8Array, aunts: Uint8Array[]): Uint8Array => {
        if (total === 1) return leaf;
        let k = 1;
        while (k * 2 < total) k *= 2;
        const last = aunts[aunts.length - 1]!;
        const rest = aunts.slice(0, -1);
        return index < k ? inner(compute(index, k, leaf, rest), last) : inner(last, compute(index - k, total - k, leaf, rest));
      };
      assert.deepEqual(compute(i, n, p.leafHash, p.aunts), root, `n=${n} i=${i}`);
    }
  }
  assert.equal(toHex(merkleRoot([])), toHex(sha256(new Uint8Array())));
});

test('devnet keys: deterministic per label and identical to the cosmjs HD wallet at m/44\'/60\'/0\'/0/0', async () => {
  assert.equal(devnetMnemonic('sn0'), devnetMnemonic('sn0'));
  assert.notEqual(devnetMnemonic('sn0'), devnetMnemonic('sn1'));
  assert.equal(devnetMnemonic('sn0').split(' ').length, 24);
  for (const label of ['sn0', 'sn1', 'acct0', 'x']) {
    const a = await devnetAccount(label);
    const wallet = await DirectEthSecp256k1HdWallet.fromMnemonic(a.mnemonic, { prefix: 'lumera' });
    const [w] = await wallet.getAccounts();
    assert.equal(w!.address, a.address, label);
    assert.equal(toHex(w!.pubkey), a.publicKeyHex, label);
    const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(a.mnemonic));
    assert.equal(toHex(Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath("m/44'/60'/0'/0/0")).privkey), a.privateKeyHex, label);
  }
  await assert.rejects(privateKeyFromMnemonic('not a mnemonic'), /mnemonic is not a valid BIP39/);
  assert.throws(() => devnetMnemonic(''), /label must be a non-empty string/);
});

test('gas price parsing and required fee are exact (ceil)', () => {
  assert.deepEqual(parseGasPrice(0.0025), { num: 25n, den: 10000n });
  assert.deepEqual(parseGasPrice('0.025'), { num: 25n, den: 1000n });
  assert.equal(requiredFee(200_000n, parseGasPrice(0.0025)), 500n);
  assert.equal(requiredFee(200_001n, parseGasPrice(0.0025)), 501n);
  assert.throws(() => parseGasPrice('-1'), /minGasPrice must be a non-negative decimal/);
});

test('startDevnet validates its options with typed errors', async () => {
  await assert.rejects(startDevnet({ supernodes: 0 }, silentLogger()), /supernodes must be an integer in \[1, 1000\]/);
  await assert.rejects(startDevnet({ chainId: 'Bad Chain' }, silentLogger()), /chainId must look like/);
  await assert.rejects(startDevnet({ blockMs: 1.5 }, silentLogger()), /blockMs must be an integer/);
});

test('timer blocks: waitForHeight resolves, times out with a typed error, broadcast_tx_commit returns the DeliverTx result', async () => {
  const d = await startDevnet({ supernodes: 1, fundedAccounts: 2, blockMs: 20 }, silentLogger());
  try {
    const h = d.height();
    await d.waitForHeight(h + 3n, 10_000);
    assert.ok(d.height() >= h + 3n);
    await assert.rejects(d.waitForHeight(d.height() + 100_000n, 50), (err: Error & { code?: string }) => err.code === 'DEVNET_TIMEOUT');
    const [a, b] = [d.accounts[0]!, d.accounts[1]!];
    const tx = signTx({ ...a, chainId: d.chainId, accountNumber: 1n, sequence: 0n, msgs: [sendMsg(a.address, b.address, 3n)] });
    const r = await rpc(d.rpcUrl, 'broadcast_tx_commit', { tx: b64(tx) });
    assert.equal(r.body.result.check_tx.code, 0);
    assert.equal(r.body.result.tx_result.code, 0, r.body.result.tx_result.log);
    assert.ok(Number(r.body.result.height) > Number(h));
    const again = await rpc(d.rpcUrl, 'broadcast_tx_commit', { tx: b64(tx) });
    assert.equal(again.body.result.check_tx.code, 32);
    assert.equal(again.body.result.height, '0');
  } finally {
    await d.stop();
  }
  await assert.rejects(d.produceBlock(), /devnet is stopped/);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { StargateClient, SigningStargateClient, GasPrice, calculateFee } from '@cosmjs/stargate';
import { DirectEthSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { toBech32 } from '@cosmjs/encoding';
import { connectComet, Comet38Client } from '@cosmjs/tendermint-rpc';
import { startDevnet, type Devnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/util/logger.js';

let devnet: Devnet;

before(async () => {
  devnet = await startDevnet({ supernodes: 2, fundedAccounts: 3, blockMs: 40 }, silentLogger());
});

after(async () => {
  await devnet.stop();
});

test('connectComet picks the Comet38 client and StargateClient reads chain id, height, account and balance', async () => {
  const comet = await connectComet(devnet.rpcUrl);
  assert.ok(comet instanceof Comet38Client);
  comet.disconnect();
  const client = await StargateClient.connect(devnet.rpcUrl);
  assert.equal(await client.getChainId(), 'lumera-devnet-1');
  const h = await client.getHeight();
  assert.ok(h >= 1);
  const acct = devnet.accounts[0]!;
  const info = await client.getAccount(acct.address);
  assert.equal(info?.address, acct.address);
  assert.equal(info?.sequence, 0);
  assert.equal(info?.pubkey, null);
  assert.deepEqual(await client.getBalance(acct.address, 'ulume'), { denom: 'ulume', amount: '1000000000000' });
  assert.equal(await client.getAccount(toBech32('lumera', new Uint8Array(20).fill(7))), null, 'unknown account reads as null (NotFound)');
  client.disconnect();
});

test('SigningStargateClient with DirectEthSecp256k1HdWallet sends MsgSend, included with code 0, balances move', async () => {
  const [from, to] = [devnet.accounts[0]!, devnet.accounts[1]!];
  const wallet = await DirectEthSecp256k1HdWallet.fromMnemonic(from.mnemonic, { prefix: 'lumera' });
  const [signer] = await wallet.getAccounts();
  assert.equal(signer!.address, from.address);
  const client = await SigningStargateClient.connectWithSigner(devnet.rpcUrl, wallet, { gasPrice: GasPrice.fromString('0.025ulume'), broadcastPollIntervalMs: 50 });
  const before = BigInt((await client.getBalance(to.address, 'ulume')).amount);
  const fromBefore = BigInt((await client.getBalance(from.address, 'ulume')).amount);
  // cosmjs 0.39 simulates with a plain secp256k1 pubkey (spec 02 §1.4): pad like the Go supernode does.
  const gasUsed = await client.simulate(from.address, [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: from.address, toAddress: to.address, amount: [{ denom: 'ulume', amount: '777' }] } }], undefined);
  assert.ok(gasUsed > 0);
  const fee = calculateFee(Math.ceil(gasUsed * 1.3) + 50_000, GasPrice.fromString('0.025ulume'));
  const res = await client.sendTokens(from.address, to.address, [{ denom: 'ulume', amount: '777' }], fee);
  assert.equal(res.code, 0, res.rawLog);
  assert.ok(res.height >= 2);
  assert.ok(res.gasUsed > 0n && res.gasUsed <= res.gasWanted);
  assert.equal(BigInt((await client.getBalance(to.address, 'ulume')).amount), before + 777n);
  assert.equal(BigInt((await client.getBalance(from.address, 'ulume')).amount), fromBefore - 777n - BigInt(fee.amount[0]!.amount));
  const acc = await client.getAccount(from.address);
  assert.equal(acc?.sequence, 1);
  assert.equal(acc?.pubkey?.type, 'os/PubKeyEthSecp256k1', 'eth pubkey stored on first tx');
  // Second tx: "auto" gas now works, the eth pubkey is on chain; getTx and searchTx find it.
  const res2 = await client.sendTokens(from.address, to.address, [{ denom: 'ulume', amount: '1' }], 'auto');
  assert.equal(res2.code, 0, res2.rawLog);
  const got = await client.getTx(res2.transactionHash);
  assert.equal(got?.height, res2.height);
  const found = await client.searchTx(`message.sender='${from.address}'`);
  assert.ok(found.some((t) => t.hash === res.transactionHash) && found.some((t) => t.hash === res2.transactionHash));
  const block = await client.getBlock(res2.height);
  assert.equal(block.header.height, res2.height);
  assert.equal(block.txs.length >= 1, true);
  client.disconnect();
});

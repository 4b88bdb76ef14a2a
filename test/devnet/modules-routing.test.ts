import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { QueryClient, SigningStargateClient, GasPrice } from '@cosmjs/stargate';
import { connectComet } from '@cosmjs/tendermint-rpc';
import { DirectEthSecp256k1HdWallet, DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { QueryAccountInfoRequest, QueryAccountInfoResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { publicKeyOf, addressFromPubKey } from '../../src/crypto/account-keys.js';
import { startDevnet, type Devnet } from '../../src/devnet/index.js';
import { auditMsgTypes, supernodeQuery } from '../../src/wire/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { rpc, sendMsg, signTx, b64 } from './helpers.js';

let devnet: Devnet;

before(async () => {
  devnet = await startDevnet({ supernodes: 3, fundedAccounts: 2, autoBlocks: false, epochBlocks: 4 }, silentLogger());
});

after(async () => {
  await devnet.stop();
});

async function account(address: string) {
  const r = await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.auth.v1beta1.Query/AccountInfo', data: toHex(QueryAccountInfoRequest.encode({ address }).finish()) });
  return QueryAccountInfoResponse.decode(fromBase64(r.body.result.response.value)).info!;
}

test('module msgs: a rejected audit msg is included with codespace audit, its code and the message-index prefix', async () => {
  const sn = devnet.supernodes[0]!;
  const acc = await account(sn.address);
  const t = auditMsgTypes.MsgClaimHealComplete;
  const value = t.codec.encode(t.codec.fromPartial({ creator: sn.address, healOpId: 999n, ticketId: 'ticket-1', healManifestHash: 'abc', details: '' })).finish();
  const tx = signTx({ ...sn, chainId: devnet.chainId, accountNumber: acc.accountNumber, sequence: acc.sequence, msgs: [{ typeUrl: t.typeUrl, value }] });
  const check = await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(tx) });
  assert.equal(check.body.result.code, 0, 'CheckTx does not run msg handlers (spec 03 §0.1.5)');
  await devnet.produceBlock();
  const res = (await rpc(devnet.rpcUrl, 'tx', { hash: b64(sha256(tx)) })).body.result.tx_result;
  assert.deepEqual([res.codespace, res.code, res.log], ['audit', 11, 'failed to execute message; message index: 0: heal op 999 not found: heal op not found']);
  assert.equal((await account(sn.address)).sequence, acc.sequence + 1n, 'sequence advances even though the msg failed');
  // A msg signed by someone other than its creator is refused in the ante handler.
  const other = devnet.accounts[0]!;
  const otherAcc = await account(other.address);
  const forged = signTx({ ...other, chainId: devnet.chainId, accountNumber: otherAcc.accountNumber, sequence: otherAcc.sequence, msgs: [{ typeUrl: t.typeUrl, value }] });
  const r = (await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(forged) })).body.result;
  assert.equal(r.code, 8);
  assert.equal(r.log, `pubKey does not match signer address ${sn.address} with signer index: 0: invalid pubkey`);
});

test('module queries are routed; gRPC NotFound surfaces the way baseapp renders it', async () => {
  const q = supernodeQuery.getSuperNodeBySuperNodeAddress;
  const ok = await rpc(devnet.rpcUrl, 'abci_query', { path: q.path, data: toHex(q.request.encode(q.request.fromPartial({ supernodeAddress: devnet.supernodes[1]!.address })).finish()) });
  assert.equal(ok.body.result.response.code, 0, ok.body.result.response.log);
  const missing = await rpc(devnet.rpcUrl, 'abci_query', { path: q.path, data: toHex(q.request.encode(q.request.fromPartial({ supernodeAddress: devnet.accounts[0]!.address })).finish()) });
  assert.equal(missing.body.result.response.code, 38);
  assert.match(missing.body.result.response.log, /^rpc error: code = NotFound desc = .+: key not found$/);
  const comet = await connectComet(devnet.rpcUrl);
  const queryClient = QueryClient.withExtensions(comet);
  await assert.rejects(
    queryClient.queryAbci('/cosmos.auth.v1beta1.Query/Account', Uint8Array.from([0x0a, 3, 0x61, 0x62, 0x63])),
    /Query failed with \(18\): rpc error: code = InvalidArgument desc = invalid address: abc: invalid request/,
  );
  comet.disconnect();
});

test('Simulate: gas used for a good tx; a failing msg is reported with the SDK simulate wrapping', async () => {
  const a = devnet.accounts[1]!;
  const wallet = await DirectEthSecp256k1HdWallet.fromMnemonic(a.mnemonic, { prefix: 'lumera' });
  const client = await SigningStargateClient.connectWithSigner(devnet.rpcUrl, wallet, { gasPrice: GasPrice.fromString('0.025ulume') });
  const send = (amount: string) => [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: a.address, toAddress: devnet.accounts[0]!.address, amount: [{ denom: 'ulume', amount }] } }];
  const gas = await client.simulate(a.address, send('5'), undefined);
  assert.ok(gas > 30_000 && gas < 200_000, `gas ${gas}`);
  assert.equal(await client.simulate(a.address, send('5'), undefined), gas, 'deterministic');
  await assert.rejects(client.simulate(a.address, send('99999999999999999999'), undefined), (err: Error) => {
    assert.match(err.message, /^Query failed with \(6\): rpc error: code = Unknown desc = failed to execute message; message index: 0: spendable balance \d+ulume is smaller than 99999999999999999999ulume: insufficient funds With gas wanted: '\d+' and gas used: '\d+' : unknown request$/);
    return true;
  });
  client.disconnect();
});

test('legacy secp256k1 accounts sign with SHA-256 digests and 64-byte signatures', async () => {
  const priv = sha256(new TextEncoder().encode('legacy-key'));
  const legacy = addressFromPubKey(publicKeyOf(priv), 'secp256k1');
  const funder = devnet.accounts[0]!;
  const fa = await account(funder.address);
  const fund = signTx({ ...funder, chainId: devnet.chainId, accountNumber: fa.accountNumber, sequence: fa.sequence, msgs: [sendMsg(funder.address, legacy, 10_000_000n)] });
  assert.equal((await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(fund) })).body.result.code, 0);
  await devnet.produceBlock();
  const wallet = await DirectSecp256k1Wallet.fromKey(priv, 'lumera');
  const client = await SigningStargateClient.connectWithSigner(devnet.rpcUrl, wallet, { gasPrice: GasPrice.fromString('0.025ulume'), broadcastPollIntervalMs: 50 });
  const pending = client.sendTokens(legacy, funder.address, [{ denom: 'ulume', amount: '1' }], { amount: [{ denom: 'ulume', amount: '5000' }], gas: '200000' });
  const timer = setInterval(() => void devnet.produceBlock(), 50);
  try {
    const res = await pending;
    assert.equal(res.code, 0, res.rawLog);
  } finally {
    clearInterval(timer);
  }
  const acc = await client.getAccount(legacy);
  assert.equal(acc?.pubkey?.type, 'tendermint/PubKeySecp256k1');
  client.disconnect();
});

test('abci_query at a past height answers from that height; unknown or future heights are refused', async () => {
  const { QueryBalanceRequest, QueryBalanceResponse } = await import('cosmjs-types/cosmos/bank/v1beta1/query');
  const [a, b] = [devnet.accounts[0]!, devnet.accounts[1]!];
  const data = toHex(QueryBalanceRequest.encode({ address: b.address, denom: 'ulume' }).finish());
  const balanceAt = async (height?: bigint) => {
    const r = (await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.bank.v1beta1.Query/Balance', data, ...(height ? { height: height.toString() } : {}) })).body.result.response;
    assert.equal(r.code, 0, r.log);
    return { height: BigInt(r.height), amount: BigInt(QueryBalanceResponse.decode(fromBase64(r.value)).balance!.amount) };
  };
  await devnet.produceBlock();
  const h0 = devnet.height();
  const before = await balanceAt();
  const acc = await account(a.address);
  const tx = signTx({ ...a, chainId: devnet.chainId, accountNumber: acc.accountNumber, sequence: acc.sequence, msgs: [sendMsg(a.address, b.address, 1234n)] });
  assert.equal((await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(tx) })).body.result.code, 0);
  await devnet.produceBlock();
  await devnet.produceBlock();
  assert.equal((await balanceAt()).amount, before.amount + 1234n);
  assert.deepEqual(await balanceAt(h0), { height: h0, amount: before.amount });
  assert.equal((await balanceAt(h0 + 1n)).amount, before.amount + 1234n);
  const future = (await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.bank.v1beta1.Query/Balance', data, height: (devnet.height() + 5n).toString() })).body.result.response;
  assert.equal(future.code, 26);
  while (devnet.height() < h0 + 70n) await devnet.produceBlock(); // the node keeps 64 past heights
  const pruned = (await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.bank.v1beta1.Query/Balance', data, height: h0.toString() })).body.result.response;
  assert.equal(pruned.code, 18);
  assert.match(pruned.log, /^failed to load state at height \d+; version does not exist \(latest height: \d+\): invalid request$/);
  assert.equal((await balanceAt()).amount, before.amount + 1234n, 'live state restored after a historical query');
});

test('tx service over ABCI query: GetTx by hash and GetTxsEvent by event, as the Go supernode calls them', async () => {
  const { GetTxRequest, GetTxResponse, GetTxsEventRequest, GetTxsEventResponse } = await import('cosmjs-types/cosmos/tx/v1beta1/service');
  const [a, b] = [devnet.accounts[1]!, devnet.accounts[0]!];
  const acc = await account(a.address);
  const tx = signTx({ ...a, chainId: devnet.chainId, accountNumber: acc.accountNumber, sequence: acc.sequence, msgs: [sendMsg(a.address, b.address, 11n)] });
  assert.equal((await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(tx) })).body.result.code, 0);
  await devnet.produceBlock();
  const hash = toHex(sha256(tx)).toUpperCase();
  const q = async (path: string, data: Uint8Array) => (await rpc(devnet.rpcUrl, 'abci_query', { path, data: toHex(data) })).body.result.response;
  const got = await q('/cosmos.tx.v1beta1.Service/GetTx', GetTxRequest.encode({ hash }).finish());
  assert.equal(got.code, 0, got.log);
  const res = GetTxResponse.decode(fromBase64(got.value));
  assert.equal(res.txResponse?.txhash, hash);
  assert.equal(res.txResponse?.code, 0);
  assert.equal(res.txResponse?.height, devnet.height());
  assert.equal(res.tx?.body?.messages[0]?.typeUrl, '/cosmos.bank.v1beta1.MsgSend');
  const missing = await q('/cosmos.tx.v1beta1.Service/GetTx', GetTxRequest.encode({ hash: '00'.repeat(32) }).finish());
  assert.equal(missing.code, 38);
  const ev = await q('/cosmos.tx.v1beta1.Service/GetTxsEvent', GetTxsEventRequest.encode(GetTxsEventRequest.fromPartial({ events: [`message.sender='${a.address}'`, `tx.height=${devnet.height()}`] })).finish());
  assert.equal(ev.code, 0, ev.log);
  const list = GetTxsEventResponse.decode(fromBase64(ev.value));
  assert.deepEqual(list.txResponses.map((t) => t.txhash), [hash]);
  assert.equal(list.total, 1n);
});

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, fromHex, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { publicKeyOf, addressFromPubKey } from '../../src/crypto/account-keys.js';
import { startDevnet, type Devnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { rpc, rawPost, sendMsg, signTx, b64 } from './helpers.js';

let devnet: Devnet;

before(async () => {
  devnet = await startDevnet({ supernodes: 1, fundedAccounts: 4, autoBlocks: false }, silentLogger());
});

after(async () => {
  await devnet.stop();
});

async function accountNumber(address: string): Promise<bigint> {
  const r = await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.auth.v1beta1.Query/AccountInfo', data: toHex(Uint8Array.from([0x0a, address.length, ...new TextEncoder().encode(address)])) });
  assert.equal(r.body.result.response.code, 0, r.body.result.response.log);
  const { QueryAccountInfoResponse } = await import('cosmjs-types/cosmos/auth/v1beta1/query');
  return QueryAccountInfoResponse.decode(fromBase64(r.body.result.response.value)).info!.accountNumber;
}

async function broadcastSync(tx: Uint8Array) {
  const r = await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: b64(tx) });
  assert.equal(r.status, 200);
  return r.body;
}

async function includedResult(tx: Uint8Array) {
  await devnet.produceBlock();
  const r = await rpc(devnet.rpcUrl, 'tx', { hash: b64(sha256(tx)), prove: true });
  assert.equal(r.body.error, undefined, JSON.stringify(r.body.error));
  return r.body.result;
}

async function assertServing() {
  const s = await rpc(devnet.rpcUrl, 'status');
  assert.equal(s.body.result.node_info.network, devnet.chainId);
}

test('bad input to the RPC gets error responses and the server keeps serving', async () => {
  const parse = await rawPost(devnet.rpcUrl, '{"jsonrpc": "2.0", "method": ');
  assert.equal(parse.body.error?.code, -32700);
  const notObject = await rawPost(devnet.rpcUrl, '42');
  assert.equal(notObject.body.error?.code, -32600);
  const unknown = await rpc(devnet.rpcUrl, 'no_such_method');
  assert.equal(unknown.body.error?.code, -32601);
  const badParams = await rpc(devnet.rpcUrl, 'block', { height: 'abc' });
  assert.equal(badParams.body.error?.code, -32602);
  const future = await rpc(devnet.rpcUrl, 'block', { height: '999999' });
  assert.match(future.body.error?.data ?? '', /must be less than or equal to the current blockchain height/);
  const badB64 = await rpc(devnet.rpcUrl, 'broadcast_tx_sync', { tx: '%%%not base64%%%' });
  assert.equal(badB64.body.error?.code, -32602);
  const huge = await fetch(devnet.rpcUrl, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024) }).then((r) => r.status).catch(() => 413);
  assert.equal(huge, 413);
  const missingTx = await rpc(devnet.rpcUrl, 'tx', { hash: b64(new Uint8Array(32)) });
  assert.match(missingTx.body.error?.data ?? '', /not found/);
  const badQuery = await rpc(devnet.rpcUrl, 'tx_search', { query: 'this is not a query' });
  assert.equal(badQuery.body.error?.code, -32603);
  const unknownPath = await rpc(devnet.rpcUrl, 'abci_query', { path: '/no.such.Query/Thing', data: '' });
  assert.equal(unknownPath.body.result.response.code, 6);
  assert.equal(unknownPath.body.result.response.log, 'unknown query path: unknown request');
  // Every method with hostile params answers (result or JSON-RPC error), never a dropped connection.
  const methods = (await fetch(devnet.rpcUrl).then((r) => r.json() as Promise<{ result: { methods: string[] } }>)).result.methods;
  assert.ok(methods.includes('broadcast_tx_sync') && methods.includes('tx_search'));
  const hostile: unknown[] = [{ height: { x: 1 } }, { tx: 12, hash: [], query: null, path: 5, data: 'zz' }, [1, 2, 3, 4, 5, 6, 7], { page: '-5', per_page: '1e9', minHeight: '99999999999999999999' }, 'str'];
  for (const method of methods) {
    for (const params of hostile) {
      const r = await rawPost(devnet.rpcUrl, JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }));
      assert.ok(r.body.result !== undefined || r.body.error !== undefined, `${method} ${JSON.stringify(params)}`);
    }
  }
  const get = await fetch(`${devnet.rpcUrl}/status`).then((r) => r.json() as Promise<{ result: { sync_info: { latest_block_height: string } } }>);
  assert.equal(get.result.sync_info.latest_block_height, devnet.height().toString());
  await assertServing();
});

test('garbage tx bytes → tx parse error (sdk 2); nothing enters the mempool', async () => {
  const garbage = await broadcastSync(Uint8Array.from([0xff, 0x01, 0x02, 0x03, 0x04]));
  assert.equal(garbage.result.code, 2);
  assert.equal(garbage.result.codespace, 'sdk');
  assert.match(garbage.result.log, /: tx parse error$/);
  const unknownMsg = signTx({ ...devnet.accounts[0]!, chainId: devnet.chainId, accountNumber: 0n, sequence: 0n, msgs: [{ typeUrl: '/foo.Bar', value: new Uint8Array() }] });
  const r = await broadcastSync(unknownMsg);
  assert.equal(r.result.code, 2);
  assert.equal(r.result.log, 'unable to resolve type URL /foo.Bar: tx parse error');
  const badMsg = signTx({ ...devnet.accounts[0]!, chainId: devnet.chainId, accountNumber: 0n, sequence: 0n, msgs: [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.from([0x0a, 0x7f, 0x01]) }] });
  const r2 = await broadcastSync(badMsg);
  assert.equal(r2.result.code, 2);
  assert.match(r2.result.log, /^could not decode \/cosmos\.bank\.v1beta1\.MsgSend: .*: tx parse error$/);
  const pending = await rpc(devnet.rpcUrl, 'num_unconfirmed_txs');
  assert.equal(pending.body.result.n_txs, '0');
  await assertServing();
});

test('wrong chain id and bad signature → sdk 4 unauthorized with the SDK text; 64- and 65-byte signatures accepted', async () => {
  const a = devnet.accounts[1]!;
  const num = await accountNumber(a.address);
  const msgs = [sendMsg(a.address, devnet.accounts[0]!.address, 5n)];
  const expectedLog = `signature verification failed; please verify account number (${num}), sequence (0) and chain-id (${devnet.chainId}): unauthorized`;
  const wrongChain = await broadcastSync(signTx({ ...a, chainId: 'lumera-testnet-2', accountNumber: num, sequence: 0n, msgs }));
  assert.deepEqual([wrongChain.result.code, wrongChain.result.codespace, wrongChain.result.log], [4, 'sdk', expectedLog]);
  const badSig = await broadcastSync(signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs, corrupt: true }));
  assert.deepEqual([badSig.result.code, badSig.result.log], [4, expectedLog]);
  const wrongAccNum = await broadcastSync(signTx({ ...a, chainId: devnet.chainId, accountNumber: num + 1n, sequence: 0n, msgs }));
  assert.equal(wrongAccNum.result.code, 4);
  // Valid: 65-byte R||S||V (Go keyring) at sequence 0, then 64-byte R||S at sequence 1 in the same block.
  const tx65 = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs });
  const tx64 = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 1n, msgs, sig64: true });
  assert.equal((await broadcastSync(tx65)).result.code, 0);
  assert.equal((await broadcastSync(tx64)).result.code, 0);
  const dup = await broadcastSync(tx64);
  assert.equal(dup.error?.data, 'tx already exists in cache');
  const r65 = await includedResult(tx65);
  assert.equal(r65.tx_result.code, 0, r65.tx_result.log);
  assert.equal(r65.proof.proof.total, '2');
  const r64 = await rpc(devnet.rpcUrl, 'tx', { hash: b64(sha256(tx64)) });
  assert.equal(r64.body.result.tx_result.code, 0);
  assert.equal(r64.body.result.height, r65.height);
  await assertServing();
});

test('replayed and out-of-order sequences → sdk 32 with "expected N, got M"', async () => {
  const a = devnet.accounts[2]!;
  const num = await accountNumber(a.address);
  const msgs = [sendMsg(a.address, devnet.accounts[0]!.address, 9n)];
  const first = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs });
  assert.equal((await broadcastSync(first)).result.code, 0);
  assert.equal((await includedResult(first)).tx_result.code, 0);
  const replay = await broadcastSync(first);
  assert.deepEqual([replay.result.code, replay.result.codespace, replay.result.log],
    [32, 'sdk', 'account sequence mismatch, expected 1, got 0: incorrect account sequence']);
  const ahead = await broadcastSync(signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 5n, msgs }));
  assert.equal(ahead.result.log, 'account sequence mismatch, expected 1, got 5: incorrect account sequence');
  await assertServing();
});

test('fees: below min gas price → sdk 13; fee deducted from the payer; unfunded account → unknown address', async () => {
  const a = devnet.accounts[3]!;
  const num = await accountNumber(a.address);
  const msgs = [sendMsg(a.address, devnet.accounts[0]!.address, 1n)];
  const cheap = await broadcastSync(signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs, gas: 200_000n, feeUlume: 10n }));
  assert.deepEqual([cheap.result.code, cheap.result.log], [13, 'insufficient fees; got: 10ulume required: 500ulume: insufficient fee']);
  const priv = sha256(new TextEncoder().encode('nobody'));
  const nobody = addressFromPubKey(publicKeyOf(priv), 'eth_secp256k1');
  const r = await broadcastSync(signTx({ privateKeyHex: toHex(priv), chainId: devnet.chainId, accountNumber: 0n, sequence: 0n, msgs: [sendMsg(nobody, a.address, 1n)] }));
  assert.deepEqual([r.result.code, r.result.log], [9, `fee payer address: ${nobody} does not exist: unknown address`]);
});

test('out of gas: a tiny limit fails CheckTx, a limit below execution cost fails in DeliverTx (sdk 11), fee still charged', async () => {
  const a = devnet.accounts[3]!;
  const num = await accountNumber(a.address);
  const msgs = [sendMsg(a.address, devnet.accounts[0]!.address, 1n)];
  const tiny = await broadcastSync(signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs, gas: 1000n, feeUlume: 100n }));
  assert.equal(tiny.result.code, 11);
  assert.match(tiny.result.log, /^out of gas in location: txSize; gasWanted: 1000, gasUsed: \d+: out of gas$/);
  const before = await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.bank.v1beta1.Query/Balance', data: '' });
  assert.equal(before.body.result.response.code, 18, 'empty balance request is rejected as InvalidArgument');
  const tx = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 0n, msgs, gas: 40_000n, feeUlume: 100n });
  assert.equal((await broadcastSync(tx)).result.code, 0, 'ante fits in 40000 gas');
  const res = await includedResult(tx);
  assert.equal(res.tx_result.code, 11);
  assert.equal(res.tx_result.codespace, 'sdk');
  assert.match(res.tx_result.log, /^out of gas in location: .*; gasWanted: 40000, gasUsed: \d+: out of gas$/);
  assert.equal(res.tx_result.gas_wanted, '40000');
  // The sequence advanced (ante committed) so the next tx uses 1.
  const next = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: 1n, msgs });
  assert.equal((await broadcastSync(next)).result.code, 0);
  assert.equal((await includedResult(next)).tx_result.code, 0);
});

test('multi-msg tx: a failing second msg rolls back the first, with the message-index prefix', async () => {
  const a = devnet.accounts[0]!;
  const b = devnet.accounts[1]!;
  const num = await accountNumber(a.address);
  const seqReply = await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.auth.v1beta1.Query/AccountInfo', data: toHex(Uint8Array.from([0x0a, a.address.length, ...new TextEncoder().encode(a.address)])) });
  const { QueryAccountInfoResponse } = await import('cosmjs-types/cosmos/auth/v1beta1/query');
  const seq = QueryAccountInfoResponse.decode(fromBase64(seqReply.body.result.response.value)).info!.sequence;
  const balanceOf = async (addr: string) => {
    const { QueryBalanceRequest, QueryBalanceResponse } = await import('cosmjs-types/cosmos/bank/v1beta1/query');
    const r = await rpc(devnet.rpcUrl, 'abci_query', { path: '/cosmos.bank.v1beta1.Query/Balance', data: toHex(QueryBalanceRequest.encode({ address: addr, denom: 'ulume' }).finish()) });
    return BigInt(QueryBalanceResponse.decode(fromBase64(r.body.result.response.value)).balance!.amount);
  };
  const bBefore = await balanceOf(b.address);
  const aBefore = await balanceOf(a.address);
  const tx = signTx({ ...a, chainId: devnet.chainId, accountNumber: num, sequence: seq, msgs: [sendMsg(a.address, b.address, 100n), sendMsg(a.address, b.address, 10n ** 18n)], feeUlume: 3000n });
  assert.equal((await broadcastSync(tx)).result.code, 0);
  const res = await includedResult(tx);
  assert.equal(res.tx_result.code, 5);
  assert.equal(res.tx_result.log, `failed to execute message; message index: 1: spendable balance ${aBefore - 3000n - 100n}ulume is smaller than ${10n ** 18n}ulume: insufficient funds`);
  assert.equal(await balanceOf(b.address), bBefore, 'first send rolled back');
  assert.equal(await balanceOf(a.address), aBefore - 3000n, 'fee charged');
});

test('comet38 shapes: block, block_results, blockchain, validators, genesis, abci_info, tx_search by height', async () => {
  await devnet.produceBlock();
  const h = devnet.height();
  const blk = await rpc(devnet.rpcUrl, 'block', { height: h.toString() });
  assert.equal(blk.body.result.block.header.height, h.toString());
  assert.equal(blk.body.result.block.header.last_block_id.hash, (await rpc(devnet.rpcUrl, 'block', { height: (h - 1n).toString() })).body.result.block_id.hash);
  const res = await rpc(devnet.rpcUrl, 'block_results', { height: h.toString() });
  assert.equal(res.body.result.height, h.toString());
  const chain = await rpc(devnet.rpcUrl, 'blockchain', { minHeight: '1', maxHeight: h.toString() });
  assert.equal(chain.body.result.block_metas[0].header.height, h.toString());
  const vals = await rpc(devnet.rpcUrl, 'validators', {});
  assert.equal(vals.body.result.total, '1');
  const gen = await rpc(devnet.rpcUrl, 'genesis');
  assert.equal(gen.body.result.genesis.chain_id, devnet.chainId);
  assert.equal(gen.body.result.genesis.app_state.supernodes[0].account, devnet.supernodes[0]!.address);
  const info = await rpc(devnet.rpcUrl, 'abci_info');
  assert.equal(info.body.result.response.last_block_height, h.toString());
  const withTx = (await rpc(devnet.rpcUrl, 'tx_search', { query: `tx.height>=1`, per_page: '2', page: '1' })).body.result;
  assert.ok(Number(withTx.total_count) >= 4);
  assert.equal(withTx.txs.length, 2);
  const tx0 = withTx.txs[0];
  const byHeight = (await rpc(devnet.rpcUrl, 'tx_search', { query: `tx.height=${tx0.height}` })).body.result;
  assert.ok(byHeight.txs.some((t: { hash: string }) => t.hash === tx0.hash));
  assert.equal(toHex(sha256(fromBase64(tx0.tx))).toUpperCase(), tx0.hash);
  assert.equal(fromHex(tx0.hash).length, 32);
});

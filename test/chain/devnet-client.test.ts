/**
 * The production client against the devnet: every query, the action txs, the typed DeliverTx path,
 * sequence-mismatch recovery, out-of-gas retry and endpoint failover.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { DirectEthSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { SigningStargateClient } from '@cosmjs/stargate';
import { connectLumeraClient, type LumeraClient, type TxMessage } from '../../src/chain/client.js';
import { ChainAbciError, ChainInclusionTimeoutError, classifyChainError, isTransient } from '../../src/chain/errors.js';
import { signingKeyFromMnemonic, signingKeyFromPrivateKey } from '../../src/chain/keys.js';
import { HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { ActionState } from '../../src/gen/lumera/action/v1/action_state.js';
import { SuperNodeState } from '../../src/gen/lumera/supernode/v1/supernode_state.js';
import { advanceToEpochStart, FAST_TX, settle, settleError, startTestChain, type TestChain } from './devnet-helpers.js';

const send = (from: string, to: string, amount = '1'): TxMessage => ({
  typeUrl: '/cosmos.bank.v1beta1.MsgSend',
  value: MsgSend.encode(MsgSend.fromPartial({ fromAddress: from, toAddress: to, amount: [{ denom: 'ulume', amount }] })).finish(),
});

function capture(): { logger: pino.Logger; lines: () => Array<{ msg: string }> } {
  const out: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write(c, _e, cb) { out.push(String(c)); cb(); } }));
  return { logger, lines: () => out.map((l) => JSON.parse(l) as { msg: string }) };
}

async function withChain(fn: (chain: TestChain) => Promise<void>): Promise<void> {
  const chain = await startTestChain({ supernodes: 4, epochBlocks: 20, fundedAccounts: 2, auditParams: { consecutive_epochs_to_postpone: 100 } });
  try {
    await fn(chain);
  } finally {
    await chain.stop();
  }
}

test('devnet: every query returns typed objects; identity helpers; read-only client refuses txs', () => withChain(async (chain) => {
  const c = chain.sn[0]!;
  const me = c.signerAddress!;
  const epoch = await advanceToEpochStart(chain, c);
  assert.equal(c.chainId, chain.devnet.chainId);
  assert.equal(await c.getHeight(), chain.devnet.height());
  const params = await c.getAuditParams();
  assert.equal(params.epochLengthBlocks, 20n);
  assert.deepEqual(params.requiredOpenPorts, [4444, 4445, 8002]);
  const cur = await c.getCurrentEpoch();
  assert.equal(cur.epochId, epoch);
  assert.equal(cur.epochEndHeight - cur.epochStartHeight, 19n);
  const anchor = await c.getCurrentEpochAnchor();
  assert.equal(anchor?.epochId, epoch);
  assert.equal(anchor?.seed.length, 32);
  assert.deepEqual(anchor?.activeSupernodeAccounts, [...chain.devnet.supernodes.map((s) => s.address)].sort());
  assert.deepEqual((await c.getEpochAnchor(epoch))?.seed, anchor?.seed);
  assert.equal(await c.getEpochAnchor(epoch + 50n), undefined);
  const targets = await c.getAssignedTargets(me);
  assert.equal(targets.epochId, epoch);
  assert.deepEqual((await c.getAssignedTargets(me, epoch)).targetSupernodeAccounts, targets.targetSupernodeAccounts);

  assert.equal(await c.getEpochReport(epoch, me), undefined, 'not yet reported');
  // One observation per assigned target, so no incomplete-report penalty creates a reliability row.
  const observations = targets.targetSupernodeAccounts.map((t) => ({ targetSupernodeAccount: t, portStates: targets.requiredOpenPorts.map(() => 1) }));
  const r = await settle(chain, c.submitEpochReport({ epochId: epoch, hostReport: { diskUsagePercent: 12.5, inboundPortStates: [1, 1, 1] }, storageChallengeObservations: observations }));
  const rep = await c.getEpochReport(epoch, me);
  assert.equal(rep?.reportHeight, r.height);
  assert.equal(rep?.hostReport?.diskUsagePercent, 12.5);
  assert.equal((await c.listEpochReportsByReporter(me, epoch)).length, 1);
  assert.equal((await c.listEpochReportsByReporter(me)).length, 1);
  const host = await c.listHostReports(me);
  assert.equal(host.length, 1);
  assert.equal(host[0]!.epochId, epoch);
  assert.deepEqual(await c.listStorageChallengeReports(me), []);
  assert.equal(await c.getNodeSuspicionState(me), undefined, 'never scored');
  assert.equal(await c.getReporterReliabilityState(me), undefined);
  assert.equal(await c.getTicketDeteriorationState('no-such-ticket'), undefined);
  assert.equal(await c.getHealOp(12345n), undefined);
  assert.deepEqual(await c.listHealOpsByStatus(HealOpStatus.HEAL_OP_STATUS_SCHEDULED), []);
  assert.deepEqual(await c.listHealOpsByTicket('no-such-ticket'), []);
  await assert.rejects(c.getEpochReport(epoch, chain.accounts[0]!.signerAddress!), (e: unknown) => e instanceof ChainAbciError, 'unregistered reporter is an error, not "not reported"');

  const sns = await c.listSupernodes();
  assert.equal(sns.length, 4);
  const mine = await c.getSupernodeByAccount(me);
  assert.equal(mine?.supernodeAccount, me);
  const top = await c.getTopSupernodesForBlock(chain.devnet.height(), { limit: 10 });
  assert.equal(top.length, 4);
  assert.ok((await c.getSupernodeParams()) !== undefined);
  const ep = await c.getSupernodeEndpoint(me);
  assert.deepEqual({ host: ep?.host, port: ep?.port, p2p: ep?.p2pPort, state: ep?.state }, { host: '127.0.0.1', port: chain.devnet.supernodes[0]!.grpcPort, p2p: chain.devnet.supernodes[0]!.p2pPort, state: SuperNodeState.SUPERNODE_STATE_ACTIVE });
  assert.equal(await c.isRegisteredSupernode(me), true);
  assert.equal(await c.isRegisteredSupernode(chain.accounts[0]!.signerAddress!), false);
  assert.equal(await c.getSupernodeEndpoint(chain.accounts[0]!.signerAddress!), undefined);
  assert.equal(await c.accountExists(me), true);
  const stranger = (await signingKeyFromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about')).address;
  assert.equal(await c.accountExists(stranger), false);
  const acct = await c.getAccount(me);
  assert.equal(acct?.sequence, 1n);
  assert.equal(acct?.pubkey?.typeUrl, '/cosmos.evm.crypto.v1.ethsecp256k1.PubKey');
  assert.deepEqual(acct?.pubkey?.key, (await signingKeyFromMnemonic(chain.devnet.supernodes[0]!.mnemonic)).publicKey);
  await assert.rejects(c.getAssignedTargets('cosmos1xyz'), /supernodeAccount/);

  const ro = await connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl] });
  try {
    assert.equal(ro.signerAddress, undefined);
    assert.equal((await ro.getCurrentEpoch()).epochId, epoch);
    await assert.rejects(ro.submitEpochReport({ epochId: epoch }), /no signing key/);
  } finally {
    ro.close();
  }
  await assert.rejects(connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl], chainId: 'lumera-mainnet-1' }), /chain.chain_id/);
  // By validator (operator) address.
  assert.equal((await c.getSupernode(mine!.validatorAddress))?.supernodeAccount, me);
}));

test('devnet: a rejected tx forced past simulation is included with the typed DeliverTx error', () => withChain(async (chain) => {
  const c = chain.sn[1]!;
  const epoch = await advanceToEpochStart(chain, c);
  await settle(chain, c.submitEpochReport({ epochId: epoch }));
  const err = await settleError(chain, c.submitEpochReport({ epochId: epoch }, { gasLimit: 400_000n }));
  assert.ok(err instanceof ChainAbciError);
  assert.equal(err.failure.stage, 'delivertx');
  assert.equal(err.failure.codespace, 'audit');
  assert.equal(err.failure.code, 4);
  assert.equal(err.failure.log, 'failed to execute message; message index: 0: report already submitted for this epoch: duplicate report');
  assert.ok(err.failure.height !== undefined && err.failure.txHash?.length === 64);
  assert.equal(classifyChainError(err).reaction, 'DONE');
  const looked = await c.getTxResult(err.failure.txHash!.toLowerCase());
  assert.deepEqual([looked?.code, looked?.codespace, looked?.height], [4, 'audit', err.failure.height]);
  assert.equal(await c.getTxResult('00'.repeat(32)), undefined);
  // The failed tx consumed a sequence; the next tx must still go through.
  await settle(chain, c.submitMessages([send(c.signerAddress!, chain.accounts[0]!.signerAddress!)]));
}));

test('devnet: sequence mismatch caused by another signer of the same key is recovered (expected N parsed)', () => withChain(async (chain) => {
  const acct = chain.devnet.accounts[0]!;
  const to = chain.devnet.accounts[1]!.address;
  const cap = capture();
  const ours = await connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl], signer: await signingKeyFromMnemonic(acct.mnemonic), tx: FAST_TX, logger: cap.logger });
  // "Another process": stock cosmjs with its own eth_secp256k1 wallet for the same mnemonic.
  const wallet = await DirectEthSecp256k1HdWallet.fromMnemonic(acct.mnemonic, { prefix: 'lumera' });
  const other = await SigningStargateClient.connectWithSigner(chain.devnet.rpcUrl, wallet);
  try {
    await settle(chain, ours.submitMessages([send(acct.address, to)])); // we cache sequence 1
    const fee = { amount: [{ denom: 'ulume', amount: '10000' }], gas: '300000' };
    await other.signAndBroadcastSync(acct.address, [{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: { fromAddress: acct.address, toAddress: to, amount: [{ denom: 'ulume', amount: '2' }] } }], fee);
    await chain.devnet.produceBlock(); // the chain moves to sequence 2 behind our back
    const res = await settle(chain, ours.submitMessages([send(acct.address, to, '5')]));
    assert.ok(res.height > 0n);
    const warned = cap.lines().filter((l) => l.msg === 'account sequence mismatch; retrying');
    assert.equal(warned.length, 1, 'exactly one retry');
    assert.equal((await ours.getAccount(acct.address))?.sequence, 3n);
  } finally {
    other.disconnect();
    ours.close();
  }
}));

test('devnet: two clients on one key in one process never have txs in flight together (no mismatch)', () => withChain(async (chain) => {
  const acct = chain.devnet.accounts[1]!;
  const to = chain.devnet.accounts[0]!.address;
  const cap = capture();
  const mk = async () => connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl], signer: await signingKeyFromMnemonic(acct.mnemonic), tx: FAST_TX, logger: cap.logger });
  const [a, b] = [await mk(), await mk()];
  try {
    const all = await settle(chain, Promise.all([a, b, a, b].map((c, i) => c.submitMessages([send(acct.address, to, String(i + 1))]))));
    assert.equal(new Set(all.map((r) => r.txHash)).size, 4);
    assert.ok(all.every((r, i) => i === 0 || r.height > all[i - 1]!.height), 'strictly one after another');
    assert.equal(cap.lines().filter((l) => l.msg === 'account sequence mismatch; retrying').length, 0);
  } finally {
    a.close();
    b.close();
  }
}));

test('devnet: out of gas raises the gas limit and retries; fee = ceil(0.025 × gas)', () => withChain(async (chain) => {
  const cap = capture();
  const acct = chain.devnet.accounts[1]!;
  const c = await connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl], signer: await signingKeyFromMnemonic(acct.mnemonic), tx: FAST_TX, logger: cap.logger });
  try {
    const msg = send(acct.address, chain.devnet.accounts[0]!.address);
    const gas = await c.simulateMessages([msg]);
    assert.ok(gas > 20_000n);
    const tooLow = (gas * 85n) / 100n;
    const res = await settle(chain, c.submitMessages([msg], { gasLimit: tooLow }));
    assert.ok(cap.lines().some((l) => l.msg === 'out of gas; retrying with a higher gas limit'));
    assert.ok(res.gasWanted > tooLow);
    assert.equal(res.fee, (res.gasWanted * 25n + 999n) / 1000n);
    const gasNow = await c.simulateMessages([msg]); // same sequence as the next tx (its varint size changes gas)
    const normal = await settle(chain, c.submitMessages([msg]));
    assert.equal(normal.gasWanted, BigInt(Math.floor(Number(gasNow) * 1.3)) + 50_000n, 'gas × 1.3 + 50 000');
  } finally {
    c.close();
  }
}));

test('devnet: no block before the inclusion deadline is a transient unknown outcome, settled later by hash', () => withChain(async (chain) => {
  const acct = chain.devnet.accounts[0]!;
  const c = await connectLumeraClient({ rpcUrls: [chain.devnet.rpcUrl], signer: await signingKeyFromMnemonic(acct.mnemonic), tx: { ...FAST_TX, inclusionTimeoutMs: 300 } });
  try {
    const err = await c.submitMessages([send(acct.address, chain.devnet.accounts[1]!.address)]).catch((e: unknown) => e);
    assert.ok(err instanceof ChainInclusionTimeoutError);
    assert.equal(isTransient(err), true);
    assert.equal(classifyChainError(err).kind, 'INCLUSION_UNKNOWN');
    assert.equal(await c.getTxResult(err.txHash), undefined, 'still in the mempool');
    await chain.devnet.produceBlock();
    const done = await c.getTxResult(err.txHash);
    assert.equal(done?.code, 0);
    // The cached sequence already counted the pending tx: the next one goes straight through.
    assert.ok((await settle(chain, c.submitMessages([send(acct.address, chain.devnet.accounts[1]!.address)]))).height > done!.height);
  } finally {
    c.close();
  }
}));

test('devnet: the first endpoint down — queries and txs go to the second', () => withChain(async (chain) => {
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  await new Promise<void>((r) => dead.close(() => r()));
  const sn = chain.devnet.supernodes[2]!;
  const c = await connectLumeraClient({ rpcUrls: [deadUrl, chain.devnet.rpcUrl], signer: await signingKeyFromMnemonic(sn.mnemonic), tx: FAST_TX, requestTimeoutMs: 2000 });
  try {
    const epoch = await advanceToEpochStart(chain, c);
    assert.equal((await c.getCurrentEpoch()).epochId, epoch);
    const r = await settle(chain, c.submitEpochReport({ epochId: epoch }));
    assert.ok(r.height > 0n);
  } finally {
    c.close();
  }
}));

test('devnet: cascade action request, simulate-finalize and finalize by a top supernode', () => withChain(async (chain) => {
  const creator = chain.devnet.accounts[0]!;
  const cc = chain.accounts[0]!;
  await settle(chain, cc.submitMessages([send(creator.address, chain.devnet.accounts[1]!.address)])); // puts the pubkey on chain
  const key = signingKeyFromPrivateKey(Uint8Array.from(Buffer.from(creator.privateKeyHex, 'hex')));
  const indexB64 = Buffer.from('{"version":1,"layout_ids":["a"]}').toString('base64');
  const sig = Buffer.from(key.sign(new TextEncoder().encode(indexB64))).toString('base64');
  const metadata = JSON.stringify({ data_hash: 'aGFzaA==', file_name: 'f.bin', rq_ids_ic: '7', signatures: `${indexB64}.${sig}`, public: true });
  assert.equal(await cc.getActionFee(10n), 10_100n);
  const req = await settle(chain, cc.requestAction({ actionType: 'CASCADE', metadata, price: '20000ulume', expirationTime: BigInt(Math.floor(Date.now() / 1000) + 3 * 86_400), fileSizeKbs: 10n }));
  assert.match(req.actionId, /^\d+$/);
  const action = await cc.getAction(req.actionId);
  assert.equal(action?.state, ActionState.ACTION_STATE_PENDING);
  assert.equal(action?.creator, creator.address);
  assert.equal(await cc.getAction('999999'), undefined);
  const maxSymbols = (await cc.getActionParams()).maxRaptorQSymbols;
  const finalize = { actionId: req.actionId, actionType: 'CASCADE', metadata: JSON.stringify({ rq_ids_ids: Array.from({ length: Number(maxSymbols) }, (_, i) => `id-${i}`) }) };
  const top = await cc.getTopSupernodesForBlock(action!.blockHeight, { limit: 10, state: 'ACTIVE' });
  const finalizer = chain.sn.find((s) => s.signerAddress === top[0]!.supernodeAccount)!;
  assert.ok((await finalizer.simulateFinalizeAction(finalize)) > 0n);
  await settle(chain, finalizer.finalizeAction(finalize));
  assert.equal((await cc.getAction(req.actionId))?.state, ActionState.ACTION_STATE_DONE);
  const listed = await cc.listActionsBySuperNode(finalizer.signerAddress!);
  assert.deepEqual(listed.map((a) => a.actionID), [req.actionId]);
  // §8 row 16: the finalized ticket now has anchored artifact counts (= number of rq_ids_ids); a proof result
  // with another count is refused.
  const epoch = (await cc.getCurrentEpoch()).epochId;
  const assigned = await Promise.all(chain.sn.map((s) => s.getAssignedTargets(s.signerAddress!)));
  const pi = assigned.findIndex((a) => a.targetSupernodeAccounts.length > 0);
  const prober = chain.sn[pi]!;
  const target = assigned[pi]!.targetSupernodeAccounts[0]!;
  const mismatch = await settleError(chain, prober.submitEpochReport({
    epochId: epoch,
    storageProofResults: [{
      targetSupernodeAccount: target, challengerSupernodeAccount: prober.signerAddress!, ticketId: req.actionId, bucketType: 1, artifactClass: 1,
      artifactOrdinal: 0, artifactKey: 'k', resultClass: 1, transcriptHash: 't-count', details: '', artifactCount: 8, derivationInputHash: 'd', challengerSignature: 's', observerAttestationSignatures: [],
    }],
  }));
  assert.ok(mismatch instanceof ChainAbciError);
  assert.ok(mismatch.failure.log.includes(`storage_proof_results[0] index artifact_count 8 does not match canonical count ${maxSymbols} for ticket "${req.actionId}": ticket artifact count mismatch`), mismatch.failure.log);
  assert.deepEqual([classifyChainError(mismatch).code, classifyChainError(mismatch).reaction], [16, 'REBUILD']);
  // Finalizing twice: a state rejection from the action module (codespace `action`), surfaced at simulation.
  const again = await settleError(chain, finalizer.finalizeAction(finalize));
  assert.ok(again instanceof ChainAbciError && again.failure.log.includes('cannot be finalized'));
  assert.equal(classifyChainError(again).reaction, 'DROP');
}));

export type { LumeraClient };

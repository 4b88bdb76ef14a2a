/** The action module through its byte-level msg and query handlers (spec 02 §6, spec 05 §1). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64 } from '@cosmjs/encoding';
import { actionMsgTypes, actionQuery } from '../../../src/wire/index.js';
import { signMessage } from '../../../src/crypto/account-keys.js';
import { CascadeMetadata } from '../../../src/gen/lumera/action/v1/metadata.js';
import { ChainRuleError, type AbciEvent, type DevnetModule, type TxContext } from '../../../src/devnet/modules/types.js';
import { tGet } from '../../../src/devnet/modules/audit/table.js';
import { headerHash, keyFor, makeChain, type TestChain } from './harness.js';

function txCtx(height: bigint, signer: string): TxContext {
  let gas = 0n;
  return {
    height,
    time: new Date(Date.UTC(2026, 0, 1) + Number(height) * 1000),
    headerHash: headerHash(height),
    chainId: 'lumera-test-1',
    signers: [signer],
    msgIndex: 0,
    simulate: false,
    gasMeter: { consume: (n) => void (gas += BigInt(n)), consumed: () => gas },
  };
}

function exec(m: DevnetModule, typeUrl: string, bytes: Uint8Array, height: bigint, signer: string, events: AbciEvent[] = []): Uint8Array {
  const h = m.msgs[typeUrl];
  assert.ok(h, typeUrl);
  assert.deepEqual(h.signers(bytes), [signer]);
  return h.execute(txCtx(height, signer), bytes, (e) => events.push(e));
}

const T = actionMsgTypes;

/** A cascade request signed by supernode-independent client key `name`, registered at height h. */
function requestAction(c: TestChain, h: bigint, name = 'client'): { id: string; creator: string } {
  const k = keyFor(name);
  const acct = c.auth.ensureAccount(k.account);
  acct.pubkey = { typeUrl: '/cosmos.evm.crypto.v1.ethsecp256k1.PubKey', key: k.pub };
  c.bank.mint(k.account, [{ denom: 'ulume', amount: 10_000_000n }]);
  const indexB64 = Buffer.from('{"layout_ids":["a"],"layout_signature":"x","version":1}').toString('base64');
  const sig = toBase64(signMessage(k.priv, new TextEncoder().encode(indexB64), 'eth_secp256k1'));
  const metadata = JSON.stringify({ data_hash: 'ZGF0YQ==', file_name: 'f.bin', rq_ids_ic: '7', signatures: `${indexB64}.${sig}`, public: true });
  const msg = T.MsgRequestAction.codec.fromPartial({ creator: k.account, actionType: 'cascade', metadata, price: '20000ulume', expirationTime: '', fileSizeKbs: '100', appPubkey: new Uint8Array() });
  const res = T.MsgRequestActionResponse.codec.decode(exec(c.action, T.MsgRequestAction.typeUrl, T.MsgRequestAction.codec.encode(msg).finish(), h, k.account));
  assert.equal(res.status, 'ACTION_STATE_PENDING');
  return { id: res.actionId, creator: k.account };
}

function finalizeBytes(creator: string, actionId: string, ids: string[]): Uint8Array {
  return T.MsgFinalizeAction.codec.encode(T.MsgFinalizeAction.codec.fromPartial({ creator, actionId, actionType: 'CASCADE', metadata: JSON.stringify({ rq_ids_ids: ids }) })).finish();
}

describe('action module (cascade subset)', () => {
  it('request → finalize by a top-10 ACTIVE supernode: DONE, holder listed, counts anchored, fee paid', () => {
    const c = makeChain({ action: { maxRaptorQSymbols: 4 } });
    const { id, creator } = requestAction(c, 3n);
    assert.equal(id, '1');
    assert.equal(c.bank.balance(creator, 'ulume'), 10_000_000n - 20_000n);
    const stored = c.action.keeper.get(id)!;
    assert.equal(CascadeMetadata.decode(stored.metadata).rqIdsMax, 4n);
    assert.equal(stored.blockHeight, 3n);
    const sn = c.genesis[1]!.account;
    const before = c.bank.balance(sn, 'ulume');
    assert.throws(() => exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(sn, id, ['a', 'b']), 5n, sn), (e: unknown) => e instanceof ChainRuleError && e.codespace === 'action' && e.abciCode === 4);
    const events: AbciEvent[] = [];
    exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(sn, id, ['i1', 'i2', 'i3', 'i4']), 5n, sn, events);
    const done = c.action.keeper.get(id)!;
    assert.equal(done.state, 3);
    assert.deepEqual(done.superNodes, [sn]);
    const meta = CascadeMetadata.decode(done.metadata);
    assert.deepEqual(meta.rqIdsIds, ['i1', 'i2', 'i3', 'i4']);
    assert.deepEqual([meta.indexArtifactCount, meta.symbolArtifactCount], [4, 4]);
    assert.deepEqual(tGet(c.audit.keeper.state.ticketArtifactCounts, id), { indexArtifactCount: 4, symbolArtifactCount: 4 });
    assert.equal(c.bank.balance(sn, 'ulume'), before + 20_000n);
    assert.ok(events.some((e) => e.type === 'action_finalized'));
    // A second finalization is refused by state.
    assert.throws(
      () => exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(c.genesis[2]!.account, id, ['i1', 'i2', 'i3', 'i4']), 6n, c.genesis[2]!.account),
      (e: unknown) => e instanceof ChainRuleError && e.log === 'action 1 cannot be finalized: current state ACTION_STATE_DONE is not one of pending or processing: invalid action state',
    );
    // Queries: GetAction and ListActionsBySuperNode (holder = finalizing account).
    const q = c.action.queries[actionQuery.getAction.path]!;
    const got = actionQuery.getAction.response.decode(q(txCtx(6n, sn), actionQuery.getAction.request.encode({ actionID: id }).finish()));
    assert.equal(got.action?.actionID, id);
    assert.throws(() => q(txCtx(6n, sn), actionQuery.getAction.request.encode({ actionID: '99' }).finish()), /failed to get action by ID/);
    // MsgApproveAction: only the creator, only from DONE.
    const approve = (who: string) => exec(c.action, T.MsgApproveAction.typeUrl, T.MsgApproveAction.codec.encode({ creator: who, actionId: id }).finish(), 7n, who);
    assert.throws(() => approve(sn), (e: unknown) => e instanceof ChainRuleError && e.log === `only the creator ${creator} can approve action 1: unauthorized supernode`);
    assert.equal(T.MsgApproveActionResponse.codec.decode(approve(creator)).status, 'ACTION_STATE_APPROVED');
    assert.throws(() => approve(creator), (e: unknown) => e instanceof ChainRuleError && e.log === 'action 1 cannot be approved: current state ACTION_STATE_APPROVED: invalid action state');
  });

  it('a bad creator signature or a wrong price is refused', () => {
    const c = makeChain();
    const k = keyFor('client2');
    c.auth.ensureAccount(k.account).pubkey = { typeUrl: '/cosmos.evm.crypto.v1.ethsecp256k1.PubKey', key: k.pub };
    c.bank.mint(k.account, [{ denom: 'ulume', amount: 10_000_000n }]);
    const meta = (sigs: string) => JSON.stringify({ data_hash: 'h', file_name: 'f', rq_ids_ic: '1', signatures: sigs });
    const send = (metadata: string, price = '20000ulume') =>
      exec(c.action, T.MsgRequestAction.typeUrl, T.MsgRequestAction.codec.encode(T.MsgRequestAction.codec.fromPartial({ creator: k.account, actionType: 'CASCADE', metadata, price, fileSizeKbs: '1' })).finish(), 2n, k.account);
    assert.throws(() => send(meta('abc.' + toBase64(new Uint8Array(65)))), /failed to verify creator's signature/);
    assert.throws(() => send(meta('no-dot')), (e: unknown) => e instanceof ChainRuleError && e.log === 'invalid signature format: invalid metadata: invalid metadata');
    assert.throws(() => send(JSON.stringify({ file_name: 'f', rq_ids_ic: '1', signatures: 'a.b' })), (e: unknown) => e instanceof ChainRuleError && e.log === 'data_hash is required for cascade metadata: invalid metadata');
    assert.throws(() => send(meta('a.b'), '5ulume'), (e: unknown) => e instanceof ChainRuleError && e.codespace === 'action' && e.abciCode === 12);
  });

  it('a finalizer outside the top 10 only records NOT_IN_TOP_10 evidence; a failing index-id verifier records a signature failure', () => {
    let verifierCalls = 0;
    const c = makeChain({ supernodes: 14, action: { maxRaptorQSymbols: 2, verifyIndexIds: () => (verifierCalls++ === 0 ? 'index id 0 mismatch' : undefined) } });
    const { id } = requestAction(c, 3n);
    const top = new Set(c.sn.keeper.topForBlock(3n, 10, 1).map((s) => s.supernodeAccount));
    const outsider = c.genesis.find((g) => !top.has(g.account))!.account;
    const insider = [...top][0]!;
    exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(outsider, id, ['x', 'y']), 4n, outsider);
    assert.equal(c.action.keeper.get(id)!.state, 1);
    exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(insider, id, ['x', 'y']), 4n, insider);
    assert.equal(c.action.keeper.get(id)!.state, 1, 'verifier rejected: still pending');
    const types = Object.values(c.audit.keeper.state.evidence).map((e) => [e.subjectAddress, e.evidenceType]);
    assert.deepEqual(types, [[outsider, 2], [insider, 1]]);
    exec(c.action, T.MsgFinalizeAction.typeUrl, finalizeBytes(insider, id, ['x', 'y']), 5n, insider);
    assert.equal(c.action.keeper.get(id)!.state, 3);
  });

  it('ListActionsBySuperNode pages 150 actions in lexical id order with totals', () => {
    const c = makeChain();
    const holder = c.genesis[0]!.account;
    for (let i = 1; i <= 150; i++) {
      c.action.keeper.put({ creator: holder, actionID: String(i), actionType: 2, metadata: CascadeMetadata.encode(CascadeMetadata.fromPartial({ rqIdsIds: ['a', 'b'] })).finish(), price: '1ulume', expirationTime: 0n, state: 3, blockHeight: 1n, superNodes: [holder], fileSizeKbs: 1n, appPubkey: new Uint8Array() });
    }
    assert.deepEqual(tGet(c.audit.keeper.state.ticketArtifactCounts, '150'), { indexArtifactCount: 2, symbolArtifactCount: 2 });
    const m = actionQuery.listActionsBySuperNode;
    const run = (pagination?: { key: Uint8Array; limit: bigint }) =>
      m.response.decode(c.action.queries[m.path]!(txCtx(2n, holder), m.request.encode(m.request.fromPartial({ superNodeAddress: holder, pagination })).finish()));
    const first = run();
    assert.equal(first.actions.length, 100);
    assert.equal(first.total, 150n);
    assert.deepEqual(first.actions.slice(0, 3).map((a) => a.actionID), ['1', '10', '100']);
    const second = run({ key: first.pagination!.nextKey, limit: 100n });
    assert.equal(second.actions.length, 50);
    assert.equal(second.pagination?.nextKey.length, 0);
    assert.equal(new Set([...first.actions, ...second.actions].map((a) => a.actionID)).size, 150);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectAllPages } from '../../src/chain/pagination.js';
import { feeFor, gasLimitFor, parseGasPrice } from '../../src/chain/tx-pipeline.js';
import { parseHostPort, supernodeEndpoint, currentState } from '../../src/chain/supernode-record.js';
import { requireAccountAddress } from '../../src/chain/address.js';
import { SuperNodeState } from '../../src/gen/lumera/supernode/v1/supernode_state.js';
import type { SuperNode } from '../../src/gen/lumera/supernode/v1/super_node.js';
import { InvalidArgumentError } from '../../src/util/errors.js';

const key = (n: number) => Uint8Array.of(0, n);

test('collectAllPages walks next_key to the end, handles short pages, refuses a repeated key', async () => {
  const data = Array.from({ length: 250 }, (_, i) => i);
  const seenKeys: number[] = [];
  const r = await collectAllPages(async (k, limit) => {
    const start = k.length ? k[1]! * 10 : 0;
    seenKeys.push(start);
    // Short pages with a non-empty next_key (skipped index entries) must not stop the walk.
    const items = data.slice(start, start + Math.min(Number(limit), 7));
    const next = start + 10 < data.length ? key((start + 10) / 10) : undefined;
    return { items, nextKey: next };
  }, { what: 'test', pageLimit: 10n });
  assert.equal(r.pages, 25);
  assert.equal(r.truncated, false);
  assert.equal(r.items.length, 25 * 7);
  await assert.rejects(collectAllPages(async () => ({ items: [1], nextKey: key(1) }), { what: 'loop' }), /repeated pagination next_key/);
  const capped = await collectAllPages(async (k) => ({ items: [k.length], nextKey: key(k.length ? k[1]! + 1 : 1) }), { what: 'cap', maxPages: 3 });
  assert.deepEqual([capped.items.length, capped.truncated], [3, true]);
});

test('gas and fee arithmetic: floor(used × adj) + pad, ceil(price × gas), exact decimals', () => {
  assert.equal(gasLimitFor(100_000n, 1.3, 50_000n), 180_000n);
  assert.equal(gasLimitFor(99_999n, 1.3, 50_000n), 179_998n);
  const p = parseGasPrice('0.025');
  assert.deepEqual(p, { num: 25n, den: 1000n });
  assert.equal(feeFor(180_000n, p), 4500n);
  assert.equal(feeFor(180_001n, p), 4501n, 'rounded up');
  assert.equal(feeFor(1n, parseGasPrice('0.0005')), 1n, 'never below 1 ulume');
  assert.deepEqual(parseGasPrice('1ulume'), { num: 1n, den: 1n });
  assert.throws(() => parseGasPrice('-1'), InvalidArgumentError);
  assert.throws(() => parseGasPrice('0'), /greater than zero/);
  assert.throws(() => parseGasPrice('abc'), /chain.gas_price/);
});

test('supernode records: latest state and IP by height, default ports, host:port parsing', () => {
  const sn = {
    validatorAddress: 'v', evidence: [], note: '', supernodeAccount: 'a', prevSupernodeAccounts: [], p2pPort: '',
    states: [{ state: SuperNodeState.SUPERNODE_STATE_ACTIVE, height: 5n, reason: '' }, { state: SuperNodeState.SUPERNODE_STATE_POSTPONED, height: 9n, reason: 'x' }],
    prevIpAddresses: [{ address: '10.0.0.2:5000', height: 7n }, { address: '10.0.0.1', height: 3n }],
  } satisfies SuperNode;
  assert.equal(currentState(sn), SuperNodeState.SUPERNODE_STATE_POSTPONED);
  assert.deepEqual(supernodeEndpoint(sn), { host: '10.0.0.2', port: 5000, address: '10.0.0.2:5000', p2pPort: 4445, state: SuperNodeState.SUPERNODE_STATE_POSTPONED });
  assert.deepEqual(supernodeEndpoint({ ...sn, prevIpAddresses: [{ address: 'node.example', height: 1n }], p2pPort: '6000' })?.address, 'node.example:4444');
  assert.equal(supernodeEndpoint({ ...sn, prevIpAddresses: [] }), undefined);
  assert.deepEqual(parseHostPort('[::1]:99', 4444), { host: '::1', port: 99 });
  assert.deepEqual(parseHostPort('::1', 4444), { host: '::1', port: 4444 });
  assert.throws(() => parseHostPort('h:70000', 4444), /1..65535/);
  assert.throws(() => supernodeEndpoint({ ...sn, p2pPort: 'x' }), /p2p_port/);
});

test('account address check: prefix, length, lower case', () => {
  const ok = 'lumera1ted4l44tkv9kensq9vkqxp8e4jrwnje22lxmad';
  assert.equal(requireAccountAddress('a', ok), ok);
  assert.throws(() => requireAccountAddress('a', ok.toUpperCase()), /lower case/);
  assert.throws(() => requireAccountAddress('a', 'cosmos1ted4l44tkv9kensq9vkqxp8e4jrwnje2x9nm5n'), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'a');
  assert.throws(() => requireAccountAddress('a', ''), /account address/);
});

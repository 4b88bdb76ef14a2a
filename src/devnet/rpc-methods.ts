/** The CometBFT RPC methods the devnet serves, on top of DevnetNode. Params arrive already JSON-decoded. */
import { fromBase64, fromHex, toBase64, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { MempoolError } from './app.js';
import { COMET_VERSION, NODE_ID, APP_VERSION } from './builtin.js';
import type { DevnetNode } from './node.js';
import * as fmt from './rpc-format.js';
import { parseTxQuery } from './tx-query.js';
import { InvalidArgumentError } from '../util/errors.js';

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data: string) {
    super(message);
  }
}

export const invalidParams = (why: string) => new RpcError(-32602, 'Invalid params', `error converting json params to arguments: ${why}`);
export const internal = (why: string) => new RpcError(-32603, 'Internal error', why);

export type Params = Record<string, unknown>;

/** CometBFT's default mempool max_tx_bytes. */
export const MAX_TX_BYTES = 1024 * 1024;
type Method = (node: DevnetNode, p: Params) => Promise<fmt.Json> | fmt.Json;

/** Positional parameter names (comet accepts params as an array in this order). */
export const PARAM_ORDER: Record<string, string[]> = {
  abci_query: ['path', 'data', 'height', 'prove'],
  block: ['height'], block_results: ['height'], blockchain: ['minHeight', 'maxHeight'],
  broadcast_tx_sync: ['tx'], broadcast_tx_async: ['tx'], broadcast_tx_commit: ['tx'],
  tx: ['hash', 'prove'], tx_search: ['query', 'prove', 'page', 'per_page', 'order_by'], validators: ['height', 'page', 'per_page'],
};

function str(p: Params, name: string, required = false): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw invalidParams(`${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidParams(`${name} must be a string`);
  return String(v);
}

function int(p: Params, name: string): bigint | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,19}$/.test(v)) throw invalidParams(`${name} must be an integer, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function bool(p: Params, name: string): boolean {
  const v = p[name];
  return v === true || v === 'true';
}

/** Byte params: "0x…" hex (URI form) or base64 (JSON form), or plain hex where comet uses HexBytes. */
function bytes(p: Params, name: string, encoding: 'base64' | 'hex'): Uint8Array {
  const v = str(p, name, true)!;
  try {
    if (v.startsWith('0x') || v.startsWith('0X')) return fromHex(v.slice(2));
    return encoding === 'hex' ? fromHex(v) : fromBase64(v);
  } catch (err) {
    throw invalidParams(`${name} is not valid ${encoding}: ${(err as Error).message}`);
  }
}

function heightOrLatest(node: DevnetNode, h: bigint | undefined): bigint {
  const latest = node.store.latestHeight();
  if (h === undefined || h === 0n) return latest;
  if (h < 0n) throw internal(`height must be greater than 0, but got ${h}`);
  if (h > latest) throw internal(`height ${h} must be less than or equal to the current blockchain height ${latest}`);
  const base = node.store.earliestHeight();
  if (h < base) throw internal(`height ${h} is not available, lowest height is ${base}`);
  return h;
}

function blockAt(node: DevnetNode, h: bigint) {
  const b = node.store.get(h);
  if (!b) throw internal(`could not find block at height ${h}`);
  return { b, prev: node.store.get(h - 1n) };
}

async function broadcast(node: DevnetNode, p: Params): Promise<{ hash: Uint8Array; check: ReturnType<DevnetNode['app']['checkTx']>['result'] }> {
  const tx = bytes(p, 'tx', 'base64');
  if (tx.length === 0) throw invalidParams('tx is empty');
  if (tx.length > MAX_TX_BYTES) throw internal(`tx too large. Max size is ${MAX_TX_BYTES}, but got ${tx.length}`);
  try {
    const { hash, result } = node.app.checkTx(tx);
    return { hash, check: result };
  } catch (err) {
    if (err instanceof MempoolError) throw internal(err.message);
    throw err;
  }
}

const checkJson = (hash: Uint8Array, r: { code: number; log: string; codespace: string; data: Uint8Array }) => ({
  code: r.code, data: r.data.length ? toBase64(r.data) : '', log: r.log, codespace: r.codespace, hash: fmt.hex(hash),
});

export const METHODS: Record<string, Method> = {
  health: () => ({}),

  /** Not a CometBFT method: returns its params unchanged (baseline for RPC benchmarks on the same server stack). */
  devnet_echo: (_node, p) => p as fmt.Json,

  status: (node) => {
    const latest = node.store.get(node.store.latestHeight())!;
    const first = node.store.get(node.store.earliestHeight())!;
    return {
      node_info: {
        protocol_version: { p2p: '8', block: '11', app: '0' }, id: NODE_ID, listen_addr: 'tcp://127.0.0.1:26656',
        network: node.chainId, version: COMET_VERSION, channels: '40202122233038606100', moniker: 'lep6-devnet',
        other: { tx_index: 'on', rpc_address: 'tcp://127.0.0.1:26657' },
      },
      sync_info: {
        latest_block_hash: fmt.hex(latest.hash), latest_app_hash: fmt.hex(latest.resultAppHash),
        latest_block_height: latest.height.toString(), latest_block_time: fmt.rfc3339(latest.time),
        earliest_block_hash: fmt.hex(first.hash), earliest_app_hash: fmt.hex(first.appHash.length ? first.appHash : first.resultAppHash),
        earliest_block_height: first.height.toString(), earliest_block_time: fmt.rfc3339(first.time), catching_up: false,
      },
      validator_info: { address: fmt.hex(node.validator.address), pub_key: { type: 'tendermint/PubKeyEd25519', value: toBase64(node.validator.pubkey) }, voting_power: node.validator.power.toString() },
    };
  },

  abci_info: (node) => ({
    response: {
      data: 'lumera', version: APP_VERSION, app_version: '0',
      last_block_height: node.height().toString(), last_block_app_hash: toBase64(node.app.lastBlock!.resultAppHash),
    },
  }),

  abci_query: (node, p) => {
    const path = str(p, 'path', true)!;
    const data = p.data === undefined || p.data === '' ? new Uint8Array() : bytes(p, 'data', 'hex');
    const h = int(p, 'height');
    const r = node.app.query(path, data, h === 0n ? undefined : h);
    return {
      response: {
        code: r.code, log: r.log, info: '', index: '0', key: null, value: r.value.length ? toBase64(r.value) : null,
        proofOps: null, height: r.height.toString(), codespace: r.codespace,
      },
    };
  },

  broadcast_tx_async: async (node, p) => {
    const { hash } = await broadcast(node, p);
    return { code: 0, data: '', log: '', codespace: '', hash: fmt.hex(hash) };
  },

  broadcast_tx_sync: async (node, p) => {
    const { hash, check } = await broadcast(node, p);
    return checkJson(hash, check);
  },

  broadcast_tx_commit: async (node, p) => {
    const { hash, check } = await broadcast(node, p);
    const checkTx = { ...fmt.txResult(check) as Record<string, fmt.Json> };
    if (check.code !== 0) return { check_tx: checkTx, tx_result: fmt.txResult({ ...check, code: 0, codespace: '', log: '', events: [], gasUsed: 0n, gasWanted: 0n }), hash: fmt.hex(hash), height: '0' };
    const included = await node.waitForTx(hash, 10_000);
    if (!included) throw internal('timed out waiting for tx to be included in a block');
    return { check_tx: checkTx, tx_result: fmt.txResult(included.result), hash: fmt.hex(hash), height: included.height.toString() };
  },

  tx: (node, p) => {
    const hash = bytes(p, 'hash', 'base64');
    const t = hash.length === 32 ? node.store.txByHash(hash) : undefined;
    if (!t) throw internal(`tx (${toHex(hash).toUpperCase()}) not found`);
    return fmt.txResponse(t, node.store.get(t.height), bool(p, 'prove'));
  },

  tx_search: (node, p) => {
    let conds;
    try {
      conds = parseTxQuery(str(p, 'query', true)!);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw internal(err.message);
      throw err;
    }
    const perPage = Number(int(p, 'per_page') ?? 30n);
    const per = perPage < 1 ? 30 : Math.min(perPage, 100);
    const order = str(p, 'order_by') ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw internal('expected order_by to be either `asc` or `desc` or empty');
    const all = node.store.search(conds);
    if (order === 'desc') all.reverse();
    const pages = Math.max(1, Math.ceil(all.length / per));
    const page = Number(int(p, 'page') ?? 1n);
    if (page < 1 || page > pages) throw internal(`page should be within [1, ${pages}] range, given ${page}`);
    const slice = all.slice((page - 1) * per, page * per);
    const prove = bool(p, 'prove');
    return { txs: slice.map((t) => fmt.txResponse(t, node.store.get(t.height), prove)), total_count: String(all.length) };
  },

  block: (node, p) => {
    const { b, prev } = blockAt(node, heightOrLatest(node, int(p, 'height')));
    return fmt.block(b, node.chainId, prev, node.validator);
  },

  block_by_hash: (node, p) => {
    const hash = bytes(p, 'hash', 'base64');
    const b = node.store.all().find((x) => toHex(x.hash) === toHex(hash));
    if (!b) return { block_id: fmt.blockId(undefined), block: null };
    return fmt.block(b, node.chainId, node.store.get(b.height - 1n), node.validator);
  },

  block_results: (node, p) => fmt.blockResults(blockAt(node, heightOrLatest(node, int(p, 'height'))).b),

  blockchain: (node, p) => {
    const latest = node.store.latestHeight();
    const base = node.store.earliestHeight();
    let max = int(p, 'maxHeight') ?? 0n;
    let min = int(p, 'minHeight') ?? 0n;
    if (max === 0n || max > latest) max = latest;
    if (min === 0n) min = base > max - 19n ? base : max - 19n;
    if (min < base) min = base;
    if (min > max) throw internal(`min height ${min} can't be greater than max height ${max}`);
    if (max - min > 19n) min = max - 19n;
    const metas: fmt.Json[] = [];
    for (let h = max; h >= min; h--) {
      const b = node.store.get(h)!;
      metas.push(fmt.blockMeta(b, node.chainId, node.store.get(h - 1n), node.validator));
    }
    return { last_height: latest.toString(), block_metas: metas };
  },

  commit: (node, p) => {
    const h = heightOrLatest(node, int(p, 'height'));
    const { b, prev } = blockAt(node, h);
    const full = fmt.block(b, node.chainId, prev, node.validator) as { block: { header: fmt.Json } };
    const next = node.store.get(h + 1n);
    const commit = next ? (fmt.block(next, node.chainId, b, node.validator) as { block: { last_commit: fmt.Json } }).block.last_commit : {
      height: h.toString(), round: 0, block_id: fmt.blockId(b),
      signatures: [{ block_id_flag: 2, validator_address: fmt.hex(node.validator.address), timestamp: fmt.rfc3339(b.time), signature: toBase64(new Uint8Array([...sha256(b.hash), ...sha256(b.hash)])) }],
    };
    return { signed_header: { header: full.block.header, commit }, canonical: next !== undefined };
  },

  validators: (node, p) => {
    const h = heightOrLatest(node, int(p, 'height'));
    return { block_height: h.toString(), validators: [fmt.validatorJson(node.validator)], count: '1', total: '1' };
  },

  genesis: (node) => {
    const g = node.genesisFile.genesis;
    return {
      genesis: {
        genesis_time: fmt.rfc3339(g.genesisTime), chain_id: g.chainId, initial_height: g.initialHeight.toString(),
        consensus_params: {
          block: { max_bytes: '22020096', max_gas: '25000000' },
          evidence: { max_age_num_blocks: '100000', max_age_duration: '172800000000000', max_bytes: '1048576' },
          validator: { pub_key_types: ['ed25519'] }, version: { app: '0' },
        },
        validators: [{ address: fmt.hex(node.validator.address), pub_key: { type: 'tendermint/PubKeyEd25519', value: toBase64(node.validator.pubkey) }, power: node.validator.power.toString(), name: 'devnet-validator' }],
        app_hash: '',
        app_state: {
          supernodes: g.supernodes.map((s) => ({ name: s.name, account: s.account, validator_address: s.validatorAddress, ip: s.ip, grpc_port: s.grpcPort, p2p_port: s.p2pPort })),
          epoch_length_blocks: g.epochBlocks,
        },
      },
    };
  },

  num_unconfirmed_txs: (node) => ({
    n_txs: String(node.app.mempool.length), total: String(node.app.mempool.length),
    total_bytes: String(node.app.mempool.reduce((n, t) => n + t.bytes.length, 0)), txs: null,
  }),
};

/**
 * CometBFT 0.38 JSON shapes (what @cosmjs/tendermint-rpc's comet38 adaptor parses): 64-bit numbers as
 * decimal strings, hashes as upper-case hex, bytes as base64, times as RFC 3339 with nanoseconds.
 */
import { toBase64, toHex } from '@cosmjs/encoding';
import type { BlockRecord, TxResult } from './app.js';
import type { AbciEvent } from './modules/types.js';
import type { IndexedTx } from './block-store.js';
import { merkleProof, merkleRoot } from './merkle.js';
import { sha256 } from '@noble/hashes/sha2.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const hex = (b: Uint8Array): string => toHex(b).toUpperCase();

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export interface ValidatorIdentity {
  address: Uint8Array;
  pubkey: Uint8Array;
  power: bigint;
}

export function events(evts: AbciEvent[]): Json {
  return evts.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) }));
}

export function txResult(r: TxResult): Json {
  return {
    code: r.code, data: r.data.length ? toBase64(r.data) : null, log: r.log, info: '',
    gas_wanted: r.gasWanted.toString(), gas_used: r.gasUsed.toString(), events: events(r.events), codespace: r.codespace,
  };
}

const PARTS = (b: BlockRecord) => sha256(new Uint8Array([...b.hash, 0x70]));

export function blockId(b: BlockRecord | undefined): Json {
  if (!b) return { hash: '', parts: { total: 0, hash: '' } };
  return { hash: hex(b.hash), parts: { total: 1, hash: hex(PARTS(b)) } };
}

export function header(b: BlockRecord, chainId: string, prev: BlockRecord | undefined, v: ValidatorIdentity): Json {
  const valHash = hex(sha256(new Uint8Array([...v.address, ...v.pubkey])));
  return {
    version: { block: '11', app: '0' },
    chain_id: chainId,
    height: b.height.toString(),
    time: rfc3339(b.time),
    last_block_id: blockId(prev),
    last_commit_hash: hex(prev ? sha256(prev.hash) : new Uint8Array()),
    data_hash: hex(b.dataHash),
    validators_hash: valHash,
    next_validators_hash: valHash,
    consensus_hash: hex(sha256(new TextEncoder().encode('lep6-devnet-consensus-params'))),
    app_hash: hex(b.appHash),
    last_results_hash: hex(prev ? sha256(new TextEncoder().encode(JSON.stringify(prev.results.map((r) => [r.code, toHex(r.data)])))) : new Uint8Array()),
    evidence_hash: hex(sha256(new Uint8Array())),
    proposer_address: hex(v.address),
  };
}

function commitFor(prev: BlockRecord | undefined, b: BlockRecord, v: ValidatorIdentity): Json {
  if (!prev) return { height: '0', round: 0, block_id: blockId(undefined), signatures: [] };
  return {
    height: prev.height.toString(), round: 0, block_id: blockId(prev),
    signatures: [{
      block_id_flag: 2, validator_address: hex(v.address), timestamp: rfc3339(b.time),
      // Not a real vote signature: the devnet has one in-process validator and no light clients.
      signature: toBase64(new Uint8Array([...sha256(new Uint8Array([...prev.hash, ...v.pubkey])), ...sha256(prev.hash)])),
    }],
  };
}

export function block(b: BlockRecord, chainId: string, prev: BlockRecord | undefined, v: ValidatorIdentity): Json {
  return {
    block_id: blockId(b),
    block: {
      header: header(b, chainId, prev, v),
      data: { txs: b.txs.map(toBase64) },
      evidence: { evidence: [] },
      last_commit: commitFor(prev, b, v),
    },
  };
}

export function blockMeta(b: BlockRecord, chainId: string, prev: BlockRecord | undefined, v: ValidatorIdentity): Json {
  const size = b.txs.reduce((n, t) => n + t.length, 0) + 300;
  return { block_id: blockId(b), block_size: String(size), header: header(b, chainId, prev, v), num_txs: String(b.txs.length) };
}

export function blockResults(b: BlockRecord): Json {
  return {
    height: b.height.toString(),
    txs_results: b.results.length ? b.results.map(txResult) : null,
    finalize_block_events: events([...b.beginEvents, ...b.endEvents]),
    validator_updates: null,
    consensus_param_updates: null,
    app_hash: hex(b.resultAppHash),
  };
}

export function txResponse(t: IndexedTx, block: BlockRecord | undefined, prove: boolean): Json {
  const out: { [k: string]: Json } = {
    hash: hex(t.hash), height: t.height.toString(), index: t.index, tx_result: txResult(t.result), tx: toBase64(t.tx),
  };
  if (prove && block) {
    const hashes = block.txs.map((x) => sha256(x));
    const p = merkleProof(hashes, t.index);
    out.proof = {
      root_hash: hex(merkleRoot(hashes)), data: toBase64(t.tx),
      proof: { total: String(p.total), index: String(p.index), leaf_hash: toBase64(p.leafHash), aunts: p.aunts.map(toBase64) },
    };
  }
  return out;
}

export function validatorJson(v: ValidatorIdentity): Json {
  return { address: hex(v.address), pub_key: { type: 'tendermint/PubKeyEd25519', value: toBase64(v.pubkey) }, voting_power: v.power.toString(), proposer_priority: '0' };
}

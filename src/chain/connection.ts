/**
 * The chain connection: CometBFT RPC (cosmjs Comet38Client over our failover transport) plus typed ABCI queries
 * on the gRPC service paths. A non-zero ABCI answer becomes ChainAbciError (stage `query`) carrying codespace,
 * code and log; undecodable bytes become ChainResponseError.
 */
import { Comet38Client } from '@cosmjs/tendermint-rpc';
import { StargateClient } from '@cosmjs/stargate';
import { toHex } from '@cosmjs/encoding';
import { decodeStrict, type QueryMethod, type WireCodec } from '../wire/index.js';
import { ChainAbciError, ChainResponseError, ChainError } from './errors.js';
import { FailoverRpcClient, type FailoverOptions } from './rpc-failover.js';
import type { Logger } from '../util/logger.js';

type Req<M> = M extends QueryMethod<infer Q, WireCodec<object>> ? Parameters<Q['fromPartial']>[0] : never;
type Res<M> = M extends QueryMethod<WireCodec<object>, infer R> ? ReturnType<R['decode']> : never;

export interface CheckTxOutcome {
  code: number;
  codespace: string;
  log: string;
  hash: string;
}

export interface DeliverTxOutcome {
  hash: string;
  height: bigint;
  code: number;
  codespace: string;
  log: string;
  data: Uint8Array;
  gasWanted: bigint;
  gasUsed: bigint;
  events: ReadonlyArray<{ type: string; attributes: ReadonlyArray<{ key: string; value: string }> }>;
}

/** A raw protobuf codec pair (cosmjs-types shape) for queries outside the Lumera tables (auth, tx). */
export interface RawCodec<T> {
  encode(m: T): { finish(): Uint8Array };
  decode(b: Uint8Array): T;
  fromPartial(o: object): T;
}

export class ChainConnection {
  readonly rpc: FailoverRpcClient;
  readonly comet: Comet38Client;
  /** cosmjs StargateClient on the same connection (chain id, heights, balances, generic tx search). */
  readonly stargate: StargateClient;

  constructor(opts: FailoverOptions & { logger?: Logger }) {
    this.rpc = new FailoverRpcClient(opts);
    this.comet = Comet38Client.create(this.rpc);
    this.stargate = StargateClient.create(this.comet);
  }

  /** Lumera query on its gRPC path; the response is decoded strictly (trailing garbage is an error). */
  async query<M extends QueryMethod<WireCodec<object>, WireCodec<object>>>(method: M, request: Req<M>): Promise<Res<M>> {
    const data = method.request.encode(method.request.fromPartial(request as object)).finish();
    const value = await this.abciQuery(method.path, data);
    try {
      return decodeStrict(method.response, `${method.rpc} response`, value) as Res<M>;
    } catch (err) {
      throw new ChainResponseError(`of ${method.path}`, 'is not a valid protobuf response', err);
    }
  }

  /** Query with a cosmjs-types codec pair (auth, tx service). */
  async queryRaw<Q, R>(path: string, reqCodec: RawCodec<Q>, request: object, resCodec: RawCodec<R>): Promise<R> {
    const value = await this.abciQuery(path, reqCodec.encode(reqCodec.fromPartial(request)).finish());
    try {
      return resCodec.decode(value);
    } catch (err) {
      throw new ChainResponseError(`of ${path}`, 'is not a valid protobuf response', err);
    }
  }

  async abciQuery(path: string, data: Uint8Array): Promise<Uint8Array> {
    const res = await this.comet.abciQuery({ path, data, prove: false });
    if (res.code) throw new ChainAbciError({ stage: 'query', codespace: res.codespace ?? '', code: res.code, log: res.log ?? '', path });
    return res.value;
  }

  async chainId(): Promise<string> {
    return this.stargate.getChainId();
  }

  async height(): Promise<bigint> {
    return BigInt(await this.stargate.getHeight());
  }

  async broadcastSync(txBytes: Uint8Array): Promise<CheckTxOutcome> {
    const r = await this.comet.broadcastTxSync({ tx: txBytes });
    return { code: r.code, codespace: r.codespace ?? '', log: r.log ?? '', hash: toHex(r.hash).toUpperCase() };
  }

  /** The included tx by hash, or undefined while it is not in a block (tx_search, so "not found" is not an error). */
  async findTx(hash: string): Promise<DeliverTxOutcome | undefined> {
    if (!/^[0-9A-F]{64}$/.test(hash)) throw new ChainError('INVALID_TX_HASH', `tx hash must be 64 upper-case hex characters, got ${JSON.stringify(hash)}`);
    const r = await this.comet.txSearch({ query: `tx.hash='${hash}'`, per_page: 1 });
    const t = r.txs[0];
    if (!t) return undefined;
    return {
      hash: toHex(t.hash).toUpperCase(),
      height: BigInt(t.height),
      code: t.result.code,
      codespace: t.result.codespace ?? '',
      log: t.result.log ?? '',
      data: t.result.data ?? new Uint8Array(),
      gasWanted: t.result.gasWanted,
      gasUsed: t.result.gasUsed,
      events: t.result.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) })),
    };
  }

  close(): void {
    this.rpc.disconnect();
  }
}

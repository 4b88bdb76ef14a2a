/**
 * `/cosmos.tx.v1beta1.Service/GetTx` and `/GetTxsEvent` over ABCI query (the SDK registers the tx service on
 * its gRPC query router), for clients that follow the Go supernode's path instead of CometBFT `tx`/`tx_search`.
 */
import { toHex } from '@cosmjs/encoding';
import { GetTxRequest, GetTxResponse, GetTxsEventRequest, GetTxsEventResponse, OrderBy } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { Tx, TxRaw, TxBody, AuthInfo } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { TxResponse } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { ChainQueryError, type QueryHandler } from './modules/types.js';
import type { BlockStore, IndexedTx } from './block-store.js';
import { parseTxQuery } from './tx-query.js';
import { rfc3339 } from './rpc-format.js';
import { decodeOr } from './query-errors.js';

function decodeTxOf(t: IndexedTx): Tx {
  const raw = TxRaw.decode(t.tx);
  return { body: TxBody.decode(raw.bodyBytes), authInfo: AuthInfo.decode(raw.authInfoBytes), signatures: raw.signatures };
}

function txResponse(store: BlockStore, t: IndexedTx, tx: Tx): TxResponse {
  const r = t.result;
  return {
    height: t.height, txhash: toHex(t.hash).toUpperCase(), codespace: r.codespace, code: r.code, data: toHex(r.data).toUpperCase(),
    rawLog: r.log, logs: [], info: '', gasWanted: r.gasWanted, gasUsed: r.gasUsed,
    tx: { typeUrl: '/cosmos.tx.v1beta1.Tx', value: Tx.encode(tx).finish() },
    timestamp: rfc3339(store.get(t.height)!.time).replace(/\.\d+Z$/, 'Z'),
    events: r.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) })),
  };
}

export function txServiceQueries(store: BlockStore): Record<string, QueryHandler> {
  return {
    '/cosmos.tx.v1beta1.Service/GetTx': (_ctx, req) => {
      const r = decodeOr(GetTxRequest.decode, req, 'GetTxRequest');
      if (!r.hash) throw new ChainQueryError('InvalidArgument', 'request cannot be nil');
      if (!/^[0-9a-fA-F]{64}$/.test(r.hash)) throw new ChainQueryError('InvalidArgument', `invalid tx hash ${r.hash}`);
      const found = store.txByHash(Uint8Array.from(Buffer.from(r.hash, 'hex')));
      if (!found) throw new ChainQueryError('NotFound', `tx not found: ${r.hash}`);
      const tx = decodeTxOf(found);
      return GetTxResponse.encode({ tx, txResponse: txResponse(store, found, tx) }).finish();
    },
    '/cosmos.tx.v1beta1.Service/GetTxsEvent': (_ctx, req) => {
      const r = decodeOr(GetTxsEventRequest.decode, req, 'GetTxsEventRequest');
      if (r.events.length === 0) throw new ChainQueryError('InvalidArgument', 'must declare at least one event to search');
      let conds;
      try {
        conds = parseTxQuery(r.events.join(' AND '));
      } catch (err) {
        throw new ChainQueryError('InvalidArgument', (err as Error).message);
      }
      const all = store.search(conds);
      if (r.orderBy === OrderBy.ORDER_BY_DESC) all.reverse();
      const limit = Number(r.limit > 0n ? (r.limit > 100n ? 100n : r.limit) : 100n);
      const page = Number(r.page > 0n ? r.page : 1n);
      const slice = all.slice((page - 1) * limit, page * limit);
      const txs = slice.map(decodeTxOf);
      return GetTxsEventResponse.encode({
        txs, txResponses: slice.map((t, i) => txResponse(store, t, txs[i]!)), total: BigInt(all.length), pagination: undefined,
      }).finish();
    },
  };
}

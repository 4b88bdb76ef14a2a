/**
 * Built-in Cosmos pieces the devnet answers itself: x/bank MsgSend and balance queries, x/auth account
 * queries (the pubkey exactly as the chain stores it), tx simulation and node info.
 */
import { MsgSend, MsgSendResponse } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import {
  QueryBalanceRequest, QueryBalanceResponse, QueryAllBalancesRequest, QueryAllBalancesResponse,
  QuerySpendableBalanceByDenomRequest, QuerySpendableBalanceByDenomResponse,
} from 'cosmjs-types/cosmos/bank/v1beta1/query';
import { QueryAccountRequest, QueryAccountResponse, QueryAccountInfoRequest, QueryAccountInfoResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { BaseAccount } from 'cosmjs-types/cosmos/auth/v1beta1/auth';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SimulateRequest, SimulateResponse } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { GetNodeInfoRequest, GetNodeInfoResponse } from 'cosmjs-types/cosmos/base/tendermint/v1beta1/query';
import { isValidAddress } from '../crypto/account-keys.js';
import {
  ChainQueryError, ChainRuleError, chainRuleError, type AccountInfo, type DevnetModule, type QueryHandler,
} from './modules/types.js';
import { formatCoins } from './bank.js';
import { decodeOr } from './query-errors.js';
import { GAS } from './gas.js';
import type { DevnetApp } from './app.js';

export const COMET_VERSION = '0.38.19';
export const APP_VERSION = 'lep6-devnet-1.0.0';

function requireAddress(address: string): void {
  if (!address) throw new ChainQueryError('InvalidArgument', 'address cannot be empty');
  if (!isValidAddress(address)) throw new ChainQueryError('InvalidArgument', `invalid address: ${address}`);
}

export function encodeBaseAccount(acc: AccountInfo): BaseAccount {
  return {
    address: acc.address,
    pubKey: acc.pubkey ? { typeUrl: acc.pubkey.typeUrl, value: PubKey.encode({ key: acc.pubkey.key }).finish() } : undefined,
    accountNumber: acc.accountNumber,
    sequence: acc.sequence,
  };
}

/** x/bank: MsgSend plus balance queries. Its state lives in the app's Bank (snapshotted by the app). */
export function bankModule(app: DevnetApp): DevnetModule {
  return {
    name: 'bank',
    msgs: {
      '/cosmos.bank.v1beta1.MsgSend': {
        signers(value) {
          return [MsgSend.decode(value).fromAddress];
        },
        execute(ctx, value, emit) {
          const msg = MsgSend.decode(value);
          if (!isValidAddress(msg.fromAddress)) throw chainRuleError('sdk', 7, 'invalid address', `invalid from address: ${msg.fromAddress}`);
          if (!isValidAddress(msg.toAddress)) throw chainRuleError('sdk', 7, 'invalid address', `invalid to address: ${msg.toAddress}`);
          if (msg.amount.length === 0 || msg.amount.some((c) => !/^\d+$/.test(c.amount) || BigInt(c.amount) === 0n)) {
            throw chainRuleError('sdk', 10, 'invalid coins', formatCoins(msg.amount.map((c) => ({ denom: c.denom, amount: /^\d+$/.test(c.amount) ? BigInt(c.amount) : 0n }))));
          }
          ctx.gasMeter.consume(GAS.bankSend, 'bank send');
          const coins = msg.amount.map((c) => ({ denom: c.denom, amount: BigInt(c.amount) }));
          app.bank.send(msg.fromAddress, msg.toAddress, coins);
          const amount = formatCoins(coins);
          emit({ type: 'coin_spent', attributes: [{ key: 'spender', value: msg.fromAddress }, { key: 'amount', value: amount }] });
          emit({ type: 'coin_received', attributes: [{ key: 'receiver', value: msg.toAddress }, { key: 'amount', value: amount }] });
          emit({ type: 'transfer', attributes: [{ key: 'recipient', value: msg.toAddress }, { key: 'sender', value: msg.fromAddress }, { key: 'amount', value: amount }] });
          emit({ type: 'message', attributes: [{ key: 'sender', value: msg.fromAddress }] });
          return MsgSendResponse.encode({}).finish();
        },
      },
    },
    queries: {
      '/cosmos.bank.v1beta1.Query/Balance': (_ctx, req) => {
        const r = decodeOr(QueryBalanceRequest.decode, req, 'QueryBalanceRequest');
        requireAddress(r.address);
        if (!r.denom) throw new ChainQueryError('InvalidArgument', 'invalid denom');
        return QueryBalanceResponse.encode({ balance: { denom: r.denom, amount: app.bank.balance(r.address, r.denom).toString() } }).finish();
      },
      '/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom': (_ctx, req) => {
        const r = decodeOr(QuerySpendableBalanceByDenomRequest.decode, req, 'QuerySpendableBalanceByDenomRequest');
        requireAddress(r.address);
        return QuerySpendableBalanceByDenomResponse.encode({ balance: { denom: r.denom, amount: app.bank.balance(r.address, r.denom).toString() } }).finish();
      },
      '/cosmos.bank.v1beta1.Query/AllBalances': (_ctx, req) => {
        const r = decodeOr(QueryAllBalancesRequest.decode, req, 'QueryAllBalancesRequest');
        requireAddress(r.address);
        const balances = app.bank.allBalances(r.address).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
        return QueryAllBalancesResponse.encode({ balances, pagination: { nextKey: new Uint8Array(), total: BigInt(balances.length) } }).finish();
      },
    },
    exportState: () => null,
    importState: () => undefined,
  };
}

/** Query-only services: auth accounts, tx simulation, node info. */
export function serviceQueries(app: DevnetApp): Record<string, QueryHandler> {
  const account = (address: string): AccountInfo => {
    requireAddress(address);
    const acc = app.auth.getAccount(address);
    if (!acc) throw new ChainQueryError('NotFound', `account ${address} not found`);
    return acc;
  };
  return {
    '/cosmos.auth.v1beta1.Query/Account': (_ctx, req) => {
      const r = decodeOr(QueryAccountRequest.decode, req, 'QueryAccountRequest');
      const acc = account(r.address);
      return QueryAccountResponse.encode({
        account: { typeUrl: '/cosmos.auth.v1beta1.BaseAccount', value: BaseAccount.encode(encodeBaseAccount(acc)).finish() },
      }).finish();
    },
    '/cosmos.auth.v1beta1.Query/AccountInfo': (_ctx, req) => {
      const r = decodeOr(QueryAccountInfoRequest.decode, req, 'QueryAccountInfoRequest');
      return QueryAccountInfoResponse.encode({ info: encodeBaseAccount(account(r.address)) }).finish();
    },
    '/cosmos.tx.v1beta1.Service/Simulate': (_ctx, req) => {
      const r = decodeOr(SimulateRequest.decode, req, 'SimulateRequest');
      if (r.txBytes.length === 0) throw new ChainQueryError('InvalidArgument', 'empty txBytes is not allowed');
      let sim;
      try {
        sim = app.simulate(r.txBytes);
      } catch (err) {
        if (err instanceof ChainRuleError) throw new ChainRuleError(err.codespace, err.abciCode, `${err.log} With gas wanted: '0' and gas used: '0' `);
        throw err;
      }
      const res = sim.result;
      if (res.code !== 0) {
        throw new ChainRuleError(res.codespace, res.code, `${res.log} With gas wanted: '${res.gasWanted}' and gas used: '${sim.gasUsed}' `);
      }
      return SimulateResponse.encode({
        gasInfo: { gasWanted: sim.gasWanted, gasUsed: sim.gasUsed },
        result: {
          data: new Uint8Array(), log: '',
          events: res.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: true })) })),
          msgResponses: res.msgResponses,
        },
      }).finish();
    },
    '/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo': (_ctx, req) => {
      decodeOr(GetNodeInfoRequest.decode, req, 'GetNodeInfoRequest');
      return GetNodeInfoResponse.encode({
        defaultNodeInfo: {
          protocolVersion: { p2p: 8n, block: 11n, app: 0n }, defaultNodeId: NODE_ID, listenAddr: 'tcp://127.0.0.1:26656',
          network: app.chainId(), version: COMET_VERSION, channels: new Uint8Array([0x40, 0x20, 0x21, 0x22, 0x23, 0x30, 0x38, 0x60, 0x61, 0x00]),
          moniker: 'lep6-devnet', other: { txIndex: 'on', rpcAddress: 'tcp://127.0.0.1:26657' },
        },
        applicationVersion: {
          name: 'lumera', appName: 'lumerad', version: APP_VERSION, gitCommit: '', buildTags: '', goVersion: '', buildDeps: [], cosmosSdkVersion: 'v0.53.6',
        },
      }).finish();
    },
  };
}

/** Fixed node identity (40 hex chars, as CometBFT node ids are). */
export const NODE_ID = 'de7e0000000000000000000000000000000000de';

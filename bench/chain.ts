/**
 * Chain client throughput against the in-process devnet:
 *  * txs/s accepted from ONE signer with inclusion confirmed (simulate → sign → broadcast_tx_sync → poll
 *    tx_search until in a block), devnet producing a block every 10 ms;
 *  * query round trips/s (CurrentEpoch over abci_query, decoded);
 * each beside a bare HTTP JSON-RPC echo on node:http (the devnet's server stack), called with the same
 * fetch-based transport, measured in the same run.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { startDevnet } from '../src/devnet/index.js';
import { connectLumeraClient } from '../src/chain/client.js';
import { signingKeyFromMnemonic } from '../src/chain/keys.js';
import { FailoverRpcClient } from '../src/chain/rpc-failover.js';
import { silentLogger } from '../src/util/logger.js';
import type { BenchRow, BenchSuite } from './types.js';

const TX_SECONDS = 3;
const QUERY_SECONDS = 2;

async function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { id } = JSON.parse(body) as { id: unknown };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: {} }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Runs `op` sequentially for `seconds`; returns operations per second. */
async function rate(seconds: number, op: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() < end) {
    await op();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

export const chainBench: BenchSuite = {
  name: 'chain',
  async run(): Promise<BenchRow[]> {
    const devnet = await startDevnet({ supernodes: 4, blockMs: 10, fundedAccounts: 2 }, silentLogger());
    const echo = await echoServer();
    const echoClient = new FailoverRpcClient({ urls: [echo.url] });
    const acct = devnet.accounts[0]!;
    const client = await connectLumeraClient({ rpcUrls: [devnet.rpcUrl], signer: await signingKeyFromMnemonic(acct.mnemonic), tx: { pollIntervalMs: 2 } });
    try {
      let id = 0;
      const echoRate = await rate(QUERY_SECONDS, () => echoClient.execute({ jsonrpc: '2.0', id: ++id, method: 'echo', params: {} }));
      const msg = {
        typeUrl: '/cosmos.bank.v1beta1.MsgSend',
        value: MsgSend.encode(MsgSend.fromPartial({ fromAddress: acct.address, toAddress: devnet.accounts[1]!.address, amount: [{ denom: 'ulume', amount: '1' }] })).finish(),
      };
      await client.submitMessages([msg]); // warm-up: account cached, pubkey on chain
      const txRate = await rate(TX_SECONDS, () => client.submitMessages([msg]));
      const queryRate = await rate(QUERY_SECONDS, () => client.getCurrentEpoch());
      return [
        { measure: 'txs accepted, one signer, inclusion confirmed (10 ms blocks)', figure: txRate, unit: '/s', baseline: echoRate, baselineName: 'bare JSON-RPC echo round trips', ratio: txRate / echoRate },
        { measure: 'query round trips (CurrentEpoch, decoded)', figure: queryRate, unit: '/s', baseline: echoRate, baselineName: 'bare JSON-RPC echo round trips', ratio: queryRate / echoRate },
      ];
    } finally {
      client.close();
      echoClient.disconnect();
      await echo.close();
      await devnet.stop();
    }
  },
};

/**
 * Test helpers: a devnet that makes blocks only when we ask, and production clients signing as its accounts.
 * `settle` produces a block whenever the mempool holds a tx, until the awaited chain call finishes, so each
 * step lands in a predictable block (3-block epochs leave no room for a timer).
 */
import { Comet38Client } from '@cosmjs/tendermint-rpc';
import { startDevnet, type Devnet, type DevnetOptions } from '../../src/devnet/index.js';
import { connectLumeraClient, type LumeraClient } from '../../src/chain/client.js';
import { signingKeyFromMnemonic } from '../../src/chain/keys.js';
import { silentLogger } from '../../src/util/logger.js';
import type { TxPipelineOptions } from '../../src/chain/tx-pipeline.js';

export interface TestChain {
  devnet: Devnet;
  comet: Comet38Client;
  /** One signing client per supernode, in devnet order (sn0, sn1, …). */
  sn: LumeraClient[];
  /** Clients of the funded non-supernode accounts. */
  accounts: LumeraClient[];
  stop(): Promise<void>;
}

export const FAST_TX: TxPipelineOptions = { pollIntervalMs: 10, sequenceRetryDelayMs: 20, inclusionTimeoutMs: 15_000 };

export async function startTestChain(opts: DevnetOptions, tx: TxPipelineOptions = FAST_TX): Promise<TestChain> {
  const devnet = await startDevnet({ autoBlocks: false, ...opts }, silentLogger());
  const comet = await Comet38Client.connect(devnet.rpcUrl);
  const client = async (mnemonic: string) =>
    connectLumeraClient({ rpcUrls: [devnet.rpcUrl], chainId: devnet.chainId, signer: await signingKeyFromMnemonic(mnemonic), tx, requestTimeoutMs: 5000 });
  const sn = await Promise.all(devnet.supernodes.map((a) => client(a.mnemonic)));
  const accounts = await Promise.all(devnet.accounts.map((a) => client(a.mnemonic)));
  return {
    devnet, comet, sn, accounts,
    async stop() {
      for (const c of [...sn, ...accounts]) c.close();
      comet.disconnect();
      await devnet.stop();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Awaits `p`, committing a block whenever at least `batch` txs wait in the mempool (use the number of parallel
 * submitters to put them all in one block; fewer waiting txs are committed after 500 ms without growth).
 */
export async function settle<T>(chain: TestChain, p: Promise<T>, batch = 1, timeoutMs = 20_000): Promise<T> {
  let done = false;
  const watched = p.then(
    (v) => { done = true; return v; },
    (e: unknown) => { done = true; throw e; },
  );
  watched.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  let since = Date.now();
  while (!done) {
    if (Date.now() > deadline) throw new Error(`settle: chain call did not finish within ${timeoutMs} ms`);
    const pending = (await chain.comet.numUnconfirmedTxs()).total;
    if (pending !== seen) {
      seen = pending;
      since = Date.now();
    }
    if (pending >= batch || (pending > 0 && Date.now() - since > 500)) {
      await chain.devnet.produceBlock();
      seen = 0;
    } else {
      await sleep(3);
    }
  }
  return watched;
}

/** Awaits `p` (expected to fail) and returns the error. */
export async function settleError(chain: TestChain, p: Promise<unknown>): Promise<unknown> {
  try {
    await settle(chain, p);
  } catch (err) {
    return err;
  }
  throw new Error('expected the chain call to fail, but it succeeded');
}

/** Produces blocks until the committed height is the first block of a new epoch (its anchor exists). */
export async function advanceToEpochStart(chain: TestChain, client: LumeraClient): Promise<bigint> {
  for (let i = 0; i < 10_000; i++) {
    await chain.devnet.produceBlock();
    const h = chain.devnet.height();
    const e = await client.getCurrentEpoch();
    if (e.epochStartHeight === h) return e.epochId;
  }
  throw new Error('advanceToEpochStart: no epoch start reached');
}

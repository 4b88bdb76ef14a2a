/**
 * startDevnet: a local Lumera chain in this process, speaking CometBFT RPC on 127.0.0.1 (see api.ts).
 */
import { InvalidArgumentError } from '../util/errors.js';
import { moduleLogger, type Logger } from '../util/logger.js';
import type { Devnet, DevnetAccount, DevnetOptions } from './api.js';
import { devnetAccount, valoperAddress } from './keys.js';
import { DevnetNode, type GenesisFile } from './node.js';
import { ChainFiles } from './persistence.js';
import { RpcServer } from './rpc-server.js';
import type { DevnetGenesis } from './modules/types.js';

export type { Devnet, DevnetAccount, DevnetOptions } from './api.js';
export { devnetMnemonic, devnetAccount, privateKeyFromMnemonic, ETH_HD_PATH } from './keys.js';

export const DEFAULT_CHAIN_ID = 'lumera-devnet-1';
const CHAIN_ID_RE = /^[a-z0-9][a-z0-9-]{0,46}-\d+$/;

function intOpt(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(name, `must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** Decimal gas price → exact rational (e.g. 0.0025 → 25/10000). */
export function parseGasPrice(v: number | string): { num: bigint; den: bigint } {
  const s = typeof v === 'number' ? v.toFixed(18).replace(/0+$/, '').replace(/\.$/, '') : v;
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(s);
  if (!m) throw new InvalidArgumentError('minGasPrice', `must be a non-negative decimal, got ${JSON.stringify(v)}`);
  const frac = m[2] ?? '';
  return { num: BigInt(m[1]! + frac), den: 10n ** BigInt(frac.length) };
}

async function supernodeAccounts(count: number, basePort: number): Promise<DevnetAccount[]> {
  const out: DevnetAccount[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ ...(await devnetAccount(`sn${i}`)), grpcPort: basePort + 2 * i, p2pPort: basePort + 2 * i + 1 });
  }
  return out;
}

async function testAccounts(count: number): Promise<DevnetAccount[]> {
  const out: DevnetAccount[] = [];
  for (let i = 0; i < count; i++) out.push(await devnetAccount(`acct${i}`));
  return out;
}

export async function startDevnet(opts: DevnetOptions = {}, logger: Logger = moduleLogger('devnet')): Promise<Devnet> {
  const supernodeCount = intOpt('supernodes', opts.supernodes, 4, 1, 1000);
  const rpcPort = intOpt('rpcPort', opts.rpcPort, 0, 0, 65535);
  const blockMs = intOpt('blockMs', opts.blockMs, 1000, 5, 3_600_000);
  const epochBlocks = intOpt('epochBlocks', opts.epochBlocks, 400, 1, 1_000_000);
  const fundedCount = intOpt('fundedAccounts', opts.fundedAccounts, 2, 0, 1000);
  const basePort = intOpt('supernodeBasePort', opts.supernodeBasePort, 4444, 1, 65535 - 2 * supernodeCount);
  const maxBodyBytes = intOpt('maxBodyBytes', opts.maxBodyBytes, 2 * 1024 * 1024, 1024, 64 * 1024 * 1024);
  const chainId = opts.chainId ?? DEFAULT_CHAIN_ID;
  if (!CHAIN_ID_RE.test(chainId)) throw new InvalidArgumentError('chainId', `must look like <name>-<n> (lower case), got ${JSON.stringify(chainId)}`);
  const balance = opts.genesisBalance ?? 1_000_000_000_000n;
  if (typeof balance !== 'bigint' || balance < 0n) throw new InvalidArgumentError('genesisBalance', 'must be a non-negative bigint');
  const minGasPrice = parseGasPrice(opts.minGasPrice ?? 0.0025);

  const files = opts.home ? new ChainFiles(opts.home) : undefined;
  files?.lock();
  try {
    return await start(opts, logger, files, { supernodeCount, rpcPort, blockMs, epochBlocks, fundedCount, basePort, maxBodyBytes, chainId, balance, minGasPrice });
  } catch (err) {
    files?.unlock();
    throw err;
  }
}

interface Checked {
  supernodeCount: number; rpcPort: number; blockMs: number; epochBlocks: number; fundedCount: number; basePort: number;
  maxBodyBytes: number; chainId: string; balance: bigint; minGasPrice: { num: bigint; den: bigint };
}

async function start(opts: DevnetOptions, logger: Logger, files: ChainFiles | undefined, c: Checked): Promise<Devnet> {
  const { supernodeCount, rpcPort, blockMs, epochBlocks, fundedCount, basePort, maxBodyBytes, chainId, balance, minGasPrice } = c;
  const saved = files?.hasState() ? files.load() : undefined;
  let genesisFile: GenesisFile;
  if (saved) {
    genesisFile = saved.genesis as GenesisFile;
    if (!genesisFile?.genesis?.chainId || !Array.isArray(genesisFile.genesis.supernodes)) throw new InvalidArgumentError('home', 'holds a malformed chain/genesis.json');
    logger.info({ home: opts.home, height: saved.blocks[saved.blocks.length - 1]!.height.toString() }, 'devnet resuming');
    // Genesis-time options cannot change on resume; say so instead of silently ignoring them.
    const ignored: string[] = [];
    if (opts.chainId !== undefined && opts.chainId !== genesisFile.genesis.chainId) ignored.push('chainId');
    if (opts.supernodes !== undefined && opts.supernodes !== genesisFile.genesis.supernodes.length) ignored.push('supernodes');
    if (opts.epochBlocks !== undefined && opts.epochBlocks !== genesisFile.genesis.epochBlocks) ignored.push('epochBlocks');
    if (opts.auditParams !== undefined || opts.moduleParams !== undefined) ignored.push('module params');
    if (ignored.length) logger.warn({ ignored }, 'devnet resumed from saved genesis; these options only apply to a fresh home');
  } else {
    const sn = await supernodeAccounts(supernodeCount, basePort);
    const accts = await testAccounts(fundedCount);
    const moduleParams = { ...(opts.moduleParams ?? {}) };
    const audit: Record<string, unknown> = { epoch_length_blocks: epochBlocks, ...(moduleParams.audit ?? {}), ...(opts.auditParams ?? {}) };
    moduleParams.audit = audit;
    const genesis: DevnetGenesis = {
      chainId, genesisTime: new Date(), initialHeight: 1n, epochBlocks: Number(audit.epochLengthBlocks ?? audit.epoch_length_blocks ?? epochBlocks),
      supernodes: sn.map((a) => ({ name: a.name, account: a.address, validatorAddress: valoperAddress(a.address), ip: '127.0.0.1', grpcPort: a.grpcPort!, p2pPort: a.p2pPort! })),
    };
    genesisFile = { genesis, funded: [...sn, ...accts].map((a) => ({ address: a.address, amount: balance })), moduleParams, fundedAccounts: fundedCount };
    files?.writeGenesis(genesisFile);
  }
  // A resumed genesis comes back from JSON with genesisTime as an ISO string.
  if (!(genesisFile.genesis.genesisTime instanceof Date)) genesisFile.genesis.genesisTime = new Date(String(genesisFile.genesis.genesisTime));

  const node = await DevnetNode.create(genesisFile, { minGasPrice, blockMs, autoBlocks: opts.autoBlocks ?? true, files, logger }, saved);
  const server = new RpcServer(node, { port: rpcPort, maxBodyBytes, logger });
  try {
    await server.listen();
  } catch (err) {
    node.stop();
    throw new InvalidArgumentError('rpcPort', `could not listen on 127.0.0.1:${rpcPort}: ${(err as Error).message}`);
  }
  node.startTimer();

  const supernodes = await Promise.all(genesisFile.genesis.supernodes.map(async (s) => ({ ...(await devnetAccount(s.name)), grpcPort: s.grpcPort, p2pPort: s.p2pPort })));
  const accounts = await testAccounts(genesisFile.fundedAccounts);
  let stopping: Promise<void> | undefined;
  logger.info({ rpcUrl: server.url, chainId: node.chainId, height: node.height().toString() }, 'devnet started');
  return {
    rpcUrl: server.url,
    chainId: node.chainId,
    supernodes,
    accounts,
    height: () => node.height(),
    produceBlock: async () => {
      node.produceBlock();
    },
    waitForHeight: (h, timeoutMs = 30_000) => node.waitForHeight(h, timeoutMs),
    stop: () => {
      stopping ??= (async () => {
        node.stop();
        await server.close();
        files?.unlock();
        logger.info({ height: node.height().toString() }, 'devnet stopped');
      })();
      return stopping;
    },
  };
}

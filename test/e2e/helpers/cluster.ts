/**
 * Reusable e2e harness: an in-process devnet with N supernodes and N daemons (SupernodeNode) on
 * 127.0.0.1, each with its own temp base dir, its devnet key, real lumera-alts and the production chain
 * client. `placeCascadeFile` registers a Cascade action on chain (MsgRequestAction by a funded account,
 * MsgFinalizeAction by the chosen supernode) and writes its artefacts into the holders' stores (a later
 * issue replaces the direct write with a real peer upload).
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { startDevnet, type Devnet } from '../../../src/devnet/index.js';
import { connectLumeraClient, type LumeraClient } from '../../../src/chain/client.js';
import { signingKeyFromMnemonic, type SigningKey } from '../../../src/chain/keys.js';
import type { TxPipelineOptions } from '../../../src/chain/tx-pipeline.js';
import { configFromObject } from '../../../src/config/index.js';
import { indexFiles } from '../../../src/cascade/id-files.js';
import { ArtefactStore } from '../../../src/store/artefacts.js';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { CascadeMetadata } from '../../../src/gen/lumera/action/v1/metadata.js';
import type { EpochReport, StorageProofResult } from '../../../src/gen/lumera/audit/v1/audit.js';
import { StorageProofBucketType } from '../../../src/deterministic/index.js';
import { SupernodeNode, type SupernodeNodeOptions } from '../../../src/node/daemon.js';
import { moduleLogger, silentLogger } from '../../../src/util/logger.js';

export const E2E_TX: TxPipelineOptions = { pollIntervalMs: 20, sequenceRetryDelayMs: 20, inclusionTimeoutMs: 15_000 };

export interface ClusterOptions {
  nodes?: number;
  epochBlocks?: number;
  blockMs?: number;
  /** Audit enforcement mode. Default FULL (the strictest report rules). */
  mode?: 'SHADOW' | 'SOFT' | 'FULL';
  recheck?: boolean;
  /** recipient_read_timeout of every daemon, ms. */
  readTimeoutMs?: number;
  pollIntervalMs?: number;
}

export interface CascadeFile {
  actionId: string;
  finalizer: string;
  /** Artefact key → bytes (the index files; `rq_ids_ids`). */
  artefacts: Map<string, Uint8Array>;
}

export interface ClusterNode {
  index: number;
  address: string;
  key: SigningKey;
  baseDir: string;
  port: number;
  node: SupernodeNode | undefined;
}

/** LEP6_E2E_LOG=warn|info|debug shows the daemons' logs (tagged sn<i>) when a test needs diagnosing. */
function daemonLogger(i: number) {
  const level = process.env.LEP6_E2E_LOG;
  return level ? moduleLogger(`sn${i}`).child({}, { level }) : silentLogger();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port whose 2n ports are all free right now. */
async function freeBasePort(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    let ok = true;
    for (let i = 0; i < 2 * n && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

/** Polls `pred` until it returns a value other than undefined/false; rejects after timeoutMs. */
export async function waitFor<T>(what: string, pred: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The client with some methods replaced (everything else, close() included, goes to the real one). */
export function wrapChain(client: LumeraClient, overrides: Partial<LumeraClient>): LumeraClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as Function).bind(target) : v;
    },
  });
}

export class Cluster {
  readonly nodes: ClusterNode[] = [];
  /** One signing client per supernode (setup, queries); not the daemons' own clients. */
  readonly sn: LumeraClient[] = [];
  creator!: LumeraClient;
  creatorKey!: SigningKey;
  private readonly dirs: string[] = [];

  private constructor(readonly devnet: Devnet, readonly opts: Required<ClusterOptions>) {}

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const o: Required<ClusterOptions> = {
      nodes: opts.nodes ?? 4, epochBlocks: opts.epochBlocks ?? 20, blockMs: opts.blockMs ?? 150, mode: opts.mode ?? 'FULL',
      recheck: opts.recheck ?? false, readTimeoutMs: opts.readTimeoutMs ?? 2000, pollIntervalMs: opts.pollIntervalMs ?? 150,
    };
    const basePort = await freeBasePort(o.nodes);
    const devnet = await startDevnet({
      supernodes: o.nodes, blockMs: o.blockMs, epochBlocks: o.epochBlocks, supernodeBasePort: basePort, fundedAccounts: 1,
      moduleParams: { action: { maxRaptorQSymbols: 1 } },
      // Nodes that are not running yet must not be postponed for missing reports while the test sets up, and
      // with short epochs a file must stay RECENT (the chain default is 3 epochs) for the whole test.
      auditParams: {
        storage_truth_enforcement_mode: o.mode, consecutive_epochs_to_postpone: 150,
        storage_truth_recent_bucket_max_blocks: 150 * o.epochBlocks, storage_truth_old_bucket_min_blocks: 1000 * o.epochBlocks,
      },
    }, silentLogger());
    const c = new Cluster(devnet, o);
    try {
      for (const [i, a] of devnet.supernodes.entries()) {
        const key = await signingKeyFromMnemonic(a.mnemonic);
        const baseDir = mkdtempSync(join(tmpdir(), `lep6-e2e-sn${i}-`));
        c.dirs.push(baseDir);
        c.nodes.push({ index: i, address: a.address, key, baseDir, port: a.grpcPort!, node: undefined });
        c.sn.push(await c.client(key));
      }
      c.creatorKey = await signingKeyFromMnemonic(devnet.accounts[0]!.mnemonic);
      c.creator = await c.client(c.creatorKey);
      await c.primeCreator();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  client(key: SigningKey): Promise<LumeraClient> {
    return connectLumeraClient({ rpcUrls: [this.devnet.rpcUrl], chainId: this.devnet.chainId, signer: key, tx: E2E_TX, requestTimeoutMs: 5000 });
  }

  configFor(n: ClusterNode, recheck = this.opts.recheck) {
    return configFromObject({
      supernode: { identity: n.address, key_name: `sn${n.index}`, host: '127.0.0.1', port: n.port },
      lumera: { chain_id: this.devnet.chainId, rpc_endpoints: [this.devnet.rpcUrl] },
      storage_challenge: {
        enabled: true,
        poll_interval_ms: this.opts.pollIntervalMs,
        lep6: {
          enabled: true,
          max_concurrent_targets: 4,
          recipient_read_timeout: `${this.opts.readTimeoutMs}ms`,
          recheck: { enabled: recheck, tick_interval_ms: 300, lookback_epochs: 10 },
        },
      },
    }, { baseDir: n.baseDir });
  }

  /** Starts (or restarts) daemon i with a fresh chain client. */
  async startDaemon(i: number, extra: Partial<SupernodeNodeOptions> = {}, chainWrap?: (c: LumeraClient) => LumeraClient, recheck?: boolean): Promise<SupernodeNode> {
    const n = this.nodes[i]!;
    if (n.node) throw new Error(`daemon ${i} is already running`);
    const chain = await this.client(n.key);
    const node = new SupernodeNode({ config: this.configFor(n, recheck), key: n.key, chain: chainWrap ? chainWrap(chain) : chain, logger: daemonLogger(n.index), ...extra });
    await node.start();
    n.node = node;
    return node;
  }

  async stopDaemon(i: number): Promise<void> {
    const n = this.nodes[i]!;
    const node = n.node;
    n.node = undefined;
    await node?.close();
  }

  async startAll(extra: (i: number) => Partial<SupernodeNodeOptions> = () => ({})): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.startDaemon(n.index, extra(n.index))));
  }

  /**
   * Registers one Cascade action finalised by supernode `finalizer` and writes its artefacts into the
   * stores of `holders` (default: every node — each holds a copy, as the P2P layer places them on a small network).
   */
  async placeCascadeFile(finalizer: number, holders: number[] = this.nodes.map((n) => n.index)): Promise<CascadeFile> {
    const indexB64 = Buffer.from(JSON.stringify({ layout_ids: [bs58.encode(randomBytes(32))], layout_signature: randomBytes(64).toString('base64') })).toString('base64');
    const creatorSig = Buffer.from(this.creatorKey.sign(new TextEncoder().encode(indexB64))).toString('base64');
    const signatures = `${indexB64}.${creatorSig}`;
    const ic = BigInt(1 + Math.floor(Math.random() * 1000));
    const req = await this.creator.requestAction({
      actionType: 'CASCADE',
      metadata: JSON.stringify({ data_hash: randomBytes(32).toString('base64'), file_name: 'e2e.bin', rq_ids_ic: ic.toString(), signatures, public: true }),
      price: '1000000ulume',
      expirationTime: BigInt(Math.floor(Date.now() / 1000) + 3 * 86_400),
      fileSizeKbs: 64n,
    });
    const action = await this.creator.getAction(req.actionId);
    if (!action) throw new Error(`action ${req.actionId} not found after MsgRequestAction`);
    const max = CascadeMetadata.decode(action.metadata).rqIdsMax;
    const files = indexFiles(signatures, ic, max);
    await this.sn[finalizer]!.finalizeAction({ actionId: req.actionId, actionType: 'CASCADE', metadata: JSON.stringify({ rq_ids_ids: files.map((f) => f.id) }) });
    const artefacts = new Map(files.map((f) => [f.id, f.bytes]));
    for (const h of holders) {
      const store = await ArtefactStore.open(join(this.nodes[h]!.baseDir, 'artefacts'));
      for (const f of files) await store.putVerified(f.id, f.bytes);
    }
    return { actionId: req.actionId, finalizer: this.nodes[finalizer]!.address, artefacts };
  }

  /** Makes the creator's public key known on chain (its first signed tx), as MsgRequestAction needs it. */
  async primeCreator(): Promise<void> {
    const value = MsgSend.encode({ fromAddress: this.creatorKey.address, toAddress: this.nodes[0]!.address, amount: [{ denom: 'ulume', amount: '1' }] }).finish();
    await this.creator.submitMessages([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value }]);
  }

  /**
   * The first epoch ≥ `from` whose reports hold a RECENT row against `target` (each epoch is read once it has
   * ended, so every challenger had its chance), with the challenger and the row. Scans up to `maxEpochs`.
   * `accept` skips rows (e.g. a TIMEOUT from the first epoch, when a target may not have been listening yet).
   */
  async firstRecentRowAgainst(
    target: string, from: bigint, maxEpochs = 10, accept: (r: StorageProofResult) => boolean = () => true,
  ): Promise<{ epoch: bigint; challenger: string; row: StorageProofResult; report: EpochReport }> {
    for (let e = from; e < from + BigInt(maxEpochs); e++) {
      await waitFor(`end of epoch ${e}`, async () => (await this.epoch()) > e, 30_000);
      for (const n of this.nodes) {
        const report = await this.sn[0]!.getEpochReport(e, n.address);
        const row = report?.storageProofResults.find((r) => r.targetSupernodeAccount === target && (r.bucketType as number) === StorageProofBucketType.RECENT && accept(r));
        if (report && row) return { epoch: e, challenger: n.address, row, report };
      }
    }
    throw new Error(`no RECENT result against ${target} in ${maxEpochs} epochs from ${from}`);
  }

  /** The current epoch id. */
  async epoch(): Promise<bigint> {
    return (await this.sn[0]!.getCurrentEpoch()).epochId;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopDaemon(n.index).catch(() => undefined)));
    for (const c of this.sn) c.close();
    this.creator?.close();
    await this.devnet.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}


/**
 * The demo's network, all in this process on 127.0.0.1: a devnet chain whose audit params let a lost file
 * be scheduled for healing within a few short epochs (the rules stay the chain's), and four supernode
 * daemons — the same DaemonRuntime `supernode start` runs — each with its own base dir, log file, status
 * endpoint and metrics endpoint.
 */
import net from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { startDevnet, type Devnet } from '../devnet/index.js';
import type { DevnetOptions } from '../devnet/api.js';
import { connectLumeraClient, type LumeraClient } from '../chain/client.js';
import { signingKeyFromMnemonic, type SigningKey } from '../chain/keys.js';
import type { TxPipelineOptions } from '../chain/tx-pipeline.js';
import { configFromObject, type SupernodeConfig } from '../config/index.js';
import { ArtefactStore } from '../store/artefacts.js';
import { uploadCascadeFile } from '../cascade/upload.js';
import { registerCascadeAction } from '../cascade/register-action.js';
import { cascadeClientDialer } from '../cascade/upload-dialer.js';
import { DaemonRuntime, type DaemonRuntimeOptions } from '../node/lifecycle.js';
import { silentLogger } from '../util/logger.js';

/** Fast inclusion polling: blocks come every 100 ms. */
const DEMO_TX: TxPipelineOptions = { pollIntervalMs: 20, sequenceRetryDelayMs: 20, inclusionTimeoutMs: 15_000 };

export interface DemoNode {
  index: number;
  name: string;
  address: string;
  key: SigningKey;
  baseDir: string;
  port: number;
  logFile: string;
  runtime: DaemonRuntime | undefined;
}

export interface SampleFile {
  actionId: string;
  /** Supernode that finalised the action (and holds it). */
  holder: DemoNode;
  size: number;
  /** Every artefact: layout files, index files, symbols. */
  artefacts: Map<string, Uint8Array>;
  /** Index-file ids — what challenges read. */
  indexIds: string[];
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port whose 2n ports are all free now (the devnet registers sn i at base+2i). */
export async function freeBasePort(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    let ok = true;
    for (let i = 0; i < 2 * n && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found for the demo supernodes');
}

export class DemoNetwork {
  readonly nodes: DemoNode[] = [];
  /** A client per supernode key (finalising, queries). */
  readonly sn: LumeraClient[] = [];
  creator!: LumeraClient;
  creatorKey!: SigningKey;

  private constructor(public devnet: Devnet, readonly dir: string, private readonly devnetOptions: DevnetOptions) {}

  /**
   * `persistChain` keeps the chain state under `<dir>/chain` on a fixed RPC port so that stopChain() /
   * startChain() can take the chain away and bring it back (hardening tests).
   */
  static async start(dir: string, nodes = 4, o: { persistChain?: boolean } = {}): Promise<DemoNetwork> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const basePort = await freeBasePort(nodes + 1);
    const devnetOptions: DevnetOptions = {
      ...(o.persistChain ? { home: join(dir, 'chain'), rpcPort: basePort + 2 * nodes } : {}),
      supernodes: nodes, blockMs: 100, epochBlocks: 12, supernodeBasePort: basePort, fundedAccounts: 1,
      moduleParams: { action: { maxRaptorQSymbols: 2 } },
      auditParams: {
        storage_truth_enforcement_mode: 'SHADOW',
        consecutive_epochs_to_postpone: 150,
        // A few failed challenges make the ticket a heal candidate quickly; the scheduling rules are the chain's.
        storage_truth_ticket_deterioration_heal_threshold: 5,
        // A ticket is challenged in its RECENT bucket for 3 epochs and again in OLD from its 4th epoch on
        // (defaults 3 and 30 epochs): the demo's file never waits half a minute between challenges.
        storage_truth_recent_bucket_max_blocks: 36,
        storage_truth_old_bucket_min_blocks: 48,
        storage_truth_heal_deadline_epochs: 20,
        storage_truth_probation_epochs: 1,
      },
    };
    const devnet = await startDevnet(devnetOptions, silentLogger());
    const n = new DemoNetwork(devnet, dir, devnetOptions);
    try {
      for (const [i, a] of devnet.supernodes.entries()) {
        const key = await signingKeyFromMnemonic(a.mnemonic);
        const baseDir = join(dir, `sn${i}`);
        mkdirSync(baseDir, { recursive: true, mode: 0o700 });
        n.nodes.push({ index: i, name: `sn${i}`, address: a.address, key, baseDir, port: a.grpcPort!, logFile: join(dir, `sn${i}.log`), runtime: undefined });
        n.sn.push(await n.client(key));
      }
      n.creatorKey = await signingKeyFromMnemonic(devnet.accounts[0]!.mnemonic);
      n.creator = await n.client(n.creatorKey);
      // The chain learns the creator's public key from its first signed tx; MsgRequestAction needs it.
      const value = MsgSend.encode({ fromAddress: n.creatorKey.address, toAddress: n.nodes[0]!.address, amount: [{ denom: 'ulume', amount: '1' }] }).finish();
      await n.creator.submitMessages([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value }]);
    } catch (err) {
      await n.stop();
      throw err;
    }
    return n;
  }

  client(key: SigningKey): Promise<LumeraClient> {
    return connectLumeraClient({ rpcUrls: [this.devnet.rpcUrl], chainId: this.devnet.chainId, signer: key, tx: DEMO_TX, requestTimeoutMs: 5000 });
  }

  configFor(n: DemoNode): SupernodeConfig {
    return configFromObject({
      supernode: { identity: n.address, key_name: n.name, host: '127.0.0.1', port: n.port, status_address: '127.0.0.1:0', metrics_address: '127.0.0.1:0' },
      lumera: { chain_id: this.devnet.chainId, rpc_endpoints: [this.devnet.rpcUrl] },
      storage_challenge: { enabled: true, poll_interval_ms: 150, lep6: { enabled: true, max_concurrent_targets: 4, recipient_read_timeout: '2000ms', recheck: { enabled: false } } },
      self_healing: { enabled: true, poll_interval_ms: 250, verifier_fetch_timeout_ms: 5000, verifier_fetch_attempts: 5, verifier_backoff_base_ms: 300, audit_query_timeout_ms: 3000 },
    }, { baseDir: n.baseDir });
  }

  /** Stops the chain (state saved when persistChain); the daemons keep running and see it unreachable. */
  async stopChain(): Promise<void> {
    await this.devnet.stop();
  }

  /** Brings a persisted chain back on the same RPC port, resuming from its saved state. */
  async startChain(): Promise<void> {
    if (!this.devnetOptions.home) throw new Error('startChain needs a network started with persistChain');
    this.devnet = await startDevnet(this.devnetOptions, silentLogger());
  }

  async startNode(i: number, extra: Partial<Omit<DaemonRuntimeOptions, 'config' | 'key' | 'chain'>> = {}): Promise<DaemonRuntime> {
    const n = this.nodes[i]!;
    if (n.runtime) throw new Error(`${n.name} is already running`);
    const logger = pino({ level: 'info', base: { node: n.name } }, pino.destination({ dest: n.logFile, append: true, sync: true }));
    const runtime = new DaemonRuntime({ config: this.configFor(n), key: n.key, chain: await this.client(n.key), logger, summaryIntervalMs: 10_000, drainDeadlineMs: 15_000, ...extra });
    await runtime.start();
    n.runtime = runtime;
    return runtime;
  }

  async stopNode(i: number): Promise<void> {
    const n = this.nodes[i]!;
    const rt = n.runtime;
    n.runtime = undefined;
    await rt?.stop();
  }

  async startAll(extra: (i: number) => Partial<Omit<DaemonRuntimeOptions, 'config' | 'key' | 'chain'>> = () => ({})): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.startNode(n.index, extra(n.index))));
  }

  store(n: DemoNode): Promise<ArtefactStore> {
    return ArtefactStore.open(join(n.baseDir, 'artefacts'));
  }

  byAddress(address: string): DemoNode | undefined {
    return this.nodes.find((n) => n.address === address);
  }

  /**
   * Uploads a sample file the way a client does (`supernode cascade upload`): encode, MsgRequestAction,
   * StoreArtefacts over lumera-alts to the running daemons, MsgFinalizeAction. Every node is a holder of every
   * artefact (a four-node network keeps full copies). The finaliser is the chain's holder of record.
   */
  async uploadSampleFile(size: number): Promise<SampleFile> {
    const input = join(this.dir, 'sample.bin');
    writeFileSync(input, randomBytes(size));
    const dialer = await cascadeClientDialer(this.creator, this.creatorKey);
    let up;
    try {
      up = await uploadCascadeFile({
        filePath: input, chain: this.creator, creator: this.creatorKey, dialer, workDir: this.dir,
        finalizers: this.nodes.map((n, i) => ({ address: n.address, finalize: (inp) => this.sn[i]!.finalizeAction(inp) })),
        holders: this.nodes.length, symbolReplicas: this.nodes.length,
      });
    } finally {
      dialer.close();
    }
    const holder = this.byAddress(up.finalizer);
    if (!holder) throw new Error(`finaliser ${up.finalizer} is not a demo node`);
    const st = await this.store(holder);
    const artefacts = new Map<string, Uint8Array>();
    for (const k of await st.list()) artefacts.set(k, await st.get(k));
    return { actionId: up.actionId, holder, size, artefacts, indexIds: up.rqIdsIds };
  }

  /**
   * Seeds a sample file without running daemons (tests that must start with the file already lost): registers
   * it as a Cascade action (RaptorQ-encoded, layout and index signed by the creator,
   * MsgRequestAction, MsgFinalizeAction by `holder`) and places all its artefacts on every node — on a
   * four-node network every node keeps a copy.
   */
  async registerSampleFile(holder: number, size: number): Promise<SampleFile> {
    const data = randomBytes(size);
    writeFileSync(join(this.dir, 'sample.bin'), data);
    const reg = await registerCascadeAction({ data, fileName: 'sample.bin', creator: this.creator, creatorKey: this.creatorKey, finalizer: this.sn[holder]! });
    const { artefacts } = reg;
    for (const n of this.nodes) {
      const st = await this.store(n);
      for (const [k, v] of artefacts) await st.putVerified(k, v);
    }
    return { actionId: reg.actionId, holder: this.nodes[holder]!, size, artefacts, indexIds: reg.indexIds };
  }

  /** The holder loses the file: symbols and layout files deleted, index files left garbled on disk. */
  async loseArtefacts(file: SampleFile): Promise<number> {
    const st = await this.store(file.holder);
    let n = 0;
    for (const [k, v] of file.artefacts) {
      if (file.indexIds.includes(k)) {
        const blob = Buffer.from(v);
        blob[0] = blob[0]! ^ 0xff;
        await writeFile(st.pathOf(k), blob);
      } else await st.delete(k);
      n++;
    }
    return n;
  }

  /** True when the holder again has every artefact of the file, intact. */
  async holderHasFile(file: SampleFile): Promise<boolean> {
    const st = await this.store(file.holder);
    for (const k of file.artefacts.keys()) {
      try {
        await st.get(k);
      } catch {
        return false;
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopNode(n.index).catch(() => undefined)));
    for (const c of this.sn) c.close();
    this.creator?.close();
    await this.devnet.stop();
  }
}

/**
 * E2E harness for self-healing: an in-process devnet whose audit params schedule heal ops within a few short
 * epochs, N SupernodeNode daemons with self-healing enabled (real lumera-alts, real chain client), and a REAL
 * cascade file: RaptorQ-encoded, its layout/index files built from a signed layout and index, registered and
 * finalised on chain, all artefacts written to every node's store (replication on a small network).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { startDevnet, type Devnet } from '../../src/devnet/index.js';
import { connectLumeraClient, type LumeraClient } from '../../src/chain/client.js';
import { signingKeyFromMnemonic, type SigningKey } from '../../src/chain/keys.js';
import { configFromObject } from '../../src/config/index.js';
import { ArtefactStore } from '../../src/store/artefacts.js';
import { registerCascadeAction } from '../../src/cascade/register-action.js';
import { SupernodeNode, type SupernodeNodeOptions } from '../../src/node/daemon.js';
import type { HealOp } from '../../src/gen/lumera/audit/v1/audit.js';
import { silentLogger } from '../../src/util/logger.js';
import { E2E_TX, waitFor } from '../e2e/helpers/cluster.js';

export { waitFor };

export interface HealNode {
  index: number;
  address: string;
  key: SigningKey;
  baseDir: string;
  port: number;
  node: SupernodeNode | undefined;
}

export interface RealCascadeFile {
  actionId: string;
  holder: string;
  holderIndex: number;
  data: Uint8Array;
  /** key → blob of every artefact: layout files, index files, symbols. */
  artefacts: Map<string, Uint8Array>;
  /** Index-file ids (what challenges read). */
  rqIdsIds: string[];
}

/** The daemon config every e2e heal node runs with (also used by the child-process daemon). */
export function healNodeConfig(n: Pick<HealNode, 'address' | 'index' | 'baseDir' | 'port'>, rpcUrl: string, chainId: string) {
  return configFromObject({
    supernode: { identity: n.address, key_name: `sn${n.index}`, host: '127.0.0.1', port: n.port },
    lumera: { chain_id: chainId, rpc_endpoints: [rpcUrl] },
    storage_challenge: { enabled: true, poll_interval_ms: 150, lep6: { enabled: true, max_concurrent_targets: 4, recipient_read_timeout: '2000ms', recheck: { enabled: true, tick_interval_ms: 300, lookback_epochs: 3 } } },
    self_healing: {
      enabled: true, poll_interval_ms: 250, verifier_fetch_timeout_ms: 5000, verifier_fetch_attempts: 5, verifier_backoff_base_ms: 300, audit_query_timeout_ms: 3000,
    },
  }, { baseDir: n.baseDir });
}

async function freeBasePort(n: number): Promise<number> {
  const net = await import('node:net');
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    let ok = true;
    for (let i = 0; i < 2 * n && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

export class HealCluster {
  readonly nodes: HealNode[] = [];
  readonly sn: LumeraClient[] = [];
  creator!: LumeraClient;
  creatorKey!: SigningKey;
  private readonly dirs: string[] = [];

  private constructor(readonly devnet: Devnet) {}

  static async start(opts: { nodes?: number; epochBlocks?: number; blockMs?: number; auditParams?: Record<string, unknown> } = {}): Promise<HealCluster> {
    const n = opts.nodes ?? 4;
    const basePort = await freeBasePort(n);
    const devnet = await startDevnet({
      supernodes: n, blockMs: opts.blockMs ?? 100, epochBlocks: opts.epochBlocks ?? 12, supernodeBasePort: basePort, fundedAccounts: 1,
      moduleParams: { action: { maxRaptorQSymbols: 2 } },
      auditParams: {
        storage_truth_enforcement_mode: 'FULL',
        consecutive_epochs_to_postpone: 150,
        // One or two failed challenges make the ticket a heal candidate; the rules themselves are the chain's.
        storage_truth_ticket_deterioration_heal_threshold: 5,
        storage_truth_heal_deadline_epochs: 20,
        storage_truth_probation_epochs: 1,
        // Keep the test file in the RECENT bucket for the whole test (epochs here are ~1 s).
        storage_truth_recent_bucket_max_blocks: 1_000_000,
        storage_truth_old_bucket_min_blocks: 2_000_000,
        ...opts.auditParams,
      },
    }, silentLogger());
    const c = new HealCluster(devnet);
    try {
      for (const [i, a] of devnet.supernodes.entries()) {
        const key = await signingKeyFromMnemonic(a.mnemonic);
        const baseDir = mkdtempSync(join(tmpdir(), `heal-e2e-sn${i}-`));
        c.dirs.push(baseDir);
        c.nodes.push({ index: i, address: a.address, key, baseDir, port: a.grpcPort!, node: undefined });
        c.sn.push(await c.client(key));
      }
      c.creatorKey = await signingKeyFromMnemonic(devnet.accounts[0]!.mnemonic);
      c.creator = await c.client(c.creatorKey);
      const value = MsgSend.encode({ fromAddress: c.creatorKey.address, toAddress: c.nodes[0]!.address, amount: [{ denom: 'ulume', amount: '1' }] }).finish();
      await c.creator.submitMessages([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value }]);
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  client(key: SigningKey): Promise<LumeraClient> {
    return connectLumeraClient({ rpcUrls: [this.devnet.rpcUrl], chainId: this.devnet.chainId, signer: key, tx: E2E_TX, requestTimeoutMs: 5000 });
  }

  configFor(n: HealNode) {
    return healNodeConfig(n, this.devnet.rpcUrl, this.devnet.chainId);
  }

  async startDaemon(i: number, extra: Partial<SupernodeNodeOptions> = {}, chainWrap?: (c: LumeraClient) => LumeraClient): Promise<SupernodeNode> {
    const n = this.nodes[i]!;
    if (n.node) throw new Error(`daemon ${i} is already running`);
    const chain = await this.client(n.key);
    const node = new SupernodeNode({ config: this.configFor(n), key: n.key, chain: chainWrap ? chainWrap(chain) : chain, logger: silentLogger(), ...extra });
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

  store(i: number): Promise<ArtefactStore> {
    return ArtefactStore.open(join(this.nodes[i]!.baseDir, 'artefacts'));
  }

  indexOf(address: string): number {
    const i = this.nodes.findIndex((n) => n.address === address);
    if (i < 0) throw new Error(`no node ${address}`);
    return i;
  }

  /** Registers a real cascade file finalised by node `holder` and writes every artefact to every node's store. */
  async placeRealCascadeFile(holder: number, size = 150_000): Promise<RealCascadeFile> {
    const data = randomBytes(size);
    const reg = await registerCascadeAction({ data, fileName: 'heal.bin', creator: this.creator, creatorKey: this.creatorKey, finalizer: this.sn[holder]! });
    const { artefacts } = reg;
    for (const n of this.nodes) {
      const st = await this.store(n.index);
      for (const [k, v] of artefacts) await st.putVerified(k, v);
    }
    return { actionId: reg.actionId, holder: this.nodes[holder]!.address, holderIndex: holder, data, artefacts, rqIdsIds: reg.indexIds };
  }

  /**
   * The holder loses the file: its index files are left corrupted (what a challenge detects as
   * HASH_MISMATCH) and every other artefact of the file is deleted.
   */
  async loseArtefacts(file: RealCascadeFile): Promise<void> {
    const st = await this.store(file.holderIndex);
    const { writeFile } = await import('node:fs/promises');
    for (const k of file.artefacts.keys()) {
      if (file.rqIdsIds.includes(k)) {
        const blob = Buffer.from(file.artefacts.get(k)!);
        blob[0] = blob[0]! ^ 0xff;
        await writeFile(st.pathOf(k), blob);
      } else await st.delete(k);
    }
  }

  /** The first heal op of `ticket` matching `pred`. */
  async healOp(ticket: string, pred: (o: HealOp) => boolean = () => true): Promise<HealOp | undefined> {
    return (await this.sn[0]!.listHealOpsByTicket(ticket)).find(pred);
  }

  waitForOp(ticket: string, what: string, pred: (o: HealOp) => boolean, timeoutMs = 45_000): Promise<HealOp> {
    return waitFor(what, () => this.healOp(ticket, pred), timeoutMs, 200);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopDaemon(n.index).catch(() => undefined)));
    for (const c of this.sn) c.close();
    this.creator?.close();
    await this.devnet.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Every proof result on chain about (ticket, target), with the report epoch. */
export async function challengeResults(c: HealCluster, ticket: string, target: string): Promise<Array<{ epoch: bigint; resultClass: number; reporter: string }>> {
  const out: Array<{ epoch: bigint; resultClass: number; reporter: string }> = [];
  for (const n of c.nodes) {
    for (const r of await c.sn[0]!.listEpochReportsByReporter(n.address)) {
      for (const p of r.storageProofResults) {
        if (p.ticketId === ticket && p.targetSupernodeAccount === target) out.push({ epoch: r.epochId, resultClass: p.resultClass, reporter: n.address });
      }
    }
  }
  return out;
}

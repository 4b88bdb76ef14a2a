/**
 * The devnet node: genesis or resume, block production (timer and on demand), persistence per block, and
 * waiters for heights and tx inclusion. The RPC server (rpc-server.ts) sits on top of this.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@cosmjs/encoding';
import type { Logger } from '../util/logger.js';
import { SupernodeError } from '../util/errors.js';
import { DevnetApp, type AppState, type BlockRecord } from './app.js';
import { BlockStore, type IndexedTx } from './block-store.js';
import { bankModule, serviceQueries } from './builtin.js';
import { ChainFiles } from './persistence.js';
import { txServiceQueries } from './tx-service.js';
import { MODULE_FACTORIES } from './module-registry.js';
import type { DevnetGenesis, DevnetModule, ModuleDeps } from './modules/types.js';
import type { ValidatorIdentity } from './rpc-format.js';

/** Everything fixed at genesis; persisted so a resumed devnet keeps its identity. */
export interface GenesisFile {
  genesis: DevnetGenesis;
  /** addresses funded at genesis, with their balance in ulume. */
  funded: { address: string; amount: bigint }[];
  moduleParams: Record<string, Record<string, unknown>>;
  fundedAccounts: number;
}

export interface NodeOptions {
  minGasPrice: { num: bigint; den: bigint };
  blockMs: number;
  autoBlocks: boolean;
  files?: ChainFiles;
  logger: Logger;
}

export class DevnetNode {
  readonly app: DevnetApp;
  readonly store = new BlockStore();
  readonly validator: ValidatorIdentity;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private heightWaiters: { height: bigint; resolve: () => void; reject: (e: Error) => void }[] = [];
  private txWaiters = new Map<string, ((t: IndexedTx) => void)[]>();

  private constructor(readonly genesisFile: GenesisFile, private readonly opts: NodeOptions) {
    this.app = new DevnetApp({ chainId: genesisFile.genesis.chainId, minGasPrice: opts.minGasPrice, maxTxsPerBlock: 2000, maxMempoolTxs: 10000, queryHistoryBlocks: 64 });
    const pub = sha256(new TextEncoder().encode(`lep6-devnet-validator:${genesisFile.genesis.chainId}`));
    this.validator = { pubkey: pub, address: sha256(pub).subarray(0, 20), power: 10n };
  }

  get chainId(): string {
    return this.genesisFile.genesis.chainId;
  }

  /** Builds the app and its modules; `saved` = state to resume from, otherwise genesis is applied. */
  static async create(genesisFile: GenesisFile, opts: NodeOptions, saved?: { state: AppState; blocks: BlockRecord[] }): Promise<DevnetNode> {
    const node = new DevnetNode(genesisFile, opts);
    const { app } = node;
    const byName = new Map<string, DevnetModule>();
    const deps: ModuleDeps = {
      bank: app.bank,
      auth: app.auth,
      module: <T extends DevnetModule>(name: string): T => {
        const m = byName.get(name);
        if (!m) throw new SupernodeError('DEVNET_MODULE', `module ${name} is not loaded`);
        return m as T;
      },
    };
    if (!saved) {
      for (const f of genesisFile.funded) app.bank.mint(f.address, [{ denom: 'ulume', amount: f.amount }]);
    }
    const modules: DevnetModule[] = [bankModule(app)];
    byName.set('bank', modules[0]!);
    for (const { name, create } of MODULE_FACTORIES) {
      const m = create({ deps, genesis: genesisFile.genesis, overrides: genesisFile.moduleParams[name] ?? {} });
      byName.set(m.name, m);
      modules.push(m);
    }
    app.setModules(modules, { ...serviceQueries(app), ...txServiceQueries(node.store) });
    if (saved) {
      app.restore(saved.state);
      for (const b of saved.blocks) node.store.add(b);
      app.lastBlock = saved.blocks[saved.blocks.length - 1];
    }
    app.resetCheckState();
    if (!saved) node.produceBlock(); // block 1: status and queries always have a committed block
    return node;
  }

  height(): bigint {
    return this.app.height();
  }

  /** Commits one block now. Throws BlockFailedError if a module hook failed (nothing committed). */
  produceBlock(): BlockRecord {
    if (this.stopped) throw new SupernodeError('DEVNET_STOPPED', 'devnet is stopped');
    const block = this.app.produceBlock(new Date());
    this.store.add(block);
    if (this.opts.files) {
      this.opts.files.appendBlock(block);
      this.opts.files.saveState(block.height, this.app.exportState());
    }
    this.notify(block);
    return block;
  }

  private notify(block: BlockRecord): void {
    block.txs.forEach((_, i) => {
      const t = this.store.txByHash(sha256(block.txs[i]!))!;
      const key = toHex(t.hash);
      const waiters = this.txWaiters.get(key);
      if (waiters) {
        this.txWaiters.delete(key);
        for (const w of waiters) w(t);
      }
    });
    const ready = this.heightWaiters.filter((w) => w.height <= block.height);
    this.heightWaiters = this.heightWaiters.filter((w) => w.height > block.height);
    for (const w of ready) w.resolve();
  }

  startTimer(): void {
    if (!this.opts.autoBlocks || this.timer || this.stopped) return;
    const tick = () => {
      this.timer = undefined;
      if (this.stopped) return;
      try {
        this.produceBlock();
      } catch (err) {
        this.opts.logger.error({ err }, 'devnet block production failed');
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.blockMs);
    };
    this.timer = setTimeout(tick, this.opts.blockMs);
  }

  waitForHeight(height: bigint, timeoutMs: number): Promise<void> {
    if (this.height() >= height) return Promise.resolve();
    if (this.stopped) return Promise.reject(new SupernodeError('DEVNET_STOPPED', 'devnet is stopped'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.heightWaiters = this.heightWaiters.filter((w) => w !== entry);
        reject(new SupernodeError('DEVNET_TIMEOUT', `height ${height} not reached within ${timeoutMs} ms (at ${this.height()})`));
      }, timeoutMs);
      const entry = {
        height,
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (e: Error) => { clearTimeout(timer); reject(e); },
      };
      this.heightWaiters.push(entry);
    });
  }

  /** Resolves with the tx once included, or undefined after timeoutMs. */
  waitForTx(hash: Uint8Array, timeoutMs: number): Promise<IndexedTx | undefined> {
    const found = this.store.txByHash(hash);
    if (found) return Promise.resolve(found);
    const key = toHex(hash);
    return new Promise((resolve) => {
      const done = (t: IndexedTx | undefined) => {
        clearTimeout(timer);
        const list = this.txWaiters.get(key)?.filter((w) => w !== done);
        if (list?.length) this.txWaiters.set(key, list);
        else this.txWaiters.delete(key);
        resolve(t);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.txWaiters.set(key, [...(this.txWaiters.get(key) ?? []), done]);
    });
  }

  /** Stops block production and saves state durably. Pending waiters are rejected / resolved empty. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.opts.files && this.app.lastBlock) this.opts.files.saveState(this.app.height(), this.app.exportState(), true);
    const err = new SupernodeError('DEVNET_STOPPED', 'devnet stopped');
    for (const w of this.heightWaiters) w.reject(err);
    this.heightWaiters = [];
    for (const list of this.txWaiters.values()) for (const w of list) w(undefined as unknown as IndexedTx);
    this.txWaiters.clear();
  }
}

/**
 * The devnet application: CheckTx (ante only, against a check state that tracks pending sequences),
 * block execution (BeginBlock → txs → EndBlock, per-tx rollback), simulation and query routing. Single
 * threaded: every entry point runs to completion, so no query ever sees a half-built block.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '@cosmjs/encoding';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { Auth, type AuthState } from './auth.js';
import { Bank, type BankState } from './bank.js';
import { decodeTx, runAnte, type DecodedTx } from './ante.js';
import { Meter, GAS, OutOfGasError } from './gas.js';
import {
  ChainRuleError, ChainQueryError, type AbciEvent, type BlockContext, type DevnetModule, type MsgHandler, type QueryHandler, type TxContext,
} from './modules/types.js';
import { merkleRoot } from './merkle.js';
import { renderQueryError, type QueryResult } from './query-errors.js';

export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  data: Uint8Array;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
}

export interface BlockRecord {
  height: bigint;
  time: Date;
  hash: Uint8Array;
  lastBlockHash: Uint8Array;
  /** App hash after the previous block (what the header carries). */
  appHash: Uint8Array;
  dataHash: Uint8Array;
  txs: Uint8Array[];
  results: TxResult[];
  beginEvents: AbciEvent[];
  endEvents: AbciEvent[];
  /** App hash after this block. */
  resultAppHash: Uint8Array;
}

export interface AppState {
  auth: AuthState;
  bank: BankState;
  modules: Record<string, unknown>;
}

export interface AppOptions {
  chainId: string;
  /** ulume/gas as rational. */
  minGasPrice: { num: bigint; den: bigint };
  maxTxsPerBlock: number;
  maxMempoolTxs: number;
  /** How many past heights stay queryable via abci_query `height` (0 = latest only). */
  queryHistoryBlocks: number;
}

interface Route { module: DevnetModule; handler: MsgHandler }

export class MempoolError extends Error {}

/** A block hook threw; the block was not committed. */
export class BlockFailedError extends Error {}

export class DevnetApp {
  readonly auth = new Auth();
  readonly bank: Bank;
  /** CheckTx state: a copy of the committed auth/bank plus the effects of mempool txs. */
  private checkAuth = new Auth();
  private checkBank: Bank;
  modules: DevnetModule[] = [];
  private routes = new Map<string, Route>();
  private queries = new Map<string, QueryHandler>();
  mempool: DecodedTx[] = [];
  private mempoolHashes = new Set<string>();
  lastBlock: BlockRecord | undefined;
  readonly feeCollector: string;
  private history = new Map<bigint, { state: AppState; ctx: BlockContext }>();

  constructor(readonly opts: AppOptions) {
    this.bank = new Bank(this.auth);
    this.checkBank = new Bank(this.checkAuth);
    this.feeCollector = this.bank.moduleAddress('fee_collector');
  }

  /** Registers modules (order = hook order). Built-in modules (bank, auth/tx queries) come first. */
  setModules(modules: DevnetModule[], extraQueries: Record<string, QueryHandler>): void {
    this.modules = modules;
    this.routes.clear();
    this.queries.clear();
    for (const m of modules) {
      for (const [url, handler] of Object.entries(m.msgs)) this.routes.set(url, { module: m, handler });
      for (const [path, q] of Object.entries(m.queries)) this.queries.set(path, q);
    }
    for (const [path, q] of Object.entries(extraQueries)) this.queries.set(path, q);
  }

  height(): bigint {
    return this.lastBlock?.height ?? 0n;
  }

  chainId(): string {
    return this.opts.chainId;
  }

  /** Context of the last committed block (queries). */
  queryContext(): BlockContext {
    return {
      height: this.height(), time: this.lastBlock?.time ?? new Date(0),
      headerHash: this.lastBlock?.hash ?? new Uint8Array(32), chainId: this.opts.chainId,
    };
  }

  // ---- state snapshots ---------------------------------------------------------------------------------

  exportState(): AppState {
    const modules: Record<string, unknown> = {};
    for (const m of this.modules) modules[m.name] = m.exportState();
    return { auth: this.auth.state, bank: this.bank.state, modules };
  }

  snapshot(): AppState {
    return structuredClone(this.exportState());
  }

  restore(s: AppState): void {
    this.auth.state = s.auth;
    this.bank.state = s.bank;
    for (const m of this.modules) if (m.name in s.modules) m.importState(s.modules[m.name]);
  }

  /** Makes the check state equal the committed state again (after a commit or a restore). */
  resetCheckState(): void {
    this.checkAuth.state = structuredClone(this.auth.state);
    this.checkBank.state = structuredClone(this.bank.state);
  }

  // ---- txs --------------------------------------------------------------------------------------------------

  private decode(bytes: Uint8Array): DecodedTx {
    return decodeTx(bytes, (url) => this.routes.has(url));
  }

  private signersOf = (msg: { typeUrl: string; value: Uint8Array }): string[] => {
    const route = this.routes.get(msg.typeUrl);
    if (!route) throw new ChainRuleError('sdk', 2, `unable to resolve type URL ${msg.typeUrl}: tx parse error`);
    try {
      return route.handler.signers(msg.value);
    } catch (err) {
      // The SDK fails to unpack such a msg while decoding the tx.
      if (err instanceof ChainRuleError) throw err;
      throw new ChainRuleError('sdk', 2, `could not decode ${msg.typeUrl}: ${err instanceof Error ? err.message : String(err)}: tx parse error`);
    }
  };

  /** CheckTx: decode + ante against the check state; on success the tx enters the mempool. */
  checkTx(bytes: Uint8Array): { hash: Uint8Array; result: TxResult } {
    const hash = sha256(bytes);
    // CometBFT consults its tx cache before the app sees the tx.
    if (this.mempoolHashes.has(toHex(hash))) throw new MempoolError('tx already exists in cache');
    const meter = new Meter(undefined);
    let gasWanted = 0n;
    try {
      const tx = this.decode(bytes);
      gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
      const limited = new Meter(gasWanted);
      const authSnap = structuredClone(this.checkAuth.state);
      const bankSnap = structuredClone(this.checkBank.state);
      try {
        runAnte(tx, {
          chainId: this.opts.chainId, auth: this.checkAuth, bank: this.checkBank, meter: limited,
          minGasPrice: this.opts.minGasPrice, simulate: false, feeCollector: this.feeCollector, signersOf: this.signersOf,
        });
      } catch (err) {
        this.checkAuth.state = authSnap;
        this.checkBank.state = bankSnap;
        meter.consume(Number(limited.consumed()), 'ante');
        throw err;
      }
      const key = toHex(hash);
      if (this.mempool.length >= this.opts.maxMempoolTxs) {
        this.checkAuth.state = authSnap;
        this.checkBank.state = bankSnap;
        throw new MempoolError(`mempool is full: number of txs ${this.mempool.length} (max: ${this.opts.maxMempoolTxs})`);
      }
      this.mempool.push(tx);
      this.mempoolHashes.add(key);
      return { hash, result: { code: 0, codespace: '', log: '', data: new Uint8Array(), gasWanted, gasUsed: limited.consumed(), events: [] } };
    } catch (err) {
      if (err instanceof MempoolError) throw err;
      return { hash, result: errorResult(err, gasWanted, meter.consumed(), []) };
    }
  }

  /** Executes one tx inside the current block (ante + msgs), rolling back what must not persist. */
  private deliverTx(tx: DecodedTx, block: BlockContext): TxResult {
    const gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
    const meter = new Meter(gasWanted);
    return this.execute(tx, block, meter, false, gasWanted);
  }

  /** Shared by DeliverTx and Simulate. Caller owns the rollback in simulation. */
  private execute(tx: DecodedTx, block: BlockContext, meter: Meter, simulate: boolean, gasWanted: bigint): TxResult & { msgResponses: { typeUrl: string; value: Uint8Array }[] } {
    const authSnap = structuredClone(this.auth.state);
    const bankSnap = structuredClone(this.bank.state);
    let ante;
    try {
      ante = runAnte(tx, {
        chainId: this.opts.chainId, auth: this.auth, bank: this.bank, meter,
        minGasPrice: simulate ? undefined : this.opts.minGasPrice, simulate, feeCollector: this.feeCollector, signersOf: this.signersOf,
      });
    } catch (err) {
      this.auth.state = authSnap;
      this.bank.state = bankSnap;
      return { ...errorResult(err, gasWanted, meter.consumed(), []), msgResponses: [] };
    }
    // Bank-only txs touch auth/bank alone: snapshot just those (cheap); module msgs may touch any module.
    const bankOnly = tx.msgs.every((m) => this.routes.get(m.typeUrl)?.module.name === 'bank');
    const afterAnte: AppState = bankOnly
      ? { auth: structuredClone(this.auth.state), bank: structuredClone(this.bank.state), modules: {} }
      : this.snapshot();
    const events: AbciEvent[] = [];
    const msgResponses: { typeUrl: string; value: Uint8Array }[] = [];
    let index = 0;
    try {
      for (; index < tx.msgs.length; index++) {
        const msg = tx.msgs[index]!;
        const route = this.routes.get(msg.typeUrl)!;
        meter.consume(GAS.msgBase + GAS.msgPerByte * msg.value.length, `msg ${msg.typeUrl}`);
        const ctx: TxContext = { ...block, signers: ante.signers, msgIndex: index, gasMeter: meter, simulate };
        const msgIndex = { key: 'msg_index', value: String(index) };
        events.push({
          type: 'message',
          attributes: [{ key: 'action', value: msg.typeUrl }, { key: 'sender', value: route.handler.signers(msg.value)[0] ?? '' }, { key: 'module', value: route.module.name }, msgIndex],
        });
        const response = route.handler.execute(ctx, msg.value, (e) => events.push({ type: e.type, attributes: [...e.attributes, msgIndex] }));
        msgResponses.push({ typeUrl: `${msg.typeUrl}Response`, value: response });
      }
    } catch (err) {
      this.restore(afterAnte);
      const prefixed = err instanceof OutOfGasError ? err : prefixMsgError(err, index);
      return { ...errorResult(prefixed, gasWanted, meter.consumed(), ante.events), msgResponses: [] };
    }
    const data = TxMsgData.encode({ data: [], msgResponses }).finish();
    return { code: 0, codespace: '', log: '', data, gasWanted, gasUsed: meter.consumed(), events: [...ante.events, ...events], msgResponses };
  }

  /** `/cosmos.tx.v1beta1.Service/Simulate`: runs against the check state with an unlimited meter; no effects. */
  simulate(bytes: Uint8Array): { gasUsed: bigint; gasWanted: bigint; result: TxResult & { msgResponses: { typeUrl: string; value: Uint8Array }[] } } {
    const tx = this.decode(bytes);
    const saved = this.snapshot();
    try {
      this.auth.state = structuredClone(this.checkAuth.state);
      this.bank.state = structuredClone(this.checkBank.state);
      const meter = new Meter(undefined);
      const gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
      const ctx = { ...this.queryContext(), height: this.height() + 1n, time: new Date() };
      const result = this.execute(tx, ctx, meter, true, gasWanted);
      return { gasUsed: meter.consumed(), gasWanted, result };
    } finally {
      this.restore(saved);
    }
  }

  // ---- blocks --------------------------------------------------------------------------------------------

  /** Builds, executes and commits the next block from the mempool. */
  produceBlock(now: Date): BlockRecord {
    const prev = this.lastBlock;
    const height = (prev?.height ?? 0n) + 1n;
    const time = prev && now.getTime() <= prev.time.getTime() ? new Date(prev.time.getTime() + 1) : now;
    const txs = this.mempool.splice(0, this.opts.maxTxsPerBlock);
    for (const t of txs) this.mempoolHashes.delete(toHex(t.hash));
    const dataHash = merkleRoot(txs.map((t) => t.hash));
    const lastBlockHash = prev?.hash ?? new Uint8Array();
    const appHash = prev?.resultAppHash ?? new Uint8Array();
    const hash = sha256(new TextEncoder().encode(JSON.stringify({
      chain_id: this.opts.chainId, height: height.toString(), time: time.toISOString(),
      last_block_hash: toHex(lastBlockHash), data_hash: toHex(dataHash), app_hash: toHex(appHash),
    })));
    const ctx: BlockContext = { height, time, headerHash: hash, chainId: this.opts.chainId };
    const beginEvents: AbciEvent[] = [];
    const endEvents: AbciEvent[] = [];
    let results: TxResult[];
    // A real chain halts when a block hook fails; the devnet instead refuses the block, keeps its state
    // and mempool, and reports the failure to the caller (the timer logs it and tries again next tick).
    const before = this.snapshot();
    let hook = '';
    try {
      for (const m of this.modules) {
        hook = `${m.name} BeginBlock`;
        m.beginBlock?.(ctx, (e) => beginEvents.push(withMode(e, 'BeginBlock')));
      }
      hook = 'tx execution';
      results = txs.map((t) => this.deliverTx(t, ctx));
      for (const m of this.modules) {
        hook = `${m.name} EndBlock`;
        m.endBlock?.(ctx, (e) => endEvents.push(withMode(e, 'EndBlock')));
      }
    } catch (err) {
      this.restore(before);
      this.mempool.unshift(...txs);
      for (const t of txs) this.mempoolHashes.add(toHex(t.hash));
      throw new BlockFailedError(`block ${height} failed in ${hook}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const resultsDigest = sha256(new TextEncoder().encode(JSON.stringify(results.map((r) => [r.code, r.codespace, r.log, toHex(r.data)]))));
    const resultAppHash = sha256(concat([appHash, hash, resultsDigest]));
    const block: BlockRecord = {
      height, time, hash, lastBlockHash, appHash, dataHash, txs: txs.map((t) => t.bytes), results, beginEvents, endEvents, resultAppHash,
    };
    this.lastBlock = block;
    // The pre-block snapshot is exactly the state committed at the previous height: keep it for queries.
    if (prev && this.opts.queryHistoryBlocks > 0) {
      this.history.set(prev.height, { state: before, ctx: { height: prev.height, time: prev.time, headerHash: prev.hash, chainId: this.opts.chainId } });
      this.history.delete(prev.height - BigInt(this.opts.queryHistoryBlocks));
    }
    // Txs left in the mempool were checked against the old state; re-check them against the new one.
    const pending = this.mempool;
    this.mempool = [];
    this.mempoolHashes.clear();
    this.resetCheckState();
    for (const t of pending) {
      try {
        this.checkTx(t.bytes);
      } catch {
        // dropped from the mempool (cache/full); the client sees it never included
      }
    }
    return block;
  }

  // ---- queries -------------------------------------------------------------------------------------------

  query(path: string, data: Uint8Array, height: bigint | undefined): QueryResult {
    const latest = this.height();
    if (height !== undefined && height > latest) {
      return { code: 26, codespace: 'sdk', log: 'cannot query with height in the future; please provide a valid height: invalid height', value: new Uint8Array(), height: latest };
    }
    const handler = this.queries.get(path);
    if (!handler) return { code: 6, codespace: 'sdk', log: 'unknown query path: unknown request', value: new Uint8Array(), height: latest };
    if (height !== undefined && height > 0n && height < latest) {
      const past = this.history.get(height);
      if (!past) {
        return {
          code: 18, codespace: 'sdk', value: new Uint8Array(), height,
          log: `failed to load state at height ${height}; version does not exist (latest height: ${latest}): invalid request`,
        };
      }
      // Swap the historical state in for the duration of this (read-only) query.
      const live = this.exportState();
      this.restore(past.state);
      try {
        return this.runQuery(handler, past.ctx, data, height);
      } finally {
        this.restore(live);
      }
    }
    return this.runQuery(handler, this.queryContext(), data, latest);
  }

  private runQuery(handler: QueryHandler, ctx: BlockContext, data: Uint8Array, height: bigint): QueryResult {
    try {
      return { code: 0, codespace: '', log: '', value: handler(ctx, data), height };
    } catch (err) {
      return { ...renderQueryError(err), value: new Uint8Array(), height };
    }
  }
}

function withMode(e: AbciEvent, mode: string): AbciEvent {
  return { type: e.type, attributes: [...e.attributes, { key: 'mode', value: mode }] };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function prefixMsgError(err: unknown, index: number): ChainRuleError {
  const prefix = `failed to execute message; message index: ${index}: `;
  if (err instanceof ChainRuleError) return new ChainRuleError(err.codespace, err.abciCode, prefix + err.log);
  if (err instanceof ChainQueryError) return new ChainRuleError('undefined', 1, prefix + err.message);
  return new ChainRuleError('undefined', 1, prefix + (err instanceof Error ? err.message : String(err)));
}

function errorResult(err: unknown, gasWanted: bigint, gasUsed: bigint, events: AbciEvent[]): TxResult {
  const e = err instanceof ChainRuleError ? err : new ChainRuleError('undefined', 1, err instanceof Error ? err.message : String(err));
  return { code: e.abciCode, codespace: e.codespace, log: e.log, data: new Uint8Array(), gasWanted, gasUsed, events };
}

/**
 * One signer per key: build, simulate, sign (SIGN_MODE_DIRECT, eth_secp256k1 pubkey), broadcast (sync) and wait
 * for inclusion. Spec 02 §10 plus two deliberate differences from the reference:
 *   * a tx counts as accepted only once it is in a block with code 0 (the reference trusts CheckTx);
 *   * on "account sequence mismatch, expected N" the local sequence becomes N exactly (CheckTx state already
 *     includes our own mempool txs, so N is right even when it is lower — e.g. after an evicted tx).
 * Txs of one key run strictly one after another (one queue and one sequence cache per key, process-wide), so
 * sequences never collide inside the process; collisions with other processes using the same key are healed
 * by the mismatch retry.
 */
import { makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { accountFromAny } from '@cosmjs/stargate';
import { sha256 } from '@cosmjs/crypto';
import { toHex } from '@cosmjs/encoding';
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { SimulateRequest, SimulateResponse } from 'cosmjs-types/cosmos/tx/v1beta1/service';
import { QueryAccountRequest, QueryAccountResponse } from 'cosmjs-types/cosmos/auth/v1beta1/query';
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import { typeUrlForKeyType } from '../crypto/account-keys.js';
import { InvalidArgumentError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { SigningKey } from './keys.js';
import type { ChainConnection, DeliverTxOutcome } from './connection.js';
import {
  ChainAbciError, ChainError, ChainInclusionTimeoutError, ChainResponseError,
  expectedSequence, isNotFound, isTransient, isOutOfGas, isSequenceMismatch, isTxAlreadyInMempool,
} from './errors.js';

/** An encoded Msg (google.protobuf.Any). */
export interface TxMessage {
  typeUrl: string;
  value: Uint8Array;
}

export interface TxResult {
  txHash: string;
  height: bigint;
  gasWanted: bigint;
  gasUsed: bigint;
  /** Fee paid, ulume. */
  fee: bigint;
  events: DeliverTxOutcome['events'];
  /** TxMsgData.msg_responses, in message order. */
  msgResponses: TxMessage[];
}

export interface TxPipelineOptions {
  /** ulume per gas unit, decimal string. Default "0.025" (spec 02 §1.5). */
  gasPrice?: string;
  /** Default 1.3; multiplied by 1.3 again on every out-of-gas retry. */
  gasAdjustment?: number;
  /** Added after the adjustment. Default 50 000 (covers the eth sig-verify gas simulate under-counts). */
  gasPadding?: bigint;
  /** Retries per cause (sequence mismatch, out of gas). Default 3 each. */
  maxRetries?: number;
  /** Base pause before a sequence retry, multiplied by the attempt number. Default 500 ms. */
  sequenceRetryDelayMs?: number;
  /** How long to wait for a broadcast tx to appear in a block. Default 60 000 ms. */
  inclusionTimeoutMs?: number;
  /** Poll interval while waiting for inclusion. Default 500 ms. */
  pollIntervalMs?: number;
  logger?: Logger;
}

export interface SubmitOptions {
  /** Skip simulation and use this gas limit (still raised on out-of-gas). */
  gasLimit?: bigint;
  memo?: string;
}

interface AccountState {
  accountNumber: bigint;
  sequence: bigint;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Per key (endpoints + chain id + address), process-wide: the tail of its tx queue and its cached account state, shared
 * by every TxSigner of that key, so two clients built on one key act as one signer.
 */
interface KeyState {
  tail: Promise<unknown>;
  account: AccountState | undefined;
}
const keyStates = new Map<string, KeyState>();

/** Parses a non-negative decimal string into an exact fraction. */
export function parseGasPrice(gasPrice: string): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(gasPrice.trim().replace(/ulume$/, ''));
  if (!m) throw new InvalidArgumentError('chain.gas_price', `must be a decimal number of ulume per gas (e.g. "0.025"), got ${JSON.stringify(gasPrice)}`);
  const frac = m[2] ?? '';
  const num = BigInt(m[1]! + frac);
  if (num === 0n) throw new InvalidArgumentError('chain.gas_price', 'must be greater than zero');
  return { num, den: 10n ** BigInt(frac.length) };
}

/** gas_limit = floor(gas_used × adjustment) + padding. */
export function gasLimitFor(gasUsed: bigint, adjustment: number, padding: bigint): bigint {
  return BigInt(Math.floor(Number(gasUsed) * adjustment)) + padding;
}

/** fee = max(1, ceil(price × gas)). */
export function feeFor(gasLimit: bigint, price: { num: bigint; den: bigint }): bigint {
  const fee = (price.num * gasLimit + price.den - 1n) / price.den;
  return fee > 0n ? fee : 1n;
}

export class TxSigner {
  readonly address: string;
  private readonly price: { num: bigint; den: bigint };
  private readonly adjustment: number;
  private readonly padding: bigint;
  private readonly maxRetries: number;
  private readonly seqDelayMs: number;
  private readonly inclusionTimeoutMs: number;
  private readonly pollMs: number;
  private readonly log: Logger;
  private readonly shared: KeyState;

  constructor(private readonly conn: ChainConnection, private readonly key: SigningKey, private readonly chainId: string, opts: TxPipelineOptions = {}) {
    this.address = key.address;
    // The endpoint list is part of the identity so that separate chains with one chain id (devnets) stay apart.
    const id = `${conn.rpc.urls.join(',')}/${chainId}/${key.address}`;
    this.shared = keyStates.get(id) ?? { tail: Promise.resolve(), account: undefined };
    keyStates.set(id, this.shared);
    this.price = parseGasPrice(opts.gasPrice ?? '0.025');
    this.adjustment = opts.gasAdjustment ?? 1.3;
    if (!(this.adjustment >= 1 && this.adjustment <= 10)) throw new InvalidArgumentError('chain.gas_adjustment', `must be in [1, 10], got ${this.adjustment}`);
    this.padding = opts.gasPadding ?? 50_000n;
    this.maxRetries = opts.maxRetries ?? 3;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0 || this.maxRetries > 10) throw new InvalidArgumentError('chain.max_retries', `must be an integer in [0, 10], got ${this.maxRetries}`);
    this.seqDelayMs = opts.sequenceRetryDelayMs ?? 500;
    this.inclusionTimeoutMs = opts.inclusionTimeoutMs ?? 60_000;
    this.pollMs = opts.pollIntervalMs ?? 500;
    this.log = opts.logger ?? silentLogger();
  }

  /** Simulates, signs, broadcasts and waits for inclusion; resolves only for code 0 in a block. */
  submit(msgs: TxMessage[], opts: SubmitOptions = {}): Promise<TxResult> {
    if (!Array.isArray(msgs) || msgs.length === 0) return Promise.reject(new InvalidArgumentError('msgs', 'must hold at least one message'));
    if (opts.gasLimit !== undefined && (opts.gasLimit <= 0n || opts.gasLimit > 100_000_000n)) return Promise.reject(new InvalidArgumentError('gasLimit', `must be in (0, 100000000], got ${opts.gasLimit}`));
    return this.enqueue(() => this.submitNow(msgs, opts));
  }

  /** Gas the chain would use for these messages now (no broadcast). Module rejections surface here. */
  simulate(msgs: TxMessage[], memo = ''): Promise<bigint> {
    return this.enqueue(async () => this.simulateWith(msgs, await this.loadAccount(), memo));
  }

  private get account(): AccountState | undefined {
    return this.shared.account;
  }

  private set account(a: AccountState | undefined) {
    this.shared.account = a;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.shared.tail.then(fn, fn);
    this.shared.tail = run.catch(() => undefined);
    return run;
  }

  private async loadAccount(): Promise<AccountState> {
    if (this.account) return this.account;
    let res;
    try {
      res = await this.conn.queryRaw('/cosmos.auth.v1beta1.Query/Account', QueryAccountRequest, { address: this.address }, QueryAccountResponse);
    } catch (err) {
      if (isNotFound(err)) throw new ChainError('ACCOUNT_NOT_FOUND', `signer account ${this.address} does not exist on chain (fund it first)`, { address: this.address }, { cause: err });
      throw err;
    }
    if (!res.account) throw new ChainResponseError('of auth Account', 'has no account');
    const acc = accountFromAny(res.account);
    this.account = { accountNumber: BigInt(acc.accountNumber), sequence: BigInt(acc.sequence) };
    return this.account;
  }

  private pubkeyAny() {
    const key = this.key.publicKey;
    // Both key types' PubKey messages are { bytes key = 1; }.
    const value = new Uint8Array(2 + key.length);
    value[0] = 0x0a;
    value[1] = key.length;
    value.set(key, 2);
    return { typeUrl: typeUrlForKeyType(this.key.keyType), value };
  }

  private build(msgs: TxMessage[], memo: string, acct: AccountState, gasLimit: bigint, fee: bigint, sign: boolean): Uint8Array {
    const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: msgs, memo })).finish();
    const feeAmount = fee > 0n ? [{ denom: 'ulume', amount: fee.toString() }] : [];
    const authInfoBytes = makeAuthInfoBytes([{ pubkey: this.pubkeyAny(), sequence: acct.sequence }], feeAmount, Number(gasLimit), undefined, undefined, SignMode.SIGN_MODE_DIRECT);
    const signature = sign ? this.key.sign(makeSignBytes(makeSignDoc(bodyBytes, authInfoBytes, this.chainId, acct.accountNumber))) : new Uint8Array();
    return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish();
  }

  private async simulateWith(msgs: TxMessage[], acct: AccountState, memo: string): Promise<bigint> {
    const txBytes = this.build(msgs, memo, acct, 0n, 0n, false);
    try {
      const res = await this.conn.queryRaw('/cosmos.tx.v1beta1.Service/Simulate', SimulateRequest, { txBytes }, SimulateResponse);
      const used = res.gasInfo?.gasUsed ?? 0n;
      if (used <= 0n) throw new ChainResponseError('of Simulate', 'reported gas_used 0');
      return used;
    } catch (err) {
      // Re-label the query rejection as a simulation failure of these messages (same codespace/code/log).
      if (err instanceof ChainAbciError) throw new ChainAbciError({ ...err.failure, stage: 'simulate', msgTypeUrls: msgs.map((m) => m.typeUrl) });
      throw err;
    }
  }

  private async submitNow(msgs: TxMessage[], opts: SubmitOptions): Promise<TxResult> {
    const typeUrls = msgs.map((m) => m.typeUrl);
    const memo = opts.memo ?? '';
    let adjustment = this.adjustment;
    let fixedGas = opts.gasLimit;
    let seqRetries = 0;
    let gasRetries = 0;
    for (;;) {
      const acct = await this.loadAccount();
      try {
        const gasLimit = fixedGas ?? gasLimitFor(await this.simulateWith(msgs, acct, memo), adjustment, this.padding);
        const fee = feeFor(gasLimit, this.price);
        const txBytes = this.build(msgs, memo, acct, gasLimit, fee, true);
        const hash = await this.broadcast(txBytes, typeUrls);
        acct.sequence += 1n;
        const d = await this.waitForInclusion(hash);
        if (d.code !== 0) {
          this.account = undefined; // re-read: the ante handler may or may not have consumed the sequence
          throw new ChainAbciError({ stage: 'delivertx', codespace: d.codespace, code: d.code, log: d.log, msgTypeUrls: typeUrls, txHash: hash, height: d.height, gasWanted: d.gasWanted, gasUsed: d.gasUsed });
        }
        const msgResponses = TxMsgData.decode(d.data).msgResponses.map((r) => ({ typeUrl: r.typeUrl, value: r.value }));
        return { txHash: hash, height: d.height, gasWanted: d.gasWanted, gasUsed: d.gasUsed, fee, events: d.events, msgResponses };
      } catch (err) {
        if (isSequenceMismatch(err) && seqRetries < this.maxRetries) {
          seqRetries++;
          const n = expectedSequence(err);
          if (n !== undefined && this.account) this.account.sequence = n;
          else this.account = undefined;
          this.log.warn({ signer: this.address, expected: n?.toString(), attempt: seqRetries }, 'account sequence mismatch; retrying');
          await sleep(this.seqDelayMs * seqRetries);
          continue;
        }
        if (isOutOfGas(err) && gasRetries < this.maxRetries) {
          gasRetries++;
          adjustment *= 1.3;
          if (fixedGas !== undefined) fixedGas = (fixedGas * 13n) / 10n;
          this.log.warn({ signer: this.address, adjustment, attempt: gasRetries }, 'out of gas; retrying with a higher gas limit');
          continue;
        }
        if (!(err instanceof ChainAbciError) || err.failure.stage === 'query') this.account = undefined;
        throw err;
      }
    }
  }

  /** broadcast_tx_sync; a non-zero CheckTx code throws, "already in mempool" counts as broadcast. */
  private async broadcast(txBytes: Uint8Array, typeUrls: string[]): Promise<string> {
    const localHash = toHex(sha256(txBytes)).toUpperCase();
    let r;
    try {
      r = await this.conn.broadcastSync(txBytes);
    } catch (err) {
      if (isTxAlreadyInMempool(err)) return localHash;
      throw err;
    }
    if (r.code === 0) return r.hash || localHash;
    const err = new ChainAbciError({ stage: 'checktx', codespace: r.codespace, code: r.code, log: r.log, msgTypeUrls: typeUrls, txHash: localHash });
    if (isTxAlreadyInMempool(err)) return localHash;
    throw err;
  }

  private async waitForInclusion(hash: string): Promise<DeliverTxOutcome> {
    const deadline = Date.now() + this.inclusionTimeoutMs;
    for (;;) {
      try {
        const found = await this.conn.findTx(hash);
        if (found) return found;
      } catch (err) {
        // An unanswered poll is not an answer about the tx; keep polling until the deadline.
        if (!isTransient(err)) throw err;
        this.log.debug({ hash, err: (err as Error).message }, 'inclusion poll failed');
      }
      if (Date.now() + this.pollMs > deadline) throw new ChainInclusionTimeoutError(hash, this.inclusionTimeoutMs);
      await sleep(this.pollMs);
    }
  }
}

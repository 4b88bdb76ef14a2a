/**
 * Drives the supernode, action and audit modules directly (no node, no RPC): in-memory bank/auth,
 * deterministic supernode keys, and block hooks called in the node's order.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { addressFromPubKey, encodeAddress, ETH_SECP256K1_PUBKEY_TYPE_URL, publicKeyOf, VALOPER_ADDRESS_PREFIX } from '../../../src/crypto/account-keys.js';
import { createSupernodeModule, type SupernodeModule } from '../../../src/devnet/modules/supernode/index.js';
import { createActionModule, type ActionModule } from '../../../src/devnet/modules/action/index.js';
import { createAuditModule, type AuditModule } from '../../../src/devnet/modules/audit/index.js';
import {
  ChainRuleError,
  type AbciEvent,
  type AccountInfo,
  type AuthKeeper,
  type BankKeeper,
  type Coin,
  type DevnetModule,
  type GenesisSupernode,
} from '../../../src/devnet/modules/types.js';
import type { AuditEnv } from '../../../src/devnet/modules/audit/env.js';
import { epochAt, getAnchor } from '../../../src/devnet/modules/audit/epochs.js';
import { assignedTargets } from '../../../src/devnet/modules/audit/assignment.js';
import type { HostReport, MsgSubmitEpochReport, StorageProofResult } from '../../../src/devnet/modules/audit/types.js';

export function keyFor(name: string): { priv: Uint8Array; pub: Uint8Array; account: string; valoper: string } {
  const priv = new Uint8Array(createHash('sha256').update(`devnet-modules-test:${name}`).digest());
  const pub = publicKeyOf(priv);
  const account = addressFromPubKey(pub, 'eth_secp256k1');
  const valoper = addressFromPubKey(pub, 'eth_secp256k1', VALOPER_ADDRESS_PREFIX);
  return { priv, pub, account, valoper };
}

class MemBank implements BankKeeper {
  balances = new Map<string, bigint>();
  balance(address: string, denom: string): bigint {
    return this.balances.get(`${address}/${denom}`) ?? 0n;
  }
  allBalances(address: string): Coin[] {
    return [{ denom: 'ulume', amount: this.balance(address, 'ulume') }];
  }
  send(from: string, to: string, coins: Coin[]): void {
    for (const c of coins) {
      const have = this.balance(from, c.denom);
      if (have < c.amount) throw new ChainRuleError('sdk', 5, `spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`);
      this.balances.set(`${from}/${c.denom}`, have - c.amount);
      this.balances.set(`${to}/${c.denom}`, this.balance(to, c.denom) + c.amount);
    }
  }
  moduleAddress(moduleName: string): string {
    return encodeAddress(createHash('sha256').update(moduleName).digest().subarray(0, 20));
  }
  mint(to: string, coins: Coin[]): void {
    for (const c of coins) this.balances.set(`${to}/${c.denom}`, this.balance(to, c.denom) + c.amount);
  }
  burn(from: string, coins: Coin[]): void {
    for (const c of coins) this.balances.set(`${from}/${c.denom}`, this.balance(from, c.denom) - c.amount);
  }
}

class MemAuth implements AuthKeeper {
  accounts = new Map<string, AccountInfo>();
  getAccount(address: string): AccountInfo | undefined {
    return this.accounts.get(address);
  }
  ensureAccount(address: string): AccountInfo {
    let a = this.accounts.get(address);
    if (a === undefined) {
      a = { address, accountNumber: BigInt(this.accounts.size), sequence: 0n };
      this.accounts.set(address, a);
    }
    return a;
  }
}

export interface ChainOptions {
  supernodes?: number;
  epochBlocks?: number;
  audit?: Record<string, unknown>;
  supernode?: Record<string, unknown>;
  action?: Record<string, unknown>;
}

export interface TestChain {
  sn: SupernodeModule;
  action: ActionModule;
  audit: AuditModule;
  bank: MemBank;
  auth: MemAuth;
  genesis: GenesisSupernode[];
  /** Accounts sorted as the anchor sorts them. */
  accounts: string[];
  events: AbciEvent[];
  /** Runs BeginBlock of every module at height h. */
  begin(h: bigint): void;
  /** Runs EndBlock of every module at height h. */
  end(h: bigint): void;
  /** begin+end for every height in [from, to]. */
  run(from: bigint, to: bigint): void;
  /** Like run, but every supernode submits an empty report in the first block of each epoch (no missing-report postponement). */
  runReporting(from: bigint, to: bigint): void;
  /** Every supernode that has not reported yet submits an empty report for epoch E at height h (refusals ignored). */
  reportAll(e: bigint, h: bigint): void;
  env(h: bigint): AuditEnv;
}

export function headerHash(h: bigint): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`block:${h}`).digest());
}

export function makeChain(opts: ChainOptions = {}): TestChain {
  const n = opts.supernodes ?? 4;
  const bank = new MemBank();
  const auth = new MemAuth();
  const genesis: GenesisSupernode[] = [];
  for (let i = 0; i < n; i++) {
    const k = keyFor(`sn${i}`);
    genesis.push({ name: `sn${i}`, account: k.account, validatorAddress: k.valoper, ip: '127.0.0.1', grpcPort: 4444 + 2 * i, p2pPort: 4445 + 2 * i });
    const acct = auth.ensureAccount(k.account);
    acct.pubkey = { typeUrl: ETH_SECP256K1_PUBKEY_TYPE_URL, key: k.pub };
    bank.mint(k.account, [{ denom: 'ulume', amount: 1_000_000_000n }]);
  }
  const modules = new Map<string, DevnetModule>();
  const deps = {
    bank,
    auth,
    module<T extends DevnetModule = DevnetModule>(name: string): T {
      const m = modules.get(name);
      if (m === undefined) throw new Error(`module ${name} not built`);
      return m as T;
    },
  };
  const dg = { chainId: 'lumera-test-1', genesisTime: new Date(Date.UTC(2026, 0, 1)), initialHeight: 1n, supernodes: genesis, epochBlocks: opts.epochBlocks ?? 10 };
  const sn = createSupernodeModule({ deps, genesis: dg, overrides: opts.supernode ?? {} });
  modules.set('supernode', sn);
  const action = createActionModule({ deps, genesis: dg, overrides: opts.action ?? {} });
  modules.set('action', action);
  const audit = createAuditModule({ deps, genesis: dg, overrides: opts.audit ?? {} });
  modules.set('audit', audit);
  const events: AbciEvent[] = [];
  const emit = (e: AbciEvent) => events.push(e);
  const ctx = (h: bigint) => ({ height: h, time: new Date(dg.genesisTime.getTime() + Number(h) * 1000), headerHash: headerHash(h), chainId: dg.chainId });
  const all = [sn, action, audit];
  const chain: TestChain = {
    sn,
    action,
    audit,
    bank,
    auth,
    genesis,
    accounts: genesis.map((g) => g.account).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    events,
    begin: (h) => all.forEach((m) => m.beginBlock?.(ctx(h), emit)),
    end: (h) => all.forEach((m) => m.endBlock?.(ctx(h), emit)),
    run(from, to) {
      for (let h = from; h <= to; h++) {
        chain.begin(h);
        chain.end(h);
      }
    },
    runReporting(from, to) {
      for (let h = from; h <= to; h++) {
        chain.begin(h);
        const ep = epochAt(audit.keeper.state.params, h);
        if (ep.startHeight === h) chain.reportAll(ep.epochId, h);
        chain.end(h);
      }
    },
    reportAll(e, h) {
      for (const g of genesis) {
        try {
          audit.keeper.submitEpochReport(h, report(g.account, e), emit);
        } catch (err) {
          if (!(err instanceof ChainRuleError)) throw err;
        }
      }
    },
    env: (h) => audit.keeper.env(h, emit),
  };
  return chain;
}

export function host(over: Partial<HostReport> = {}): HostReport {
  return { cpuUsagePercent: 0, memUsagePercent: 0, diskUsagePercent: 0, inboundPortStates: [], failedActionsCount: 0, cascadeKademliaDbBytes: 0, ...over };
}

export function report(creator: string, epochId: bigint, over: Partial<MsgSubmitEpochReport> = {}): MsgSubmitEpochReport {
  return { creator, epochId, hostReport: host(), storageChallengeObservations: [], storageProofResults: [], ...over };
}

export function proof(creator: string, target: string, over: Partial<StorageProofResult> = {}): StorageProofResult {
  return {
    targetSupernodeAccount: target,
    challengerSupernodeAccount: creator,
    ticketId: '1',
    bucketType: 1,
    artifactClass: 2,
    artifactOrdinal: 0,
    artifactKey: 'key-1',
    resultClass: 1,
    transcriptHash: `th-${creator.slice(-6)}-${target.slice(-6)}-${over.bucketType ?? 1}-${over.ticketId ?? '1'}-${over.artifactOrdinal ?? 0}`,
    details: '',
    artifactCount: 8,
    derivationInputHash: 'dih',
    challengerSignature: 'sig',
    observerAttestationSignatures: [],
    ...over,
  };
}

/** The assignment of every anchor active account for epoch E: [challenger, targets][]. */
export function assignmentOf(c: TestChain, e: bigint): { account: string; targets: string[]; isProber: boolean }[] {
  const anchor = getAnchor(c.audit.keeper, e);
  assert.ok(anchor, `anchor for epoch ${e}`);
  return anchor.targetSupernodeAccounts.map((account) => ({ account, ...assignedTargets(c.audit.keeper, anchor, account) }));
}

/** First prober with at least one target in epoch E. */
export function proberWithTarget(c: TestChain, e: bigint): { account: string; targets: string[] } {
  const p = assignmentOf(c, e).find((x) => x.targets.length > 0);
  assert.ok(p, 'some prober has a target');
  return p;
}

/** Asserts that `fn` throws a ChainRuleError with exactly this codespace, code and log. */
export function assertRule(fn: () => void, codespace: string, code: number, log: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ChainRuleError, `expected ChainRuleError, got ${String(err)}`);
    assert.equal(err.log, log);
    assert.equal(err.codespace, codespace);
    assert.equal(err.abciCode, code);
    return true;
  });
}

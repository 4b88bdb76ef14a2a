/** x/bank for the devnet: balances per address and denom; errors with the SDK's codes and texts. */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeAddress, encodeAddress } from '../crypto/account-keys.js';
import { chainRuleError, type BankKeeper, type Coin } from './modules/types.js';
import type { Auth } from './auth.js';

export interface BankState {
  /** address → denom → amount (decimal string kept as bigint). */
  balances: Record<string, Record<string, bigint>>;
  supply: Record<string, bigint>;
}

/** "10ulume,5foo" as the SDK prints coins (sorted by denom; empty → ""). */
export function formatCoins(coins: Coin[]): string {
  return [...coins].sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0)).map((c) => `${c.amount}${c.denom}`).join(',');
}

export class Bank implements BankKeeper {
  state: BankState = { balances: {}, supply: {} };

  constructor(private readonly auth: Auth) {}

  balance(address: string, denom: string): bigint {
    return this.state.balances[address]?.[denom] ?? 0n;
  }

  allBalances(address: string): Coin[] {
    const row = this.state.balances[address] ?? {};
    return Object.keys(row).sort().filter((d) => (row[d] ?? 0n) > 0n).map((denom) => ({ denom, amount: row[denom]! }));
  }

  moduleAddress(moduleName: string): string {
    return encodeAddress(sha256(new TextEncoder().encode(moduleName)).subarray(0, 20));
  }

  send(from: string, to: string, coins: Coin[]): void {
    decodeAddress(to, 'to_address');
    this.subtract(from, coins);
    this.add(to, coins);
  }

  mint(to: string, coins: Coin[]): void {
    this.add(to, coins);
    for (const c of coins) this.state.supply[c.denom] = (this.state.supply[c.denom] ?? 0n) + c.amount;
  }

  burn(from: string, coins: Coin[]): void {
    this.subtract(from, coins);
    for (const c of coins) this.state.supply[c.denom] = (this.state.supply[c.denom] ?? 0n) - c.amount;
  }

  private add(address: string, coins: Coin[]): void {
    this.auth.ensureAccount(address);
    const row = (this.state.balances[address] ??= {});
    for (const c of coins) {
      if (c.amount < 0n) throw chainRuleError('sdk', 10, 'invalid coins', formatCoins(coins));
      row[c.denom] = (row[c.denom] ?? 0n) + c.amount;
    }
  }

  private subtract(address: string, coins: Coin[]): void {
    for (const c of coins) {
      if (c.amount < 0n) throw chainRuleError('sdk', 10, 'invalid coins', formatCoins(coins));
      const have = this.balance(address, c.denom);
      if (have < c.amount) {
        throw chainRuleError('sdk', 5, 'insufficient funds', `spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
    }
    const row = (this.state.balances[address] ??= {});
    for (const c of coins) row[c.denom] = (row[c.denom] ?? 0n) - c.amount;
  }
}

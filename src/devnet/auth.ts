/** x/auth for the devnet: account numbers, sequences and pubkeys, kept in a plain object (snapshot-friendly). */
import { decodeAddress } from '../crypto/account-keys.js';
import type { AccountInfo, AuthKeeper } from './modules/types.js';

export interface AuthState {
  nextAccountNumber: bigint;
  accounts: Record<string, AccountInfo>;
}

export class Auth implements AuthKeeper {
  state: AuthState = { nextAccountNumber: 0n, accounts: {} };

  getAccount(address: string): AccountInfo | undefined {
    return this.state.accounts[address];
  }

  ensureAccount(address: string): AccountInfo {
    const existing = this.state.accounts[address];
    if (existing) return existing;
    decodeAddress(address, 'address');
    const acc: AccountInfo = { address, accountNumber: this.state.nextAccountNumber, sequence: 0n };
    this.state.nextAccountNumber += 1n;
    this.state.accounts[address] = acc;
    return acc;
  }

  count(): number {
    return Object.keys(this.state.accounts).length;
  }
}

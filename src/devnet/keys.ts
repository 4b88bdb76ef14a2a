/**
 * Deterministic devnet keys: a label ("sn0", "acct1") maps to a fixed 24-word mnemonic so tests and scripts
 * can reproduce every key without reading files. The key is the eth_secp256k1 key at m/44'/60'/0'/0/0.
 * These keys are public knowledge by construction — never use them outside a devnet.
 */
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from '@cosmjs/crypto';
import { toHex, toBech32 } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { addressFromPubKey, publicKeyOf } from '../crypto/account-keys.js';
import { addressBytes } from './address.js';
import { InvalidArgumentError } from '../util/errors.js';
import type { DevnetAccount } from './api.js';

export const ETH_HD_PATH = "m/44'/60'/0'/0/0";

/** The mnemonic for a label: BIP39 over SHA-256("lep6-devnet-key:" + label). */
export function devnetMnemonic(label: string): string {
  if (typeof label !== 'string' || label.length === 0 || label.length > 64) {
    throw new InvalidArgumentError('label', 'must be a non-empty string of at most 64 characters');
  }
  const entropy = sha256(new TextEncoder().encode(`lep6-devnet-key:${label}`));
  return Bip39.encode(entropy).toString();
}

/** Private key at m/44'/60'/0'/0/0 of a mnemonic (empty BIP39 passphrase). */
export async function privateKeyFromMnemonic(mnemonic: string): Promise<Uint8Array> {
  let checked: EnglishMnemonic;
  try {
    checked = new EnglishMnemonic(mnemonic);
  } catch (err) {
    throw new InvalidArgumentError('mnemonic', `is not a valid BIP39 English mnemonic (${(err as Error).message})`);
  }
  const seed = await Bip39.mnemonicToSeed(checked);
  return Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(ETH_HD_PATH)).privkey;
}

export async function devnetAccount(label: string): Promise<DevnetAccount> {
  const mnemonic = devnetMnemonic(label);
  const priv = await privateKeyFromMnemonic(mnemonic);
  const pub = publicKeyOf(priv);
  return {
    name: label,
    address: addressFromPubKey(pub, 'eth_secp256k1'),
    mnemonic,
    privateKeyHex: toHex(priv),
    publicKeyHex: toHex(pub),
  };
}

/** `lumeravaloper1…` over the same 20 bytes as an account address. */
export function valoperAddress(account: string): string {
  return toBech32('lumeravaloper', addressBytes(account, 'account'));
}

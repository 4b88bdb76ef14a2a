/**
 * Lumera signing keys (spec 02 §1.4): BIP-39 mnemonic → BIP-32 at m/44'/60'/0'/0/0 (coin type 60, empty BIP-39
 * passphrase) → eth_secp256k1 key whose address is the Ethereum address in bech32 `lumera`.
 */
import { Bip39, EnglishMnemonic, Random, Slip10, Slip10Curve, stringToPath } from '@cosmjs/crypto';
import { InvalidArgumentError } from '../util/errors.js';
import { signerFromPrivateKey, type AccountKeyType, type AccountSigner } from '../crypto/account-keys.js';

export const LUMERA_HD_PATH = "m/44'/60'/0'/0/0";

/** One account key held in memory (the shared signer type). */
export type SigningKey = AccountSigner;

/** A fresh 24-word English mnemonic (256 bits of entropy). */
export function generateMnemonic(): string {
  return Bip39.encode(Random.getBytes(32)).toString();
}

/** Normalises whitespace/case and checks the word list and checksum; throws InvalidArgumentError naming `field`. */
export function normaliseMnemonic(mnemonic: string, field = 'mnemonic'): string {
  if (typeof mnemonic !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  const words = mnemonic.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (![12, 15, 18, 21, 24].includes(words.length)) throw new InvalidArgumentError(field, `must have 12, 15, 18, 21 or 24 words, got ${words.length}`);
  const joined = words.join(' ');
  try {
    return new EnglishMnemonic(joined).toString();
  } catch (err) {
    throw new InvalidArgumentError(field, `is not a valid BIP-39 mnemonic (${(err as Error).message})`);
  }
}

/** The 32-byte private key at `hdPath` (default m/44'/60'/0'/0/0). */
export async function privateKeyFromMnemonic(mnemonic: string, hdPath = LUMERA_HD_PATH): Promise<Uint8Array> {
  const m = new EnglishMnemonic(normaliseMnemonic(mnemonic));
  const seed = await Bip39.mnemonicToSeed(m, '');
  let path;
  try {
    path = stringToPath(hdPath);
  } catch (err) {
    throw new InvalidArgumentError('hdPath', `is not a BIP-32 path (${(err as Error).message})`);
  }
  return Slip10.derivePath(Slip10Curve.Secp256k1, seed, path).privkey;
}

/** A signing key from a raw private key. eth_secp256k1 signatures are 65 bytes R||S||V like the Go keyring. */
export function signingKeyFromPrivateKey(privateKey: Uint8Array, keyType: AccountKeyType = 'eth_secp256k1'): SigningKey {
  return signerFromPrivateKey(privateKey, keyType);
}

export async function signingKeyFromMnemonic(mnemonic: string, hdPath = LUMERA_HD_PATH): Promise<SigningKey> {
  return signingKeyFromPrivateKey(await privateKeyFromMnemonic(mnemonic, hdPath), 'eth_secp256k1');
}

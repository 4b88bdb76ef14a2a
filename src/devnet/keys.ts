/**
 * Deterministic devnet keys: a label ("sn0", "acct1") maps to a fixed 24-word mnemonic so tests and scripts
 * can reproduce every key without reading files. The key is the eth_secp256k1 key at m/44'/60'/0'/0/0.
 * These keys are public knowledge by construction — never use them outside a devnet.
 */
import { createHmac, pbkdf2Sync } from 'node:crypto';
import { Bip39, EnglishMnemonic } from '@cosmjs/crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex, toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { addressFromPubKey, decodeAddress, encodeAddress, publicKeyOf, VALOPER_ADDRESS_PREFIX } from '../crypto/account-keys.js';
import { InvalidArgumentError } from '../util/errors.js';
import type { DevnetAccount } from './api.js';

export const ETH_HD_PATH = "m/44'/60'/0'/0/0";
const HARDENED = 0x80000000;
const ETH_PATH_INDICES = [44 + HARDENED, 60 + HARDENED, HARDENED, 0, 0];
const CURVE_N = secp256k1.Point.CURVE().n;

const toBig = (b: Uint8Array) => BigInt(`0x${toHex(b) || '0'}`);
const to32 = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'));

const hmacSha512 = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha512', key).update(data).digest());

/** BIP-32 private derivation on secp256k1 (cosmjs' Slip10 is ~30x slower; devnets derive hundreds of keys). */
function bip32Derive(seed: Uint8Array, path: number[]): Uint8Array {
  let I = hmacSha512(new TextEncoder().encode('Bitcoin seed'), seed);
  let key = I.slice(0, 32);
  let chain = I.slice(32);
  for (const index of path) {
    const data = new Uint8Array(37);
    if (index >= HARDENED) data.set(key, 1);
    else data.set(secp256k1.getPublicKey(key, true), 0);
    new DataView(data.buffer).setUint32(33, index >>> 0, false);
    I = hmacSha512(chain, data);
    const il = toBig(I.slice(0, 32));
    const child = (il + toBig(key)) % CURVE_N;
    if (il >= CURVE_N || child === 0n) throw new Error('BIP-32 derivation hit an invalid child key; use another label');
    key = to32(child);
    chain = I.slice(32);
  }
  return key;
}

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
  // BIP39 seed with the native PBKDF2 (cosmjs' pure-JS one costs ~100 ms per key; devnets derive hundreds).
  const seed = pbkdf2Sync(Buffer.from(checked.toString().normalize('NFKD'), 'utf8'), Buffer.from('mnemonic', 'utf8'), 2048, 64, 'sha512');
  return bip32Derive(seed, ETH_PATH_INDICES);
}

const cache = new Map<string, DevnetAccount>();

export async function devnetAccount(label: string): Promise<DevnetAccount> {
  const hit = cache.get(label);
  if (hit) return { ...hit };
  const mnemonic = devnetMnemonic(label);
  const priv = await privateKeyFromMnemonic(mnemonic);
  const pub = publicKeyOf(priv);
  const account: DevnetAccount = {
    name: label,
    address: addressFromPubKey(pub, 'eth_secp256k1'),
    mnemonic,
    privateKeyHex: toHex(priv),
    publicKeyHex: toHex(pub),
  };
  cache.set(label, account);
  return { ...account };
}

/** `lumeravaloper1…` over the same 20 bytes as an account address. */
export function valoperAddress(account: string): string {
  return encodeAddress(decodeAddress(account, 'account'), VALOPER_ADDRESS_PREFIX);
}

/**
 * On-disk keyring: one JSON file per key under `<home>/keys/keyring-<backend>/`.
 *
 * * `file` backend: the mnemonic is sealed with AES-256-GCM under a key stretched from the passphrase with
 *   scrypt (N=2^15, r=8, p=1, random 16-byte salt, random 12-byte IV); the key name and address are bound as
 *   additional authenticated data, so swapping files between names is detected.
 * * `test` backend: the mnemonic in clear — for devnets and tests only.
 *
 * The address is stored in clear in both so that `list` and `show` need no passphrase. Files are written
 * 0600 (directory 0700) through a temp file + rename so a crash never leaves half a key.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, scryptSync, createCipheriv, createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { Slip10, Slip10Curve, stringToPath } from '@cosmjs/crypto';
import { addressFromPubKey, publicKeyOf } from '../crypto/account-keys.js';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';
import { LUMERA_HD_PATH, generateMnemonic, normaliseMnemonic, signingKeyFromMnemonic, type SigningKey } from './keys.js';

export type KeyringBackend = 'file' | 'test';
export const KEYRING_BACKENDS: readonly KeyringBackend[] = ['file', 'test'];

export interface KeyInfo {
  name: string;
  address: string;
  keyType: 'eth_secp256k1';
  hdPath: string;
}

interface KeyFileCommon extends KeyInfo {
  version: 1;
  backend: KeyringBackend;
}
interface TestKeyFile extends KeyFileCommon {
  backend: 'test';
  mnemonic: string;
}
interface SealedKeyFile extends KeyFileCommon {
  backend: 'file';
  kdf: { name: 'scrypt'; n: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string; ciphertext: string };
}
type KeyFile = TestKeyFile | SealedKeyFile;

const SCRYPT = { n: 1 << 15, r: 8, p: 1 } as const;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class KeyringError extends SupernodeError {}

export interface KeyringOptions {
  /** The supernode base directory (`--home`); keys live in `<home>/keys/keyring-<backend>/`. */
  home: string;
  /** The keys directory (config `keyring.dir`) when it is not `<home>/keys`. */
  keysDir?: string;
  backend: KeyringBackend;
  /** Required for the `file` backend when creating, importing or unlocking a key. */
  passphrase?: string;
}

export class Keyring {
  readonly dir: string;
  readonly backend: KeyringBackend;
  private readonly passphrase: string | undefined;

  constructor(opts: KeyringOptions) {
    if (typeof opts.home !== 'string' || opts.home.trim() === '') throw new InvalidArgumentError('home', 'must be a non-empty directory path');
    if (!KEYRING_BACKENDS.includes(opts.backend)) throw new InvalidArgumentError('keyring-backend', `must be one of ${KEYRING_BACKENDS.join(', ')}, got ${JSON.stringify(opts.backend)}`);
    this.backend = opts.backend;
    if (opts.keysDir !== undefined && (typeof opts.keysDir !== 'string' || opts.keysDir.trim() === '')) throw new InvalidArgumentError('keyring.dir', 'must be a non-empty directory path');
    this.dir = join(opts.keysDir ?? join(opts.home, 'keys'), `keyring-${opts.backend}`);
    this.passphrase = opts.passphrase;
  }

  /** Creates a key from a fresh 24-word mnemonic; returns the mnemonic once so the operator can back it up. */
  add(name: string): KeyInfo & { mnemonic: string } {
    const mnemonic = generateMnemonic();
    return { ...this.store(name, mnemonic), mnemonic };
  }

  /** Stores an existing mnemonic under `name`. */
  importMnemonic(name: string, mnemonic: string): KeyInfo {
    return this.store(name, normaliseMnemonic(mnemonic));
  }

  show(name: string): KeyInfo {
    const f = this.read(name);
    return { name: f.name, address: f.address, keyType: f.keyType, hdPath: f.hdPath };
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => this.show(f.slice(0, -'.json'.length)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Unlocks the key for signing (the file backend needs the passphrase). */
  async signingKey(name: string): Promise<SigningKey> {
    const f = this.read(name);
    const mnemonic = f.backend === 'test' ? f.mnemonic : this.unseal(f);
    const key = await signingKeyFromMnemonic(mnemonic, f.hdPath);
    if (key.address !== f.address) throw new KeyringError('KEYRING_CORRUPT', `key ${name}: stored address ${f.address} does not match the derived ${key.address}`);
    return key;
  }

  private path(name: string): string {
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new InvalidArgumentError('name', 'must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');
    return join(this.dir, `${name}.json`);
  }

  private store(name: string, mnemonic: string): KeyInfo {
    const p = this.path(name);
    if (existsSync(p)) throw new KeyringError('KEY_EXISTS', `key ${name} already exists in ${this.dir}`);
    const info = { name, keyType: 'eth_secp256k1' as const, hdPath: LUMERA_HD_PATH };
    return { ...info, address: this.writeKeyFile(p, info, mnemonic) };
  }

  private writeKeyFile(p: string, info: Omit<KeyInfo, 'address'>, mnemonic: string): string {
    const address = deriveAddressSync(mnemonic, info.hdPath);
    let file: KeyFile;
    if (this.backend === 'test') {
      file = { version: 1, backend: 'test', ...info, address, mnemonic };
    } else {
      const pass = this.requirePassphrase();
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const key = scryptSync(pass, salt, 32, { N: SCRYPT.n, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(`${info.name}\n${address}`));
      const ciphertext = Buffer.concat([c.update(mnemonic, 'utf8'), c.final()]);
      file = {
        version: 1, backend: 'file', ...info, address,
        kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
        cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') },
      };
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${p}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, p);
    return address;
  }

  private requirePassphrase(): string {
    if (this.passphrase === undefined || this.passphrase.length < 8) throw new InvalidArgumentError('passphrase', 'is required for the file keyring backend and must be at least 8 characters');
    return this.passphrase;
  }

  private read(name: string): KeyFile {
    const p = this.path(name);
    let raw: string;
    try {
      raw = readFileSync(p, 'utf8');
    } catch {
      throw new KeyringError('KEY_NOT_FOUND', `key ${name} not found in ${this.dir}`);
    }
    let f: KeyFile;
    try {
      f = JSON.parse(raw) as KeyFile;
    } catch {
      throw new KeyringError('KEYRING_CORRUPT', `key file ${p} is not valid JSON`);
    }
    if (f.version !== 1 || f.backend !== this.backend || f.name !== name || typeof f.address !== 'string' || f.keyType !== 'eth_secp256k1') {
      throw new KeyringError('KEYRING_CORRUPT', `key file ${p} has an unexpected layout (version/backend/name/address/keyType)`);
    }
    return f;
  }

  private unseal(f: SealedKeyFile): string {
    const pass = this.requirePassphrase();
    try {
      const key = scryptSync(pass, Buffer.from(f.kdf.salt, 'base64'), 32, { N: f.kdf.n, r: f.kdf.r, p: f.kdf.p, maxmem: 256 * 1024 * 1024 });
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(f.cipher.iv, 'base64'));
      d.setAAD(Buffer.from(`${f.name}\n${f.address}`));
      d.setAuthTag(Buffer.from(f.cipher.tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(f.cipher.ciphertext, 'base64')), d.final()]).toString('utf8');
    } catch {
      throw new KeyringError('KEYRING_BAD_PASSPHRASE', `cannot unlock key ${f.name}: wrong passphrase or damaged file`);
    }
  }
}

/** BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, empty passphrase) + BIP-32, synchronously, to record the address. */
function deriveAddressSync(mnemonic: string, hdPath: string): string {
  const seed = pbkdf2Sync(Buffer.from(mnemonic.normalize('NFKD'), 'utf8'), Buffer.from('mnemonic', 'utf8'), 2048, 64, 'sha512');
  const priv = Slip10.derivePath(Slip10Curve.Secp256k1, Uint8Array.from(seed), stringToPath(hdPath)).privkey;
  return addressFromPubKey(publicKeyOf(priv), 'eth_secp256k1');
}

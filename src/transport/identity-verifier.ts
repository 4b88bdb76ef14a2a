/**
 * The chain check of a handshake's remote (spec 05 §5.5 step 4). The transport only needs two yes/no
 * questions; the chain client answers them on the real chain, tests answer them with a fake.
 * `CachingIdentityVerifier` bounds the chain load: a TTL cache of answers (bounded, oldest evicted first)
 * and coalescing of concurrent identical lookups. Lookup failures are never cached.
 */
import { InvalidArgumentError } from '../util/errors.js';

export interface RemoteIdentityVerifier {
  /** True when the supernode registry has a supernode whose `supernode_account` is `address`. */
  isRegisteredSupernode(address: string): Promise<boolean>;
  /** True when the auth module knows an account with this address. */
  accountExists(address: string): Promise<boolean>;
}

export interface CachingVerifierOptions {
  /** How long a positive answer is trusted. Default 10 min (the Go node caches up to 1 h). */
  positiveTtlMs?: number;
  /** How long a negative answer is trusted, so that a newly registered node is not locked out for long. Default 30 s. */
  negativeTtlMs?: number;
  /** Entry bound; the oldest entry is evicted first. Default 1000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  value: boolean;
  expiresAt: number;
}

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new InvalidArgumentError(name, `must be an integer in 0..${max}, got ${v}`);
  return v;
}

export class CachingIdentityVerifier implements RemoteIdentityVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly inner: RemoteIdentityVerifier, options: CachingVerifierOptions = {}) {
    this.positiveTtlMs = positiveInt('positiveTtlMs', options.positiveTtlMs ?? 10 * 60_000);
    this.negativeTtlMs = positiveInt('negativeTtlMs', options.negativeTtlMs ?? 30_000);
    this.maxEntries = positiveInt('maxEntries', options.maxEntries ?? 1000, 1_000_000);
    this.now = options.now ?? Date.now;
  }

  isRegisteredSupernode(address: string): Promise<boolean> {
    return this.lookup(`sn:${address}`, () => this.inner.isRegisteredSupernode(address));
  }

  accountExists(address: string): Promise<boolean> {
    return this.lookup(`acct:${address}`, () => this.inner.accountExists(address));
  }

  /** Number of cached answers (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  private lookup(key: string, ask: () => Promise<boolean>): Promise<boolean> {
    const hit = this.cache.get(key);
    if (hit) {
      if (hit.expiresAt > this.now()) return Promise.resolve(hit.value);
      this.cache.delete(key);
    }
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = (async () => {
      try {
        const value = (await ask()) === true;
        this.store(key, value);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  private store(key: string, value: boolean): void {
    const ttl = value ? this.positiveTtlMs : this.negativeTtlMs;
    if (ttl === 0 || this.maxEntries === 0) return;
    this.cache.delete(key);
    while (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    this.cache.set(key, { value, expiresAt: this.now() + ttl });
  }
}

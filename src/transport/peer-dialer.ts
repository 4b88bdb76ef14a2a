/**
 * Outbound peer connections (spec 04 R1.6, spec 05 §5.9): the peer's host:port comes from the chain's
 * supernode record (through `PeerAddressResolver`), the dial identity is the peer's account, and there is
 * one pooled grpc-js channel per peer. A channel owns exactly one subchannel (local subchannel pool), so
 * there is never more than one handshake in flight to the same peer — the Go node keys its ephemeral keys
 * by remote address and concurrent handshakes between the same pair can clobber each other. grpc-js
 * reconnects a broken channel with exponential backoff (bounds configurable); every call gets a deadline.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';
import { AltsChannelCredentials } from './grpc-credentials.js';
import { HandshakeLimiter, DEFAULT_MAX_CONCURRENT_HANDSHAKES } from './handshake-limiter.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from './handshake.js';
import { checkAccountAddress, grpcTarget, parsePeerHostPort, type HostPort } from './peer-address.js';
import type { AccountSigner, PeerType } from './handshake-message.js';
import type { RemoteIdentityVerifier } from './identity-verifier.js';

/**
 * HTTP/2 receive window of our peer channels. The 64 KiB HTTP/2 default makes a bulk stream wait for a
 * WINDOW_UPDATE round trip every 64 KiB, which through the record layer dominates transfer time
 * (bench/transport.ts measured roughly 2–3× less throughput); 4 MiB bounds what one peer can have in flight.
 */
export const DEFAULT_FLOW_CONTROL_WINDOW = 4 * 1024 * 1024;

export interface PeerAddressResolver {
  /** The latest registry address of the supernode with this account (bare host, host:port or URL). */
  resolvePeerAddress(account: string): Promise<string>;
}

export interface PeerDialerOptions {
  signer: AccountSigner;
  verifier: RemoteIdentityVerifier;
  resolver: PeerAddressResolver;
  /** Port used when the registry address has none: the local node's gRPC port. */
  defaultPort: number;
  /** Our declared peer type; default Supernode. */
  peerType?: PeerType;
  /** Deadline given to calls that carry none. Default 30 s. */
  callTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  maxConcurrentHandshakes?: number;
  /** Reconnect backoff bounds. Defaults 1 s and 30 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a resolved address is reused before asking the chain again. Default 5 min. */
  resolveTtlMs?: number;
  grpcOptions?: grpc.ChannelOptions;
  logger?: Logger;
}

export class PeerDialError extends SupernodeError {
  constructor(code: 'PEER_RESOLVE_FAILED' | 'PEER_NO_ADDRESS' | 'PEER_BAD_ADDRESS' | 'PEER_NOT_READY' | 'DIALER_CLOSED', message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

interface PoolEntry {
  account: string;
  hostPort: HostPort;
  channel: grpc.Channel;
  resolvedAt: number;
  clients: Map<grpc.ServiceClientConstructor, grpc.Client>;
}

function positive(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(name, `must be a positive integer, got ${v}`);
  return v;
}

export class PeerDialer {
  private readonly pool = new Map<string, PoolEntry>();
  private readonly pending = new Map<string, Promise<PoolEntry>>();
  private readonly limiter: HandshakeLimiter;
  private readonly logger: Logger;
  private readonly callTimeoutMs: number;
  private readonly resolveTtlMs: number;
  private closed = false;

  constructor(private readonly options: PeerDialerOptions) {
    positive('defaultPort', options.defaultPort);
    if (options.defaultPort > 65535) throw new InvalidArgumentError('defaultPort', `must be ≤ 65535, got ${options.defaultPort}`);
    this.callTimeoutMs = positive('callTimeoutMs', options.callTimeoutMs ?? 30_000);
    this.resolveTtlMs = positive('resolveTtlMs', options.resolveTtlMs ?? 5 * 60_000);
    positive('handshakeTimeoutMs', options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);
    positive('initialBackoffMs', options.initialBackoffMs ?? 1000);
    positive('maxBackoffMs', options.maxBackoffMs ?? 30_000);
    this.limiter = new HandshakeLimiter(options.maxConcurrentHandshakes ?? DEFAULT_MAX_CONCURRENT_HANDSHAKES);
    this.logger = options.logger ?? silentLogger();
  }

  /** Number of pooled peer channels. */
  get size(): number {
    return this.pool.size;
  }

  /**
   * A client of `ctor` for the peer `account`, sharing the peer's pooled channel. Calls without a deadline
   * get the dialer's default one.
   */
  async client<T extends grpc.Client>(account: string, ctor: grpc.ServiceClientConstructor): Promise<T> {
    const entry = await this.entryFor(account);
    let client = entry.clients.get(ctor);
    if (!client) {
      client = new ctor(grpcTarget(entry.hostPort), this.credentialsPlaceholder(), {
        channelOverride: entry.channel,
        interceptors: [this.defaultDeadline],
      });
      entry.clients.set(ctor, client);
    }
    return client as T;
  }

  /**
   * Waits until the peer's connection is READY (handshake done), bounded by timeoutMs. With `failFast`
   * (spec 04 R1.6.2) a TRANSIENT_FAILURE ends the wait at once instead of waiting for grpc-js's backoff.
   */
  async waitForReady(account: string, timeoutMs = 12_000, failFast = false): Promise<void> {
    const entry = await this.entryFor(account);
    const deadline = Date.now() + positive('timeoutMs', timeoutMs);
    for (;;) {
      const state = entry.channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return;
      if (state === grpc.connectivityState.SHUTDOWN) throw new PeerDialError('PEER_NOT_READY', `dial target "${account}": channel shut down`, { account });
      if (failFast && state === grpc.connectivityState.TRANSIENT_FAILURE) {
        throw new PeerDialError('PEER_NOT_READY', `dial target "${account}": connection failed (TRANSIENT_FAILURE)`, { account });
      }
      const changed = await new Promise<boolean>((resolve) => entry.channel.watchConnectivityState(state, deadline, (err) => resolve(!err)));
      if (!changed) {
        throw new PeerDialError('PEER_NOT_READY', `dial target "${account}": not ready within ${timeoutMs} ms (last state ${grpc.connectivityState[state]})`, { account, timeoutMs });
      }
    }
  }

  /**
   * Connection establishment of spec 04 R1.6.2: up to `attempts` tries (1 when retries are disabled), each
   * waiting ≤ attemptTimeoutMs for READY and failing fast on TRANSIENT_FAILURE, `gapMs` apart, all within
   * overallTimeoutMs. Defaults: 3 attempts, 12 s, 1 s, 30 s.
   */
  async connect(account: string, options: { attempts?: number; attemptTimeoutMs?: number; gapMs?: number; overallTimeoutMs?: number } = {}): Promise<void> {
    const attempts = positive('attempts', options.attempts ?? 3);
    const attemptTimeoutMs = positive('attemptTimeoutMs', options.attemptTimeoutMs ?? 12_000);
    const gapMs = options.gapMs ?? 1000;
    const overallDeadline = Date.now() + positive('overallTimeoutMs', options.overallTimeoutMs ?? 30_000);
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      const left = overallDeadline - Date.now();
      if (left <= 0) break;
      try {
        await this.waitForReady(account, Math.min(attemptTimeoutMs, left), true);
        return;
      } catch (err) {
        last = err;
        if (!(err instanceof PeerDialError) || err.code !== 'PEER_NOT_READY') throw err;
      }
      if (i + 1 < attempts) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(gapMs, overallDeadline - Date.now()))));
    }
    throw last instanceof Error ? last : new PeerDialError('PEER_NOT_READY', `dial target "${account}": no attempt within the deadline`, { account });
  }

  /** Drops a peer's pooled channel (e.g. after its registry address changed). */
  evict(account: string): void {
    const entry = this.pool.get(account);
    if (!entry) return;
    this.pool.delete(account);
    for (const c of entry.clients.values()) c.close();
    entry.channel.close();
  }

  close(): void {
    this.closed = true;
    for (const account of [...this.pool.keys()]) this.evict(account);
  }

  private readonly defaultDeadline: grpc.Interceptor = (options, nextCall) => {
    const withDeadline = options.deadline === undefined || options.deadline === Infinity ? { ...options, deadline: Date.now() + this.callTimeoutMs } : options;
    return new grpc.InterceptingCall(nextCall(withDeadline));
  };

  // Clients built on channelOverride ignore their credentials argument; grpc-js still requires one.
  private credentialsPlaceholder(): grpc.ChannelCredentials {
    return grpc.credentials.createInsecure();
  }

  private entryFor(account: string): Promise<PoolEntry> {
    if (this.closed) return Promise.reject(new PeerDialError('DIALER_CLOSED', 'peer dialer is closed'));
    checkAccountAddress(account, 'account');
    const existing = this.pool.get(account);
    if (existing && Date.now() - existing.resolvedAt < this.resolveTtlMs) return Promise.resolve(existing);
    let p = this.pending.get(account);
    if (!p) {
      p = this.resolveEntry(account, existing).finally(() => this.pending.delete(account));
      this.pending.set(account, p);
    }
    return p;
  }

  private async resolveEntry(account: string, existing: PoolEntry | undefined): Promise<PoolEntry> {
    let raw: string;
    try {
      raw = await this.options.resolver.resolvePeerAddress(account);
    } catch (err) {
      if (existing) return existing; // keep using the known address while the chain is unreachable
      throw new PeerDialError('PEER_RESOLVE_FAILED', `resolve target "${account}": ${(err as Error).message}`, { account }, { cause: err });
    }
    if (typeof raw !== 'string' || raw.trim() === '') throw new PeerDialError('PEER_NO_ADDRESS', `no address for target "${account}"`, { account });
    let hostPort: HostPort;
    try {
      hostPort = parsePeerHostPort(raw, this.options.defaultPort);
    } catch (err) {
      throw new PeerDialError('PEER_BAD_ADDRESS', `invalid address "${raw}" for target "${account}"`, { account, address: raw }, { cause: err });
    }
    if (existing && existing.hostPort.host === hostPort.host && existing.hostPort.port === hostPort.port) {
      existing.resolvedAt = Date.now();
      return existing;
    }
    if (existing) {
      this.logger.info({ account, from: grpcTarget(existing.hostPort), to: grpcTarget(hostPort) }, 'peer address changed; reconnecting');
      this.evict(account);
    }
    if (this.closed) throw new PeerDialError('DIALER_CLOSED', 'peer dialer is closed');
    const credentials = new AltsChannelCredentials({
      signer: this.options.signer,
      verifier: this.options.verifier,
      expectedServer: account,
      peerType: this.options.peerType,
      timeoutMs: this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      limiter: this.limiter,
    });
    const channel = new grpc.Channel(grpcTarget(hostPort), credentials, {
      'grpc-node.flow_control_window': DEFAULT_FLOW_CONTROL_WINDOW,
      // Notice a peer that vanished without a FIN during a long call. Only while calls are active and no
      // more often than grpc-go's default enforcement (5 min), so Go servers do not answer too_many_pings.
      'grpc.keepalive_time_ms': 300_000,
      'grpc.keepalive_timeout_ms': 20_000,
      'grpc.keepalive_permit_without_calls': 0,
      ...this.options.grpcOptions,
      // One subchannel (hence one connection, one handshake at a time) per peer channel.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.initial_reconnect_backoff_ms': this.options.initialBackoffMs ?? 1000,
      'grpc.max_reconnect_backoff_ms': this.options.maxBackoffMs ?? 30_000,
    });
    const entry: PoolEntry = { account, hostPort, channel, resolvedAt: Date.now(), clients: new Map() };
    this.pool.set(account, entry);
    return entry;
  }
}

/**
 * A gRPC server reachable only over lumera-alts (spec 05 §5.10 A): we own the TCP listener, run the server
 * handshake on each accepted socket (deadline + concurrency cap), and hand the secured stream to grpc-js
 * through its (public) connection injector. Each authenticated connection gets its own lightweight
 * grpc.Server whose handlers are bound to that connection's verified identity (caller.ts); handlers read it
 * with `callerOf(call)`.
 */
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { InvalidArgumentError } from '../util/errors.js';
import { serverHandshake, DEFAULT_HANDSHAKE_TIMEOUT_MS, type RemoteIdentity } from './handshake.js';
import { HandshakeLimiter, DEFAULT_MAX_CONCURRENT_HANDSHAKES } from './handshake-limiter.js';
import { secureSocket, type AltsSocketOptions } from './alts-socket.js';
import { bindCaller } from './caller.js';
import type { AccountSigner, PeerType } from './handshake-message.js';
import type { RemoteIdentityVerifier } from './identity-verifier.js';
import { errorMessage } from '../util/errors.js';
import { isTransportError, type TransportErrorCode } from './errors.js';

export interface AltsServerOptions extends AltsSocketOptions {
  signer: AccountSigner;
  verifier: RemoteIdentityVerifier;
  handshakeTimeoutMs?: number;
  maxConcurrentHandshakes?: number;
  acceptPeerTypes?: readonly PeerType[];
  /** Open TCP connections (authenticated or not) beyond which new ones are dropped. Default 1024. */
  maxConnections?: number;
  logger?: Logger;
  grpcOptions?: grpc.ServerOptions;
}

/** Observability hooks (metrics, tests). `remote` is the TCP peer `ip:port`. */
export interface ServerEvents {
  /** A handshake was refused or failed. */
  onHandshakeError?: (err: Error, remote: string) => void;
  /** A peer completed the handshake. */
  onHandshake?: (identity: RemoteIdentity, remote: string) => void;
  /** An authenticated connection failed (bad record frame, socket error). */
  onConnectionError?: (err: Error, identity: RemoteIdentity, remote: string) => void;
}

const QUIET_REFUSALS = new Set<TransportErrorCode>(['ALTS_BAD_HANDSHAKE', 'ALTS_HANDSHAKE_TIMEOUT', 'ALTS_CONNECTION_CLOSED', 'ALTS_HANDSHAKE_BUSY']);

interface ConnectionServer {
  server: grpc.Server;
  injector: grpc.ConnectionInjector;
}

export class AltsGrpcServer {
  private readonly tcp: net.Server;
  private readonly services: Array<{ definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation }> = [];
  private readonly connections = new Set<ConnectionServer>();
  private readonly limiter: HandshakeLimiter;
  private readonly logger: Logger;
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  constructor(private readonly options: AltsServerOptions & ServerEvents) {
    const timeout = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout < 1) throw new InvalidArgumentError('handshakeTimeoutMs', `must be a positive integer, got ${timeout}`);
    this.logger = options.logger ?? silentLogger();
    this.limiter = new HandshakeLimiter(options.maxConcurrentHandshakes ?? DEFAULT_MAX_CONCURRENT_HANDSHAKES);
    const maxConnections = options.maxConnections ?? 1024;
    if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new InvalidArgumentError('maxConnections', `must be a positive integer, got ${maxConnections}`);
    this.tcp = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.tcp.maxConnections = maxConnections;
  }

  get address(): string {
    return this.options.signer.address;
  }

  /** Registers a service for every connection accepted from now on. */
  addService<I extends grpc.UntypedServiceImplementation>(service: grpc.ServiceDefinition<I>, implementation: I): void {
    if (this.services.some((s) => s.definition === service)) throw new InvalidArgumentError('service', 'is already registered');
    this.services.push({ definition: service as grpc.ServiceDefinition, implementation });
  }

  /** Number of authenticated connections currently open. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Listens on host:port (port 0 = any); resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port', `must be an integer in 0..65535, got ${port}`);
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        resolve((this.tcp.address() as net.AddressInfo).port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // reported through the handshake or the secured stream
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    serverHandshake(socket, {
      signer: this.options.signer,
      verifier: this.options.verifier,
      timeoutMs: this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      limiter: this.limiter,
      acceptPeerTypes: this.options.acceptPeerTypes,
    }).then(
      (result) => {
        if (this.closed || socket.destroyed) {
          socket.destroy();
          return;
        }
        const secured = secureSocket(socket, result, this.options);
        // channelz off by default: one grpc.Server per connection would otherwise register one entry each.
        // Idle connections are closed (GOAWAY) after 30 min; peers redial on demand.
        const server = new grpc.Server({ 'grpc.enable_channelz': 0, 'grpc.max_connection_idle_ms': 30 * 60_000, ...this.options.grpcOptions });
        for (const s of this.services) server.addService(s.definition, bindCaller(s.definition, s.implementation, result.remote));
        const conn: ConnectionServer = { server, injector: server.createConnectionInjector(grpc.ServerCredentials.createInsecure()) };
        this.connections.add(conn);
        secured.once('close', () => {
          this.connections.delete(conn);
          conn.injector.destroy();
          server.forceShutdown();
        });
        secured.on('error', (err) => {
          this.logger.info({ remote, account: result.remote.address, err: errorMessage(err) }, 'lumera-alts connection failed');
          this.options.onConnectionError?.(err, result.remote, remote);
        });
        this.logger.debug({ remote, account: result.remote.address, peerType: result.remote.peerType }, 'lumera-alts peer authenticated');
        this.options.onHandshake?.(result.remote, remote);
        conn.injector.injectConnection(secured);
      },
      (err: Error) => {
        // Port scanners and dropped connections are routine (debug); a chain we cannot ask is not (warn).
        const code = isTransportError(err) ? err.code : 'ALTS_BAD_HANDSHAKE';
        const level = code === 'ALTS_CHAIN_UNAVAILABLE' ? 'warn' : QUIET_REFUSALS.has(code) ? 'debug' : 'info';
        this.logger[level]({ remote, code, err: errorMessage(err) }, 'lumera-alts handshake refused');
        this.options.onHandshakeError?.(err, remote);
      },
    );
  }

  /** Stops accepting, lets calls finish for up to graceMs, then closes every connection. */
  async close(graceMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // net.Server#close only calls back once every connection has ended, so wait for it last.
    const tcpClosed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await Promise.all(
      [...this.connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              conn.server.forceShutdown();
              resolve();
            }, graceMs);
            timer.unref();
            conn.server.tryShutdown(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    for (const conn of this.connections) conn.injector.destroy();
    this.connections.clear();
    for (const s of this.sockets) s.destroy();
    await tcpClosed;
  }
}

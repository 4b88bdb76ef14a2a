/**
 * The lumera-alts handshake state machine over a connected TCP socket (spec 05 §5.3, §5.5).
 *
 *   client: send own message → read server message → verify server (incl. expected identity) → keys
 *   server: read client message → verify client → send own message → keys
 *
 * Deviation from the Go server, on purpose: it replies before verifying the client; we verify first and
 * close without replying when the client is refused, so nothing is signed for an unauthenticated peer. A
 * Go client cannot tell the difference (it waits for the reply either way).
 *
 * The whole exchange, chain check included, runs under one deadline (30 s by default); on any failure the
 * socket is destroyed and the promise rejects with a TransportError naming the reason.
 */
import type { Socket } from 'node:net';
import { TransportError, isTransportError } from './errors.js';
import { EphemeralKey, deriveRecordKeys, type RecordKeys } from './record-keys.js';
import {
  MAX_HANDSHAKE_INFO_BYTES,
  MAX_HANDSHAKE_SIGNATURE_BYTES,
  PEER_TYPE_SIMPLENODE,
  PEER_TYPE_SUPERNODE,
  buildHandshakeMessage,
  verifyHandshakeInfo,
  type AccountSigner,
  type PeerType,
  type VerifiedHandshakeInfo,
} from './handshake-message.js';
import type { RemoteIdentityVerifier } from './identity-verifier.js';
import type { HandshakeLimiter } from './handshake-limiter.js';
import type { Side } from './record-cipher.js';

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;

/** The verified identity of the other end of a connection. */
export interface RemoteIdentity {
  /** bech32 account, verified against the account key, the signature and the chain. */
  address: string;
  peerType: PeerType;
}

export interface HandshakeResult {
  side: Side;
  remote: RemoteIdentity;
  keys: RecordKeys;
  /** Bytes that arrived after the remote's handshake message (already record frames). */
  leftover: Buffer;
}

export interface CommonHandshakeOptions {
  signer: AccountSigner;
  verifier: RemoteIdentityVerifier;
  timeoutMs?: number;
  limiter?: HandshakeLimiter;
}

export interface ClientHandshakeOptions extends CommonHandshakeOptions {
  /** The identity before `@` in `<bech32>@host:port`; the server must prove it is this account. */
  expectedServer: string;
  /** Our declared peer type; supernode-to-supernode clients use Supernode (2). */
  peerType?: PeerType;
}

export interface ServerHandshakeOptions extends CommonHandshakeOptions {
  /** Peer types this server accepts from clients; default both (the Go server accepts both). */
  acceptPeerTypes?: readonly PeerType[];
}

/** Collects socket bytes so that the handshake can read exact lengths; hands back what is left. */
class SocketReader {
  private chunks: Buffer[] = [];
  private avail = 0;
  private waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.avail += chunk.length;
    this.pump();
  };
  private readonly onEnd = (): void => this.fail(new TransportError('ALTS_CONNECTION_CLOSED', 'connection closed during the handshake'));
  private readonly onError = (err: Error): void =>
    this.fail(new TransportError('ALTS_CONNECTION_CLOSED', `connection failed during the handshake: ${err.message}`, {}, { cause: err }));

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  read(n: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      this.pump();
    });
  }

  async readLengthPrefixed(field: string, max: number): Promise<Buffer> {
    const len = (await this.read(4)).readUInt32BE(0);
    if (len > max) throw new TransportError('ALTS_BAD_HANDSHAKE', `handshake ${field} length ${len} is above the limit ${max}`, { field, length: len, limit: max });
    if (len === 0) throw new TransportError('ALTS_BAD_HANDSHAKE', `handshake ${field} is empty`, { field });
    return this.read(len);
  }

  /** Throws the failure (deadline, close) if there was one, so that a late step does not write. */
  ensureOpen(): void {
    if (this.failure) throw this.failure;
  }

  fail(err: Error): void {
    if (!this.failure) this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.failure);
  }

  /** Stops listening, pauses the socket and returns the unread bytes. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.pause();
    const rest = Buffer.concat(this.chunks, this.avail);
    this.chunks = [];
    this.avail = 0;
    return rest;
  }

  private pump(): void {
    const w = this.waiter;
    if (!w || this.avail < w.n) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.avail);
    this.waiter = null;
    const rest = all.subarray(w.n);
    this.chunks = rest.length ? [rest] : [];
    this.avail = rest.length;
    w.resolve(all.subarray(0, w.n));
  }
}

async function readHandshakeMessage(reader: SocketReader): Promise<VerifiedHandshakeInfo> {
  const info = await reader.readLengthPrefixed('HandshakeInfo', MAX_HANDSHAKE_INFO_BYTES);
  const signature = await reader.readLengthPrefixed('signature', MAX_HANDSHAKE_SIGNATURE_BYTES);
  return verifyHandshakeInfo(info, signature);
}

/** Step 4: the chain check selected by the remote's self-declared peer type. */
async function checkOnChain(remote: VerifiedHandshakeInfo, verifier: RemoteIdentityVerifier, allowed: readonly PeerType[]): Promise<RemoteIdentity> {
  const peerType = remote.peerType;
  if (peerType !== PEER_TYPE_SIMPLENODE && peerType !== PEER_TYPE_SUPERNODE) {
    throw new TransportError('ALTS_BAD_PEER_TYPE', `peer_type ${peerType} of ${remote.address} is neither 1 (Simplenode) nor 2 (Supernode)`, { remote: remote.address, peerType });
  }
  if (!allowed.includes(peerType)) {
    throw new TransportError('ALTS_BAD_PEER_TYPE', `peer_type ${peerType} of ${remote.address} is not accepted here (allowed: ${allowed.join(', ')})`, { remote: remote.address, peerType });
  }
  let ok: boolean;
  try {
    ok = peerType === PEER_TYPE_SUPERNODE ? await verifier.isRegisteredSupernode(remote.address) : await verifier.accountExists(remote.address);
  } catch (err) {
    throw new TransportError('ALTS_CHAIN_UNAVAILABLE', `chain check of ${remote.address} failed: ${(err as Error).message}`, { remote: remote.address }, { cause: err });
  }
  if (!ok) {
    const what = peerType === PEER_TYPE_SUPERNODE ? 'a registered supernode' : 'an existing account';
    throw new TransportError('ALTS_NOT_REGISTERED', `${remote.address} is not ${what}`, { remote: remote.address, peerType });
  }
  return { address: remote.address, peerType };
}

async function withDeadline<T>(socket: Socket, reader: SocketReader, options: CommonHandshakeOptions, run: () => Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TransportError('ALTS_HANDSHAKE_TIMEOUT', `handshake did not finish within ${timeoutMs} ms`, { timeoutMs });
      reader.fail(err);
      reject(err);
    }, timeoutMs);
  });
  let release: (() => void) | undefined;
  try {
    const acquire = options.limiter ? options.limiter.acquire() : Promise.resolve(() => {});
    try {
      release = await Promise.race([acquire, deadline]);
    } catch (err) {
      // Timed out in the queue: give the slot back as soon as it is granted.
      acquire.then((r) => r(), () => {});
      throw err;
    }
    return await Promise.race([run(), deadline]);
  } catch (err) {
    socket.destroy();
    throw isTransportError(err) ? err : new TransportError('ALTS_BAD_HANDSHAKE', `handshake failed: ${(err as Error).message}`, {}, { cause: err });
  } finally {
    clearTimeout(timer);
    release?.();
  }
}

export function clientHandshake(socket: Socket, options: ClientHandshakeOptions): Promise<HandshakeResult> {
  const reader = new SocketReader(socket);
  return withDeadline(socket, reader, options, async () => {
    const ephemeral = EphemeralKey.generate();
    socket.write(buildHandshakeMessage(options.signer, options.peerType ?? PEER_TYPE_SUPERNODE, ephemeral.publicKey));
    const server = await readHandshakeMessage(reader);
    // Step 5 before the chain lookup: it is local and cheaper, and the outcome is the same.
    if (server.address !== options.expectedServer) {
      throw new TransportError('ALTS_WRONG_IDENTITY', `server is ${server.address}, expected ${options.expectedServer}`, {
        remote: server.address,
        expected: options.expectedServer,
      });
    }
    // Servers always declare Supernode (spec 05 §5.1); a server claiming anything else is refused.
    const remote = await checkOnChain(server, options.verifier, [PEER_TYPE_SUPERNODE]);
    const keys = deriveRecordKeys(ephemeral.sharedSecret(server.ephemeralPublicKey), options.signer.address, server.address);
    reader.ensureOpen();
    return { side: 'client' as const, remote, keys, leftover: reader.detach() };
  });
}

export function serverHandshake(socket: Socket, options: ServerHandshakeOptions): Promise<HandshakeResult> {
  const reader = new SocketReader(socket);
  return withDeadline(socket, reader, options, async () => {
    const client = await readHandshakeMessage(reader);
    const remote = await checkOnChain(client, options.verifier, options.acceptPeerTypes ?? [PEER_TYPE_SIMPLENODE, PEER_TYPE_SUPERNODE]);
    const ephemeral = EphemeralKey.generate();
    const secret = ephemeral.sharedSecret(client.ephemeralPublicKey);
    reader.ensureOpen();
    socket.write(buildHandshakeMessage(options.signer, PEER_TYPE_SUPERNODE, ephemeral.publicKey));
    const keys = deriveRecordKeys(secret, client.address, options.signer.address);
    reader.ensureOpen();
    return { side: 'server' as const, remote, keys, leftover: reader.detach() };
  });
}

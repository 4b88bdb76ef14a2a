/**
 * The secured byte stream after a lumera-alts handshake: a Duplex whose writes leave as sealed record
 * frames on the TCP socket and whose reads are the opened plaintexts. grpc-js runs HTTP/2 over it on both
 * the client (custom connector) and the server (connection injector). Any bad frame destroys the stream
 * with a TransportError (replayed, reordered or tampered frames fail authentication; the connection is
 * not recoverable after that, as in the reference).
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES, RecordOpener, RecordSealer, TAG_BYTES, type Side } from './record-cipher.js';
import type { HandshakeResult, RemoteIdentity } from './handshake.js';

const SOCKET_BUFFER_LIMIT = 1024 * 1024;

/**
 * Plaintext bytes per frame this socket writes by default: 64 KiB frames. Spec 05 §5.7: every reader (the
 * Go reader included) accepts frames up to 1 MiB, and the vectors made with the Go code confirm a frame larger
 * than the Go writer's 4 KiB is accepted; only the Go *writer* cuts at 4 KiB. The record layer costs a fresh
 * AEAD context per frame, so 64 KiB frames spend ~3x less CPU per byte than 4 KiB ones (bench/transport.ts);
 * they match the size of one TCP read, and bound what a reader buffers before it can authenticate.
 */
export const DEFAULT_SOCKET_PLAINTEXT_PER_FRAME = 64 * 1024 - FRAME_HEADER_BYTES - TAG_BYTES;

export interface AltsSocketOptions {
  /** Plaintext bytes per frame we write; DEFAULT_SOCKET_PLAINTEXT_PER_FRAME unless told otherwise (4072 = the Go writer's size). */
  maxPlaintextPerFrame?: number;
}

export class AltsSocket extends Duplex {
  /** The verified account at the other end. */
  readonly remoteIdentity: RemoteIdentity;
  readonly side: Side;
  private readonly sealer: RecordSealer;
  private readonly opener: RecordOpener;
  private readonly inner: Socket;

  constructor(socket: Socket, handshake: HandshakeResult, options: AltsSocketOptions = {}) {
    super({ allowHalfOpen: false });
    this.inner = socket;
    this.side = handshake.side;
    this.remoteIdentity = handshake.remote;
    const peerSide: Side = handshake.side === 'client' ? 'server' : 'client';
    this.sealer = new RecordSealer(handshake.keys.key, handshake.keys.nonceMask, handshake.side, options.maxPlaintextPerFrame ?? DEFAULT_SOCKET_PLAINTEXT_PER_FRAME);
    this.opener = new RecordOpener(handshake.keys.key, handshake.keys.nonceMask, peerSide);
    socket.on('data', (chunk: Buffer) => this.onCiphertext(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
    if (handshake.leftover.length) this.onCiphertext(handshake.leftover);
    socket.resume();
  }

  // net.Socket-like surface used by grpc-js (peer strings, channelz) and by node:http2.
  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.inner.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }
  get localPort(): number | undefined {
    return this.inner.localPort;
  }
  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.inner.setKeepAlive(enable, initialDelay);
    return this;
  }
  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms, callback);
    return this;
  }
  ref(): this {
    this.inner.ref();
    return this;
  }
  unref(): this {
    this.inner.unref();
    return this;
  }

  private onCiphertext(chunk: Buffer): void {
    if (this.destroyed) return;
    const out: Buffer[] = [];
    let failure: unknown = null;
    try {
      this.opener.open(chunk, out);
    } catch (err) {
      failure = err;
    }
    let more = true;
    // One push per received chunk: fewer stream events for HTTP/2 at the cost of one copy.
    if (out.length === 1) more = this.push(out[0]);
    else if (out.length > 1) more = this.push(Buffer.concat(out));
    if (failure) {
      this.destroy(failure as Error);
      return;
    }
    if (!more) this.inner.pause();
  }

  override _read(): void {
    if (this.inner.isPaused()) this.inner.resume();
  }

  // Our own backpressure bound on the TCP socket's buffer. net.Socket's 16 KiB high-water mark would make
  // almost every sealed write wait for 'drain', and node:http2 keeps one write in flight at a time, so
  // the whole connection would advance one event-loop turn per write. The pieces of one sealed write go
  // out corked, as one writev.
  private sendSealed(pieces: Buffer[], callback: (error?: Error | null) => void): void {
    if (pieces.length === 0) return callback();
    this.inner.cork();
    for (const piece of pieces) this.inner.write(piece);
    this.inner.uncork();
    if (this.inner.writableLength <= SOCKET_BUFFER_LIMIT) callback();
    else this.inner.once('drain', () => callback());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  // Batched writes are sealed as one write: full frames instead of one short frame per HTTP/2 chunk.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    let pieces: Buffer[];
    try {
      pieces = this.sealer.sealv(chunks.map((c) => c.chunk));
    } catch (err) {
      return callback(err as Error);
    }
    this.sendSealed(pieces, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(err);
  }
}

/** Wraps a socket whose handshake has finished. */
export function secureSocket(socket: Socket, handshake: HandshakeResult, options?: AltsSocketOptions): AltsSocket {
  return new AltsSocket(socket, handshake, options);
}

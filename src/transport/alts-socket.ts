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
 * than the Go writer's 4 KiB is accepted; only the Go *writer* cuts at 4 KiB. Each frame costs one AEAD call
 * with its own setup, so a 256 MiB stream in 64 KiB frames takes ~25% less CPU on each side than in 4 KiB
 * frames (bench/transport.ts; 16–256 KiB measured alike). 64 KiB is the size of one TCP read and bounds what
 * a reader buffers before it can authenticate.
 */
export const DEFAULT_SOCKET_PLAINTEXT_PER_FRAME = 64 * 1024 - FRAME_HEADER_BYTES - TAG_BYTES;

export interface AltsSocketOptions {
  /** Plaintext bytes per frame we write; DEFAULT_SOCKET_PLAINTEXT_PER_FRAME unless told otherwise (4072 = the Go writer's size). */
  maxPlaintextPerFrame?: number;
}

/*
 * Wire buffers for large sealed writes are reused once the socket has written them (its write callback),
 * shared by all connections of the process: bulk transfers otherwise allocate, and leave to the garbage
 * collector, one ~1 MiB buffer per HTTP/2 write. The pool is small and bounded; a buffer whose write never
 * completes (socket destroyed) is simply collected.
 */
const WIRE_BUFFER_BYTES = 2 * 1024 * 1024;
const POOLED_WRITE_MIN = 64 * 1024;
const MAX_POOLED_WIRE_BUFFERS = 8;
const wireBuffers: ArrayBuffer[] = [];

function takeWireBuffer(bytes: number): Buffer {
  if (bytes < POOLED_WRITE_MIN || bytes > WIRE_BUFFER_BYTES) return Buffer.allocUnsafe(bytes);
  const memory = wireBuffers.pop() ?? new ArrayBuffer(WIRE_BUFFER_BYTES);
  return Buffer.from(memory, 0, bytes);
}

function giveBackWireBuffer(sealed: Buffer): void {
  const memory = sealed.buffer;
  if (memory instanceof ArrayBuffer && memory.byteLength === WIRE_BUFFER_BYTES && wireBuffers.length < MAX_POOLED_WIRE_BUFFERS) wireBuffers.push(memory);
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
    for (const plaintext of joinInPlace(chunk, out)) more = this.push(plaintext);
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
  // the whole connection would advance one event-loop turn per write.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  // Batched writes (node:http2 hands over a frame header and payload slices per HTTP/2 frame) are sealed as
  // ONE write: full record frames in one buffer, one socket write.
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    let sealed: Buffer;
    try {
      sealed = this.sealer.sealv(chunks.map((c) => c.chunk), takeWireBuffer);
    } catch (err) {
      return callback(err as Error);
    }
    if (sealed.length === 0) return callback();
    if (sealed.length >= POOLED_WRITE_MIN) this.inner.write(sealed, () => giveBackWireBuffer(sealed));
    else this.inner.write(sealed);
    if (this.inner.writableLength <= SOCKET_BUFFER_LIMIT) callback();
    else this.inner.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(err);
  }
}

/**
 * The plaintexts of one received chunk as few buffers as possible: frames opened in place inside `chunk`
 * are moved together (a memmove over the headers and tags between them) into one view; a frame that was
 * collected across reads stays a buffer of its own. Empty plaintexts are dropped.
 */
function joinInPlace(chunk: Buffer, plaintexts: Buffer[]): Buffer[] {
  if (plaintexts.length <= 1) return plaintexts.length === 1 && plaintexts[0]!.length === 0 ? [] : plaintexts;
  const joined: Buffer[] = [];
  let runStart = -1; // offset in `chunk` of the view being built, -1 when none
  let runEnd = 0;
  const flush = (): void => {
    if (runStart >= 0 && runEnd > runStart) joined.push(chunk.subarray(runStart, runEnd));
    runStart = -1;
  };
  for (const p of plaintexts) {
    if (p.length === 0) continue;
    const inChunk = p.buffer === chunk.buffer && p.byteOffset >= chunk.byteOffset && p.byteOffset + p.length <= chunk.byteOffset + chunk.length;
    if (!inChunk) {
      flush();
      joined.push(p);
      continue;
    }
    const at = p.byteOffset - chunk.byteOffset;
    if (runStart < 0) {
      runStart = at;
      runEnd = at + p.length;
    } else {
      // Later frames sit further on in the chunk, so the target never overtakes a byte not yet moved.
      chunk.copyWithin(runEnd, at, at + p.length);
      runEnd += p.length;
    }
  }
  flush();
  return joined;
}

/** Wraps a socket whose handshake has finished. */
export function secureSocket(socket: Socket, handshake: HandshakeResult, options?: AltsSocketOptions): AltsSocket {
  return new AltsSocket(socket, handshake, options);
}

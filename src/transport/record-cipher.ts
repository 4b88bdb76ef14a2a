/**
 * The lumera-alts record layer (spec 05 §5.7): frames `[u32 LE length][u32 LE type = 6][ciphertext ‖ tag]`
 * sealed with XChaCha20-Poly1305 (no associated data) under nonce = (counter XOR mask) ‖ 12 zero bytes.
 *
 * Frames are sealed and opened in place (xchacha-aead.ts): the sealer copies a write's plaintext once into
 * the buffer that goes on the wire and encrypts it there; the opener decrypts a frame that arrived whole
 * inside the received chunk itself, and copies only a frame that straddles reads into a buffer of its own.
 */
import { TransportError } from './errors.js';
import { InvalidArgumentError } from '../util/errors.js';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, openInPlace, sealInPlace } from './xchacha-aead.js';

export const FRAME_HEADER_BYTES = 8;
export const TAG_BYTES = AEAD_TAG_BYTES;
export const FRAME_MESSAGE_TYPE = 6;
/** Largest value of the length field a reader accepts (the length counts type + ciphertext + tag). */
export const MAX_FRAME_LENGTH = 1024 * 1024;
/** The Go writer's frame size: 4096-byte frames, i.e. 4072 plaintext bytes each. */
export const DEFAULT_MAX_PLAINTEXT_PER_FRAME = 4096 - FRAME_HEADER_BYTES - TAG_BYTES;
const MIN_FRAME_LENGTH = 4 + TAG_BYTES;
/** Wire bytes a frame adds to its plaintext. */
const FRAME_OVERHEAD = FRAME_HEADER_BYTES + TAG_BYTES;
const EMPTY = Buffer.alloc(0);

export type Side = 'client' | 'server';

// The nonce's counter words are written in host order, which is little-endian on every platform this
// daemon runs on; refuse to run anywhere else rather than produce wrong nonces.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('lumera-alts record layer needs a little-endian host');

/**
 * Per-direction frame counter and nonce. Counter = 12 bytes little-endian; only the low 8 bytes count
 * (error after 2⁶⁴ frames); the server→client direction has byte 11 = 0x80. The nonce is that counter
 * XOR the mask, followed by 12 zero bytes.
 */
class CounterNonce {
  private lo = 0;
  private hi = 0;
  readonly key: Uint8Array;
  private readonly mask32: Uint32Array;
  private readonly top: number;
  /** The 24-byte nonce of the current counter value (rewritten by `advance`). */
  readonly nonce = new Uint8Array(AEAD_NONCE_BYTES);
  private readonly nonce32 = new Uint32Array(this.nonce.buffer, 0, 3);

  constructor(key: Uint8Array, nonceMask: Uint8Array, writer: Side) {
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new InvalidArgumentError('key', 'must be 32 bytes');
    if (!(nonceMask instanceof Uint8Array) || nonceMask.length !== 12) throw new InvalidArgumentError('nonceMask', 'must be 12 bytes');
    this.key = new Uint8Array(key); // owned copy
    this.mask32 = new Uint32Array(new Uint8Array(nonceMask).buffer, 0, 3);
    // Byte 11 = 0x80 ⇒ the third little-endian word is 0x80000000.
    this.top = writer === 'server' ? 0x80000000 : 0;
    this.writeNonce();
  }

  private writeNonce(): void {
    this.nonce32[0] = (this.lo ^ this.mask32[0]!) >>> 0;
    this.nonce32[1] = (this.hi ^ this.mask32[1]!) >>> 0;
    this.nonce32[2] = (this.top ^ this.mask32[2]!) >>> 0;
  }

  advance(): void {
    if (this.lo === 0xffffffff) {
      if (this.hi === 0xffffffff) throw new TransportError('ALTS_COUNTER_OVERFLOW', 'record counter exhausted after 2^64 frames');
      this.lo = 0;
      this.hi++;
    } else {
      this.lo++;
    }
    this.writeNonce();
  }
}

/** Seals outgoing writes into frames; one instance per connection direction. */
export class RecordSealer {
  private readonly counter: CounterNonce;
  readonly maxPlaintextPerFrame: number;

  /** `side` is the side that writes with this sealer. */
  constructor(key: Uint8Array, nonceMask: Uint8Array, side: Side, maxPlaintextPerFrame = DEFAULT_MAX_PLAINTEXT_PER_FRAME) {
    if (!Number.isInteger(maxPlaintextPerFrame) || maxPlaintextPerFrame < 1 || maxPlaintextPerFrame > MAX_FRAME_LENGTH - MIN_FRAME_LENGTH) {
      throw new InvalidArgumentError('maxPlaintextPerFrame', `must be an integer in 1..${MAX_FRAME_LENGTH - MIN_FRAME_LENGTH}`);
    }
    this.counter = new CounterNonce(key, nonceMask, side);
    this.maxPlaintextPerFrame = maxPlaintextPerFrame;
  }

  /** How many frames one write of `length` bytes becomes (an empty write sends nothing). */
  frameCount(length: number): number {
    return Math.ceil(length / this.maxPlaintextPerFrame);
  }

  /** Seals one write: every frame it is cut into, back to back in one buffer. */
  seal(plaintext: Uint8Array): Buffer {
    return this.sealv([plaintext]);
  }

  /**
   * Seals several buffers as ONE write (the same frames as sealing their concatenation): their bytes are
   * copied once, straight to their places in the wire buffer, and each frame is then encrypted in place.
   * Returns all frames back to back (empty for an empty write), in a buffer from `allocate` (which may hand
   * out reused memory: every byte of it is overwritten).
   */
  sealv(chunks: readonly Uint8Array[], allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer {
    let length = 0;
    for (const c of chunks) length += c.length;
    if (length === 0) return EMPTY;
    const max = this.maxPlaintextPerFrame;
    const frames = Math.ceil(length / max);
    const out = allocate(length + frames * FRAME_OVERHEAD);
    // Scatter the plaintext into the frame bodies: plaintext byte p goes to frame ⌊p/max⌋, offset p mod max.
    let position = 0;
    for (const chunk of chunks) {
      for (let off = 0; off < chunk.length; ) {
        const inFrame = position % max;
        const take = Math.min(chunk.length - off, max - inFrame);
        out.set(take === chunk.length ? chunk : chunk.subarray(off, off + take), ((position - inFrame) / max) * (max + FRAME_OVERHEAD) + FRAME_HEADER_BYTES + inFrame);
        off += take;
        position += take;
      }
    }
    for (let i = 0, start = 0; i < frames; i++) {
      const n = Math.min(max, length - i * max);
      out.writeUInt32LE(4 + n + TAG_BYTES, start);
      out.writeUInt32LE(FRAME_MESSAGE_TYPE, start + 4);
      const bodyEnd = start + FRAME_HEADER_BYTES + n + TAG_BYTES;
      sealInPlace(out.subarray(start + FRAME_HEADER_BYTES, bodyEnd), this.counter.nonce, this.counter.key);
      this.counter.advance();
      start = bodyEnd;
    }
    return out;
  }
}

/**
 * Reassembles frames from a byte stream and opens them in order. Refuses a length field above 1 MiB as soon
 * as the header arrives, a type whose low byte is not 6, and any frame that fails authentication (tamper,
 * replay, reorder or wrong direction all show up that way). After an error the opener must be discarded.
 *
 * `open` takes ownership of the chunks it is given: a frame that lies whole inside a chunk is decrypted
 * there, in place, and its plaintext handed out as a view of that chunk. A frame that straddles reads is
 * collected into a buffer of its own and opened once its last byte has arrived, so no plaintext of a frame
 * is released before its tag has been checked.
 */
export class RecordOpener {
  private readonly counter: CounterNonce;
  private readonly head = Buffer.alloc(FRAME_HEADER_BYTES);
  private headLen = 0;
  /** Ciphertext ‖ tag of a frame whose header has arrived, and how much of it has. */
  private partial: Buffer | null = null;
  private partialLen = 0;
  private failed: TransportError | null = null;

  /** `writerSide` is the side that wrote the frames this opener reads. */
  constructor(key: Uint8Array, nonceMask: Uint8Array, writerSide: Side) {
    this.counter = new CounterNonce(key, nonceMask, writerSide);
  }

  /** Bytes received but not yet part of a complete frame. */
  get buffered(): number {
    return this.partial ? FRAME_HEADER_BYTES + this.partialLen : this.headLen;
  }

  /**
   * Feeds received bytes (see the class comment: the opener now owns them); appends the plaintext of every
   * completed frame to `out`, in order, one buffer per frame. Throws a TransportError on the first bad
   * frame, after appending the plaintexts of the good frames before it.
   */
  open(chunk: Uint8Array, out: Buffer[]): void {
    if (this.failed) throw this.failed;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      let off = 0;
      while (off < buf.length) {
        if (this.partial) {
          const take = Math.min(this.partial.length - this.partialLen, buf.length - off);
          buf.copy(this.partial, this.partialLen, off, off + take);
          this.partialLen += take;
          off += take;
          if (this.partialLen === this.partial.length) {
            const body = this.partial;
            this.partial = null;
            out.push(this.openBody(body));
          }
          continue;
        }
        if (this.headLen === 0 && buf.length - off >= FRAME_HEADER_BYTES) {
          const end = off + 4 + this.frameLength(buf, off);
          this.checkType(buf, off);
          if (end <= buf.length) {
            out.push(this.openBody(buf.subarray(off + FRAME_HEADER_BYTES, end)));
            off = end;
          } else {
            this.startPartial(end - off);
            off += FRAME_HEADER_BYTES;
          }
          continue;
        }
        // A header split across reads: collect it, checking the length as soon as its 4 bytes are here.
        const take = Math.min(FRAME_HEADER_BYTES - this.headLen, buf.length - off);
        buf.copy(this.head, this.headLen, off, off + take);
        this.headLen += take;
        off += take;
        if (this.headLen >= 4) this.frameLength(this.head, 0);
        if (this.headLen === FRAME_HEADER_BYTES) {
          this.checkType(this.head, 0);
          this.headLen = 0;
          this.startPartial(4 + this.frameLength(this.head, 0));
        }
      }
    } catch (err) {
      this.failed = err instanceof TransportError ? err : new TransportError('ALTS_FRAME_AUTH', 'record frame could not be opened', {}, { cause: err });
      throw this.failed;
    }
  }

  /** A frame of `frameBytes` wire bytes (header included) whose header has been read and checked. */
  private startPartial(frameBytes: number): void {
    this.partial = Buffer.allocUnsafe(frameBytes - FRAME_HEADER_BYTES);
    this.partialLen = 0;
  }

  /** The length field at `off`, checked against the limits as soon as it arrives. */
  private frameLength(buf: Buffer, off: number): number {
    const length = buf.readUInt32LE(off);
    if (length > MAX_FRAME_LENGTH) {
      throw new TransportError('ALTS_FRAME_TOO_LARGE', `record frame length ${length} is above the limit ${MAX_FRAME_LENGTH}`, { length, limit: MAX_FRAME_LENGTH });
    }
    if (length < MIN_FRAME_LENGTH) {
      throw new TransportError('ALTS_FRAME_AUTH', `record frame length ${length} is below the minimum ${MIN_FRAME_LENGTH}`, { length });
    }
    return length;
  }

  private checkType(buf: Buffer, off: number): void {
    const type = buf.readUInt32LE(off + 4);
    // Only the low byte is checked, as the reference does (the header is not authenticated).
    if ((type & 0xff) !== FRAME_MESSAGE_TYPE) {
      throw new TransportError('ALTS_FRAME_TYPE', `record frame has message type ${type}, expected low byte ${FRAME_MESSAGE_TYPE}`, { type });
    }
  }

  /** Authenticates and decrypts `ciphertext ‖ tag` in place; returns the plaintext view and moves the counter on. */
  private openBody(body: Buffer): Buffer {
    if (!openInPlace(body, this.counter.nonce, this.counter.key)) {
      throw new TransportError('ALTS_FRAME_AUTH', 'record frame failed authentication (tampered, replayed, reordered or wrong direction)');
    }
    this.counter.advance();
    return body.subarray(0, body.length - TAG_BYTES);
  }
}

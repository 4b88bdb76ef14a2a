/**
 * In-memory cascade encode/decode: a file's bytes ⇄ layout + symbol packets (spec 05 §1.4, §4.4). The
 * file-level jobs in jobs.ts run these inside a worker thread; vectors and tests call them directly.
 */
import { CascadeError, type CascadeContext } from './errors.js';
import { blake3Base58 } from './hash.js';
import type { Layout } from './layout.js';
import { checkFileSize, encoderParameters, PACKET_BYTES, sourceSymbolCount, transferLengthOf } from './params.js';
import { BlockDecoder, encodePackets, packetHeader } from './raptorq.js';

export interface EncodedFile {
  layout: Layout;
  /** Packets in layout order (source ESI 0..K−1, then repair ESI K..K+R−1). */
  packets: Uint8Array[];
}

/** Encodes a whole file exactly as rq-library does for the supernode (one block, T = 65528, redundancy 6). */
export function encodeBytes(data: Uint8Array, ctx: CascadeContext = {}): EncodedFile {
  checkFileSize(data.length, ctx);
  const packets = encodePackets(data);
  const layout: Layout = {
    blocks: [
      {
        block_id: 0,
        encoder_parameters: [...encoderParameters(data.length)],
        original_offset: 0,
        size: data.length,
        symbols: packets.map((p) => blake3Base58(p)),
        hash: blake3Base58(data),
      },
    ],
  };
  return { layout, packets };
}

/** Why a symbol was not used in a decode. */
export interface RejectedSymbol {
  id: string;
  reason: 'truncated' | 'corrupted';
}

/**
 * Checks one fetched symbol packet against its id: right length, content hashes to the id. Throws
 * CASCADE_SYMBOL_CORRUPT naming the symbol; returns normally when the packet is sound.
 */
export function checkSymbol(id: string, packet: Uint8Array, ctx: CascadeContext = {}): void {
  const where = { ...ctx, artefact: id };
  if (packet.length !== PACKET_BYTES) {
    throw new CascadeError('CASCADE_SYMBOL_CORRUPT', `symbol is ${packet.length} bytes, expected ${PACKET_BYTES} (truncated or padded)`, where, { reason: 'truncated' });
  }
  if (blake3Base58(packet) !== id) throw new CascadeError('CASCADE_SYMBOL_CORRUPT', 'symbol content does not hash to its id', where, { reason: 'corrupted' });
}

export interface DecodeResult {
  data: Uint8Array;
  /** Symbols fed to the decoder before it completed. */
  used: number;
  rejected: RejectedSymbol[];
}

/**
 * Incremental decode of one layout: feed symbol packets in layout order with `add`; it returns the file
 * (verified against the layout's block hash) once the decoder completes. Missing symbols are simply not
 * fed; truncated or corrupted ones are skipped and listed in `rejected`. `incomplete()` builds the
 * CASCADE_DECODE_INCOMPLETE error to throw when the symbols run out. Never yields unverified bytes.
 */
export class LayoutDecoder {
  readonly rejected: RejectedSymbol[] = [];
  used = 0;
  supplied = 0;
  private readonly decoder: BlockDecoder;
  private readonly size: number;
  private readonly symbols: readonly string[];
  private readonly hash: string;

  constructor(layout: Layout, private readonly ctx: CascadeContext = {}) {
    const block = layout.blocks[0];
    if (!block || layout.blocks.length !== 1) throw new CascadeError('CASCADE_LAYOUT_INVALID', 'layout must have exactly one block', ctx);
    const size = transferLengthOf(Uint8Array.from(block.encoder_parameters));
    if (size !== block.size) throw new CascadeError('CASCADE_LAYOUT_INVALID', `layout size ${block.size} differs from the OTI transfer length ${size}`, ctx);
    checkFileSize(size, ctx);
    this.size = size;
    this.symbols = block.symbols;
    this.hash = block.hash;
    this.decoder = new BlockDecoder(size);
  }

  /** Feeds the packet of layout position `pos`; returns the verified file when decoding completes. */
  add(pos: number, packet: Uint8Array | undefined): Uint8Array | undefined {
    const id = this.symbols[pos];
    if (id === undefined) throw new CascadeError('CASCADE_LAYOUT_INVALID', `symbol position ${pos} is outside the layout`, this.ctx);
    if (!packet || packet.length === 0) return undefined; // missing (rq-library treats empty files as missing too)
    this.supplied++;
    try {
      checkSymbol(id, packet, this.ctx);
      if (packetHeader(packet).sourceBlock !== 0) throw new Error('wrong source block');
    } catch (err) {
      this.rejected.push({ id, reason: err instanceof CascadeError ? (err.details.reason as RejectedSymbol['reason']) : 'corrupted' });
      return undefined;
    }
    this.used++;
    const out = this.decoder.add(packet);
    if (!out) return undefined;
    const data = out.length === this.size ? out : out.subarray(0, this.size);
    const got = blake3Base58(data);
    if (got !== this.hash) {
      throw new CascadeError('CASCADE_DECODE_INCOMPLETE', `decoded block hashes to ${got}, layout says ${this.hash}`, this.ctx, { used: this.used, rejected: this.rejected });
    }
    return data;
  }

  incomplete(): CascadeError {
    const k = sourceSymbolCount(this.size);
    return new CascadeError(
      'CASCADE_DECODE_INCOMPLETE',
      `cannot rebuild the file: ${this.used} usable of ${this.symbols.length} symbols (${this.supplied} supplied, ${this.rejected.length} rejected), at least ${k} needed`,
      this.ctx,
      { used: this.used, supplied: this.supplied, rejected: this.rejected, needed: k },
    );
  }

  close(): void {
    this.decoder.close();
  }
}

/** Rebuilds the file from whatever symbols `packetAt(position, id)` supplies, in layout order (as rq-library does). */
export function decodeBytes(layout: Layout, packetAt: (position: number, id: string) => Uint8Array | undefined, ctx: CascadeContext = {}): DecodeResult {
  const dec = new LayoutDecoder(layout, ctx);
  try {
    const ids = layout.blocks[0]!.symbols;
    for (let pos = 0; pos < ids.length; pos++) {
      const data = dec.add(pos, packetAt(pos, ids[pos]!));
      if (data) return { data, used: dec.used, rejected: dec.rejected };
    }
    throw dec.incomplete();
  } finally {
    dec.close();
  }
}

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
 * Rebuilds the file from whatever symbols `packetAt(position, id)` can supply, in layout order (as
 * rq-library does). Missing symbols are skipped; truncated or corrupted ones are skipped and reported.
 * Throws CASCADE_DECODE_INCOMPLETE when the supplied symbols cannot rebuild a block whose BLAKE3 matches
 * the layout's hash — never returns partial or unverified bytes.
 */
export function decodeBytes(layout: Layout, packetAt: (position: number, id: string) => Uint8Array | undefined, ctx: CascadeContext = {}): DecodeResult {
  const block = layout.blocks[0];
  if (!block || layout.blocks.length !== 1) throw new CascadeError('CASCADE_LAYOUT_INVALID', 'layout must have exactly one block', ctx);
  const size = transferLengthOf(Uint8Array.from(block.encoder_parameters));
  if (size !== block.size) throw new CascadeError('CASCADE_LAYOUT_INVALID', `layout size ${block.size} differs from the OTI transfer length ${size}`, ctx);
  checkFileSize(size, ctx);
  const k = sourceSymbolCount(size);
  const rejected: RejectedSymbol[] = [];
  const decoder = new BlockDecoder(size);
  let used = 0;
  let available = 0;
  try {
    for (let pos = 0; pos < block.symbols.length; pos++) {
      const id = block.symbols[pos]!;
      const packet = packetAt(pos, id);
      if (!packet || packet.length === 0) continue; // missing (rq-library treats empty files as missing too)
      available++;
      try {
        checkSymbol(id, packet, ctx);
      } catch (err) {
        rejected.push({ id, reason: (err as CascadeError).details.reason as RejectedSymbol['reason'] });
        continue;
      }
      if (packetHeader(packet).sourceBlock !== 0) {
        rejected.push({ id, reason: 'corrupted' });
        continue;
      }
      used++;
      const out = decoder.add(packet);
      if (!out) continue;
      const data = out.length === size ? out : out.subarray(0, size);
      const got = blake3Base58(data);
      if (got !== block.hash) {
        throw new CascadeError('CASCADE_DECODE_INCOMPLETE', `decoded block hashes to ${got}, layout says ${block.hash}`, ctx, { used, rejected });
      }
      return { data, used, rejected };
    }
  } finally {
    decoder.close();
  }
  throw new CascadeError(
    'CASCADE_DECODE_INCOMPLETE',
    `cannot rebuild the file: ${used} usable of ${block.symbols.length} symbols (${available} supplied, ${rejected.length} rejected), at least ${k} needed`,
    ctx,
    { used, available, rejected, needed: k },
  );
}

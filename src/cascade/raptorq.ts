/**
 * RaptorQ through npm `raptorq` 1.7.24 (wasm) with the numbering shim of spec 05 §4.6, which makes its
 * packets byte-identical to raptorq 2.0.0 as rq-library/the Go supernode produce them. 1.7 labels the x-th
 * repair packet with ESI K' + x, 2.0 with K + x (payloads are identical), so on encode ESIs ≥ K move down by
 * K' − K and on decode they move back up before feeding the 1.7 decoder.
 *
 * The wasm module's memory only grows; long-lived processes should run large jobs in a worker thread
 * (see codec-worker.ts) so that memory is returned when the worker exits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Decoder, Encoder, initSync } from 'raptorq/raptorq.js';
import { MAX_PACKET_SIZE, PACKET_BYTES, kPrime, repairSymbolCount, sourceSymbolCount } from './params.js';

let ready = false;

function ensureWasm(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  initSync(readFileSync(require.resolve('raptorq/raptorq_bg.wasm')));
  ready = true;
}

function esiOf(packet: Uint8Array): number {
  return (packet[1]! << 16) | (packet[2]! << 8) | packet[3]!;
}

function setEsi(packet: Uint8Array, esi: number): void {
  packet[1] = (esi >>> 16) & 0xff;
  packet[2] = (esi >>> 8) & 0xff;
  packet[3] = esi & 0xff;
}

/**
 * Encodes `data` (single source block) into K source packets followed by R repair packets, numbered as
 * raptorq 2.0.0 numbers them. The caller has already checked the size against MAX_CASCADE_FILE_BYTES.
 */
export function encodePackets(data: Uint8Array): Uint8Array[] {
  ensureWasm();
  const k = sourceSymbolCount(data.length);
  const shift = kPrime(k) - k;
  const encoder = Encoder.with_defaults(data, MAX_PACKET_SIZE);
  let packets: Uint8Array[];
  try {
    packets = encoder.encode(repairSymbolCount(data.length));
  } finally {
    encoder.free();
  }
  // Near the wasm32 memory ceiling the 1.7 binding has been seen to return a short packet list instead of
  // failing; never let such a result through.
  const expected = k + repairSymbolCount(data.length);
  if (packets.length !== expected || packets.some((p) => p.length !== PACKET_BYTES)) {
    throw new Error(`raptorq: encoder returned ${packets.length} packets, expected ${expected} of ${PACKET_BYTES} bytes (out of wasm memory?)`);
  }
  for (let i = k; i < packets.length; i++) {
    const p = packets[i]!;
    // Sanity: the 1.7 encoder must hand out K' + x; anything else means the shim's premise is broken.
    if (esiOf(p) !== k + shift + (i - k)) throw new Error(`raptorq: unexpected repair ESI ${esiOf(p)} at position ${i} (K=${k})`);
    setEsi(p, i);
  }
  return packets;
}

/** Payload id of a 2.0-numbered packet: source block number and encoding symbol id. */
export function packetHeader(packet: Uint8Array): { sourceBlock: number; esi: number } {
  return { sourceBlock: packet[0]!, esi: esiOf(packet) };
}

/**
 * Incremental decoder for one single-block file of `size` bytes. `add` takes 2.0-numbered packets (as
 * stored in the network) and returns the file once enough packets arrived, else undefined.
 */
export class BlockDecoder {
  private decoder: Decoder | undefined;
  private readonly k: number;
  private readonly shift: number;

  constructor(readonly size: number) {
    ensureWasm();
    this.k = sourceSymbolCount(size);
    this.shift = kPrime(this.k) - this.k;
    this.decoder = Decoder.with_defaults(BigInt(size), MAX_PACKET_SIZE);
  }

  add(packet: Uint8Array): Uint8Array | undefined {
    if (!this.decoder) throw new Error('BlockDecoder used after close');
    if (packet.length !== PACKET_BYTES) throw new Error(`packet must be ${PACKET_BYTES} bytes, got ${packet.length}`);
    let fed = packet;
    const esi = esiOf(packet);
    if (esi >= this.k && this.shift !== 0) {
      fed = Uint8Array.from(packet);
      setEsi(fed, esi + this.shift);
    }
    const out = this.decoder.decode(fed);
    return out ?? undefined;
  }

  close(): void {
    this.decoder?.free();
    this.decoder = undefined;
  }
}

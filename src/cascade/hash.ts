/**
 * BLAKE3-256 on every hash path of the cascade pipeline. The native `@napi-rs/blake-hash` binding (the
 * official Rust `blake3` crate, SIMD, single-threaded `update`) was measured fastest on this machine; see
 * CODEC.md. Large files are hashed in fixed-size chunks so memory stays flat whatever the file size.
 */
import { open } from 'node:fs/promises';
import bs58 from 'bs58';
import { blake3 as nativeBlake3, Blake3Hasher } from '@napi-rs/blake-hash';

/** Chunk size for streaming a file through the hasher (large enough to amortise syscalls). */
const FILE_CHUNK_BYTES = 4 * 1024 * 1024;

export function blake3(data: Uint8Array): Uint8Array {
  const out = nativeBlake3(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** base58(BLAKE3(data)): symbol ids, layout/index ids and every artefact-store key. */
export function blake3Base58(data: Uint8Array): string {
  return bs58.encode(blake3(data));
}

/** Cascade data hash (`CascadeMetadata.data_hash`): standard base64 with padding of BLAKE3(file). */
export function dataHashB64(data: Uint8Array): string {
  return Buffer.from(blake3(data)).toString('base64');
}

/** An incremental hasher for data that arrives in pieces (downloads, decoded output). */
export interface StreamingHash {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}

export function createBlake3(): StreamingHash {
  const h = new Blake3Hasher();
  return {
    update(chunk) {
      h.update(chunk);
    },
    digest() {
      const d = h.digestBuffer();
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    },
  };
}

/** BLAKE3 of a file read in chunks through one reused buffer; returns the digest and the byte count. */
export async function blake3File(path: string): Promise<{ digest: Uint8Array; size: number }> {
  const fh = await open(path, 'r');
  try {
    const h = new Blake3Hasher();
    const buf = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    const d = h.digestBuffer();
    return { digest: new Uint8Array(d.buffer, d.byteOffset, d.byteLength), size };
  } finally {
    await fh.close();
  }
}

/** `data_hash` of a file on disk, streamed. */
export async function dataHashB64OfFile(path: string): Promise<string> {
  return Buffer.from((await blake3File(path)).digest).toString('base64');
}

/**
 * zstd for cascade ID files. The chain recomputes one index ID at finalize with libzstd one-shot level 3
 * (DataDog/zstd v1.5.7 → `ZSTD_compress`), so we call the very same C function of libzstd 1.5.7 through
 * `zstd-napi` (which builds the bundled libzstd 1.5.7 sources): frame with content size, no checksum, no
 * dictionary. The streaming API would produce different bytes, so it is not used here.
 */
import { createRequire } from 'node:module';

interface ZstdBinding {
  compress(dst: Uint8Array, src: Uint8Array, level: number): number;
  decompress(dst: Uint8Array, src: Uint8Array): number;
  compressBound(size: number): number;
  getFrameContentSize(frame: Uint8Array): number | null;
  versionString(): string;
}

const binding = createRequire(import.meta.url)('zstd-napi/binding.js') as ZstdBinding;

export const ZSTD_LEVEL = 3;

/** Version of the linked libzstd (expected "1.5.7", the version DataDog/zstd v1.5.7 bundles). */
export function zstdVersion(): string {
  return binding.versionString();
}

/** libzstd `ZSTD_compress(src, level 3)`. */
export function zstdCompress(src: Uint8Array): Uint8Array {
  const dst = Buffer.allocUnsafe(binding.compressBound(src.length));
  const n = binding.compress(dst, src, ZSTD_LEVEL);
  return new Uint8Array(dst.buffer, dst.byteOffset, n).slice();
}

/**
 * Decompresses one frame whose header declares its content size, refusing more than `maxBytes` before
 * allocating. Throws a plain Error describing the problem; callers wrap it with the artefact's context.
 */
export function zstdDecompress(frame: Uint8Array, maxBytes: number): Uint8Array {
  let size: number | null;
  try {
    size = binding.getFrameContentSize(frame);
  } catch (err) {
    throw new Error(`not a zstd frame (${(err as Error).message})`);
  }
  if (size === null) throw new Error('zstd frame does not declare its content size');
  if (size > maxBytes) throw new Error(`zstd frame declares ${size} bytes, limit ${maxBytes}`);
  const out = new Uint8Array(size);
  let n: number;
  try {
    n = binding.decompress(out, frame);
  } catch (err) {
    throw new Error(`zstd frame is corrupt (${(err as Error).message})`);
  }
  if (n !== size) throw new Error(`zstd frame produced ${n} bytes, header said ${size}`);
  return out;
}

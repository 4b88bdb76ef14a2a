/**
 * Artefact count, key and size resolution from cascade metadata (spec 01 §9; supernode
 * lep6_resolution.go). INDEX keys and sizes need the index files, i.e. zstd level-3 output that must
 * be byte-identical to libzstd; compression is not this library's business, so callers pass the
 * compressor (`IndexFileCompressor`) from the cascade module.
 */
import bs58 from 'bs58';
import { StorageProofArtifactClass, UINT64_MAX } from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { blake3, Preimage } from './hash.js';
import { checkEnumNumber, checkInt64, checkString, checkStringList, checkUint32, checkUint64 } from './validate.js';

/** The CascadeMetadata fields the resolution reads (proto lumera.action.v1.CascadeMetadata). */
export interface ArtifactMetadata {
  rqIdsIc: bigint;
  rqIdsMax: bigint;
  rqIdsIds: readonly string[];
  /** Index signature format `indexB64.creatorSigB64`; only INDEX keys/sizes need it. */
  signatures?: string;
  indexArtifactCount: number;
  symbolArtifactCount: number;
}

/** zstd level-3 one-shot compression, byte-identical to libzstd (see spec 05 §1.8). */
export type IndexFileCompressor = (payload: Uint8Array) => Uint8Array;

function checkMeta(meta: ArtifactMetadata | null | undefined): ArtifactMetadata {
  if (meta === null || meta === undefined || typeof meta !== 'object') {
    throw new DerivationError(DerivationErrorCode.MissingMetadata, 'meta', 'is required');
  }
  checkUint64(meta.rqIdsIc, 'meta.rqIdsIc');
  checkUint64(meta.rqIdsMax, 'meta.rqIdsMax');
  checkStringList(meta.rqIdsIds, 'meta.rqIdsIds');
  checkUint32(meta.indexArtifactCount, 'meta.indexArtifactCount');
  checkUint32(meta.symbolArtifactCount, 'meta.symbolArtifactCount');
  if (meta.signatures !== undefined) checkString(meta.signatures, 'meta.signatures');
  return meta;
}

function checkResolvableClass(cls: StorageProofArtifactClass | number): StorageProofArtifactClass.INDEX | StorageProofArtifactClass.SYMBOL {
  const c = checkEnumNumber(cls, 'class');
  if (c !== StorageProofArtifactClass.INDEX && c !== StorageProofArtifactClass.SYMBOL) {
    throw new DerivationError(DerivationErrorCode.UnsupportedClass, 'class', `must be INDEX or SYMBOL, got ${c}`);
  }
  return c;
}

/**
 * Per-class artefact counts with the chain's fallback (`CascadeArtifactCountsWithFallbackStrict`):
 * a zero count falls back to len(rq_ids_ids); if either count is still zero, error.
 */
export function artifactCounts(meta: ArtifactMetadata): { index: number; symbol: number } {
  const m = checkMeta(meta);
  const fallback = m.rqIdsIds.length;
  const index = m.indexArtifactCount === 0 ? fallback : m.indexArtifactCount;
  const symbol = m.symbolArtifactCount === 0 ? fallback : m.symbolArtifactCount;
  if (index === 0 || symbol === 0) {
    throw new DerivationError(DerivationErrorCode.ZeroArtifactCounts, 'meta', `has a zero artefact count after fallback (index ${index}, symbol ${symbol})`);
  }
  return { index, symbol };
}

/** `ResolveArtifactCount` (§9.1). Errors: class not INDEX/SYMBOL, meta absent, a zero count (either class). */
export function resolveArtifactCount(meta: ArtifactMetadata | null | undefined, cls: StorageProofArtifactClass | number): number {
  const c = checkResolvableClass(cls);
  const counts = artifactCounts(checkMeta(meta));
  return c === StorageProofArtifactClass.INDEX ? counts.index : counts.symbol;
}

function indexFileCounter(meta: ArtifactMetadata, ordinal: number): number {
  if ((meta.signatures ?? '') === '') throw new DerivationError(DerivationErrorCode.EmptySignatures, 'meta.signatures', 'must not be empty for INDEX artefacts');
  if (meta.rqIdsMax === 0n) throw new DerivationError(DerivationErrorCode.ZeroRqIdsMax, 'meta.rqIdsMax', 'must be > 0');
  // Go generates uint32(rq_ids_max) files for counters uint32(rq_ids_ic) + i (uint32 wrapping).
  const generated = Number(meta.rqIdsMax & 0xffff_ffffn);
  if (ordinal >= generated) {
    throw new DerivationError(DerivationErrorCode.OrdinalOutOfRange, 'ordinal', `out of range: ${ordinal} >= ${generated} index files`);
  }
  return (Number(meta.rqIdsIc & 0xffff_ffffn) + ordinal) >>> 0;
}

/** The index file for one ordinal: zstd-3(signatures "." dec(counter)). */
export function indexFileBytes(meta: ArtifactMetadata, ordinal: number, compress: IndexFileCompressor): Uint8Array {
  checkMeta(meta);
  checkUint32(ordinal, 'ordinal');
  if (typeof compress !== 'function') {
    throw new DerivationError(DerivationErrorCode.MissingIndexFileSource, 'compress', 'is required for INDEX artefacts (zstd level 3)');
  }
  const counter = indexFileCounter(meta, ordinal);
  const payload = new Preimage(256).rawString(`${meta.signatures}.${counter}`).bytes();
  return compress(new Uint8Array(payload));
}

/**
 * `ResolveArtifactKey` (§9.2). SYMBOL: rq_ids_ids[ordinal]. INDEX: base58(BLAKE3(index file)).
 * Errors: class not INDEX/SYMBOL; ordinal out of range; INDEX without signatures or with max 0.
 */
export function resolveArtifactKey(
  meta: ArtifactMetadata | null | undefined,
  cls: StorageProofArtifactClass | number,
  ordinal: number,
  compress?: IndexFileCompressor,
): string {
  const c = checkResolvableClass(cls);
  const m = checkMeta(meta);
  checkUint32(ordinal, 'ordinal');
  if (c === StorageProofArtifactClass.SYMBOL) {
    if (ordinal >= m.rqIdsIds.length) {
      throw new DerivationError(DerivationErrorCode.OrdinalOutOfRange, 'ordinal', `out of range: ${ordinal} >= ${m.rqIdsIds.length} rq_ids_ids`);
    }
    return m.rqIdsIds[ordinal] as string;
  }
  indexFileCounter(m, ordinal);
  return bs58.encode(blake3(indexFileBytes(m, ordinal, compress as IndexFileCompressor)));
}

/**
 * `ResolveArtifactSize` metadata fallback (§9.3). SYMBOL: ⌈file_size_kbs × 1024 / rq_ids_max⌉ (Go's
 * uint64 wrap of the product kept). INDEX: length of the index file. The challenger then prefers a
 * non-zero locally stored blob size (§9.5; see `challengeArtifactSize`).
 */
export function resolveArtifactSize(
  fileSizeKbs: bigint,
  meta: ArtifactMetadata | null | undefined,
  cls: StorageProofArtifactClass | number,
  ordinal: number,
  compress?: IndexFileCompressor,
): bigint {
  const c = checkResolvableClass(cls);
  const m = checkMeta(meta);
  checkInt64(fileSizeKbs, 'fileSizeKbs');
  checkUint32(ordinal, 'ordinal');
  if (c === StorageProofArtifactClass.INDEX) {
    indexFileCounter(m, ordinal);
    return BigInt(indexFileBytes(m, ordinal, compress as IndexFileCompressor).length);
  }
  if (fileSizeKbs <= 0n) throw new DerivationError(DerivationErrorCode.NonPositiveFileSize, 'fileSizeKbs', `must be > 0, got ${fileSizeKbs}`);
  if (m.rqIdsMax === 0n) throw new DerivationError(DerivationErrorCode.ZeroRqIdsMax, 'meta.rqIdsMax', 'must be > 0');
  if (ordinal >= m.rqIdsIds.length) {
    throw new DerivationError(DerivationErrorCode.OrdinalOutOfRange, 'ordinal', `out of range: ${ordinal} >= ${m.rqIdsIds.length} rq_ids_ids`);
  }
  const fileBytes = (fileSizeKbs * 1024n) & UINT64_MAX;
  if (fileBytes > UINT64_MAX + 1n - m.rqIdsMax) {
    throw new DerivationError(DerivationErrorCode.SizeOverflow, 'fileSizeKbs', `× 1024 + rq_ids_max overflows uint64 (${fileBytes} + ${m.rqIdsMax})`);
  }
  return (fileBytes + m.rqIdsMax - 1n) / m.rqIdsMax;
}

/** §9.5: a non-zero size reported by the local artefact store replaces the metadata size. */
export function challengeArtifactSize(metadataSize: bigint, storedSize: bigint | null | undefined): bigint {
  checkUint64(metadataSize, 'metadataSize');
  if (storedSize === null || storedSize === undefined) return metadataSize;
  return checkUint64(storedSize, 'storedSize') > 0n ? storedSize : metadataSize;
}

/** Index-size cache key (§9.4): SHA256(signatures ‖ 0x00 ‖ u32be(uint32(ic)) ‖ u32be(uint32(max))). */
export function indexSizeCacheKey(signatures: string, rqIdsIc: bigint, rqIdsMax: bigint): Uint8Array {
  checkString(signatures, 'signatures');
  checkUint64(rqIdsIc, 'rqIdsIc');
  checkUint64(rqIdsMax, 'rqIdsMax');
  const tail = new Uint8Array(8);
  const view = new DataView(tail.buffer);
  view.setUint32(0, Number(rqIdsIc & 0xffff_ffffn), false);
  view.setUint32(4, Number(rqIdsMax & 0xffff_ffffn), false);
  return new Preimage(signatures.length * 3 + 16).rawString(signatures).part(tail).sha256();
}

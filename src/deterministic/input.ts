/**
 * Strict parsers from the JSON shapes of the vector files (spec 01 Appendix D) — also the shapes the
 * `supernode derive` CLI accepts from flags or `--input file.json`. Every failure is an
 * InvalidArgumentError naming the field, so malformed input is never mistaken for a derivation error.
 */
import { InvalidArgumentError } from '../util/errors.js';
import {
  StorageProofArtifactClass,
  StorageProofBucketType,
  StorageTruthEnforcementMode,
  INT64_MAX,
  UINT32_MAX,
  UINT64_MAX,
} from './constants.js';
import type { ArtifactMetadata } from './artifacts.js';

export type JsonObject = Record<string, unknown>;

const DEC_U = /^(0|[1-9][0-9]*)$/;
const DEC_I = /^-?(0|[1-9][0-9]*)$/;
const HEX = /^([0-9a-fA-F]{2})*$/;

export function field(obj: JsonObject, name: string): unknown {
  if (!Object.hasOwn(obj, name)) throw new InvalidArgumentError(name, 'is required');
  return obj[name];
}

export function parseHex(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a hex string');
  if (!HEX.test(value)) throw new InvalidArgumentError(name, `must be hex with an even number of digits (no 0x), got ${JSON.stringify(clip(value))}`);
  return new Uint8Array(Buffer.from(value, 'hex'));
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function parseBig(value: unknown, name: string, signed: boolean): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(name, `must be an integer (as a decimal string above 2^53), got ${value}`);
    return BigInt(value);
  }
  if (typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a decimal string');
  if (!(signed ? DEC_I : DEC_U).test(value)) {
    throw new InvalidArgumentError(name, `must be a ${signed ? '' : 'non-negative '}decimal integer without leading zeros, got ${JSON.stringify(clip(value))}`);
  }
  return BigInt(value);
}

export function parseUint64(value: unknown, name: string): bigint {
  const v = parseBig(value, name, false);
  if (v > UINT64_MAX) throw new InvalidArgumentError(name, `must be <= 2^64-1, got ${v}`);
  return v;
}

export function parseInt64(value: unknown, name: string): bigint {
  const v = parseBig(value, name, true);
  if (v > INT64_MAX || v < -INT64_MAX - 1n) throw new InvalidArgumentError(name, `must fit int64, got ${v}`);
  return v;
}

/** uint32 given as a JSON number (or, from the command line, a decimal string). */
export function parseUint32(value: unknown, name: string): number {
  const v = parseBig(value, name, false);
  if (v > BigInt(UINT32_MAX)) throw new InvalidArgumentError(name, `must be <= ${UINT32_MAX}, got ${v}`);
  return Number(v);
}

/** A signed small integer (Go int, e.g. k). */
export function parseSmallInt(value: unknown, name: string): number {
  const v = parseBig(value, name, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new InvalidArgumentError(name, `is out of range, got ${v}`);
  return Number(v);
}

export function parseString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(name, 'must be a string');
  return value;
}

export function parseStringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(name, 'must be an array of strings');
  return value.map((v, i) => parseString(v, `${name}[${i}]`));
}

export function parseUint64List(value: unknown, name: string): bigint[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(name, 'must be an array of decimal strings');
  return value.map((v, i) => parseUint64(v, `${name}[${i}]`));
}

function parseEnumName<T extends number>(value: unknown, name: string, table: Record<string, T>, longPrefix: string): T {
  if (typeof value !== 'string') throw new InvalidArgumentError(name, `must be one of ${Object.keys(table).join('|')}`);
  const short = value.startsWith(longPrefix) ? value.slice(longPrefix.length) : value;
  if (!Object.hasOwn(table, short)) throw new InvalidArgumentError(name, `must be one of ${Object.keys(table).join('|')}, got ${JSON.stringify(clip(value))}`);
  return table[short] as T;
}

const BUCKETS: Record<string, StorageProofBucketType> = {
  UNSPECIFIED: StorageProofBucketType.UNSPECIFIED,
  RECENT: StorageProofBucketType.RECENT,
  OLD: StorageProofBucketType.OLD,
  PROBATION: StorageProofBucketType.PROBATION,
  RECHECK: StorageProofBucketType.RECHECK,
};
const CLASSES: Record<string, StorageProofArtifactClass> = {
  UNSPECIFIED: StorageProofArtifactClass.UNSPECIFIED,
  INDEX: StorageProofArtifactClass.INDEX,
  SYMBOL: StorageProofArtifactClass.SYMBOL,
};
const MODES: Record<string, StorageTruthEnforcementMode> = {
  UNSPECIFIED: StorageTruthEnforcementMode.UNSPECIFIED,
  SHADOW: StorageTruthEnforcementMode.SHADOW,
  SOFT: StorageTruthEnforcementMode.SOFT,
  FULL: StorageTruthEnforcementMode.FULL,
};

export function parseBucket(value: unknown, name = 'bucket'): StorageProofBucketType {
  return parseEnumName(value, name, BUCKETS, 'STORAGE_PROOF_BUCKET_TYPE_');
}

export function parseArtifactClass(value: unknown, name = 'class'): StorageProofArtifactClass {
  return parseEnumName(value, name, CLASSES, 'STORAGE_PROOF_ARTIFACT_CLASS_');
}

export function parseMode(value: unknown, name = 'mode'): StorageTruthEnforcementMode {
  return parseEnumName(value, name, MODES, 'STORAGE_TRUTH_ENFORCEMENT_MODE_');
}

/** `class` by name, or `class_value` (a number) for values without a name (spec 01 Appendix D). */
export function parseClassField(obj: JsonObject): number {
  if (Object.hasOwn(obj, 'class_value')) return parseSmallInt(obj.class_value, 'class_value');
  return parseArtifactClass(field(obj, 'class'));
}

export function bucketName(b: number): string {
  return StorageProofBucketType[b] ?? String(b);
}

export function className(c: number): string {
  return StorageProofArtifactClass[c] ?? String(c);
}

/** The `meta` object of the resolution vectors. */
export function parseMeta(value: unknown, name = 'meta'): ArtifactMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(name, 'must be an object');
  const m = value as JsonObject;
  const get = (k: string, dflt: unknown): unknown => (Object.hasOwn(m, k) ? m[k] : dflt);
  const meta: ArtifactMetadata = {
    rqIdsIc: parseUint64(get('rq_ids_ic', '0'), `${name}.rq_ids_ic`),
    rqIdsMax: parseUint64(get('rq_ids_max', '0'), `${name}.rq_ids_max`),
    rqIdsIds: parseStringList(get('rq_ids_ids', []), `${name}.rq_ids_ids`),
    indexArtifactCount: parseUint32(get('index_artifact_count', 0), `${name}.index_artifact_count`),
    symbolArtifactCount: parseUint32(get('symbol_artifact_count', 0), `${name}.symbol_artifact_count`),
  };
  if (Object.hasOwn(m, 'signatures')) meta.signatures = parseString(m.signatures, `${name}.signatures`);
  return meta;
}

/** Rejects keys the function does not read, so a typo in a vector or an --input file is reported. */
export function rejectUnknownKeys(obj: JsonObject, known: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new InvalidArgumentError(`${where}.${k}`, `is not an input of ${where} (known: ${known.join(', ')})`);
  }
}

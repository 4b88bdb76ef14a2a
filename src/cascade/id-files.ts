/**
 * Layout files and index files (spec 05 §1.6–§1.8): `rq_ids_max` redundant copies of a signed payload, each
 * `zstd-3(payload "." decimal(counter))` for counters rq_ids_ic … rq_ids_ic + rq_ids_max − 1, stored under
 * base58(BLAKE3(file)). The index IDs are `rq_ids_ids`; the chain recomputes one of them at finalize.
 */
import { InvalidArgumentError } from '../util/errors.js';
import { CascadeError, type CascadeContext } from './errors.js';
import { blake3Base58 } from './hash.js';
import { layoutJson, parseLayout, type Layout } from './layout.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/** Upper bound on rq_ids_max we generate or accept (the chain default is 50). */
export const MAX_ID_FILE_COPIES = 1000;
/** Largest decompressed ID file we parse (a 256 MiB file's layout is ≈ 1.6 MB of base64). */
export const MAX_ID_FILE_PAYLOAD = 16 * 1024 * 1024;

const UINT64_MAX = (1n << 64n) - 1n;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface IdFile {
  counter: bigint;
  id: string;
  bytes: Uint8Array;
}

export interface IndexDocument {
  layout_ids: string[];
  layout_signature: string;
  /** 0 or absent in older indexes; written only when non-zero. */
  version: number;
}

function checkCounters(ic: bigint, max: bigint): void {
  if (typeof ic !== 'bigint' || ic < 0n || ic > UINT64_MAX) throw new InvalidArgumentError('rq_ids_ic', 'must be a uint64');
  if (typeof max !== 'bigint' || max < 1n || max > BigInt(MAX_ID_FILE_COPIES)) {
    throw new InvalidArgumentError('rq_ids_max', `must be between 1 and ${MAX_ID_FILE_COPIES}`);
  }
  if (ic + max - 1n > UINT64_MAX) throw new InvalidArgumentError('rq_ids_ic', 'plus rq_ids_max overflows uint64');
}

function isB64(s: string): boolean {
  return s.length > 0 && B64.test(s);
}

/** Builds the `max` ID files of `payload` (layout signature format or index signature format). */
export function generateIdFiles(payload: string, ic: bigint, max: bigint): IdFile[] {
  checkCounters(ic, max);
  const out: IdFile[] = [];
  for (let c = ic; c < ic + max; c++) {
    const bytes = zstdCompress(Buffer.from(`${payload}.${c.toString()}`, 'utf8'));
    out.push({ counter: c, id: blake3Base58(bytes), bytes });
  }
  return out;
}

export function layoutB64(layout: Layout): string {
  return Buffer.from(layoutJson(layout), 'utf8').toString('base64');
}

/** Layout files for counters ic … ic+max−1: zstd-3(layoutB64 "." layoutSigB64 "." c). */
export function layoutFiles(layoutB64Text: string, layoutSigB64: string, ic: bigint, max: bigint): IdFile[] {
  if (!isB64(layoutB64Text)) throw new InvalidArgumentError('layoutB64', 'must be non-empty standard base64');
  if (!isB64(layoutSigB64)) throw new InvalidArgumentError('layout_signature', 'must be non-empty standard base64');
  return generateIdFiles(`${layoutB64Text}.${layoutSigB64}`, ic, max);
}

/** Go-JSON of the index: {"layout_ids":[…],"layout_signature":"…","version":N} (version omitted when 0). */
export function indexJson(doc: IndexDocument): string {
  const ids = doc.layout_ids.map((s) => JSON.stringify(s)).join(',');
  const version = doc.version !== 0 ? `,"version":${doc.version}` : '';
  return `{"layout_ids":[${ids}],"layout_signature":${JSON.stringify(doc.layout_signature)}${version}}`;
}

/** `CascadeMetadata.signatures`: indexB64 "." creatorSigB64. */
export function indexSignatureFormat(doc: IndexDocument, creatorSigB64: string): string {
  if (!isB64(creatorSigB64)) throw new InvalidArgumentError('creator_signature', 'must be non-empty standard base64');
  return `${Buffer.from(indexJson(doc), 'utf8').toString('base64')}.${creatorSigB64}`;
}

/** Index files for counters ic … ic+max−1: zstd-3(signatures "." c). Their ids are `rq_ids_ids`. */
export function indexFiles(signatures: string, ic: bigint, max: bigint): IdFile[] {
  const parts = signatures.split('.');
  if (parts.length !== 2 || !isB64(parts[0]!) || !isB64(parts[1]!)) {
    throw new InvalidArgumentError('signatures', 'must be "<indexB64>.<creatorSigB64>" with two base64 parts');
  }
  return generateIdFiles(signatures, ic, max);
}

/** Throws CASCADE_ID_MISMATCH unless base58(BLAKE3(bytes)) equals the id the file was fetched under. */
export function checkIdFile(expectedId: string, bytes: Uint8Array, ctx: CascadeContext = {}): void {
  const got = blake3Base58(bytes);
  if (got !== expectedId) {
    throw new CascadeError('CASCADE_ID_MISMATCH', `content hashes to ${got}, not to its id ${expectedId}`, { ...ctx, artefact: ctx.artefact ?? expectedId }, { got });
  }
}

function splitIdFile(bytes: Uint8Array, ctx: CascadeContext): [string, string, bigint] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(zstdDecompress(bytes, MAX_ID_FILE_PAYLOAD));
  } catch (err) {
    throw new CascadeError('CASCADE_ID_FILE_INVALID', `ID file does not decompress: ${(err as Error).message}`, ctx);
  }
  const parts = text.split('.');
  if (parts.length !== 3) throw new CascadeError('CASCADE_ID_FILE_INVALID', `ID file must have 3 dot-separated parts, got ${parts.length}`, ctx);
  const [a, b, c] = parts as [string, string, string];
  if (!isB64(a) || !isB64(b)) throw new CascadeError('CASCADE_ID_FILE_INVALID', 'ID file payload or signature is not base64', ctx);
  if (!/^(0|[1-9][0-9]{0,19})$/.test(c) || BigInt(c) > UINT64_MAX) throw new CascadeError('CASCADE_ID_FILE_INVALID', 'ID file counter is not a uint64', ctx);
  return [a, b, BigInt(c)];
}

export interface ParsedLayoutFile {
  layout: Layout;
  layoutB64: string;
  layoutSignature: string;
  counter: bigint;
}

/** Decompresses and parses a layout file (spec 05 §1.6). */
export function parseLayoutFile(bytes: Uint8Array, ctx: CascadeContext = {}): ParsedLayoutFile {
  const [b64, sig, counter] = splitIdFile(bytes, ctx);
  const layout = parseLayout(Buffer.from(b64, 'base64').toString('utf8'), ctx);
  return { layout, layoutB64: b64, layoutSignature: sig, counter };
}

export interface ParsedIndexFile {
  index: IndexDocument;
  /** indexB64 "." creatorSigB64 — equals `CascadeMetadata.signatures` of the action. */
  signatures: string;
  counter: bigint;
}

/** Parses index JSON text (from an index file or from `signatures`). */
export function parseIndexJson(text: string, ctx: CascadeContext = {}): IndexDocument {
  const fail = (p: string) => new CascadeError('CASCADE_ID_FILE_INVALID', `index ${p}`, ctx);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw fail('is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw fail('is not an object');
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.layout_ids) || o.layout_ids.length === 0 || o.layout_ids.some((x) => typeof x !== 'string' || x.length === 0)) {
    throw fail('layout_ids must be a non-empty array of ids');
  }
  if (typeof o.layout_signature !== 'string') throw fail('layout_signature must be a string');
  const version = o.version ?? 0;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw fail('version must be a non-negative integer');
  return { layout_ids: o.layout_ids as string[], layout_signature: o.layout_signature, version };
}

/** Decompresses and parses an index file (spec 05 §1.8). */
export function parseIndexFile(bytes: Uint8Array, ctx: CascadeContext = {}): ParsedIndexFile {
  const [b64, sig, counter] = splitIdFile(bytes, ctx);
  const index = parseIndexJson(Buffer.from(b64, 'base64').toString('utf8'), ctx);
  return { index, signatures: `${b64}.${sig}`, counter };
}

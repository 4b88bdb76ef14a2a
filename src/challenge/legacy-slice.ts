/**
 * Legacy slice RPCs (spec 04 §1.4), kept wire-compatible so a Go peer's legacy loop gets answers; not part
 * of LEP-6 scoring. Local-only reads of content-verified blobs; no persistence of challenge messages.
 */
import type {
  GetSliceProofRequest, GetSliceProofResponse, VerifySliceProofRequest, VerifySliceProofResponse,
} from '../gen/supernode/storage_challenge.js';
import { blake3 } from '../deterministic/index.js';
import { errorMessage } from '../util/errors.js';

export const MAX_SERVED_SLICE = 65536n;

/** Whole-blob local reads with the content check (the artefact store implements it). */
export interface BlobReader {
  get(key: string): Promise<Uint8Array>;
}

const hex = (b: Uint8Array): string => Buffer.from(blake3(b)).toString('hex');

/** R1.4.1. Returns undefined for a null request (the caller answers with a gRPC error). */
export async function answerSliceProof(req: GetSliceProofRequest | null | undefined, identity: string, reader: BlobReader | undefined): Promise<GetSliceProofResponse | undefined> {
  if (!req) return undefined;
  const base: GetSliceProofResponse = {
    challengeId: req.challengeId, epochId: req.epochId, fileKey: req.fileKey, start: req.requestedStart, end: req.requestedEnd,
    recipientId: identity, slice: new Uint8Array(), proofHashHex: '', ok: false, error: '',
  };
  if (req.fileKey === '') return { ...base, error: 'file_key is required' };
  if (!reader) return { ...base, error: 'artifact reader not configured' };
  let blob: Uint8Array;
  try {
    blob = await reader.get(req.fileKey);
  } catch (err) {
    return { ...base, error: errorMessage(err) };
  }
  if (blob.length === 0) return { ...base, error: 'file not found' };
  if (req.requestedEnd <= req.requestedStart) return { ...base, error: 'invalid requested range: requested_end must be greater than requested_start' };
  const size = BigInt(blob.length);
  if (req.requestedStart >= size) return { ...base, error: 'invalid requested range: requested_start is out of bounds' };
  let end = req.requestedEnd > size ? size : req.requestedEnd;
  if (end - req.requestedStart > MAX_SERVED_SLICE) end = req.requestedStart + MAX_SERVED_SLICE;
  const slice = blob.slice(Number(req.requestedStart), Number(end));
  return { ...base, start: req.requestedStart, end, slice, proofHashHex: hex(slice), ok: true };
}

/** R1.4.2. Returns undefined for a null request. */
export function answerVerifySlice(req: VerifySliceProofRequest | null | undefined, identity: string): VerifySliceProofResponse | undefined {
  if (!req) return undefined;
  const base = { challengeId: req.challengeId, epochId: req.epochId, observerId: identity, ok: false, error: '' };
  if (req.proofHashHex === '') return { ...base, error: 'proof_hash_hex is required' };
  const got = hex(req.slice);
  if (got !== req.proofHashHex.toLowerCase()) return { ...base, error: `proof mismatch: want=${req.proofHashHex} got=${got}` };
  return { ...base, ok: true };
}

/**
 * The recipient side of a LEP-6 storage challenge: `GetCompoundProof` (spec 04 §1.3) as a transport-free
 * function. Checks run in the documented order (R1.3.2) with two additions from spec 04 §11.2: the
 * authenticated caller must be the request's `challenger_account` (hard PERMISSION_DENIED, checked first
 * after the null check so a stranger learns nothing) and `target_supernode_account` must be this node
 * (soft rejection, right after the required-field checks). No byte is read before every check passes;
 * every read has a deadline; bytes come only from the local, content-checked artefact store.
 */
import { status } from '@grpc/grpc-js';
import type { GetCompoundProofRequest, GetCompoundProofResponse } from '../gen/supernode/storage_challenge.js';
import { blake3, derivationInputHash, transcriptHash } from '../deterministic/index.js';
import { errorMessage } from '../util/errors.js';
import type { CompoundCaps } from './caps.js';
import { signTranscript, type MessageSigner } from './signing.js';

/**
 * Local-only range reads; the artefact store (content check, then bounds) implements it. All ranges of a
 * proof are read in one call so that one content check serves them; an error about one range carries its
 * position as `details.rangeIndex`, any other error concerns the blob (reported against range 0).
 */
export interface ArtefactRangeReader {
  readRanges(key: string, ranges: ReadonlyArray<{ start: number; end: number }>): Promise<Uint8Array[]>;
}

function failedRangeIndex(err: unknown, count: number): number {
  const i = (err as { details?: { rangeIndex?: unknown } } | undefined)?.details?.rangeIndex;
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < count ? i : 0;
}

export interface RecipientContext {
  /** This node's account (the only target it answers for). */
  identity: string;
  reader: ArtefactRangeReader | undefined;
  /** Signs the transcript; absent → no signature (tests only; production always signs). */
  signer: MessageSigner | undefined;
  caps: CompoundCaps;
  /** Deadline of each range read. */
  readTimeoutMs: number;
}

export type ProofAnswer =
  | { kind: 'response'; response: GetCompoundProofResponse }
  | { kind: 'error'; code: status; message: string };

function hardError(code: status, message: string): ProofAnswer {
  return { kind: 'error', code, message };
}

function echo(req: GetCompoundProofRequest): GetCompoundProofResponse {
  return {
    challengeId: req.challengeId,
    epochId: req.epochId,
    ticketId: req.ticketId,
    artifactClass: req.artifactClass,
    artifactOrdinal: req.artifactOrdinal,
    bucketType: req.bucketType,
    artifactKey: req.artifactKey,
    rangeBytes: [],
    proofHashHex: '',
    recipientSignature: '',
    ok: false,
    error: '',
  };
}

function soft(req: GetCompoundProofRequest, error: string): ProofAnswer {
  return { kind: 'response', response: { ...echo(req), error } };
}

class ReadTimeoutError extends Error {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadTimeoutError(`read timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {}); // a read that loses the race must not surface as an unhandled rejection
  }
}

/**
 * Answers one request. `caller` is the verified account of the connection (never a request field).
 * Returns either a response (ok or soft rejection) or a hard gRPC error.
 */
export async function answerCompoundProof(req: GetCompoundProofRequest | null | undefined, caller: string, ctx: RecipientContext): Promise<ProofAnswer> {
  if (req === null || req === undefined) return hardError(status.UNKNOWN, 'nil request');
  if (req.challengerAccount !== caller) {
    return hardError(status.PERMISSION_DENIED, `caller ${JSON.stringify(caller)} is not the request's challenger_account ${JSON.stringify(req.challengerAccount)}`);
  }
  if (req.challengeId === '') return soft(req, 'challenge_id is required');
  if (req.epochId === 0n) return soft(req, 'epoch_id must be > 0');
  if (req.ticketId === '') return soft(req, 'ticket_id is required');
  if (req.targetSupernodeAccount !== ctx.identity) {
    return soft(req, `target_supernode_account ${JSON.stringify(req.targetSupernodeAccount)} is not this supernode`);
  }
  const ranges = req.ranges ?? [];
  if (ranges.length === 0) return soft(req, 'at least one range is required');
  const { maxRanges, maxLen, aggregate } = ctx.caps;
  if (ranges.length > maxRanges) return hardError(status.INVALID_ARGUMENT, `too many ranges: got ${ranges.length}, max ${maxRanges}`);
  let len0 = 0n;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (r === null || r === undefined) return soft(req, `range[${i}] is nil`);
    if (r.end <= r.start) return soft(req, `range[${i}] invalid: end (${r.end}) must be > start (${r.start})`);
    const len = r.end - r.start;
    if (i === 0) len0 = len;
    else if (len !== len0) return soft(req, `range[${i}] invalid size: got ${len}, want ${len0} from first range`);
    if (r.end > req.artifactSize) return soft(req, `range[${i}] out of bounds: end (${r.end}) > artifact_size (${req.artifactSize})`);
  }
  if (len0 > BigInt(maxLen)) return hardError(status.INVALID_ARGUMENT, `range length ${len0} exceeds cap ${maxLen}`);
  const total = len0 * BigInt(ranges.length);
  if (total > BigInt(aggregate)) return hardError(status.INVALID_ARGUMENT, `aggregate range bytes ${total} exceeds cap ${aggregate}`);
  if (!ctx.reader) return soft(req, 'artifact reader not configured');

  // One read of every range under one deadline; the failure is reported against the range it concerns.
  let rangeBytes: Uint8Array[];
  try {
    rangeBytes = await withDeadline(ctx.reader.readRanges(req.artifactKey, ranges.map((r) => ({ start: Number(r.start), end: Number(r.end) }))), ctx.readTimeoutMs);
    if (rangeBytes.length !== ranges.length) throw new Error(`reader returned ${rangeBytes.length} ranges for ${ranges.length}`);
  } catch (err) {
    const i = failedRangeIndex(err, ranges.length);
    return soft(req, `read range[${i}] [${ranges[i]!.start},${ranges[i]!.end}): ${errorMessage(err)}`);
  }
  const joined = Buffer.concat(rangeBytes);
  const proofHashHex = Buffer.from(blake3(joined)).toString('hex');
  const response: GetCompoundProofResponse = { ...echo(req), rangeBytes, proofHashHex, ok: true };
  if (!ctx.signer) return { kind: 'response', response };

  let derivation: string;
  try {
    derivation = derivationInputHash(req.seed, req.targetSupernodeAccount, req.ticketId, req.artifactClass, req.artifactOrdinal, ranges.map((r) => r.start), len0);
  } catch (err) {
    return soft(req, `derivation input hash: ${errorMessage(err)}`);
  }
  let transcript: string;
  try {
    transcript = transcriptHash({
      epochId: req.epochId,
      challenger: req.challengerAccount,
      target: req.targetSupernodeAccount,
      ticketId: req.ticketId,
      bucket: req.bucketType,
      artifactClass: req.artifactClass,
      ordinal: req.artifactOrdinal,
      artifactKey: req.artifactKey,
      derivationInputHash: derivation,
      compoundProofHashHex: proofHashHex,
      observers: req.observerAccounts ?? [],
    });
  } catch (err) {
    return soft(req, `transcript hash: ${errorMessage(err)}`);
  }
  try {
    response.recipientSignature = signTranscript(ctx.signer, transcript);
  } catch (err) {
    return soft(req, `recipient sign: ${errorMessage(err)}`);
  }
  return { kind: 'response', response };
}

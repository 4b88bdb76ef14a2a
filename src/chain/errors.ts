/**
 * Typed chain errors and their classification (spec 03 §8, spec 04 §6).
 *
 * This module is the ONLY place in the daemon that reads error text. Everything else branches on the
 * error classes, on `classifyChainError(...)` or on the predicates below. Identification order:
 *   1. the ABCI (codespace, code) pair of a typed answer (CheckTx, DeliverTx, abci_query);
 *   2. when the pair is a generic wrapper (simulation over abci_query surfaces module errors as
 *      `sdk`/6 "unknown request" with the module text inside), the registered module message that ends the
 *      wrapped text is mapped back to its (codespace, code);
 *   3. the context part of the text selects the row of spec 03 §8 within a code.
 */
import { SupernodeError } from '../util/errors.js';

export type ChainReaction = 'DONE' | 'RETRY' | 'REBUILD' | 'DROP';
export type ChainErrorStage = 'query' | 'simulate' | 'checktx' | 'delivertx';

/** Base of every chain-client failure. */
export class ChainError extends SupernodeError {}

/** The chain did not answer: connection refused/reset, DNS failure, our deadline, HTTP 429/502/503/504. */
export class ChainTransportError extends ChainError {
  readonly endpoint: string;
  readonly reason: 'timeout' | 'connection' | 'http_status' | 'aborted';
  readonly httpStatus: number | undefined;
  constructor(endpoint: string, reason: ChainTransportError['reason'], message: string, opts: { httpStatus?: number; cause?: unknown } = {}) {
    super('CHAIN_UNAVAILABLE', `chain endpoint ${endpoint}: ${message}`, { endpoint, reason, httpStatus: opts.httpStatus }, { cause: opts.cause });
    this.endpoint = endpoint;
    this.reason = reason;
    this.httpStatus = opts.httpStatus;
  }
}

/** The node answered with a JSON-RPC error object (bad request, unknown method, internal node error). */
export class ChainRpcError extends ChainError {
  readonly rpcCode: number;
  readonly rpcMessage: string;
  readonly rpcData: string;
  constructor(endpoint: string, method: string, rpcCode: number, rpcMessage: string, rpcData: string) {
    super('CHAIN_RPC_ERROR', `chain RPC ${method} at ${endpoint} failed: ${rpcCode} ${rpcMessage}${rpcData ? `: ${rpcData}` : ''}`, { endpoint, method, rpcCode });
    this.rpcCode = rpcCode;
    this.rpcMessage = rpcMessage;
    this.rpcData = rpcData;
  }
}

/** The chain answered with something we cannot decode (a node bug or an incompatible version). */
export class ChainResponseError extends ChainError {
  constructor(what: string, problem: string, cause?: unknown) {
    super('CHAIN_BAD_RESPONSE', `chain response ${what} ${problem}`, { what }, { cause });
  }
}

export interface AbciFailure {
  stage: ChainErrorStage;
  codespace: string;
  code: number;
  log: string;
  /** Query path or the tx's message type URLs, for messages and for reactions that depend on the Msg. */
  path?: string;
  msgTypeUrls?: readonly string[];
  txHash?: string;
  height?: bigint;
  gasWanted?: bigint;
  gasUsed?: bigint;
}

/** A non-zero ABCI code: a rejected query, simulation, CheckTx or an included tx that failed. */
export class ChainAbciError extends ChainError {
  readonly failure: Readonly<AbciFailure>;
  constructor(failure: AbciFailure) {
    const f = failure;
    const where = f.stage === 'query' ? `query ${f.path ?? ''}` : `tx ${f.stage}`;
    super(
      'CHAIN_REJECTED',
      `${where} failed: code=${f.code} codespace=${f.codespace}${f.height !== undefined ? ` height=${f.height}` : ''}` +
        `${f.gasWanted !== undefined ? ` gas_wanted=${f.gasWanted} gas_used=${f.gasUsed ?? 0n}` : ''} raw_log=${f.log}`,
      { ...f, height: f.height?.toString(), gasWanted: f.gasWanted?.toString(), gasUsed: f.gasUsed?.toString() },
    );
    this.failure = Object.freeze({ ...f });
  }
}

/** CheckTx accepted the tx but it was not seen in a block before the deadline: the outcome is unknown. */
export class ChainInclusionTimeoutError extends ChainError {
  readonly txHash: string;
  constructor(txHash: string, waitedMs: number) {
    super('CHAIN_TX_NOT_INCLUDED', `tx ${txHash} was accepted into the mempool but not included within ${waitedMs} ms`, { txHash, waitedMs });
    this.txHash = txHash;
  }
}

// ---------------------------------------------------------------------------------------------------
// Registered error messages (cosmossdk.io/errors renders a wrapped error as "<context>: <registered>").

const AUDIT_MESSAGES: ReadonlyMap<number, string> = new Map([
  [1, 'invalid signer'], [2, 'invalid epoch id'], [4, 'duplicate report'], [5, 'invalid peer observations'],
  [6, 'invalid port states length'], [7, 'reporter supernode not found'], [8, 'invalid reporter state'],
  [9, 'invalid storage proof results'], [10, 'invalid storage recheck evidence'], [11, 'heal op not found'],
  [12, 'heal op unauthorized actor'], [13, 'heal op invalid state transition'], [14, 'heal op ticket mismatch'],
  [15, 'heal verification already submitted'], [16, 'ticket artifact count mismatch'], [17, 'invalid heal verification'],
  [18, 'invalid host metric'], [1101, 'invalid evidence type'], [1102, 'invalid evidence metadata'],
  [1103, 'invalid subject address'], [1104, 'invalid reporter address'], [1105, 'invalid action id'], [1200, 'not implemented'],
]);
/** x/action registered errors (MsgRequestAction / MsgFinalizeAction). */
const ACTION_MESSAGES: ReadonlyMap<number, string> = new Map([
  [1, 'action expired'], [2, 'invalid action type'], [3, 'action not found'], [4, 'invalid metadata'], [5, 'invalid action state'],
  [7, 'invalid signature'], [8, 'internal error occurred'], [10, 'unauthorized supernode'], [12, 'invalid price'], [13, 'invalid address'],
  [15, 'invalid file size'],
]);
/** SDK errors a supernode tx can meet; generic query/simulation wrappers (6, 18, 38) are deliberately absent. */
const SDK_MESSAGES: ReadonlyMap<number, string> = new Map([
  [2, 'tx parse error'], [3, 'invalid sequence'], [4, 'unauthorized'], [5, 'insufficient funds'], [11, 'out of gas'],
  [13, 'insufficient fee'], [19, 'tx already in mempool'], [20, 'mempool is full'], [21, 'tx too large'],
  [28, 'invalid chain-id'], [32, 'incorrect account sequence'],
]);
export const SDK_GENERIC_WRAPPERS = new Set([1, 6, 18, 38]);

export const SDK_CODE = { OUT_OF_GAS: 11, INSUFFICIENT_FEE: 13, INSUFFICIENT_FUNDS: 5, UNAUTHORIZED: 4, TX_IN_MEMPOOL: 19, MEMPOOL_FULL: 20, WRONG_SEQUENCE: 32, KEY_NOT_FOUND: 38, INVALID_REQUEST: 18 } as const;
export const AUDIT_CODE = {
  INVALID_SIGNER: 1, INVALID_EPOCH_ID: 2, DUPLICATE_REPORT: 4, INVALID_PEER_OBSERVATIONS: 5, INVALID_PORT_STATES_LENGTH: 6,
  REPORTER_NOT_FOUND: 7, INVALID_REPORTER_STATE: 8, INVALID_STORAGE_PROOFS: 9, INVALID_RECHECK_EVIDENCE: 10,
  HEAL_OP_NOT_FOUND: 11, HEAL_OP_UNAUTHORIZED: 12, HEAL_OP_INVALID_STATE: 13, HEAL_OP_TICKET_MISMATCH: 14,
  HEAL_VERIFICATION_EXISTS: 15, TICKET_ARTIFACT_MISMATCH: 16, INVALID_HEAL_VERIFICATION: 17, INVALID_HOST_METRIC: 18,
} as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "…: <msg>" (or the whole text) ending at end of text, at ": ", or at the simulation suffix " With gas wanted". */
function endsWithRegistered(text: string, msg: string): RegExpExecArray | null {
  return new RegExp(`(?:^|: |desc = )${escapeRe(msg)}(?=$|: | With gas wanted)`).exec(text);
}

export interface ChainErrorIdentity {
  codespace: string;
  code: number;
  /** True when the pair came from the text because the answer carried a generic wrapper code. */
  fromText: boolean;
  /** The error context (text before ": <registered message>", after any baseapp / gRPC prefixes). */
  context: string;
  log: string;
}

export function* causeChain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    seen.add(cur);
    yield cur;
    cur = cur instanceof Error || typeof cur === 'object' ? (cur as { cause?: unknown }).cause : undefined;
  }
}

export function findAbci(err: unknown): ChainAbciError | undefined {
  for (const e of causeChain(err)) if (e instanceof ChainAbciError) return e;
  return undefined;
}

function stripPrefixes(text: string): string {
  let t = text;
  const desc = /rpc error: code = \w+ desc = /.exec(t);
  if (desc) t = t.slice(desc.index + desc[0].length);
  const idx = /failed to execute message; message index: \d+: /.exec(t);
  if (idx) t = t.slice(idx.index + idx[0].length);
  return t.replace(/ With gas wanted: .*$/s, '');
}

function contextBefore(text: string, msg: string): string {
  const body = stripPrefixes(text);
  const m = endsWithRegistered(body, msg);
  if (!m) return body;
  return body.slice(0, m.index).trim();
}

/** (codespace, code) of a chain rejection anywhere in the cause chain; undefined when it is not one. */
export function chainErrorIdentity(err: unknown): ChainErrorIdentity | undefined {
  const abci = findAbci(err);
  if (!abci) return undefined;
  const { codespace, code, log, stage } = abci.failure;
  const table = codespace === 'audit' ? AUDIT_MESSAGES : codespace === 'sdk' ? SDK_MESSAGES : codespace === 'action' ? ACTION_MESSAGES : undefined;
  const generic = (codespace === 'sdk' && SDK_GENERIC_WRAPPERS.has(code)) || codespace === 'undefined' || codespace === '';
  if (!generic || stage === 'query') {
    const msg = table?.get(code);
    return { codespace, code, fromText: false, context: msg ? contextBefore(log, msg) : stripPrefixes(log), log };
  }
  // Generic wrapper: recover the module error from the text. The outermost registered error is the one
  // rendered last ("<ctx>: <inner>: <outer>"), so the right-most match wins across all tables.
  const body = stripPrefixes(log);
  let best: { space: string; code: number; at: number; msg: string } | undefined;
  for (const [space, tbl] of [['audit', AUDIT_MESSAGES], ['action', ACTION_MESSAGES], ['sdk', SDK_MESSAGES]] as const) {
    for (const [c, msg] of tbl) {
      const m = endsWithRegistered(body, msg);
      if (m && (!best || m.index > best.at || (m.index === best.at && msg.length > best.msg.length))) best = { space, code: c, at: m.index, msg };
    }
  }
  if (best) return { codespace: best.space, code: best.code, fromText: true, context: contextBefore(log, best.msg), log };
  return { codespace, code, fromText: false, context: body, log };
}

function isAudit(err: unknown, code: number): boolean {
  const id = chainErrorIdentity(err);
  return id !== undefined && id.codespace === 'audit' && id.code === code;
}

function fullText(err: unknown): string {
  const parts: string[] = [];
  for (const e of causeChain(err)) {
    if (e instanceof ChainAbciError) parts.push(e.failure.log);
    else if (e instanceof Error) parts.push(e.message);
    else if (typeof e === 'string') parts.push(e);
    else if (e && typeof e === 'object' && typeof (e as { details?: unknown }).details === 'string') parts.push((e as { details: string }).details);
  }
  return parts.join(' | ');
}

// ---------------------------------------------------------------------------------------------------
// Transport / gRPC status helpers.

/** gRPC status codes (grpc-js numbering) that say "the other side did not answer in time". */
const TRANSIENT_GRPC = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 10 /* ABORTED */, 14 /* UNAVAILABLE */]);
const GRPC_NAMES: Record<string, number> = { Canceled: 1, Cancelled: 1, Unknown: 2, InvalidArgument: 3, DeadlineExceeded: 4, NotFound: 5, Unavailable: 14, Aborted: 10, ResourceExhausted: 8 };

/** gRPC status code of a grpc-js ServiceError (numeric `code` + `details`) anywhere in the cause chain. */
export function grpcStatusCode(err: unknown): number | undefined {
  for (const e of causeChain(err)) {
    if (e instanceof SupernodeError) continue;
    if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'number' && 'details' in e) return (e as unknown as { code: number }).code;
  }
  return undefined;
}

/** gRPC status of a query rejection: SDK wraps NotFound as sdk/38, InvalidArgument as sdk/18, and keeps the name in the log. */
export function queryStatus(abci: ChainAbciError): number | undefined {
  const named = /rpc error: code = (\w+)/.exec(abci.failure.log);
  if (named && GRPC_NAMES[named[1]!] !== undefined) return GRPC_NAMES[named[1]!];
  if (abci.failure.codespace === 'sdk' && abci.failure.code === SDK_CODE.KEY_NOT_FOUND) return 5;
  if (abci.failure.codespace === 'sdk' && abci.failure.code === SDK_CODE.INVALID_REQUEST) return 3;
  return undefined;
}

/** "The chain (or peer) did not answer": our deadline or cancellation, connection failure, retryable HTTP or gRPC status. */
export function isTransient(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (e instanceof ChainTransportError || e instanceof ChainInclusionTimeoutError) return true;
    if (e instanceof ChainAbciError || e instanceof ChainRpcError) return false;
    if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) return true;
  }
  const g = grpcStatusCode(err);
  return g !== undefined && TRANSIENT_GRPC.has(g);
}

/** The tx was accepted by CheckTx but its inclusion was not observed before the deadline. */
export function isInclusionUnknown(err: unknown): boolean {
  for (const e of causeChain(err)) if (e instanceof ChainInclusionTimeoutError) return true;
  return false;
}

/** A query answered NotFound (gRPC NOT_FOUND through ABCI). */
export function isNotFound(err: unknown): boolean {
  const abci = findAbci(err);
  if (abci) return abci.failure.stage === 'query' && queryStatus(abci) === 5;
  return grpcStatusCode(err) === 5;
}

export type NotFoundSubject = 'supernode' | 'epoch_anchor' | 'current_epoch_anchor' | 'epoch_report' | 'heal_op' | 'action' | 'account' | 'state' | 'evidence' | 'other';

/** Which record a NotFound query answer is about (e.g. "supernode not found" vs "epoch report not found"). */
export function notFoundSubject(err: unknown): NotFoundSubject | undefined {
  if (!isNotFound(err)) return undefined;
  const t = fullText(err).toLowerCase();
  const table: Array<[string, NotFoundSubject]> = [
    ['current epoch anchor not found', 'current_epoch_anchor'], ['epoch anchor not found', 'epoch_anchor'],
    ['epoch report not found', 'epoch_report'], ['heal op not found', 'heal_op'], ['supernode not found', 'supernode'],
    ['failed to get action', 'action'], ['action not found', 'action'], ['state not found', 'state'],
    ['evidence not found', 'evidence'], ['account', 'account'],
  ];
  for (const [needle, subject] of table) if (t.includes(needle)) return subject;
  return 'other';
}

// ---------------------------------------------------------------------------------------------------
// Predicates (spec 04 §6 R6.2 truth table, adapted to CometBFT RPC per R6.4).

export function isEpochReportDuplicate(err: unknown): boolean {
  return isAudit(err, AUDIT_CODE.DUPLICATE_REPORT) || fullText(err).toLowerCase().includes('report already submitted for this epoch');
}

export function isVerificationAlreadySubmitted(err: unknown): boolean {
  return isAudit(err, AUDIT_CODE.HEAL_VERIFICATION_EXISTS) || fullText(err).includes('verification already submitted by creator');
}

/** Code 10 alone is a generic envelope; only the dedup phrase means "already submitted". */
export function isRecheckEvidenceAlreadySubmitted(err: unknown): boolean {
  return fullText(err).toLowerCase().includes('recheck evidence already submitted');
}

export function isHealOpInvalidState(err: unknown): boolean {
  if (isTransient(err)) return false;
  return isAudit(err, AUDIT_CODE.HEAL_OP_INVALID_STATE) || fullText(err).includes('does not accept healer completion claim');
}

export function isHealOpPastDeadline(err: unknown): boolean {
  const t = fullText(err).toLowerCase();
  return isAudit(err, AUDIT_CODE.HEAL_OP_INVALID_STATE) && t.includes('heal op') && t.includes('deadline');
}

/** Typed audit/11, a NotFound query about a heal op, or the phrase; never block/key "not found" texts. */
export function isHealOpNotFound(err: unknown): boolean {
  if (isTransient(err)) return false;
  if (isAudit(err, AUDIT_CODE.HEAL_OP_NOT_FOUND)) return true;
  return fullText(err).toLowerCase().includes('heal op not found');
}

/** Heal-op status named in a "heal op status X does not accept …" rejection. */
export function healOpStatusInRejection(err: unknown): { status: string; action: 'claim' | 'verification' } | undefined {
  if (!isAudit(err, AUDIT_CODE.HEAL_OP_INVALID_STATE)) return undefined;
  const m = /heal op status (HEAL_OP_STATUS_[A-Z_]+) does not accept (healer completion claim|verification)/.exec(fullText(err));
  if (!m) return undefined;
  return { status: m[1]!, action: m[2] === 'verification' ? 'verification' : 'claim' };
}

/**
 * The healer's claim is already on chain: the op is VERIFIED, or it is HEALER_REPORTED and its result hash is
 * the manifest hash we sent (pass both from `getHealOp` when known; without them HEALER_REPORTED is not assumed).
 */
export function isHealClaimAlreadyAccepted(err: unknown, ctx: { ownManifestHash?: string; healOpResultHash?: string } = {}): boolean {
  const s = healOpStatusInRejection(err);
  if (!s || s.action !== 'claim') return false;
  if (s.status === 'HEAL_OP_STATUS_VERIFIED') return true;
  return s.status === 'HEAL_OP_STATUS_HEALER_REPORTED' && ctx.ownManifestHash !== undefined && ctx.ownManifestHash === ctx.healOpResultHash;
}

export function isSequenceMismatch(err: unknown): boolean {
  const id = chainErrorIdentity(err);
  if (id?.codespace === 'sdk' && id.code === SDK_CODE.WRONG_SEQUENCE) return true;
  const t = fullText(err).toLowerCase();
  return t.includes('incorrect account sequence') || t.includes('account sequence mismatch');
}

/** N of "account sequence mismatch, expected N, got M"; undefined when absent or unparsable. */
export function expectedSequence(err: unknown): bigint | undefined {
  if (!isSequenceMismatch(err)) return undefined;
  const m = /expected (\d+), got (\d+)/.exec(fullText(err));
  return m ? BigInt(m[1]!) : undefined;
}

export function isOutOfGas(err: unknown): boolean {
  const id = chainErrorIdentity(err);
  if (id?.codespace === 'sdk' && id.code === SDK_CODE.OUT_OF_GAS) return true;
  return fullText(err).toLowerCase().includes('out of gas');
}

/** CheckTx said the identical tx bytes are already in the mempool (a re-broadcast): wait for inclusion instead. */
export function isTxAlreadyInMempool(err: unknown): boolean {
  const id = chainErrorIdentity(err);
  if (id?.codespace === 'sdk' && id.code === SDK_CODE.TX_IN_MEMPOOL) return true;
  // CometBFT answers a re-broadcast of cached bytes with a JSON-RPC error, not an ABCI code.
  for (const e of causeChain(err)) if (e instanceof ChainRpcError) return `${e.rpcMessage} ${e.rpcData}`.includes('tx already exists in cache');
  return false;
}

// The spec 03 §8 reaction table lives in error-reactions.ts (same module family: the only readers of error text).
export { classifyChainError, type ClassifyContext, type ChainVerdict } from './error-reactions.js';

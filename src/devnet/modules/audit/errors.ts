/**
 * The audit module's registered errors (spec 02 §12, spec 03 §8) and constructors for the two failure
 * shapes of the module contract: ChainRuleError for msg handlers (text `<context>: <registered>`, the node
 * adds the message-index prefix) and ChainQueryError (gRPC status) for queries.
 */
import { ChainRuleError, ChainQueryError } from '../types.js';

export interface RegisteredError {
  readonly codespace: string;
  readonly code: number;
  readonly message: string;
}

export function register(codespace: string, code: number, message: string): RegisteredError {
  return { codespace, code, message };
}

/** `errorsmod.Wrap(err, context)`: "<context>: <registered>"; the bare registered text when context is omitted. */
export function wrap(err: RegisteredError, context?: string): ChainRuleError {
  return new ChainRuleError(err.codespace, err.code, context === undefined ? err.message : `${context}: ${err.message}`);
}

/** Errors that are not registered module errors surface as codespace "undefined", code 1 (rule 0.1.4). */
export function plainError(text: string): ChainRuleError {
  return new ChainRuleError('undefined', 1, text);
}

export function invalidArgument(message: string): ChainQueryError {
  return new ChainQueryError('InvalidArgument', message);
}

export function notFound(message: string): ChainQueryError {
  return new ChainQueryError('NotFound', message);
}

export const AuditErr = {
  InvalidSigner: register('audit', 1, 'invalid signer'),
  InvalidEpochId: register('audit', 2, 'invalid epoch id'),
  DuplicateReport: register('audit', 4, 'duplicate report'),
  InvalidPeerObservations: register('audit', 5, 'invalid peer observations'),
  InvalidPortStatesLength: register('audit', 6, 'invalid port states length'),
  ReporterNotFound: register('audit', 7, 'reporter supernode not found'),
  InvalidReporterState: register('audit', 8, 'invalid reporter state'),
  InvalidStorageProofs: register('audit', 9, 'invalid storage proof results'),
  InvalidRecheckEvidence: register('audit', 10, 'invalid storage recheck evidence'),
  HealOpNotFound: register('audit', 11, 'heal op not found'),
  HealOpUnauthorized: register('audit', 12, 'heal op unauthorized actor'),
  HealOpInvalidState: register('audit', 13, 'heal op invalid state transition'),
  HealOpTicketMismatch: register('audit', 14, 'heal op ticket mismatch'),
  HealVerificationExists: register('audit', 15, 'heal verification already submitted'),
  TicketArtifactMismatch: register('audit', 16, 'ticket artifact count mismatch'),
  InvalidHealVerification: register('audit', 17, 'invalid heal verification'),
  InvalidHostMetric: register('audit', 18, 'invalid host metric'),
  InvalidEvidenceType: register('audit', 1101, 'invalid evidence type'),
  InvalidEvidenceMetadata: register('audit', 1102, 'invalid evidence metadata'),
  InvalidSubjectAddress: register('audit', 1103, 'invalid subject address'),
  InvalidReporterAddress: register('audit', 1104, 'invalid reporter address'),
  InvalidActionId: register('audit', 1105, 'invalid action id'),
  NotImplemented: register('audit', 1200, 'not implemented'),
} as const;

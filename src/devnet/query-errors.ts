/**
 * How a failed gRPC query surfaces through ABCI query: baseapp converts the gRPC status into an SDK error
 * (NotFound → key not found 38, InvalidArgument/FailedPrecondition → invalid request 18, Unauthenticated →
 * unauthorized 4, else unknown request 6) wrapping the status text "rpc error: code = X desc = Y".
 * cosmjs relies on this text (e.g. getAccount returns null on "rpc error: code = NotFound").
 */
import { ChainQueryError, ChainRuleError, type GrpcStatusName } from './modules/types.js';

export interface QueryResult {
  code: number;
  codespace: string;
  log: string;
  value: Uint8Array;
  height: bigint;
}

const MAPPING: Record<GrpcStatusName, [number, string]> = {
  NotFound: [38, 'key not found'],
  InvalidArgument: [18, 'invalid request'],
  FailedPrecondition: [18, 'invalid request'],
  Unauthenticated: [4, 'unauthorized'],
  Internal: [6, 'unknown request'],
  Unimplemented: [6, 'unknown request'],
};

/** Decodes a query's request bytes; undecodable input is the gRPC InvalidArgument the chain answers with. */
export function decodeOr<T>(decode: (b: Uint8Array) => T, bytes: Uint8Array, what: string): T {
  try {
    return decode(bytes);
  } catch (err) {
    throw new ChainQueryError('InvalidArgument', `could not decode ${what}: ${(err as Error).message}`);
  }
}

export function grpcStatusText(status: GrpcStatusName | 'Unknown', message: string): string {
  return `rpc error: code = ${status} desc = ${message}`;
}

export function renderQueryError(err: unknown): { code: number; codespace: string; log: string } {
  if (err instanceof ChainQueryError) {
    const [code, registered] = MAPPING[err.grpcStatus];
    return { code, codespace: 'sdk', log: `${grpcStatusText(err.grpcStatus, err.message)}: ${registered}` };
  }
  if (err instanceof ChainRuleError) {
    // A module threw a tx-style error from a query: the gRPC layer reports it as Unknown.
    return { code: 6, codespace: 'sdk', log: `${grpcStatusText('Unknown', `${err.log}`)}: unknown request` };
  }
  // Undecodable request or internal failure: gRPC InvalidArgument/Internal.
  return { code: 18, codespace: 'sdk', log: `${grpcStatusText('InvalidArgument', err instanceof Error ? err.message : String(err))}: invalid request` };
}

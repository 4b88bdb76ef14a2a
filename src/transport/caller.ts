/**
 * How a gRPC handler learns the verified caller (spec 05 §5.8): `callerOf(call)`. Identity comes only from
 * the lumera-alts handshake of the connection the call arrived on, never from a request field.
 *
 * grpc-js tells handlers nothing about an injected connection (`getPeer()` is "unknown", the auth context is
 * empty), so each authenticated connection gets its own lightweight grpc.Server whose handlers are wrapped
 * by `bindCaller`: the wrapper records the connection's identity for the call object before the real
 * handler runs. Calls that did not come through such a wrapper have no caller and are refused.
 */
import { status, type Metadata, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PeerType } from './handshake-message.js';

export interface Caller {
  /** Verified bech32 account of the caller. */
  address: string;
  /** 1 = Simplenode (existing account), 2 = Supernode (registered on chain). */
  peerType: PeerType;
}

/** A grpc-js ServiceError-shaped error, so handlers can pass it straight to `callback` or `call.destroy`. */
export class UnauthenticatedCallError extends Error {
  readonly code = status.UNAUTHENTICATED;
  readonly details: string;
  readonly metadata?: Metadata;

  constructor(details: string) {
    super(`${status.UNAUTHENTICATED} UNAUTHENTICATED: ${details}`);
    this.name = 'UnauthenticatedCallError';
    this.details = details;
  }
}

const callers = new WeakMap<object, Caller>();

/**
 * Wraps every handler of `implementation` for `definition` so that calls carry `caller` (one wrapper per
 * connection). Handlers are looked up the way grpc-js does (by method name, then by original name) and keep
 * their `this`, so class-based implementations work too.
 */
export function bindCaller(definition: ServiceDefinition, implementation: UntypedServiceImplementation, caller: Caller): UntypedServiceImplementation {
  const frozen: Caller = Object.freeze({ address: caller.address, peerType: caller.peerType });
  const source = implementation as Record<string, unknown>;
  const bound: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const original = (method as { originalName?: string }).originalName;
    const handler = source[name] ?? (original ? source[original] : undefined);
    if (typeof handler !== 'function') continue;
    bound[name] = ((call: object, ...rest: unknown[]) => {
      callers.set(call, frozen);
      return (handler as (...args: unknown[]) => unknown).call(implementation, call, ...rest);
    }) as UntypedServiceImplementation[string];
  }
  return bound;
}

/** The verified caller of a call that arrived over lumera-alts; throws UnauthenticatedCallError otherwise. */
export function callerOf(call: object): Caller {
  const caller = callers.get(call);
  if (!caller) throw new UnauthenticatedCallError('call did not arrive over an authenticated lumera-alts connection');
  return caller;
}

/** Like callerOf, but also requires a registered supernode (peer type 2). */
export function supernodeCallerOf(call: object): Caller {
  const caller = callerOf(call);
  if (caller.peerType !== 2) throw new UnauthenticatedCallError(`caller ${caller.address} is not a supernode`);
  return caller;
}

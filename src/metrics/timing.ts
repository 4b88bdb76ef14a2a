/**
 * Latency observation without touching the callers: the chain client and the proof caller are wrapped so
 * every async method call lands in a histogram under its method name.
 */
import type { Histogram } from 'prom-client';
import type { LumeraClient } from '../chain/client.js';
import type { ProofCaller } from '../challenge/proof-client.js';

async function timed<T>(h: Histogram<'method' | 'outcome'>, method: string, run: () => Promise<T>): Promise<T> {
  const end = h.startTimer({ method });
  try {
    const v = await run();
    end({ outcome: 'ok' });
    return v;
  } catch (err) {
    end({ outcome: 'error' });
    throw err;
  }
}

/** The client with every method that returns a promise timed; properties and sync methods pass through. */
export function timedChainClient(client: LumeraClient, h: Histogram<'method' | 'outcome'>): LumeraClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'close') return typeof v === 'function' ? v.bind(target) : v;
      const fn = v as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const end = h.startTimer({ method: prop });
        let out: unknown;
        try {
          out = fn.apply(target, args);
        } catch (err) {
          end({ outcome: 'error' });
          throw err;
        }
        if (!(out instanceof Promise)) return out;
        return out.then(
          (r) => (end({ outcome: 'ok' }), r),
          (err: unknown) => {
            end({ outcome: 'error' });
            throw err;
          },
        );
      };
    },
  });
}

/** A proof caller that builds its real caller on first use (the dialer exists only once the node started). */
export function timedProofCaller(make: () => ProofCaller, h: Histogram<'method' | 'outcome'>): ProofCaller {
  let inner: ProofCaller | undefined;
  return {
    getCompoundProof(target, req, timeoutMs) {
      inner ??= make();
      const caller = inner;
      return timed(h, 'GetCompoundProof', () => caller.getCompoundProof(target, req, timeoutMs));
    },
  };
}

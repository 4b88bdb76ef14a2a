/**
 * Cancellation and deadlines for background heal work. An `OpContext` is an AbortSignal plus the wall-clock
 * deadline it fires at; `withTimeout` bounds one awaited call (a chain query, a semaphore wait).
 */
import { SupernodeError } from '../util/errors.js';

/** Thrown when a bounded wait runs out; named TimeoutError so the chain error predicates treat it as transient. */
export class HealTimeoutError extends SupernodeError {
  constructor(what: string, ms: number) {
    super('HEAL_TIMEOUT', `${what} did not finish within ${ms} ms`, { what, ms });
    this.name = 'TimeoutError';
  }
}

export class HealAbortedError extends SupernodeError {
  constructor(what: string, reason?: unknown) {
    super('HEAL_ABORTED', `${what}: cancelled${reason instanceof Error ? ` (${reason.message})` : ''}`, { what });
    this.name = 'AbortError';
  }
}

/** Awaits `p`, rejecting with HealTimeoutError after `ms` or HealAbortedError when `signal` fires. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      p.catch(() => undefined);
      reject(new HealAbortedError(what, signal.reason));
      return;
    }
    const onAbort = () => {
      cleanup();
      reject(new HealAbortedError(what, signal?.reason));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new HealTimeoutError(what, ms));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}

/** An abort signal firing at `deadlineMs` (epoch ms) or when `parent` fires, whichever comes first. */
export interface OpContext {
  signal: AbortSignal;
  /** Wall-clock deadline, epoch milliseconds. */
  deadlineMs: number;
  /** Releases the timer (call when the work ends). */
  dispose(): void;
}

export function opContext(deadlineMs: number, parent?: AbortSignal): OpContext {
  const ctrl = new AbortController();
  const remaining = Math.max(0, deadlineMs - Date.now());
  const timer = setTimeout(() => ctrl.abort(new HealTimeoutError('heal op work', remaining)), remaining);
  timer.unref?.();
  const onParent = () => ctrl.abort(parent?.reason);
  if (parent?.aborted) ctrl.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ctrl.signal,
    deadlineMs,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new HealAbortedError(what, signal.reason);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new HealAbortedError('sleep', signal.reason));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new HealAbortedError('sleep', signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

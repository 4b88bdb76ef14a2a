/**
 * Counting semaphore with cancellable waits (R3.8.1: reconstructs, verifications, publishes), and the
 * in-flight key set that keeps one task per (heal op, role) in this process.
 */
import { InvalidArgumentError } from '../util/errors.js';
import { HealAbortedError } from './op-context.js';

export class Semaphore {
  private used = 0;
  private readonly waiters: Array<{ grant: () => void }> = [];

  constructor(readonly name: string, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new InvalidArgumentError(name, `must be an integer >= 1, got ${capacity}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** Waits for a slot; rejects (and takes no slot) when `signal` fires first. Returns the release function. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new HealAbortedError(`${this.name} slot wait`, signal.reason));
    const release = once(() => {
      this.used--;
      const next = this.waiters.shift();
      if (next) next.grant();
    });
    if (this.used < this.capacity) {
      this.used++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.used++;
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new HealAbortedError(`${this.name} slot wait`, signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/** Keys like `<heal_op_id>/healer`; `tryAdd` is false when the key is already running. */
export class InFlight {
  private readonly keys = new Set<string>();
  tryAdd(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
  delete(key: string): void {
    this.keys.delete(key);
  }
  has(key: string): boolean {
    return this.keys.has(key);
  }
  get size(): number {
    return this.keys.size;
  }
}

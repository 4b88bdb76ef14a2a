/**
 * Caps concurrent handshakes (spec 05 §5.3: ≤ 100 per side). Waiters queue in order up to a bound; beyond
 * it a handshake is refused at once, so a flood of half-open connections cannot grow memory without limit.
 * The handshake deadline also covers the wait in the queue.
 */
import { InvalidArgumentError } from '../util/errors.js';
import { TransportError } from './errors.js';

export const DEFAULT_MAX_CONCURRENT_HANDSHAKES = 100;

export class HandshakeLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly maxConcurrent = DEFAULT_MAX_CONCURRENT_HANDSHAKES, readonly maxQueued = maxConcurrent * 4) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new InvalidArgumentError('maxConcurrentHandshakes', `must be an integer ≥ 1, got ${maxConcurrent}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new InvalidArgumentError('maxQueuedHandshakes', `must be an integer ≥ 0, got ${maxQueued}`);
  }

  get inProgress(): number {
    return this.active;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void> {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new TransportError('ALTS_HANDSHAKE_BUSY', `too many concurrent handshakes (limit ${this.maxConcurrent}, queue ${this.maxQueued})`, { limit: this.maxConcurrent }));
    }
    return new Promise((resolve) => {
      this.queue.push(() => {
        this.active++;
        resolve(this.releaser());
      });
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      const next = this.queue.shift();
      next?.();
    };
  }
}

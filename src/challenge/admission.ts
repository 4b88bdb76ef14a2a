/**
 * Admission control for inbound proof requests: a token bucket per authenticated caller, a global bound on
 * proofs being computed at once, and a per-caller share of that bound (without it one peer's burst could
 * hold every global slot and starve the others). All refuse with RESOURCE_EXHAUSTED before any byte is
 * read. The bucket map is bounded: idle full buckets are dropped.
 */
import { InvalidArgumentError } from '../util/errors.js';

export interface AdmissionOptions {
  /** Sustained requests per second per caller. Default 20. */
  perCallerRatePerSec?: number;
  /** Burst per caller. Default 40. */
  perCallerBurst?: number;
  /** Proofs computed at once across all callers. Default 32. */
  maxInFlight?: number;
  /** Proofs computed at once for one caller. Default a quarter of maxInFlight (at least 1). */
  maxInFlightPerCaller?: number;
  /** Most callers tracked at once (oldest idle entries are evicted first). Default 10 000. */
  maxTrackedCallers?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

function positiveNumber(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(name, `must be a positive number, got ${v}`);
  return v;
}

export type AdmissionRefusal = 'rate' | 'in_flight' | 'caller_in_flight';

export class Admission {
  private readonly buckets = new Map<string, Bucket>();
  private inFlight = 0;
  private readonly callerInFlight = new Map<string, number>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxInFlight: number;
  private readonly maxPerCaller: number;
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(opts: AdmissionOptions = {}) {
    this.rate = positiveNumber('perCallerRatePerSec', opts.perCallerRatePerSec ?? 20);
    this.burst = positiveNumber('perCallerBurst', opts.perCallerBurst ?? 40);
    this.maxInFlight = Math.floor(positiveNumber('maxInFlight', opts.maxInFlight ?? 32));
    this.maxPerCaller = Math.floor(positiveNumber('maxInFlightPerCaller', opts.maxInFlightPerCaller ?? Math.max(1, Math.floor(this.maxInFlight / 4))));
    this.maxTracked = Math.floor(positiveNumber('maxTrackedCallers', opts.maxTrackedCallers ?? 10_000));
    this.now = opts.now ?? Date.now;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Takes a slot for `caller`; returns a release function, or the reason for refusal. */
  enter(caller: string): { release: () => void } | { refused: AdmissionRefusal } {
    if (this.inFlight >= this.maxInFlight) return { refused: 'in_flight' };
    const mine = this.callerInFlight.get(caller) ?? 0;
    if (mine >= this.maxPerCaller) return { refused: 'caller_in_flight' };
    const t = this.now();
    let b = this.buckets.get(caller);
    if (b) {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate);
      b.at = t;
      this.buckets.delete(caller); // re-insert: Map order = least recently seen first
    } else {
      b = { tokens: this.burst, at: t };
    }
    this.buckets.set(caller, b);
    this.evict();
    if (b.tokens < 1) return { refused: 'rate' };
    b.tokens -= 1;
    this.inFlight++;
    this.callerInFlight.set(caller, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        const left = (this.callerInFlight.get(caller) ?? 1) - 1;
        if (left > 0) this.callerInFlight.set(caller, left);
        else this.callerInFlight.delete(caller);
      },
    };
  }

  private evict(): void {
    while (this.buckets.size > this.maxTracked) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}

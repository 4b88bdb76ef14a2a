/**
 * Recipient caps (spec 04 R1.3.1): (maxRanges, maxLen) = the chain's compound params (0 → 4 / 256), cached
 * for one minute. A failed or empty params query yields the fallback for that call only (nothing cached,
 * so the next call retries). The aggregate cap is min(maxRanges × maxLen, 16 KiB).
 */
import {
  LEP6_COMPOUND_RANGES_PER_ARTIFACT, LEP6_COMPOUND_RANGE_LEN_BYTES, MAX_COMPOUND_AGGREGATE_BYTES,
} from '../deterministic/index.js';
import type { AuditParams } from './chain.js';

export interface CompoundCaps {
  maxRanges: number;
  maxLen: number;
  aggregate: number;
}

export const CAPS_TTL_MS = 60_000;

export function capsFromParams(params: Pick<AuditParams, 'storageTruthCompoundRangesPerArtifact' | 'storageTruthCompoundRangeLenBytes'> | undefined): CompoundCaps {
  const maxRanges = params?.storageTruthCompoundRangesPerArtifact || LEP6_COMPOUND_RANGES_PER_ARTIFACT;
  const maxLen = params?.storageTruthCompoundRangeLenBytes || Number(LEP6_COMPOUND_RANGE_LEN_BYTES);
  return { maxRanges, maxLen, aggregate: Math.min(maxRanges * maxLen, MAX_COMPOUND_AGGREGATE_BYTES) };
}

export const FALLBACK_CAPS: CompoundCaps = Object.freeze(capsFromParams(undefined));

export interface ParamsSource {
  getAuditParams(): Promise<AuditParams>;
}

export class CompoundCapsCache {
  private cached: { caps: CompoundCaps; at: number } | undefined;
  private inflight: Promise<CompoundCaps> | undefined;

  constructor(
    private readonly source: ParamsSource | undefined,
    private readonly ttlMs = CAPS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<CompoundCaps> {
    const c = this.cached;
    if (c && this.now() - c.at < this.ttlMs) return c.caps;
    if (!this.source) return FALLBACK_CAPS;
    // Coalesce concurrent refreshes so a burst of requests costs one params query.
    this.inflight ??= (async () => {
      try {
        const params = await this.source!.getAuditParams();
        if (!params) return FALLBACK_CAPS;
        const caps = capsFromParams(params);
        this.cached = { caps, at: this.now() };
        return caps;
      } catch {
        return FALLBACK_CAPS;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}

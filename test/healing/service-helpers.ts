/** Builds a SelfHealingService on the fakes, with counting reconstruct / stream source / publisher doubles. */
import { randomBytes } from 'node:crypto';
import type { HealOp } from '../../src/gen/lumera/audit/v1/audit.js';
import { dataHashB64 } from '../../src/cascade/hash.js';
import { readManifestIn } from '../../src/healing/staging.js';
import { SelfHealingService, type SelfHealingServiceOptions } from '../../src/healing/service.js';
import type { HealerStreamSource, StreamMessage } from '../../src/healing/healer-stream.js';
import type { Publisher } from '../../src/healing/publisher.js';
import type { StagedResult } from '../../src/healing/reconstruct.js';
import { silentLogger } from '../../src/util/logger.js';
import { SELF, stageFile, type Env, type FakeChain } from './fakes.js';

export const FILE = randomBytes(3000);
export const FILE_HASH = dataHashB64(FILE);

export class Doubles {
  reconstructs: bigint[] = [];
  reconstructError: (() => unknown) | undefined;
  fetches: Array<{ healer: string; healOpId: bigint; self: string }> = [];
  /** What the healer streams (or an error to throw). */
  serve: (() => StreamMessage[]) | undefined = () => [{ chunk: FILE, totalSize: BigInt(FILE.length), isLast: true }];
  published: Array<{ healOpId: bigint; dir: string }> = [];
  publishError: (() => unknown) | undefined;
  events: string[] = [];

  constructor(private readonly e: Env) {}

  reconstruct = async (op: HealOp): Promise<StagedResult> => {
    this.reconstructs.push(op.healOpId);
    if (this.reconstructError) throw this.reconstructError();
    const dir = await stageFile(this.e.staging, op.healOpId, FILE, FILE_HASH);
    return { dir, manifest: (await readManifestIn(dir))!, timings: { fetchMs: 0, decodeMs: 0, encodeMs: 0, stageMs: 0 } };
  };

  source: HealerStreamSource = {
    open: async (healer, healOpId, self) => {
      this.fetches.push({ healer, healOpId, self });
      const serve = this.serve;
      if (!serve) throw new Error('connection refused');
      const msgs = serve();
      return (async function* () {
        for (const m of msgs) yield m;
      })();
    },
  };

  publisher: Publisher = {
    publish: async (healOpId, manifest) => {
      this.events.push(`publish:${healOpId}`);
      if (this.publishError) throw this.publishError();
      this.published.push({ healOpId, dir: manifest.symbols_dir });
    },
  };
}

export function buildService(e: Env, chain: FakeChain, d: Doubles, over: Partial<SelfHealingServiceOptions> = {}): SelfHealingService {
  return new SelfHealingService({
    self: SELF, chain, claims: e.claims, verifications: e.verifications, staging: e.staging,
    config: { pollIntervalMs: 3_600_000, maxConcurrentReconstructs: 2, maxConcurrentVerifications: 4, maxConcurrentPublishes: 2, verifierFetchTimeoutMs: 2000, verifierFetchAttempts: 3, verifierBackoffBaseMs: 1, auditQueryTimeoutMs: 300 },
    reconstruct: d.reconstruct, source: d.source, publisher: d.publisher, logger: silentLogger(), ...over,
  });
}

/** One tick and everything it started. */
export async function tickAndDrain(s: SelfHealingService) {
  const r = await s.tick();
  await s.drain();
  return r;
}

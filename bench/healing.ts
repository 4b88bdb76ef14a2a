/**
 * Self-healing benchmark (issue 6), all on loopback lumera-alts in this process:
 *  (a) a heal end to end: the healer fetches the symbols of a BENCH_HEAL_MIB (default 256) MiB cascade file
 *      from a holder, decodes, verifies the data hash, re-encodes and stages it, then streams the rebuilt file
 *      to 2 verifiers that hash while receiving — time per phase;
 *  (b) verifier stream+hash MB/s beside the raw lumera-alts stream of the same staged file (no hashing);
 *  (c) peak RSS growth while the healer streams a BENCH_HEAL_STREAM_MIB (default 1024) MiB file to a verifier.
 */
import { mkdtemp, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { BenchRow, BenchSuite } from './types.js';
import { AltsGrpcServer } from '../src/transport/grpc-server.js';
import { PeerDialer } from '../src/transport/peer-dialer.js';
import { accountSignerFromPrivateKey, type AccountSigner } from '../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../src/transport/identity-verifier.js';
import { ArtefactStore } from '../src/store/artefacts.js';
import { encodeFile } from '../src/cascade/jobs.js';
import { dataHashB64OfFile } from '../src/cascade/hash.js';
import { indexFiles, indexJson, layoutB64, layoutFiles } from '../src/cascade/id-files.js';
import { sourceSymbolCount } from '../src/cascade/params.js';
import { CascadeMetadata } from '../src/gen/lumera/action/v1/metadata.js';
import { ActionState } from '../src/gen/lumera/action/v1/action_state.js';
import type { Action } from '../src/gen/lumera/action/v1/action.js';
import { HealOpStatus, type HealOp } from '../src/gen/lumera/audit/v1/audit.js';
import { HealArtefactServiceService } from '../src/gen/supernode/heal_artefacts.js';
import { SelfHealingServiceService } from '../src/gen/supernode/self_healing.js';
import { createArtefactPeerService } from '../src/healing/artefact-peer-server.js';
import { GrpcArtefactPeers } from '../src/healing/artefact-peers.js';
import type { HealChain } from '../src/healing/chain.js';
import { GrpcHealerStreamSource, digestHealerStream, type StreamMessage } from '../src/healing/healer-stream.js';
import { reconstructAndStage } from '../src/healing/reconstruct.js';
import { createSelfHealingService, handshakeCaller } from '../src/healing/serve.js';
import { StagingArea, manifestJson } from '../src/healing/staging.js';
import { silentLogger } from '../src/util/logger.js';

const MiB = 1024 * 1024;
const HEAL_MIB = Number(process.env.BENCH_HEAL_MIB ?? 256);
const STREAM_MIB = Number(process.env.BENCH_HEAL_STREAM_MIB ?? 1024);

const signer = (label: string): AccountSigner => accountSignerFromPrivateKey(new Uint8Array(createHash('sha256').update(`lep6 heal bench ${label}`).digest()));
const anyone: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };

interface Node {
  signer: AccountSigner;
  server: AltsGrpcServer;
  port: number;
}

async function writePattern(path: string, bytes: number): Promise<void> {
  const block = randomBytes(16 * MiB);
  const fh = await open(path, 'w');
  try {
    for (let off = 0, i = 0; off < bytes; off += block.length, i++) {
      block.writeUInt32LE(i, 0); // blocks differ, so no symbol repeats
      await fh.write(block, 0, Math.min(block.length, bytes - off));
    }
  } finally {
    await fh.close();
  }
}

export const healingBench: BenchSuite = {
  name: 'healing',
  async run(): Promise<BenchRow[]> {
    const dir = await mkdtemp(join(tmpdir(), 'heal-bench-'));
    const holder = signer('holder');
    const healer = signer('healer');
    const verifiers = [signer('v1'), signer('v2')];
    const ports = new Map<string, number>();
    const servers: AltsGrpcServer[] = [];
    const dialers: PeerDialer[] = [];
    const dialer = (s: AccountSigner) => {
      const d = new PeerDialer({ signer: s, verifier: anyone, defaultPort: 4444, resolver: { resolvePeerAddress: async (a) => `127.0.0.1:${ports.get(a)}` } });
      dialers.push(d);
      return d;
    };
    try {
      // ---- a cascade file and its artefacts on the holder
      const file = join(dir, 'original.bin');
      await writePattern(file, HEAL_MIB * MiB);
      const enc = await encodeFile(file, join(dir, 'enc'));
      const block = enc.layout.blocks[0]!;
      const lb64 = layoutB64(enc.layout);
      const lFiles = layoutFiles(lb64, 'c2ln', 1n, 2n);
      const indexB64 = Buffer.from(indexJson({ layout_ids: lFiles.map((f) => f.id), layout_signature: 'c2ln', version: 1 })).toString('base64');
      const signatures = `${indexB64}.c2ln`;
      const iFiles = indexFiles(signatures, 1n, 2n);
      const store = await ArtefactStore.open(join(dir, 'holder-store'));
      for (const f of [...lFiles, ...iFiles]) await store.put(f.bytes);
      const { readFile } = await import('node:fs/promises');
      const keep = Math.min(block.symbols.length, Math.ceil(sourceSymbolCount(block.size) * 1.1));
      for (const id of block.symbols.slice(0, keep)) await store.put(await readFile(join(enc.symbolsDir, 'block_0', id)));
      await rm(join(dir, 'enc'), { recursive: true, force: true });
      const meta = CascadeMetadata.fromPartial({ dataHash: await dataHashB64OfFile(file), fileName: 'bench.bin', rqIdsIc: 1n, rqIdsMax: 2n, rqIdsIds: iFiles.map((f) => f.id), signatures });
      const action = { actionID: 'bench-1', state: ActionState.ACTION_STATE_DONE, superNodes: [holder.address], metadata: CascadeMetadata.encode(meta).finish() } as unknown as Action;
      const op: HealOp = {
        healOpId: 1n, ticketId: 'bench-1', scheduledEpochId: 1n, healerSupernodeAccount: healer.address, verifierSupernodeAccounts: verifiers.map((v) => v.address),
        status: HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 0n, resultHash: meta.dataHash, notes: '',
      };
      const chain = { getAction: async () => action, getHealOp: async () => op } as unknown as HealChain;

      // ---- servers: holder (artefacts), healer (reconstructed stream)
      const holderServer = new AltsGrpcServer({ signer: holder, verifier: anyone });
      holderServer.addService(HealArtefactServiceService, createArtefactPeerService({ store, chain, self: holder.address }));
      ports.set(holder.address, await holderServer.listen('127.0.0.1', 0));
      servers.push(holderServer);
      const staging = new StagingArea(join(dir, 'staging'));
      await staging.init();
      const healerServer = new AltsGrpcServer({ signer: healer, verifier: anyone });
      healerServer.addService(SelfHealingServiceService, createSelfHealingService({ chain, self: healer.address, staging, resolveCaller: handshakeCaller }).service);
      ports.set(healer.address, await healerServer.listen('127.0.0.1', 0));
      servers.push(healerServer);

      // ---- (a) heal end to end
      const peers = new GrpcArtefactPeers(dialer(healer));
      const holders = { fetchSources: async () => [holder.address], publishTargets: async () => [holder.address] };
      const t0 = Date.now();
      const staged = await reconstructAndStage({ chain, peers, holders, staging, logger: silentLogger() }, 1n, 'bench-1', healer.address);
      const healMs = Date.now() - t0;
      if (staged.manifest.manifest_hash_b64 !== meta.dataHash) throw new Error('bench heal produced a different hash');
      const sources = verifiers.map((v) => new GrpcHealerStreamSource(dialer(v)));
      const stream = async (i: number, hash: boolean): Promise<number> => {
        const ctl = new AbortController();
        const s = await sources[i]!.open(healer.address, 1n, verifiers[i]!.address, Date.now() + 600_000, ctl.signal);
        if (hash) {
          const d = await digestHealerStream(s);
          if (d.hashB64 !== meta.dataHash) throw new Error('verifier hash differs');
          return d.bytes;
        }
        let n = 0;
        for await (const m of s as AsyncIterable<StreamMessage>) n += m.chunk.length;
        return n;
      };
      const s0 = Date.now();
      await Promise.all([stream(0, true), stream(1, true)]);
      const verifyMs = Date.now() - s0;

      // ---- (b) one verifier: stream+hash vs raw stream of the same file (best of 2 each, interleaved)
      let hashed = 0;
      let raw = 0;
      const bytes = HEAL_MIB * MiB;
      for (let r = 0; r < 2; r++) {
        let t = Date.now();
        await stream(0, false);
        raw = Math.max(raw, bytes / 1e6 / ((Date.now() - t) / 1000));
        t = Date.now();
        await stream(0, true);
        hashed = Math.max(hashed, bytes / 1e6 / ((Date.now() - t) / 1000));
      }
      await rm(staged.dir, { recursive: true, force: true });

      // ---- (c) RSS while streaming a big staged file to a verifier (healer and verifier both in this process)
      const bigDir = staging.dirOf(2n);
      await mkdir(join(bigDir, 'symbols'), { recursive: true });
      await writePattern(join(bigDir, 'reconstructed.bin'), STREAM_MIB * MiB);
      await writeFile(join(bigDir, 'manifest.json'), manifestJson({ ...staged.manifest, symbols_dir: join(bigDir, 'symbols') }));
      const bigHash = await dataHashB64OfFile(join(bigDir, 'reconstructed.bin'));
      Object.assign(op, { healOpId: 2n, resultHash: bigHash });
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const b0 = Date.now();
      const ctl = new AbortController();
      const d = await digestHealerStream(await sources[0]!.open(healer.address, 2n, verifiers[0]!.address, Date.now() + 600_000, ctl.signal));
      const bigMBs = (STREAM_MIB * MiB) / 1e6 / ((Date.now() - b0) / 1000);
      clearInterval(sampler);
      if (d.hashB64 !== bigHash) throw new Error('big stream hash differs');
      const growthMiB = (peak - rss0) / MiB;

      const t = staged.timings;
      const ms = (measure: string, figure: number, base = healMs, baseName = 'whole reconstruct+stage'): BenchRow => ({ measure, figure, unit: 'ms', baseline: base, baselineName: baseName, ratio: figure / base });
      return [
        ms(`heal ${HEAL_MIB} MiB: fetch symbols from holder (lumera-alts)`, t.fetchMs),
        ms(`heal ${HEAL_MIB} MiB: RaptorQ decode + data-hash check`, t.decodeMs),
        ms(`heal ${HEAL_MIB} MiB: re-encode`, t.encodeMs),
        ms(`heal ${HEAL_MIB} MiB: ID files + manifest + commit`, t.stageMs),
        ms(`heal ${HEAL_MIB} MiB: stream to 2 verifiers in parallel, each hashing`, verifyMs, healMs + verifyMs, 'heal end to end'),
        { measure: `verifier stream+hash of ${HEAL_MIB} MiB (1 MiB chunks)`, figure: hashed, unit: 'MB/s', baseline: raw, baselineName: 'raw lumera-alts stream, same file', ratio: hashed / raw, goal: '≥ 0.8' },
        { measure: `peak RSS growth streaming ${STREAM_MIB} MiB healer→verifier (${bigMBs.toFixed(0)} MB/s)`, figure: growthMiB, unit: 'MiB', baseline: 64, baselineName: 'limit', ratio: 64 / Math.max(growthMiB, 0.001), goal: '< 64 MiB (ratio > 1)' },
      ];
    } finally {
      for (const d of dialers) d.close();
      await Promise.all(servers.map((s) => s.close(100)));
      await rm(dir, { recursive: true, force: true });
    }
  },
};

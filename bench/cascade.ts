/**
 * Cascade benchmarks.
 * (b) BLAKE3 of a large file through the hash path the daemon uses (native @napi-rs/blake-hash, streamed
 *     in 4 MiB reads) beside Debian's `b3sum --num-threads 1` on the same file in the same run (installed with
 *     apt-get when missing; "n/a" when it cannot be). hash-wasm is shown beside it as the wasm alternative.
 * (c) RaptorQ encode (incl. symbol ids and layout) and decode (every 5th symbol = 20 %, the download path's
 *     first attempt) for 1, 16 and 128 MiB xorshift32 files. Baseline: one plain BLAKE3 pass over the same
 *     bytes in the same process. Encode and decode each run in a fresh child process so that the peak RSS
 *     reported (getrusage maxrss) belongs to that step alone.
 */
import { spawnSync, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile, mkdir } from 'node:fs/promises';
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, BenchSuite } from './types.js';
import { blake3, blake3File } from '../src/cascade/hash.js';
import { decodeBytes, encodeBytes } from '../src/cascade/codec.js';
import { makeFile } from '../src/cascade/patterns.js';
import { parseLayout, layoutJson } from '../src/cascade/layout.js';

const CHILD_FLAG = '--lep6-cascade-child';
const HASH_MIB = Number(process.env.BENCH_CASCADE_HASH_MIB ?? 512);
const SIZES_MIB = (process.env.BENCH_CASCADE_SIZES ?? '1,16,128').split(',').map(Number);

interface StepReport {
  seconds: number;
  baselineSeconds: number;
  maxRssMb: number;
}

function best(n: number, f: () => number): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) b = Math.min(b, f());
  return b;
}

function b3sumPath(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v b3sum'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  const install = spawnSync('apt-get', ['install', '-y', 'b3sum'], { encoding: 'utf8', timeout: 180_000 });
  if (install.status !== 0) return undefined;
  const again = spawnSync('sh', ['-c', 'command -v b3sum'], { encoding: 'utf8' });
  return again.status === 0 ? again.stdout.trim() : undefined;
}

async function hashRows(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-b3-'));
  try {
    const path = join(dir, 'big.bin');
    const fd = openSync(path, 'w');
    const chunk = Buffer.alloc(16 << 20);
    for (let i = 0; i < HASH_MIB / 16; i++) writeSync(fd, randomFillSync(chunk));
    closeSync(fd);
    const mb = (HASH_MIB * 2 ** 20) / 1e6;
    await blake3File(path); // warm the page cache for both contenders
    let ours = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await blake3File(path);
      ours = Math.min(ours, (performance.now() - t) / 1000);
    }
    const { createBLAKE3 } = await import('hash-wasm');
    const hw = await createBLAKE3();
    const data = await readFile(path);
    const wasmSeconds = best(2, () => {
      const t = performance.now();
      hw.init();
      for (let o = 0; o < data.length; o += 4 << 20) hw.update(data.subarray(o, o + (4 << 20)));
      hw.digest('binary');
      return (performance.now() - t) / 1000;
    });
    const exe = b3sumPath();
    const b3 = exe
      ? best(3, () => {
          const t = performance.now();
          const r = spawnSync(exe, ['--num-threads', '1', '--no-names', path]);
          if (r.status !== 0) throw new Error(`b3sum failed: ${r.stderr.toString()}`);
          return (performance.now() - t) / 1000;
        })
      : NaN;
    const baselineName = exe ? 'b3sum --num-threads 1' : 'b3sum n/a (not installable)';
    const row = (measure: string, seconds: number, goal?: string): BenchRow => ({
      measure,
      figure: mb / seconds,
      unit: 'MB/s',
      baseline: mb / b3,
      baselineName,
      ratio: b3 / seconds,
      ...(goal ? { goal } : {}),
    });
    return [
      row(`(b) BLAKE3 file hash path, ${HASH_MIB} MiB (native, streamed)`, ours, '≥ 0.4'),
      row(`(b) BLAKE3 hash-wasm (in memory), ${HASH_MIB} MiB — alternative not used`, wasmSeconds),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(args: string[]): Promise<StepReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: StepReport | undefined;
    child.on('message', (m) => {
      report = m as StepReport;
    });
    child.on('exit', (code) => (report && code === 0 ? resolve(report) : reject(new Error(`cascade bench child ${args.join(' ')} exited ${code}`))));
  });
}

/**
 * Peak resident set of this process. VmHWM belongs to the current address space (reset by exec), whereas
 * getrusage's maxrss survives fork+exec on Linux and would report the parent's peak.
 */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Child: `encode <MiB> <dir>` writes the layout and every 5th packet; `decode <MiB> <dir>` rebuilds from them. */
async function child(op: string, mib: number, dir: string): Promise<void> {
  const data = makeFile({ size: mib * 2 ** 20, pattern: 'xorshift32', seed: 2024 });
  // Load the native hasher and compile the wasm codec before timing anything.
  blake3(data.subarray(0, 1024));
  encodeBytes(data.subarray(0, 1024));
  let t = performance.now();
  blake3(data);
  const baselineSeconds = (performance.now() - t) / 1000;
  let seconds: number;
  if (op === 'encode') {
    t = performance.now();
    const { layout, packets } = encodeBytes(data);
    seconds = (performance.now() - t) / 1000;
    await mkdir(join(dir, 'p'), { recursive: true });
    await writeFile(join(dir, 'layout.json'), layoutJson(layout));
    for (let i = 0; i < packets.length; i += 5) await writeFile(join(dir, 'p', String(i)), packets[i]!);
  } else {
    const layout = parseLayout(await readFile(join(dir, 'layout.json'), 'utf8'));
    const have = new Map<number, Uint8Array>();
    for (let i = 0; i < layout.blocks[0]!.symbols.length; i += 5) have.set(i, await readFile(join(dir, 'p', String(i))));
    t = performance.now();
    const out = decodeBytes(layout, (pos) => have.get(pos));
    seconds = (performance.now() - t) / 1000;
    if (Buffer.compare(Buffer.from(out.data), Buffer.from(data)) !== 0) throw new Error('decode produced different bytes');
  }
  const maxRssMb = peakRssMb();
  process.send!({ seconds, baselineSeconds, maxRssMb } satisfies StepReport);
}

async function codecRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const mib of SIZES_MIB) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-rq-'));
    try {
      const mb = (mib * 2 ** 20) / 1e6;
      for (const op of ['encode', 'decode'] as const) {
        const r = await runChild([op, String(mib), dir]);
        rows.push({
          measure: `(c) RaptorQ ${op} ${mib} MiB${op === 'decode' ? ' from 20 % of symbols' : ' + symbol ids'} (peak RSS ${r.maxRssMb.toFixed(0)} MB)`,
          figure: mb / r.seconds,
          unit: 'MB/s',
          baseline: mb / r.baselineSeconds,
          baselineName: 'one BLAKE3 pass, same bytes',
          ratio: r.baselineSeconds / r.seconds,
        });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export const cascadeBench: BenchSuite = {
  name: 'cascade',
  async run() {
    return [...(await hashRows()), ...(await codecRows())];
  },
};

if (process.argv[2] === CHILD_FLAG) {
  const [op, mib, dir] = process.argv.slice(3);
  child(op!, Number(mib), dir!).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

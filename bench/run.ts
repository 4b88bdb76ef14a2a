/**
 * `npm run bench`: runs every suite (or those named on the command line) and prints one table.
 * Each suite measures its own baseline in the same run, so the ratio is comparable across machines.
 */
import os from 'node:os';
import type { BenchRow, BenchSuite } from './types.js';
import { transportBench } from './transport.js';
import { derivationBench } from './derivation.js';
import { cascadeBench } from './cascade.js';
import { chainBench } from './chain.js';
import { challengeBench } from './challenge.js';
import { healingBench } from './healing.js';
import { cryptoBench } from './crypto.js';

const suites: BenchSuite[] = [transportBench, derivationBench, cascadeBench, chainBench, challengeBench, healingBench, cryptoBench];

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

/**
 * Usage: `npm run bench [-- suite...]`; `--list` prints the suite names. A suite that throws is reported in
 * the table as FAILED (with its error) and the others still run.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const s of suites) console.log(s.name);
    return;
  }
  const unknown = args.filter((a) => !suites.some((s) => s.name === a));
  if (unknown.length > 0) {
    console.error(`bench: unknown suite(s) ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const chosen = args.length ? suites.filter((s) => args.includes(s.name)) : suites;
  const rows: Array<BenchRow & { suite: string }> = [];
  const failed: Array<{ suite: string; error: string }> = [];
  const t0 = Date.now();
  for (const suite of chosen) {
    const started = Date.now();
    process.stderr.write(`bench: running ${suite.name}…\n`);
    try {
      for (const row of await suite.run()) rows.push({ suite: suite.name, ...row });
    } catch (err) {
      failed.push({ suite: suite.name, error: err instanceof Error ? err.message : String(err) });
    }
    process.stderr.write(`bench: ${suite.name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}, node ${process.version}; ${new Date().toISOString()}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log('| suite | measure | figure | baseline | ratio | goal |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.suite} | ${r.measure} | ${fmt(r.figure)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} (${r.baselineName}) | ${r.ratio.toFixed(2)} | ${r.goal ?? ''} |`);
  }
  for (const f of failed) console.log(`| ${f.suite} | FAILED: ${f.error.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | | |`);
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

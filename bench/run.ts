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

const suites: BenchSuite[] = [transportBench, derivationBench, cascadeBench, chainBench, challengeBench, healingBench];

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const chosen = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
  const rows: Array<BenchRow & { suite: string }> = [];
  for (const suite of chosen) {
    process.stderr.write(`bench: running ${suite.name}…\n`);
    for (const row of await suite.run()) rows.push({ suite: suite.name, ...row });
  }
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  console.log('| suite | measure | figure | baseline | ratio | goal |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.suite} | ${r.measure} | ${fmt(r.figure)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} (${r.baselineName}) | ${r.ratio.toFixed(2)} | ${r.goal ?? ''} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

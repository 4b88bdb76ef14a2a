/**
 * `supernode demo [--once]` (what `npm start` runs): the self-healing scenario on a local four-node network,
 * narrated on stdout. With --once it ends after the scenario with `demo: OK challenges=<n> heals_verified=<m>`
 * (exit 0) or `demo: FAILED …` (exit 1); without it the network keeps running, challenging every epoch,
 * until Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DemoScenario, type DemoOutcome } from '../demo/scenario.js';
import { InvalidArgumentError, errorMessage } from '../util/errors.js';
import { rootLogger } from '../util/logger.js';

interface DemoOpts {
  once?: boolean;
  dir?: string;
  keep?: boolean;
  fileSize: string;
  deadline: string;
}

function int(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(flag, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return Number(v);
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('run a local 4-node network and show a lost file being challenged, healed, verified and republished')
    .option('--once', 'run the scenario to the end, print "demo: OK …" and exit')
    .option('--dir <dir>', 'working directory (default: a new temp dir)')
    .option('--keep', 'keep the working directory (node logs, databases) at the end')
    .option('--file-size <bytes>', 'size of the sample file', '150000')
    .option('--deadline <s>', 'seconds the whole scenario may take', '280')
    .action(async (o: DemoOpts) => {
      const fileSize = int('--file-size', o.fileSize, 1, 10_000_000);
      const deadlineMs = int('--deadline', o.deadline, 10, 3600) * 1000;
      // Daemon logs go to per-node files; keep stray library logs off the narration.
      if (process.env.LOG_LEVEL === undefined) rootLogger().level = 'warn';
      const dir = o.dir !== undefined ? resolve(o.dir) : mkdtempSync(`${tmpdir()}/lep6-demo-`);
      const t0 = Date.now();
      const say = (line: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
      const abort = new AbortController();
      let signals = 0;
      const onSignal = () => {
        signals++;
        if (signals > 1) {
          process.stdout.write('demo: forced exit\n');
          process.exit(130);
        }
        say('stopping (Ctrl-C again to force) …');
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const timer = setTimeout(() => abort.abort(), deadlineMs);
      const scenario = new DemoScenario({ dir, say, signal: abort.signal, fileSize });
      let outcome: DemoOutcome | undefined;
      let failure: string | undefined;
      try {
        outcome = await scenario.run();
      } catch (err) {
        failure = abort.signal.aborted && signals === 0 ? `deadline of ${deadlineMs / 1000} s passed — ${errorMessage(err)}` : errorMessage(err);
      } finally {
        clearTimeout(timer);
      }
      let code = 0;
      if (outcome) {
        process.stdout.write(`demo: OK challenges=${outcome.challenges} heals_verified=${outcome.healsVerified}\n`);
        if (!o.once && !abort.signal.aborted) {
          const sn0 = scenario.net?.nodes[0]?.runtime;
          if (sn0) {
            say(`look inside a node:  curl -s http://${sn0.metricsAddress}/metrics | grep -E 'supernode_(dispatch_results|heal_)'`);
            say(`                     node ${process.argv[1] ?? 'dist/src/cli/main.js'} status --address ${sn0.statusAddress}`);
          }
          say('the network keeps running and challenging every epoch; press Ctrl-C to stop');
          if (scenario.watcher) scenario.watcher.verbose = false;
          await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
        }
      } else if (signals > 0) {
        say('interrupted');
        code = o.once ? 130 : 0;
      } else {
        process.stdout.write(`demo: FAILED ${failure}\n`);
        code = 1;
      }
      await scenario.stop();
      const keep = o.keep || o.dir !== undefined || code === 1;
      if (keep) say(`working directory kept: ${dir} (node logs sn0.log … sn3.log)`);
      else rmSync(dir, { recursive: true, force: true });
      say('stopped');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // The demo owns this process: leave even if a library keeps a timer alive.
      process.exit(code);
    });
}

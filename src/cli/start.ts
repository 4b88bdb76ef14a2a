/**
 * `supernode start --config FILE`: runs the daemon until SIGTERM/SIGINT (a second signal forces exit).
 * Options are grouped by area and applied to the loaded config in one place (`applyStartOverrides`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile, splitHostPort, type LogLevel, type SupernodeConfig } from '../config/index.js';
import { InvalidArgumentError } from '../util/errors.js';
import { moduleLogger, rootLogger } from '../util/logger.js';
import { startDaemon } from '../node/lifecycle-startup.js';
import { onShutdownSignals } from '../node/signals.js';
import type { DaemonRuntime } from '../node/lifecycle.js';
import { installProcessGuards } from '../node/lifecycle-guards.js';

export interface StartOptions {
  // config
  config: string;
  baseDir?: string;
  // operator surfaces
  statusAddress?: string;
  metricsAddress?: string;
  summaryInterval: string;
  // shutdown
  drainTimeout: string;
  // logging
  logLevel?: string;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function address(flag: string, v: string | undefined): string | undefined {
  if (v === undefined || v === '') return v;
  if (!splitHostPort(v)) throw new InvalidArgumentError(flag, `must be host:port, got ${JSON.stringify(v)}`);
  return v;
}

function seconds(flag: string, v: string, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) > max) throw new InvalidArgumentError(flag, `must be whole seconds in [0, ${max}], got ${JSON.stringify(v)}`);
  return Number(v) * 1000;
}

/** Command-line overrides of the file's values. */
export function applyStartOverrides(cfg: SupernodeConfig, o: Pick<StartOptions, 'statusAddress' | 'metricsAddress' | 'logLevel'>): SupernodeConfig {
  const statusAddress = address('--status-address', o.statusAddress);
  const metricsAddress = address('--metrics-address', o.metricsAddress);
  if (o.logLevel !== undefined && !LEVELS.includes(o.logLevel as LogLevel)) throw new InvalidArgumentError('--log-level', `must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(o.logLevel)}`);
  return {
    ...cfg,
    supernode: { ...cfg.supernode, statusAddress: statusAddress ?? cfg.supernode.statusAddress, metricsAddress: metricsAddress ?? cfg.supernode.metricsAddress },
    log: { level: (o.logLevel as LogLevel | undefined) ?? cfg.log.level },
  };
}

export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('run the supernode daemon until SIGTERM/SIGINT (send twice to force exit)')
    .option('--config <file>', 'config file', join(homedir(), '.supernode', 'config.yml'))
    .option('--base-dir <dir>', 'override base_dir from the config file')
    .option('--status-address <host:port>', 'local status endpoint (overrides supernode.status_address; "" = off)')
    .option('--metrics-address <host:port>', 'Prometheus endpoint (overrides supernode.metrics_address; "" = off)')
    .option('--summary-interval <s>', 'seconds between one-line status summaries in the log (0 = off)', '60')
    .option('--drain-timeout <s>', 'seconds in-flight work may take to drain at shutdown', '30')
    .option('--log-level <level>', `log level (${LEVELS.join('|')}); overrides log.level`)
    .action(async (o: StartOptions) => {
      const summaryIntervalMs = seconds('--summary-interval', o.summaryInterval, 86_400);
      const drainDeadlineMs = seconds('--drain-timeout', o.drainTimeout, 3600);
      const cfg = applyStartOverrides(loadConfigFile(o.config, o.baseDir !== undefined ? { baseDir: o.baseDir } : {}), o);
      if (process.env.LOG_LEVEL === undefined) rootLogger().level = cfg.log.level;
      const log = moduleLogger('daemon');
      // One set of signal handlers for the whole life of the process: during startup a signal abandons the
      // wait for the chain; once running it stops the daemon in order.
      const aborted = new AbortController();
      let rt: DaemonRuntime | undefined;
      let clean = true;
      const shutdown = onShutdownSignals(async () => {
        aborted.abort();
        if (rt) clean = await rt.stop();
      }, { log });
      try {
        rt = await startDaemon({ config: cfg, logger: rootLogger(), signal: aborted.signal, runtime: { summaryIntervalMs, drainDeadlineMs } });
      } catch (err) {
        shutdown.cancel();
        throw err;
      }
      const running = rt;
      const guards = installProcessGuards(log, () => {
        void running.stop().finally(() => process.exit(1));
      });
      process.stdout.write(
        `supernode ${running.node.identity} running: peer port ${running.node.port}, services ${running.node.serviceNames.join(', ')}` +
          `, status ${running.statusAddress ? `http://${running.statusAddress}/status` : 'off'}, metrics ${running.metricsAddress ? `http://${running.metricsAddress}/metrics` : 'off'}\n`,
      );
      // A signal that arrived while the runtime was starting: stop it now.
      if (aborted.signal.aborted) clean = await running.stop();
      const signal = await shutdown.done;
      guards.uninstall();
      if (!clean) {
        // Work still running past the deadline would keep the process alive: leave now (pending rows resume at the next start).
        process.stdout.write(`supernode stopped (${signal}) before in-flight work drained\n`);
        process.exit(1);
      }
      process.stdout.write(`supernode stopped (${signal})\n`);
    });
}

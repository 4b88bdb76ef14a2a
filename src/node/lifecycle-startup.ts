/**
 * `supernode start` as a function (the CLI is a thin shell around it, tests call it directly): config →
 * logging and the LEP-6 advisory → base dir → signing key → chain client (waiting with backoff while the
 * chain is unreachable) → DaemonRuntime (node services in dependency order, then metrics and status).
 */
import { mkdirSync } from 'node:fs';
import { isTransient } from '../chain/errors.js';
import { connectFromConfig, loadSigningKey } from '../chain/from-config.js';
import type { LumeraClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import { lep6Advisory, type SupernodeConfig } from '../config/index.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import { moduleLogger, type Logger } from '../util/logger.js';
import { DaemonRuntime, type DaemonRuntimeOptions } from './lifecycle.js';

export interface StartupOptions {
  config: SupernodeConfig;
  /** Parent logger without a `module` binding (the root logger in production). */
  logger: Logger;
  /** Aborts the wait for the chain (a signal during startup). */
  signal?: AbortSignal;
  /** First and largest wait between chain connection attempts, ms. */
  connectBackoffMs?: { initial: number; max: number };
  runtime?: Partial<Omit<DaemonRuntimeOptions, 'config' | 'key' | 'chain'>>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Connects, retrying transient failures (chain down, endpoint unreachable) with exponential backoff.
 * `root` is the parent logger; retries log under module `daemon`, the client under module `chain`.
 */
export async function connectWithRetry(config: SupernodeConfig, key: SigningKey, root: Logger, o: Pick<StartupOptions, 'signal' | 'connectBackoffMs'> = {}): Promise<LumeraClient> {
  const log = moduleLogger('daemon', root);
  const { initial, max } = o.connectBackoffMs ?? { initial: 1000, max: 30_000 };
  let wait = initial;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectFromConfig(config, key, moduleLogger('chain', root));
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (o.signal?.aborted) throw new SupernodeError('STARTUP_ABORTED', 'startup aborted while waiting for the chain');
      log.warn({ attempt, retryInMs: wait, endpoints: config.lumera.rpcEndpoints, err: errorMessage(err) }, 'chain unreachable; retrying');
      await sleep(wait, o.signal);
      if (o.signal?.aborted) throw new SupernodeError('STARTUP_ABORTED', 'startup aborted while waiting for the chain');
      wait = Math.min(max, wait * 2);
    }
  }
}

export async function startDaemon(o: StartupOptions): Promise<DaemonRuntime> {
  const cfg = o.config;
  const log = moduleLogger('daemon', o.logger);
  for (const line of lep6Advisory(cfg)) log.warn(line);
  mkdirSync(cfg.baseDir, { recursive: true, mode: 0o700 });
  const key = await loadSigningKey(cfg);
  const chain = await connectWithRetry(cfg, key, o.logger, o);
  try {
    const params = await chain.getAuditParams();
    for (const line of lep6Advisory(cfg, { enforcementMode: params.storageTruthEnforcementMode })) {
      if (!lep6Advisory(cfg).includes(line)) log.warn(line);
    }
    if (!(await chain.isRegisteredSupernode(cfg.supernode.identity))) {
      log.warn({ identity: cfg.supernode.identity }, 'supernode.identity is not a registered supernode on this chain: it will not be assigned challenges or heal ops');
    }
  } catch (err) {
    // Informational reads only; the services retry their own queries.
    log.warn({ err: errorMessage(err) }, 'could not read chain params at start');
  }
  let runtime: DaemonRuntime;
  try {
    runtime = new DaemonRuntime({ config: cfg, key, chain, logger: o.logger, ...o.runtime });
  } catch (err) {
    chain.close();
    throw err;
  }
  await runtime.start();
  return runtime;
}

/**
 * Process-level safety nets for a daemon that runs for months. A promise rejected with nobody listening
 * (e.g. an async gRPC handler that throws — grpc-js only catches synchronous throws) would end a Node 20
 * process; here it is logged and counted and the daemon goes on. An uncaught exception leaves the process
 * in an unknown state, so it is logged and turned into an orderly shutdown with a non-zero exit.
 */
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

export const guardCounters = { unhandledRejections: 0, uncaughtExceptions: 0 };

export interface Guards {
  onUnhandledRejection(reason: unknown): void;
  onUncaughtException(err: unknown): void;
  uninstall(): void;
}

export function installProcessGuards(log: Logger, onFatal: (err: unknown) => void): Guards {
  const guards: Guards = {
    onUnhandledRejection(reason) {
      guardCounters.unhandledRejections++;
      log.error({ err: errorMessage(reason), stack: reason instanceof Error ? reason.stack : undefined }, 'unhandled promise rejection (logged; the daemon keeps running)');
    },
    onUncaughtException(err) {
      guardCounters.uncaughtExceptions++;
      log.fatal({ err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined }, 'uncaught exception: shutting down in order');
      onFatal(err);
    },
    uninstall() {
      process.off('unhandledRejection', guards.onUnhandledRejection);
      process.off('uncaughtException', guards.onUncaughtException);
    },
  };
  process.on('unhandledRejection', guards.onUnhandledRejection);
  process.on('uncaughtException', guards.onUncaughtException);
  return guards;
}

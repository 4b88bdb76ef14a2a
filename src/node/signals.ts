/**
 * Shutdown on SIGTERM/SIGINT: the first signal starts an orderly stop; a second one while that is still
 * running forces the process out at once (an operator who presses Ctrl-C twice means it).
 */
import type { Logger } from '../util/logger.js';

export const FORCED_EXIT_CODE = 130;

export interface SignalOptions {
  log: Logger;
  signals?: readonly NodeJS.Signals[];
  /** Called on the second signal (default: process.exit). */
  forceExit?: (code: number) => void;
}

/** Installs the handlers; resolves with the first signal's name once `stop` has finished. */
export function untilShutdown(stop: (signal: NodeJS.Signals) => Promise<void>, o: SignalOptions): Promise<NodeJS.Signals> {
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  const forceExit = o.forceExit ?? ((code: number) => process.exit(code));
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        o.log.warn({ signal }, 'second signal: forcing exit without waiting for in-flight work');
        forceExit(FORCED_EXIT_CODE);
        return;
      }
      stopping = true;
      o.log.info({ signal }, 'shutting down: no new work, draining in-flight work (send the signal again to force exit)');
      stop(signal).then(
        () => {
          for (const s of signals) process.off(s, onSignal);
          resolve(signal);
        },
        (err: unknown) => {
          for (const s of signals) process.off(s, onSignal);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    for (const s of signals) process.on(s, onSignal);
  });
}

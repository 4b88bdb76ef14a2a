/**
 * Shutdown on SIGTERM/SIGINT: the first signal starts an orderly stop; a second one while that is still
 * running forces the process out at once (an operator who presses Ctrl-C twice means it).
 *
 * Install the handlers before anything that a signal should interrupt and keep them until the process is
 * done: a moment with no listener restores the default action, and a signal landing then kills the process
 * without any cleanup.
 */
import type { Logger } from '../util/logger.js';

export const FORCED_EXIT_CODE = 130;

export interface SignalOptions {
  log: Logger;
  signals?: readonly NodeJS.Signals[];
  /** Called on the second signal (default: process.exit). */
  forceExit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Resolves with the first signal's name once `stop` has finished (rejects if it threw). */
  readonly done: Promise<NodeJS.Signals>;
  /** Removes the handlers (the process is ending for another reason). */
  cancel(): void;
}

export function onShutdownSignals(stop: (signal: NodeJS.Signals) => Promise<void>, o: SignalOptions): ShutdownHandle {
  const signals = o.signals ?? ['SIGTERM', 'SIGINT'];
  const forceExit = o.forceExit ?? ((code: number) => process.exit(code));
  let stopping = false;
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = () => {
    for (const s of signals) process.off(s, onSignal);
  };
  const done = new Promise<NodeJS.Signals>((resolve, reject) => {
    onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        o.log.warn({ signal }, 'second signal: forcing exit without waiting for in-flight work');
        forceExit(FORCED_EXIT_CODE);
        return;
      }
      stopping = true;
      o.log.info({ signal }, 'shutting down: no new work, draining in-flight work (send the signal again to force exit)');
      stop(signal).then(
        () => {
          cancel();
          resolve(signal);
        },
        (err: unknown) => {
          cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
  });
  for (const s of signals) process.on(s, onSignal);
  return { done, cancel };
}

import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

let root: Logger | undefined;

/**
 * The process-wide JSON logger (pino, stderr). Level from LOG_LEVEL, default "info"; tests set
 * LOG_LEVEL=silent or pass their own logger into components.
 */
export function rootLogger(): Logger {
  root ??= pino({ level: (process.env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info', base: { pid: process.pid } }, pino.destination(2));
  return root;
}

/** A child logger for one module or service, e.g. `moduleLogger('challenger')`. */
export function moduleLogger(module: string, parent: Logger = rootLogger()): Logger {
  return parent.child({ module });
}

/** A logger that drops everything; the default for components constructed in unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

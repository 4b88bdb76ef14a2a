import { SupernodeError } from '../util/errors.js';

/** One problem found while loading a configuration file. */
export interface ConfigIssue {
  /** Dotted key path (`self_healing.poll_interval_ms`, `lumera.rpc_endpoints[1]`); '' for the whole file. */
  path: string;
  /** Full sentence naming the path, the rule and the bad value, e.g. `self_healing.poll_interval_ms must be >= 0, got -5`. */
  message: string;
  /** 1-based position in the file, when the problem has one. */
  line?: number;
  col?: number;
}

/** `file:line:col: message` (position parts omitted when unknown). */
export function formatIssue(issue: ConfigIssue, source?: string): string {
  const where = [source, issue.line, issue.col].filter((p) => p !== undefined && p !== '').join(':');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * A configuration that cannot be used. Carries every issue found (not just the first) so an operator
 * fixes the file in one pass; the message lists them one per line.
 */
export class ConfigError extends SupernodeError {
  readonly issues: readonly ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const head = `${source ?? 'config'}: ${issues.length} configuration error${issues.length === 1 ? '' : 's'}`;
    super('CONFIG_INVALID', [head, ...issues.map((i) => `  ${formatIssue(i, source)}`)].join('\n'), { source, issues });
    this.issues = issues;
    this.source = source;
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

/**
 * Base of every error this project throws on purpose. `code` is a stable machine-readable identifier;
 * callers branch on codes or on the predicates exported next to each error family, never on message text.
 */
export class SupernodeError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/**
 * A caller handed us a value outside its contract. `argument` names the field (dotted path where nested)
 * so that CLI and RPC layers can report it without a stack trace.
 */
export class InvalidArgumentError extends SupernodeError {
  readonly argument: string;

  constructor(argument: string, problem: string, details: Record<string, unknown> = {}) {
    super('INVALID_ARGUMENT', `${argument} ${problem}`, { argument, ...details });
    this.argument = argument;
  }
}

export function isInvalidArgument(err: unknown): err is InvalidArgumentError {
  return err instanceof InvalidArgumentError;
}

/** Errors that describe bad input from a user or operator (shown as one line, exit code 2 in the CLI). */
export function isUserFacing(err: unknown): err is SupernodeError {
  return err instanceof SupernodeError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

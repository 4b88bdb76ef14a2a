import { SupernodeError } from '../util/errors.js';

/**
 * Failures of the cascade pipeline (encode, ID files, decode). Every error names the action and the
 * artefact it concerns (`details.actionId`, `details.artefact`) so a caller can log, retry another holder
 * or report without parsing text. Callers branch on `code`.
 */
export type CascadeErrorCode =
  | 'CASCADE_EMPTY_FILE'
  | 'CASCADE_FILE_TOO_LARGE'
  | 'CASCADE_SYMBOL_CORRUPT'
  | 'CASCADE_LAYOUT_INVALID'
  | 'CASCADE_ID_FILE_INVALID'
  | 'CASCADE_ID_MISMATCH'
  | 'CASCADE_DECODE_INCOMPLETE'
  | 'CASCADE_DATA_HASH_MISMATCH';

/** Where an error happened: the action (when known) and the artefact (symbol id, layout/index id, file). */
export interface CascadeContext {
  actionId?: string;
  artefact?: string;
}

export class CascadeError extends SupernodeError {
  declare readonly code: CascadeErrorCode;
  readonly actionId: string | undefined;
  readonly artefact: string | undefined;

  constructor(code: CascadeErrorCode, problem: string, ctx: CascadeContext = {}, details: Record<string, unknown> = {}) {
    const where = [ctx.actionId !== undefined ? `action ${ctx.actionId}` : '', ctx.artefact !== undefined ? `artefact ${ctx.artefact}` : '']
      .filter(Boolean)
      .join(', ');
    super(code, where ? `${where}: ${problem}` : problem, { ...details, actionId: ctx.actionId, artefact: ctx.artefact });
    this.actionId = ctx.actionId;
    this.artefact = ctx.artefact;
  }
}

export function isCascadeError(err: unknown, code?: CascadeErrorCode): err is CascadeError {
  return err instanceof CascadeError && (code === undefined || err.code === code);
}

import { SupernodeError } from '../util/errors.js';

/** Errors of the local artefact store. `details.key` always names the artefact; callers branch on `code`. */
export type ArtefactErrorCode = 'ARTEFACT_NOT_FOUND' | 'ARTEFACT_CORRUPT' | 'ARTEFACT_OUT_OF_BOUNDS';

export class ArtefactError extends SupernodeError {
  declare readonly code: ArtefactErrorCode;
  readonly key: string;

  constructor(code: ArtefactErrorCode, key: string, problem: string, details: Record<string, unknown> = {}) {
    super(code, `artefact ${key}: ${problem}`, { ...details, key });
    this.key = key;
  }
}

export function isArtefactError(err: unknown, code?: ArtefactErrorCode): err is ArtefactError {
  return err instanceof ArtefactError && (code === undefined || err.code === code);
}

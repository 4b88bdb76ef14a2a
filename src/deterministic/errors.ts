import { SupernodeError } from '../util/errors.js';

/**
 * One code per error path of spec 01 §17, plus the input-shape errors every public function raises
 * for values outside their type (negative, too large, malformed). Callers branch on `code`.
 */
export const DerivationErrorCode = {
  /** A value outside its type: not an integer, negative, above uint32/uint64, not bytes, unknown enum. */
  InvalidInput: 'DERIVATION_INVALID_INPUT',
  /** Chain assignment: reporter is the empty string. */
  EmptyReporter: 'DERIVATION_EMPTY_REPORTER',
  /** Chain assignment: anchor seed shorter than 8 bytes. */
  SeedTooShort: 'DERIVATION_SEED_TOO_SHORT',
  /** Ordinal: artefact count is zero. */
  ZeroArtifactCount: 'DERIVATION_ZERO_ARTIFACT_COUNT',
  /** A class or bucket without a domain string where one is required. */
  UnsupportedClass: 'DERIVATION_UNSUPPORTED_CLASS',
  UnsupportedBucket: 'DERIVATION_UNSUPPORTED_BUCKET',
  /** Offsets: k ≤ 0. */
  InvalidRangeCount: 'DERIVATION_INVALID_RANGE_COUNT',
  /** Offsets / size resolution: artefact size is zero. */
  ZeroArtifactSize: 'DERIVATION_ZERO_ARTIFACT_SIZE',
  /** Offsets / compound hash: range length is zero. */
  ZeroRangeLength: 'DERIVATION_ZERO_RANGE_LENGTH',
  /** Offsets: range length larger than the artefact. */
  RangeLongerThanArtifact: 'DERIVATION_RANGE_LONGER_THAN_ARTIFACT',
  /** Compound hash: a range runs past the end of the data (or its end overflows uint64). */
  RangeOutOfBounds: 'DERIVATION_RANGE_OUT_OF_BOUNDS',
  /** Artefact resolution: metadata absent. */
  MissingMetadata: 'DERIVATION_MISSING_METADATA',
  /** Artefact count: INDEX or SYMBOL count is zero after the rq_ids_ids fallback. */
  ZeroArtifactCounts: 'DERIVATION_ZERO_ARTIFACT_COUNTS',
  /** Artefact key / size: ordinal not below the number of artefacts. */
  OrdinalOutOfRange: 'DERIVATION_ORDINAL_OUT_OF_RANGE',
  /** INDEX key / size: metadata `signatures` is empty. */
  EmptySignatures: 'DERIVATION_EMPTY_SIGNATURES',
  /** Key / size: `rq_ids_max` is zero. */
  ZeroRqIdsMax: 'DERIVATION_ZERO_RQ_IDS_MAX',
  /** SYMBOL size: `file_size_kbs` ≤ 0. */
  NonPositiveFileSize: 'DERIVATION_NON_POSITIVE_FILE_SIZE',
  /** SYMBOL size: file bytes + rq_ids_max would overflow uint64. */
  SizeOverflow: 'DERIVATION_SIZE_OVERFLOW',
  /** INDEX key / size: no index-file source was supplied (compression lives outside this library). */
  MissingIndexFileSource: 'DERIVATION_MISSING_INDEX_FILE_SOURCE',
  /** Legacy replica set: the file key is not valid base58 or decodes to nothing. */
  InvalidFileKey: 'DERIVATION_INVALID_FILE_KEY',
} as const;

export type DerivationErrorCode = (typeof DerivationErrorCode)[keyof typeof DerivationErrorCode];

/**
 * The single error class of the derivation library. `argument` names the offending input (as the
 * caller spelled it in the spec: `seed`, `rangeLen`, `meta.rq_ids_max`, …); the message is
 * "<argument> <problem>" so the CLI can print it as one line.
 */
export class DerivationError extends SupernodeError {
  readonly argument: string;

  constructor(code: DerivationErrorCode, argument: string, problem: string, details: Record<string, unknown> = {}) {
    super(code, `${argument} ${problem}`, { argument, ...details });
    this.argument = argument;
  }
}

export function isDerivationError(err: unknown, code?: DerivationErrorCode): err is DerivationError {
  return err instanceof DerivationError && (code === undefined || err.code === code);
}

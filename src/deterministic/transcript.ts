/** Derivation-input hash, transcript hash and compound challenge id (spec 01 §12–§14). */
import {
  COMPOUND_CHALLENGE_ID_PREFIX,
  NEGATIVE_ATTESTATION_PREFIX,
  DOMAIN_DERIVATION_INPUT,
  DOMAIN_TRANSCRIPT,
  DOMAIN_UNSPECIFIED_CLASS,
  type StorageProofArtifactClass,
  type StorageProofBucketType,
  artifactClassDomain,
  bucketDomain,
} from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { compareStrings, Preimage, u64be } from './hash.js';
import { checkBytes, checkEnumNumber, checkString, checkStringList, checkUint32, checkUint64, checkUint64List } from './validate.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/**
 * `DerivationInputHash` (§12): hex(H(seed; target, ticket, classDomain, u32be(ordinal), u64be(rangeLen),
 * u64be(offset_0), …, "derivation_input")). Error: class without a domain string. Empty offsets allowed.
 */
export function derivationInputHash(
  seed: Uint8Array,
  target: string,
  ticketId: string,
  cls: StorageProofArtifactClass | number,
  ordinal: number,
  offsets: readonly bigint[],
  rangeLen: bigint,
): string {
  checkBytes(seed, 'seed');
  checkString(target, 'target');
  checkString(ticketId, 'ticketId');
  checkUint32(ordinal, 'ordinal');
  checkUint64List(offsets, 'offsets');
  checkUint64(rangeLen, 'rangeLen');
  const cd = artifactClassDomain(checkEnumNumber(cls, 'class'));
  if (cd === '') throw new DerivationError(DerivationErrorCode.UnsupportedClass, 'class', `has no domain string (value ${cls}); expected INDEX or SYMBOL`);
  const p = new Preimage(seed.length + 128 + offsets.length * 9).raw(seed).partString(target).partString(ticketId).partString(cd);
  p.partU32(ordinal).partU64(rangeLen);
  for (const o of offsets) p.partU64(o);
  return hex(p.partString(DOMAIN_DERIVATION_INPUT).sha256());
}

/** The transcript record of §13 (one StorageProofResult row or the recipient's signed transcript). */
export interface TranscriptInput {
  epochId: bigint;
  challenger: string;
  target: string;
  ticketId: string;
  bucket: StorageProofBucketType | number;
  artifactClass: StorageProofArtifactClass | number;
  ordinal: number;
  artifactKey: string;
  /** Hashed as the text given (ASCII hex, case-sensitive, no decoding). */
  derivationInputHash: string;
  compoundProofHashHex: string;
  observers: readonly string[];
}

/**
 * `TranscriptHash` (§13). Seed = u64be(epoch_id). Errors: bucket without a domain; class without a
 * domain while ticket ≠ "" (with ticket "" the class is hashed as "UNSPECIFIED"). Observers are hashed
 * sorted by byte order, duplicates kept, preceded by u32be(count).
 */
export function transcriptHash(t: TranscriptInput): string {
  checkUint64(t.epochId, 'epochId');
  checkString(t.challenger, 'challenger');
  checkString(t.target, 'target');
  checkString(t.ticketId, 'ticketId');
  checkUint32(t.ordinal, 'ordinal');
  checkString(t.artifactKey, 'artifactKey');
  checkString(t.derivationInputHash, 'derivationInputHash');
  checkString(t.compoundProofHashHex, 'compoundProofHashHex');
  checkStringList(t.observers, 'observers');
  const bd = bucketDomain(checkEnumNumber(t.bucket, 'bucket'));
  if (bd === '') throw new DerivationError(DerivationErrorCode.UnsupportedBucket, 'bucket', `has no domain string (value ${t.bucket})`);
  let cd = artifactClassDomain(checkEnumNumber(t.artifactClass, 'class'));
  if (cd === '') {
    if (t.ticketId !== '') {
      throw new DerivationError(DerivationErrorCode.UnsupportedClass, 'class', `has no domain string (value ${t.artifactClass}) while ticketId is set`);
    }
    cd = DOMAIN_UNSPECIFIED_CLASS;
  }
  if (t.observers.length > 0xffff_ffff) throw new DerivationError(DerivationErrorCode.InvalidInput, 'observers', 'too many');
  const obs = [...t.observers].sort(compareStrings);
  const p = new Preimage(512).raw(u64be(t.epochId));
  p.partString(t.challenger).partString(t.target).partString(t.ticketId).partString(bd).partString(cd).partU32(t.ordinal);
  p.partString(t.artifactKey).partString(t.derivationInputHash).partString(t.compoundProofHashHex).partU32(obs.length);
  for (const o of obs) p.partString(o);
  return hex(p.partString(DOMAIN_TRANSCRIPT).sha256());
}

/**
 * Compound challenge id (§14): hex(BLAKE3(seed ‖ "lep6:" dec(epoch) ":" target ":" ticket ":"
 * dec(class number) ":" dec(ordinal))). No separator after the seed.
 */
export function compoundChallengeID(
  seed: Uint8Array,
  epochId: bigint,
  target: string,
  ticketId: string,
  cls: StorageProofArtifactClass | number,
  ordinal: number,
): string {
  checkBytes(seed, 'seed');
  checkUint64(epochId, 'epochId');
  checkString(target, 'target');
  checkString(ticketId, 'ticketId');
  const classNumber = checkEnumNumber(cls, 'class');
  checkUint32(ordinal, 'ordinal');
  const text = `${COMPOUND_CHALLENGE_ID_PREFIX}${epochId}:${target}:${ticketId}:${classNumber}:${ordinal}`;
  return hex(new Preimage(seed.length + text.length * 3).raw(seed).rawString(text).blake3());
}

/**
 * Heal verifier's negative-vote placeholder (spec 04 R3.6.4): base64(BLAKE3("lep6:negative-attestation:"
 * + reason)); a blank reason is treated as `reason_other`.
 */
export function negativeAttestationHash(reason: string): string {
  checkString(reason, 'reason');
  const r = reason === '' ? 'reason_other' : reason;
  const d = new Preimage(64).rawString(`${NEGATIVE_ATTESTATION_PREFIX}${r}`).blake3();
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
}

/** Artefact class roll and ordinal (spec 01 §7, §8). */
import {
  DOMAIN_ARTIFACT_CLASS,
  DOMAIN_ARTIFACT_ORDINAL,
  LEP6_ARTIFACT_CLASS_INDEX_CUTOFF,
  LEP6_ARTIFACT_CLASS_ROLL_MODULUS,
  StorageProofArtifactClass,
  artifactClassDomain,
} from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { Preimage, u64Prefix } from './hash.js';
import { checkBytes, checkEnumNumber, checkString, checkUint32 } from './validate.js';

/** roll = U64(H(seed; target, ticket, "artifact_class")) mod 10, exposed for diagnostics (`derive class`). */
export function artifactClassRoll(seed: Uint8Array, target: string, ticketId: string): number {
  checkBytes(seed, 'seed');
  checkString(target, 'target');
  checkString(ticketId, 'ticketId');
  const d = new Preimage(seed.length + 96).raw(seed).partString(target).partString(ticketId).partString(DOMAIN_ARTIFACT_CLASS).sha256();
  return Number(u64Prefix(d) % LEP6_ARTIFACT_CLASS_ROLL_MODULUS);
}

/**
 * `SelectArtifactClass`: both counts 0 → UNSPECIFIED (no hash); roll < 2 → INDEX if indexCount > 0;
 * otherwise SYMBOL if symbolCount > 0. There is deliberately NO cross-class fallback: a rolled class
 * with no artefacts yields UNSPECIFIED (the caller emits NO_ELIGIBLE_TICKET). The bucket is not an input.
 */
export function selectArtifactClass(
  seed: Uint8Array,
  target: string,
  ticketId: string,
  indexCount: number,
  symbolCount: number,
): StorageProofArtifactClass {
  checkUint32(indexCount, 'indexCount');
  checkUint32(symbolCount, 'symbolCount');
  if (indexCount === 0 && symbolCount === 0) {
    checkBytes(seed, 'seed');
    return StorageProofArtifactClass.UNSPECIFIED;
  }
  const roll = artifactClassRoll(seed, target, ticketId);
  if (BigInt(roll) < LEP6_ARTIFACT_CLASS_INDEX_CUTOFF) {
    return indexCount > 0 ? StorageProofArtifactClass.INDEX : StorageProofArtifactClass.UNSPECIFIED;
  }
  return symbolCount > 0 ? StorageProofArtifactClass.SYMBOL : StorageProofArtifactClass.UNSPECIFIED;
}

/**
 * `SelectArtifactOrdinal`: U64(H(seed; target, ticket, classDomain, "artifact_ordinal")) mod count.
 * Errors: count 0; class without a domain string.
 */
export function selectArtifactOrdinal(
  seed: Uint8Array,
  target: string,
  ticketId: string,
  cls: StorageProofArtifactClass | number,
  artifactCount: number,
): number {
  checkBytes(seed, 'seed');
  checkString(target, 'target');
  checkString(ticketId, 'ticketId');
  checkUint32(artifactCount, 'artifactCount');
  if (artifactCount === 0) throw new DerivationError(DerivationErrorCode.ZeroArtifactCount, 'artifactCount', 'must be > 0');
  const cd = artifactClassDomain(checkEnumNumber(cls, 'class'));
  if (cd === '') throw new DerivationError(DerivationErrorCode.UnsupportedClass, 'class', `has no domain string (value ${cls}); expected INDEX or SYMBOL`);
  const d = new Preimage(seed.length + 96).raw(seed).partString(target).partString(ticketId).partString(cd).partString(DOMAIN_ARTIFACT_ORDINAL).sha256();
  return Number(u64Prefix(d) % BigInt(artifactCount));
}

/**
 * Name <-> value maps for the chain enums. Short names drop the enum's prefix
 * (STORAGE_PROOF_BUCKET_TYPE_RECENT -> RECENT), matching the domain strings of the deterministic
 * library, log labels, and the short state names GetTopSuperNodesForBlock accepts.
 */
import {
  HealOpStatus,
  PortState,
  ReporterTrustBand,
  StorageProofArtifactClass,
  StorageProofBucketType,
  StorageProofResultClass,
} from '../gen/lumera/audit/v1/audit.js';
import { StorageTruthEnforcementMode } from '../gen/lumera/audit/v1/params.js';
import { EvidenceType } from '../gen/lumera/audit/v1/evidence.js';
import { ActionState } from '../gen/lumera/action/v1/action_state.js';
import { ActionType } from '../gen/lumera/action/v1/action_type.js';
import { SuperNodeState } from '../gen/lumera/supernode/v1/supernode_state.js';

export interface EnumNames {
  /** Full proto name prefix, e.g. "STORAGE_PROOF_BUCKET_TYPE_". */
  readonly prefix: string;
  /** Values defined by the proto (UNRECOGNIZED excluded), ascending. */
  readonly values: readonly number[];
  /** Full proto name of a value, or undefined when the proto defines no such value. */
  fullName(value: number): string | undefined;
  /** Short name (prefix removed), or undefined when the proto defines no such value. */
  shortName(value: number): string | undefined;
  /** Value for a full or short name, case-insensitive; undefined when unknown. */
  parse(name: string): number | undefined;
}

/** ts-proto enums are numeric TypeScript enums plus UNRECOGNIZED = -1. */
function enumNames(enumObject: Readonly<Record<string, string | number>>, prefix: string): EnumNames {
  const byValue = new Map<number, string>();
  for (const [name, value] of Object.entries(enumObject)) {
    if (typeof value === 'number' && value >= 0) byValue.set(value, name);
  }
  const byName = new Map<string, number>();
  for (const [value, name] of byValue) {
    byName.set(name, value);
    byName.set(name.slice(prefix.length), value);
  }
  return {
    prefix,
    values: [...byValue.keys()].sort((a, b) => a - b),
    fullName: (value) => byValue.get(value),
    shortName: (value) => byValue.get(value)?.slice(prefix.length),
    parse: (name) => byName.get(name.trim().toUpperCase()),
  };
}

export const bucketTypeNames = enumNames(StorageProofBucketType, 'STORAGE_PROOF_BUCKET_TYPE_');
export const artifactClassNames = enumNames(StorageProofArtifactClass, 'STORAGE_PROOF_ARTIFACT_CLASS_');
export const resultClassNames = enumNames(StorageProofResultClass, 'STORAGE_PROOF_RESULT_CLASS_');
export const healOpStatusNames = enumNames(HealOpStatus, 'HEAL_OP_STATUS_');
export const trustBandNames = enumNames(ReporterTrustBand, 'REPORTER_TRUST_BAND_');
export const auditPortStateNames = enumNames(PortState, 'PORT_STATE_');
export const enforcementModeNames = enumNames(StorageTruthEnforcementMode, 'STORAGE_TRUTH_ENFORCEMENT_MODE_');
export const evidenceTypeNames = enumNames(EvidenceType, 'EVIDENCE_TYPE_');
export const actionStateNames = enumNames(ActionState, 'ACTION_STATE_');
export const actionTypeNames = enumNames(ActionType, 'ACTION_TYPE_');
export const superNodeStateNames = enumNames(SuperNodeState, 'SUPERNODE_STATE_');

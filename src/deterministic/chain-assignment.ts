/**
 * The chain's `AssignedTargets` answer for one reporter (spec 01 §4.1): storage-truth modes run the
 * §4.2 walk; mode UNSPECIFIED runs the legacy coverage algorithm (§4.5), which a devnet and a client
 * must reproduce even though LEP-6 dispatch is off in that mode.
 */
import {
  DEFAULT_CHALLENGE_TARGET_DIVISOR,
  DEFAULT_MAX_PROBE_TARGETS_PER_EPOCH,
  DEFAULT_MIN_PROBE_TARGETS_PER_EPOCH,
  DEFAULT_PEER_QUORUM_REPORTS,
  MIN_ASSIGNMENT_SEED_BYTES,
  StorageTruthEnforcementMode,
} from './constants.js';
import { DerivationError, DerivationErrorCode } from './errors.js';
import { u64Prefix } from './hash.js';
import { computeStorageTruthAssignment, storageTruthTargetsForReporter, type AssignedTargets, type StorageTruthAssignment } from './targets.js';
import { checkBytes, checkCount, checkEnumNumber, checkString, checkStringList } from './validate.js';

/** The params-snapshot fields the assignment reads; zero means the chain default (§1.4). */
export interface AssignmentParams {
  mode: StorageTruthEnforcementMode;
  /** storage_truth_challenge_target_divisor (storage-truth modes). */
  challengeTargetDivisor?: number;
  /** peer_quorum_reports / min / max probe targets (legacy mode). */
  peerQuorumReports?: number;
  minProbeTargetsPerEpoch?: number;
  maxProbeTargetsPerEpoch?: number;
}

export interface ChainAssignmentInput {
  /** anchor(E).seed. */
  seed: Uint8Array;
  /** C_in: the anchor's active accounts minus ineligible reporters (storage-truth modes). */
  eligibleChallengers: readonly string[];
  /** T_in: the anchor's target accounts (includes POSTPONED). */
  anchorTargets: readonly string[];
  params: AssignmentParams;
  reporter: string;
}

const orDefault = (v: number | undefined, name: string, dflt: number): number => {
  const n = v === undefined ? 0 : checkCount(v, name);
  return n === 0 ? dflt : n;
};

type LegacyParams = { peerQuorumReports: number; minProbeTargetsPerEpoch: number; maxProbeTargetsPerEpoch: number };

/** The validated inputs of one AssignedTargets question, with chain defaults applied. */
type Resolved =
  | { kind: 'legacy'; seed: Uint8Array; eligible: readonly string[]; targets: readonly string[]; reporter: string; params: LegacyParams }
  | { kind: 'storage-truth'; seed: Uint8Array; eligible: readonly string[]; targets: readonly string[]; reporter: string; divisor: number };

function resolve(input: ChainAssignmentInput): Resolved {
  const seed = checkBytes(input.seed, 'seed');
  const eligible = checkStringList(input.eligibleChallengers, 'eligibleChallengers');
  const targets = checkStringList(input.anchorTargets, 'anchorTargets');
  const reporter = checkString(input.reporter, 'reporter');
  const mode = checkEnumNumber(input.params?.mode, 'params.mode');
  if (reporter === '') throw new DerivationError(DerivationErrorCode.EmptyReporter, 'reporter', 'must not be empty');
  if (seed.length < MIN_ASSIGNMENT_SEED_BYTES) {
    throw new DerivationError(DerivationErrorCode.SeedTooShort, 'seed', `must be at least ${MIN_ASSIGNMENT_SEED_BYTES} bytes, got ${seed.length}`);
  }
  if (mode === StorageTruthEnforcementMode.UNSPECIFIED) {
    return {
      kind: 'legacy', seed, eligible, targets, reporter,
      params: {
        peerQuorumReports: orDefault(input.params.peerQuorumReports, 'params.peerQuorumReports', DEFAULT_PEER_QUORUM_REPORTS),
        minProbeTargetsPerEpoch: orDefault(input.params.minProbeTargetsPerEpoch, 'params.minProbeTargetsPerEpoch', DEFAULT_MIN_PROBE_TARGETS_PER_EPOCH),
        maxProbeTargetsPerEpoch: orDefault(input.params.maxProbeTargetsPerEpoch, 'params.maxProbeTargetsPerEpoch', DEFAULT_MAX_PROBE_TARGETS_PER_EPOCH),
      },
    };
  }
  const divisor = orDefault(input.params.challengeTargetDivisor, 'params.challengeTargetDivisor', DEFAULT_CHALLENGE_TARGET_DIVISOR);
  return { kind: 'storage-truth', seed, eligible, targets, reporter, divisor };
}

/**
 * What the chain's AssignedTargets(reporter, epoch) returns: `{targets, isProber}`. Errors: empty
 * reporter; seed shorter than 8 bytes (both modes).
 */
export function chainAssignedTargets(input: ChainAssignmentInput): AssignedTargets {
  const r = resolve(input);
  if (r.kind === 'legacy') return legacyAssignedTargets(r.seed, r.eligible, r.targets, r.reporter, r.params);
  return storageTruthTargetsForReporter(r.seed, r.eligible, r.targets, r.divisor, r.reporter);
}

// Whole-epoch storage-truth walks by input. A devnet asks once per reporter, and one reporter's walk
// costs up to the whole walk, so 150 reporters cost ~150 walks without this. A handful of entries covers
// the epochs a devnet is asked about at once.
const WALK_MEMO_LIMIT = 8;
const walkMemo = new Map<string, StorageTruthAssignment>();

function rememberedWalk(seed: Uint8Array, eligible: readonly string[], targets: readonly string[], divisor: number): StorageTruthAssignment {
  const key = JSON.stringify([Buffer.from(seed).toString('hex'), divisor, eligible, targets]);
  let walk = walkMemo.get(key);
  if (walk === undefined) {
    walk = computeStorageTruthAssignment(seed, eligible, targets, divisor);
    if (walkMemo.size >= WALK_MEMO_LIMIT) walkMemo.delete(walkMemo.keys().next().value as string);
    walkMemo.set(key, walk);
  }
  return walk;
}

/**
 * `chainAssignedTargets` for a caller that asks about every reporter of the same epoch (the devnet's
 * report checks and queries): the storage-truth walk runs once per distinct input and is remembered.
 * Same answers and errors as `chainAssignedTargets`.
 */
export function chainAssignedTargetsForAll(input: ChainAssignmentInput): AssignedTargets {
  const r = resolve(input);
  if (r.kind === 'legacy') return legacyAssignedTargets(r.seed, r.eligible, r.targets, r.reporter, r.params);
  if (!r.eligible.includes(r.reporter)) return { targets: [], isProber: false };
  const mine = rememberedWalk(r.seed, r.eligible, r.targets, r.divisor).assignments.get(r.reporter);
  return { targets: mine === undefined ? [] : [mine], isProber: true };
}

/**
 * Number of probe targets per reporter in legacy mode (§4.5 step 2): ⌈q·n / a⌉, raised to min, lowered
 * to max (max wins), lowered to n − 1; 0 when a ≤ 0 or n ≤ 1.
 */
export function legacyProbeTargetCount(a: number, n: number, q: number, min: number, max: number): number {
  if (a <= 0 || n <= 1) return 0;
  let k = Math.floor((q * n + a - 1) / a);
  if (k < min) k = min;
  if (k > max) k = max;
  if (k > n - 1) k = n - 1;
  return k;
}

/** Legacy coverage assignment (§4.5). Lists are used as given; order of the result matters. */
export function legacyAssignedTargets(
  seed: Uint8Array,
  eligibleChallengers: readonly string[],
  anchorTargets: readonly string[],
  reporter: string,
  params: LegacyParams,
): AssignedTargets {
  const ri = eligibleChallengers.indexOf(reporter);
  if (ri < 0) return { targets: [], isProber: false };
  const n = anchorTargets.length;
  const k = legacyProbeTargetCount(
    eligibleChallengers.length,
    n,
    params.peerQuorumReports,
    params.minProbeTargetsPerEpoch,
    params.maxProbeTargetsPerEpoch,
  );
  if (k === 0 || n === 0) return { targets: [], isProber: true };
  // The first 8 seed bytes themselves (no hashing), mod n.
  const offset = Number(u64Prefix(seed) % BigInt(n));
  const chosen = new Set<number>();
  const out: string[] = [];
  for (let j = 0; j < k; j++) {
    let cand = Number((BigInt(offset) + BigInt(ri) * BigInt(k) + BigInt(j)) % BigInt(n));
    let found = false;
    for (let tries = 0; tries < n; tries++) {
      if (anchorTargets[cand] !== reporter && !chosen.has(cand)) {
        found = true;
        break;
      }
      cand = (cand + 1) % n;
    }
    if (!found) break;
    chosen.add(cand);
    out.push(anchorTargets[cand] as string);
  }
  return { targets: out, isProber: true };
}

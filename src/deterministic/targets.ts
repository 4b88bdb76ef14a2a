/**
 * Target selection and challenger→target pairing (spec 01 §4). `chainAssignedTargets` is the chain's
 * consensus algorithm (what `AssignedTargets` answers and what `MsgSubmitEpochReport` is checked
 * against); the `selectLEP6Targets` / `pairChallengerToTarget` / `assignChallengerTargets*` helpers are
 * the Go supernode's test/cross-check versions, which agree with the chain only when the anchor target
 * list equals the eligible challenger list (§4.3).
 */
import {
  DEFAULT_CHALLENGE_TARGET_DIVISOR,
  DOMAIN_CHALLENGE_TARGET,
  DOMAIN_PAIR,
} from './constants.js';
import { compareDigests, compareStrings, MiddleHasher, Preimage, sortedUnique, utf8 } from './hash.js';
import { checkBytes, checkCount, checkString, checkStringList, checkStringSet } from './validate.js';

const CHALLENGE_TARGET_SUFFIX = Buffer.concat([Buffer.from([0]), utf8(DOMAIN_CHALLENGE_TARGET)]);
const PAIR_SUFFIX = Buffer.concat([Buffer.from([0]), utf8(DOMAIN_PAIR)]);

/** seed ‖ 0x00 ‖ a ‖ 0x00 … : the fixed prefix before the varying part of a rank preimage. */
function prefixOf(seed: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const p = new Preimage(seed.length + 64).raw(seed);
  for (const x of parts) p.part(x);
  return Buffer.concat([p.bytes(), Buffer.from([0])]);
}

/** An account with its UTF-8 bytes, encoded once per derivation. */
interface Encoded {
  readonly id: string;
  readonly bytes: Buffer;
}

interface Ranked extends Encoded {
  readonly digest: Buffer;
}

function encodeAll(ids: readonly string[]): Encoded[] {
  return ids.map((id) => ({ id, bytes: utf8(id) }));
}

/** (digest, id) order: digest bytes first, then Go string order. */
function rankLess(d: Buffer, id: string, bestD: Buffer, bestId: string): boolean {
  const c = compareDigests(d, bestD);
  return c < 0 || (c === 0 && compareStrings(id, bestId) < 0);
}

/**
 * targetCount(n, d) of §4.2 step 4: n ≤ 0 → 0; d = 0 means 3; ⌈n / d⌉ clamped to [1, n].
 */
export function targetCount(n: number, divisor: number): number {
  checkCount(n, 'n');
  checkCount(divisor, 'divisor');
  if (n <= 0) return 0;
  const d = divisor === 0 ? DEFAULT_CHALLENGE_TARGET_DIVISOR : divisor;
  const c = Math.floor((n + d - 1) / d);
  return Math.min(Math.max(c, 1), n);
}

/**
 * Ranks accounts by (H(seed; t, "challenge_target"), t) ascending (§4.2 step 5). The list is used as
 * given: duplicates stay (adjacent, equal keys).
 */
export function rankTargets(seed: Uint8Array, ids: readonly string[]): string[] {
  checkBytes(seed, 'seed');
  checkStringList(ids, 'ids');
  return rankEncoded(seed, encodeAll(ids)).map((r) => r.id);
}

function rankEncoded(seed: Uint8Array, ids: readonly Encoded[]): Ranked[] {
  const h = new MiddleHasher(CHALLENGE_TARGET_SUFFIX).setPrefix(prefixOf(seed));
  const ranked: Ranked[] = ids.map((e) => ({ id: e.id, bytes: e.bytes, digest: h.hashBytes(e.bytes) }));
  ranked.sort((a, b) => compareDigests(a.digest, b.digest) || compareStrings(a.id, b.id));
  return ranked;
}

/**
 * Supernode `SelectLEP6Targets` (§4.3): the first targetCount(len(activeIDs), divisor) ids in rank
 * order. Empty input → empty list; divisor 0 → 3; no dedupe, no sort.
 */
export function selectLEP6Targets(activeIDs: readonly string[], seed: Uint8Array, divisor: number): string[] {
  checkStringList(activeIDs, 'activeIDs');
  checkBytes(seed, 'seed');
  checkCount(divisor, 'divisor');
  if (activeIDs.length === 0) return [];
  const count = targetCount(activeIDs.length, divisor);
  return rankTargets(seed, activeIDs).slice(0, count);
}

/**
 * Supernode `PairChallengerToTarget` (§4.3): argmin over targets ≠ challenger and not assigned of
 * (H(seed; challenger, t, "pair"), t); "" when nothing qualifies. Mirrors the Go code's use of "" as
 * its "nothing chosen yet" marker, so an empty id is displaced by any later candidate.
 */
export function pairChallengerToTarget(
  challenger: string,
  targets: readonly string[],
  seed: Uint8Array,
  assigned?: Iterable<string> | null,
): string {
  checkString(challenger, 'challenger');
  checkStringList(targets, 'targets');
  checkBytes(seed, 'seed');
  const taken = checkStringSet(assigned === undefined || assigned === null ? undefined : [...assigned], 'assigned');
  const h = new MiddleHasher(PAIR_SUFFIX).setPrefix(prefixOf(seed, utf8(challenger)));
  let best = '';
  let bestD: Buffer | undefined;
  for (const t of targets) {
    if (t === challenger || taken.has(t)) continue;
    const d = h.hashString(t);
    if (best === '' || bestD === undefined || rankLess(d, t, bestD, best)) {
      best = t;
      bestD = d;
    }
  }
  return best;
}

/**
 * The pairing walk shared by the chain (§4.2 step 7) and the supernode helper (§4.3 step 4).
 * `onAssign` returns true to stop early (the chain stops at the reporter).
 */
function pairingWalk(
  seed: Uint8Array,
  challengers: readonly Encoded[],
  ranked: readonly Encoded[],
  selected: readonly Encoded[],
  count: number,
  onAssign: (challenger: string, target: string) => boolean,
): void {
  // unassigned: compact array with swap-removal (order is irrelevant: argmin has a total tie-break).
  const unassigned = [...selected];
  const assigned = new Set<string>();
  const h = new MiddleHasher(PAIR_SUFFIX);

  const argmin = (c: Encoded, pool: readonly Encoded[], skip: (t: Encoded) => boolean): number => {
    h.setPrefix(prefixOf(seed, c.bytes));
    let bestIdx = -1;
    let bestD: Buffer | undefined;
    let bestId = '';
    for (let i = 0; i < pool.length; i++) {
      const t = pool[i] as Encoded;
      if (t.id === c.id || skip(t)) continue;
      const d = h.hashBytes(t.bytes);
      if (bestD === undefined || rankLess(d, t.id, bestD, bestId)) {
        bestIdx = i;
        bestD = d;
        bestId = t.id;
      }
    }
    return bestIdx;
  };

  for (const c of challengers) {
    if (assigned.size >= count) break;
    let target: Encoded | undefined;
    const i = argmin(c, unassigned, () => false);
    if (i >= 0) {
      target = unassigned[i] as Encoded;
      unassigned[i] = unassigned[unassigned.length - 1] as Encoded;
      unassigned.pop();
    } else {
      // Fallback: unassigned ⊆ {c}; take the best of the whole ranked universe not yet assigned.
      const j = argmin(c, ranked, (t) => assigned.has(t.id));
      if (j < 0) continue;
      target = ranked[j] as Encoded;
    }
    assigned.add(target.id);
    if (onAssign(c.id, target.id)) return;
  }
}

/** Supernode `AssignChallengerTargets` = WithCandidates(activeIDs, targets, activeIDs, seed). */
export function assignChallengerTargets(activeIDs: readonly string[], targets: readonly string[], seed: Uint8Array): Map<string, string> {
  return assignChallengerTargetsWithCandidates(activeIDs, targets, activeIDs, seed);
}

/**
 * Supernode `AssignChallengerTargetsWithCandidates` (§4.3): walk the sorted unique challengers; the
 * stop count is the number of unique non-empty selected targets; the fallback universe is the ranked
 * candidates (or the ranked challengers when there are none). Returns challenger → target.
 */
export function assignChallengerTargetsWithCandidates(
  activeIDs: readonly string[],
  selected: readonly string[],
  candidates: readonly string[],
  seed: Uint8Array,
): Map<string, string> {
  checkStringList(activeIDs, 'activeIDs');
  checkStringList(selected, 'selected');
  checkStringList(candidates, 'candidates');
  checkBytes(seed, 'seed');
  const out = new Map<string, string>();
  if (activeIDs.length === 0 || selected.length === 0) return out;
  const challengers = encodeAll(sortedUnique(activeIDs));
  const cand = sortedUnique(candidates);
  const ranked = rankEncoded(seed, cand.length > 0 ? encodeAll(cand) : challengers);
  const uniqueSelected = encodeAll([...new Set(selected)].filter((s) => s !== ''));
  pairingWalk(seed, challengers, ranked, uniqueSelected, uniqueSelected.length, (c, t) => {
    out.set(c, t);
    return false;
  });
  return out;
}

/** Result of the chain's assignment for one reporter. */
export interface AssignedTargets {
  targets: string[];
  isProber: boolean;
}

/** Full storage-truth assignment of one epoch: who challenges whom, and who is a prober. */
export interface StorageTruthAssignment {
  /** challenger → its single target, for every challenger that got one. */
  assignments: Map<string, string>;
  /** The selected targets S in rank order (the first `count` of the ranked target universe). */
  selectedTargets: string[];
  /** count of §4.2 step 4 (after the min with |T|). */
  count: number;
}

interface PreparedStorageTruth {
  challengers: Encoded[];
  ranked: Ranked[];
  count: number;
}

function prepareStorageTruth(seed: Uint8Array, eligibleChallengers: readonly string[], anchorTargets: readonly string[], divisor: number): PreparedStorageTruth | null {
  const c = sortedUnique(eligibleChallengers);
  let t = sortedUnique(anchorTargets);
  if (t.length === 0) t = c;
  if (c.length <= 1 || t.length === 0) return null;
  const count = Math.min(targetCount(c.length, divisor), t.length);
  const challengers = encodeAll(c);
  const ranked = rankEncoded(seed, t === c ? challengers : encodeAll(t));
  return { challengers, ranked, count };
}

/**
 * The chain's storage-truth assignment (§4.2) for every challenger at once — what a devnet needs to
 * answer AssignedTargets for all reporters of an epoch without re-running the walk per reporter.
 * `eligibleChallengers` = C_in (anchor active list minus ineligible reporters), `anchorTargets` = T_in.
 */
export function computeStorageTruthAssignment(
  seed: Uint8Array,
  eligibleChallengers: readonly string[],
  anchorTargets: readonly string[],
  divisor: number,
): StorageTruthAssignment {
  checkBytes(seed, 'seed');
  checkStringList(eligibleChallengers, 'eligibleChallengers');
  checkStringList(anchorTargets, 'anchorTargets');
  checkCount(divisor, 'divisor');
  const assignments = new Map<string, string>();
  const prepared = prepareStorageTruth(seed, eligibleChallengers, anchorTargets, divisor);
  if (!prepared) return { assignments, selectedTargets: [], count: 0 };
  const selected = prepared.ranked.slice(0, prepared.count);
  pairingWalk(seed, prepared.challengers, prepared.ranked, selected, prepared.count, (c, t) => {
    assignments.set(c, t);
    return false;
  });
  return { assignments, selectedTargets: selected.map((s) => s.id), count: prepared.count };
}

/**
 * The chain's storage-truth walk for one reporter (§4.2, `computeStorageTruthTargetsForReporter`),
 * after the common preconditions. Stops as soon as the reporter is assigned.
 */
export function storageTruthTargetsForReporter(
  seed: Uint8Array,
  eligibleChallengers: readonly string[],
  anchorTargets: readonly string[],
  divisor: number,
  reporter: string,
): AssignedTargets {
  if (!eligibleChallengers.includes(reporter)) return { targets: [], isProber: false };
  const prepared = prepareStorageTruth(seed, eligibleChallengers, anchorTargets, divisor);
  if (!prepared) return { targets: [], isProber: true };
  let mine: string | undefined;
  pairingWalk(seed, prepared.challengers, prepared.ranked, prepared.ranked.slice(0, prepared.count), prepared.count, (c, t) => {
    if (c !== reporter) return false;
    mine = t;
    return true;
  });
  return { targets: mine === undefined ? [] : [mine], isProber: true };
}

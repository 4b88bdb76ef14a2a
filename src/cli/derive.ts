/**
 * `supernode derive <what>`: compute LEP-6 derivations (spec 01) from flags or `--input file.json`
 * (the same keys as the vector inputs of shared/vectors/deterministic.json). Output is JSON on stdout.
 * Malformed input is an InvalidArgumentError naming the flag (or the --input key): one line, exit 2.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../util/errors.js';
import * as d from '../deterministic/index.js';
import {
  bucketName,
  className,
  parseArtifactClass,
  parseBucket,
  parseHex,
  parseInt64,
  parseMode,
  parseString,
  parseStringList,
  parseUint32,
  parseUint64,
  type JsonObject,
} from '../deterministic/input.js';

interface FlagSpec {
  /** commander flag text, e.g. "--seed <hex>". */
  flag: string;
  /** key in --input JSON (the vector input name). */
  key: string;
  description: string;
  list?: boolean;
}

/** Flag values overlaid on the --input document; `label(key)` names where a value came from. */
class Inputs {
  constructor(
    private readonly values: JsonObject,
    private readonly fromFlag: Map<string, string>,
    private readonly source: string,
  ) {}

  label(key: string): string {
    return this.fromFlag.get(key) ?? `${this.source}: ${key}`;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.values, key) && this.values[key] !== undefined;
  }

  need(key: string, flag: string): unknown {
    if (!this.has(key)) throw new InvalidArgumentError(flag, `is required (or give "${key}" in --input)`);
    return this.values[key];
  }

  get(key: string): unknown {
    return this.values[key];
  }
}

function flagName(spec: FlagSpec): string {
  return spec.flag.split(' ')[0] as string;
}

function optionAttr(spec: FlagSpec): string {
  return flagName(spec)
    .slice(2)
    .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function readInputFile(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError('--input', `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${path}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError('--input', `is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidArgumentError('--input', 'must hold a JSON object');
  // A whole vector may be given: use its inputs.
  const o = doc as JsonObject;
  return typeof o.inputs === 'object' && o.inputs !== null && !Array.isArray(o.inputs) ? (o.inputs as JsonObject) : o;
}

function gather(specs: readonly FlagSpec[], opts: Record<string, unknown>): Inputs {
  const inputPath = typeof opts.input === 'string' ? opts.input : undefined;
  const values: JsonObject = inputPath ? { ...readInputFile(inputPath) } : {};
  const known = new Set(specs.map((s) => s.key));
  for (const k of Object.keys(values)) {
    if (!known.has(k)) throw new InvalidArgumentError(`--input`, `has unknown key "${k}" (known: ${[...known].join(', ')})`);
  }
  const fromFlag = new Map<string, string>();
  for (const spec of specs) {
    const v = opts[optionAttr(spec)];
    if (v === undefined) continue;
    const s = String(v);
    values[spec.key] = spec.list ? (s.trim() === '' ? [] : s.split(',').map((x) => x.trim())) : s;
    fromFlag.set(spec.key, flagName(spec));
  }
  return new Inputs(values, fromFlag, inputPath ?? '--input');
}

function out(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2)}\n`);
}

const SEED: FlagSpec = { flag: '--seed <hex>', key: 'seed_hex', description: 'epoch anchor seed (hex, 32 bytes on chain)' };
const TARGET: FlagSpec = { flag: '--target <account>', key: 'target', description: 'challenged supernode account' };
const TICKET: FlagSpec = { flag: '--ticket <id>', key: 'ticket_id', description: 'ticket (cascade action) id' };
const CLASS: FlagSpec = { flag: '--class <name>', key: 'class', description: 'artefact class: INDEX|SYMBOL' };

type Run = (i: Inputs) => unknown;

function sub(derive: Command, name: string, description: string, specs: FlagSpec[], run: Run): void {
  const cmd = derive.command(name).description(description).option('--input <file.json>', 'read inputs from a JSON file (vector input keys); flags override');
  for (const s of specs) cmd.option(s.flag, `${s.description} [${s.key}]`);
  cmd.action((opts: Record<string, unknown>) => {
    const inputs = gather(specs, opts);
    let result: unknown;
    try {
      result = run(inputs);
    } catch (err) {
      // Name the operator's flag rather than the library's parameter name.
      if (err instanceof d.DerivationError && Object.hasOwn(LIB_ARGUMENT_KEYS, err.argument)) {
        const key = LIB_ARGUMENT_KEYS[err.argument] as string;
        throw new InvalidArgumentError(inputs.label(key), err.message.slice(err.argument.length + 1));
      }
      throw err;
    }
    out(result);
  });
}

/** Library argument names → input keys, so derivation errors point at the flag that carried the value. */
const LIB_ARGUMENT_KEYS: Record<string, string> = {
  seed: 'seed_hex',
  target: 'target',
  ticketId: 'ticket_id',
  class: 'class',
  artifactCount: 'count',
  ordinal: 'ordinal',
  artifactSize: 'artifact_size',
  rangeLen: 'range_len',
  k: 'k',
  reporter: 'reporter',
  indexCount: 'index_count',
  symbolCount: 'symbol_count',
  eligibleChallengers: 'eligible_challengers',
  anchorTargets: 'anchor_targets',
  epochId: 'epoch_id',
  headerHash: 'header_hash_hex',
};

const seedOf = (i: Inputs): Uint8Array => parseHex(i.need('seed_hex', '--seed'), i.label('seed_hex'));
const strOf = (i: Inputs, key: string, flag: string): string => parseString(i.need(key, flag), i.label(key));
const listOf = (i: Inputs, key: string, flag: string): string[] => parseStringList(i.need(key, flag), i.label(key));
const optList = (i: Inputs, key: string): string[] => (i.has(key) ? parseStringList(i.get(key), i.label(key)) : []);
const u32Of = (i: Inputs, key: string, flag: string, dflt?: number): number =>
  dflt !== undefined && !i.has(key) ? dflt : parseUint32(i.need(key, flag), i.label(key));
const u64Of = (i: Inputs, key: string, flag: string, dflt?: bigint): bigint =>
  dflt !== undefined && !i.has(key) ? dflt : parseUint64(i.need(key, flag), i.label(key));

function deriveTargets(i: Inputs): unknown {
  const seed = seedOf(i);
  const active = listOf(i, 'eligible_challengers', '--active');
  if (active.length === 0) throw new InvalidArgumentError(i.label('eligible_challengers'), 'must list at least one account');
  const targets = optList(i, 'anchor_targets');
  const mode = i.has('mode') ? parseMode(i.get('mode'), i.label('mode')) : d.StorageTruthEnforcementMode.SHADOW;
  const divisor = u32Of(i, 'divisor', '--divisor', d.DEFAULT_CHALLENGE_TARGET_DIVISOR);
  if (seed.length < d.MIN_ASSIGNMENT_SEED_BYTES) throw new InvalidArgumentError(i.label('seed_hex'), `must be at least ${d.MIN_ASSIGNMENT_SEED_BYTES} bytes`);
  const params: d.AssignmentParams = {
    mode,
    challengeTargetDivisor: divisor,
    peerQuorumReports: u32Of(i, 'peer_quorum_reports', '--peer-quorum-reports', 0),
    minProbeTargetsPerEpoch: u32Of(i, 'min_probe_targets_per_epoch', '--min-probe-targets', 0),
    maxProbeTargetsPerEpoch: u32Of(i, 'max_probe_targets_per_epoch', '--max-probe-targets', 0),
  };
  const anchorTargets = targets.length > 0 ? targets : active;
  if (i.has('reporter')) {
    const r = d.chainAssignedTargets({ seed, eligibleChallengers: active, anchorTargets, params, reporter: strOf(i, 'reporter', '--reporter') });
    return { mode: d.StorageTruthEnforcementMode[mode], reporter: i.get('reporter'), targets: r.targets, is_prober: r.isProber };
  }
  if (mode === d.StorageTruthEnforcementMode.UNSPECIFIED) {
    const assignments: Record<string, string[]> = {};
    for (const reporter of active) {
      if (reporter === '') continue;
      assignments[reporter] = d.chainAssignedTargets({ seed, eligibleChallengers: active, anchorTargets, params, reporter }).targets;
    }
    return { mode: 'UNSPECIFIED', assignments };
  }
  const a = d.computeStorageTruthAssignment(seed, active, anchorTargets, divisor);
  return { mode: d.StorageTruthEnforcementMode[mode], count: a.count, selected_targets: a.selectedTargets, assignments: Object.fromEntries(a.assignments) };
}

function deriveEpoch(i: Inputs): unknown {
  // Default to the chain defaults (not 0) so the supernode's EpochID, which applies none, agrees.
  const z = u64Of(i, 'epoch_zero_height', '--epoch-zero-height', d.DEFAULT_EPOCH_ZERO_HEIGHT);
  const l = u64Of(i, 'epoch_length_blocks', '--epoch-length', d.DEFAULT_EPOCH_LENGTH_BLOCKS);
  const json = (b: d.EpochBounds): unknown => ({ epoch_id: b.epochId, start_height: b.startHeight, end_height: b.endHeight });
  let bounds: d.EpochBounds;
  const result: JsonObject = {};
  if (i.has('height')) {
    const h = parseInt64(i.get('height'), i.label('height'));
    if (h < 0n) throw new InvalidArgumentError(i.label('height'), `must be >= 0, got ${h}`);
    bounds = d.epochAtHeight(h, z, l);
    const sn = d.supernodeEpochID(h, z, l);
    result.supernode_epoch_id = sn === null ? null : sn.toString();
  } else if (i.has('epoch_id')) {
    bounds = d.epochByID(parseUint64(i.get('epoch_id'), i.label('epoch_id')), z, l);
  } else {
    throw new InvalidArgumentError('--height', 'or --epoch-id is required');
  }
  result.chain = json(bounds);
  if (i.has('header_hash_hex')) {
    result.seed_hex = d.epochSeed(parseHex(i.get('header_hash_hex'), i.label('header_hash_hex')), bounds.epochId, bounds.startHeight);
  }
  return result;
}

export function registerDeriveCommands(program: Command): void {
  const derive = program.command('derive').description('compute LEP-6 derivations (targets, tickets, class, ordinal, ranges, epochs) as JSON');
  sub(
    derive,
    'targets',
    "an epoch's selected targets and challenger→target pairing as the chain computes them",
    [
      SEED,
      { flag: '--active <accounts>', key: 'eligible_challengers', description: 'eligible challengers, comma-separated', list: true },
      { flag: '--targets <accounts>', key: 'anchor_targets', description: 'anchor target accounts (default: the active list)', list: true },
      { flag: '--mode <mode>', key: 'mode', description: 'enforcement mode UNSPECIFIED|SHADOW|SOFT|FULL (default SHADOW)' },
      { flag: '--divisor <n>', key: 'divisor', description: 'challenge target divisor (0 = 3)' },
      { flag: '--peer-quorum-reports <n>', key: 'peer_quorum_reports', description: 'legacy mode q (0 = 3)' },
      { flag: '--min-probe-targets <n>', key: 'min_probe_targets_per_epoch', description: 'legacy mode min (0 = 3)' },
      { flag: '--max-probe-targets <n>', key: 'max_probe_targets_per_epoch', description: 'legacy mode max (0 = 5)' },
      { flag: '--reporter <account>', key: 'reporter', description: "only this reporter's AssignedTargets answer" },
    ],
    deriveTargets,
  );
  sub(
    derive,
    'ticket',
    'the ticket a challenger picks for (target, bucket)',
    [
      SEED,
      TARGET,
      { flag: '--bucket <name>', key: 'bucket', description: 'RECENT|OLD|PROBATION|RECHECK' },
      { flag: '--tickets <ids>', key: 'tickets', description: 'eligible ticket ids, comma-separated', list: true },
      { flag: '--excluded <ids>', key: 'excluded', description: 'excluded ticket ids, comma-separated', list: true },
    ],
    (i) => {
      const bucket = parseBucket(i.need('bucket', '--bucket'), i.label('bucket'));
      const ticket = d.selectTicketForBucket(listOf(i, 'tickets', '--tickets'), optList(i, 'excluded'), seedOf(i), strOf(i, 'target', '--target'), bucket);
      return { bucket: bucketName(bucket), ticket_id: ticket, no_eligible_ticket: ticket === '' };
    },
  );
  sub(
    derive,
    'class',
    'the artefact class roll for a ticket (20% INDEX / 80% SYMBOL, no fallback)',
    [
      SEED,
      TARGET,
      TICKET,
      { flag: '--index-count <n>', key: 'index_count', description: 'INDEX artefact count' },
      { flag: '--symbol-count <n>', key: 'symbol_count', description: 'SYMBOL artefact count' },
    ],
    (i) => {
      const seed = seedOf(i);
      const target = strOf(i, 'target', '--target');
      const ticket = strOf(i, 'ticket_id', '--ticket');
      const cls = d.selectArtifactClass(seed, target, ticket, u32Of(i, 'index_count', '--index-count'), u32Of(i, 'symbol_count', '--symbol-count'));
      return { roll: d.artifactClassRoll(seed, target, ticket), class: className(cls) };
    },
  );
  sub(
    derive,
    'ordinal',
    'the artefact ordinal for a ticket and class',
    [SEED, TARGET, TICKET, CLASS, { flag: '--count <n>', key: 'count', description: 'artefact count of the class' }],
    (i) => {
      const cls = parseArtifactClass(i.need('class', '--class'), i.label('class'));
      return { ordinal: d.selectArtifactOrdinal(seedOf(i), strOf(i, 'target', '--target'), strOf(i, 'ticket_id', '--ticket'), cls, u32Of(i, 'count', '--count')) };
    },
  );
  sub(
    derive,
    'ranges',
    'effective range length, k offsets, byte ranges and the derivation-input hash',
    [
      SEED,
      TARGET,
      TICKET,
      CLASS,
      { flag: '--ordinal <n>', key: 'ordinal', description: 'artefact ordinal' },
      { flag: '--artifact-size <bytes>', key: 'artifact_size', description: 'artefact size in bytes' },
      { flag: '--range-len <bytes>', key: 'range_len', description: 'chain compound range length (0 = 256; shrunk to small artefacts)' },
      { flag: '--k <n>', key: 'k', description: 'ranges per artefact (0 = 4)' },
      { flag: '--epoch-id <n>', key: 'epoch_id', description: 'also print the compound challenge id for this epoch' },
    ],
    (i) => {
      const seed = seedOf(i);
      const target = strOf(i, 'target', '--target');
      const ticket = strOf(i, 'ticket_id', '--ticket');
      const cls = parseArtifactClass(i.need('class', '--class'), i.label('class'));
      const ordinal = u32Of(i, 'ordinal', '--ordinal');
      const size = u64Of(i, 'artifact_size', '--artifact-size');
      const rangeLen = d.effectiveRangeLen(u64Of(i, 'range_len', '--range-len', 0n), size);
      const k = d.effectiveRangesPerArtifact(u32Of(i, 'k', '--k', 0));
      const offsets = d.computeMultiRangeOffsets(seed, target, ticket, cls, ordinal, size, rangeLen, k);
      const result: JsonObject = {
        range_len: rangeLen,
        k,
        offsets,
        ranges: offsets.map((o) => ({ start: o, end: o + rangeLen })),
        derivation_input_hash: d.derivationInputHash(seed, target, ticket, cls, ordinal, offsets, rangeLen),
      };
      if (i.has('epoch_id')) {
        result.challenge_id = d.compoundChallengeID(seed, parseUint64(i.get('epoch_id'), i.label('epoch_id')), target, ticket, cls, ordinal);
      }
      return result;
    },
  );
  sub(
    derive,
    'epoch',
    'epoch bounds at a height or by id (chain rules), the supernode epoch id, and optionally the anchor seed',
    [
      { flag: '--height <h>', key: 'height', description: 'block height' },
      { flag: '--epoch-id <n>', key: 'epoch_id', description: 'epoch id (instead of --height)' },
      { flag: '--epoch-zero-height <z>', key: 'epoch_zero_height', description: 'epoch_zero_height param (default 1)' },
      { flag: '--epoch-length <l>', key: 'epoch_length_blocks', description: 'epoch_length_blocks param (default 400)' },
      { flag: '--header-hash <hex>', key: 'header_hash_hex', description: "epoch-start block hash (hex; '' = use the start height)" },
    ],
    deriveEpoch,
  );
}

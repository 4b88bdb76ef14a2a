/**
 * Every configuration key, its type, default, rules and meaning. The loader, the example file renderer
 * and `config validate` all read this tree, so a key added here is documented and checked everywhere.
 * LEP-6 keys, names and defaults follow spec 04 §7.1; order within a block follows the spec's table so
 * that errors come out in the spec's validation order (R7.3).
 */
import { accountAddress, bool, duration, gasPrice, int, listenAddress, millis, multiplier, oneOf, port, str, urlList, type Field } from './fields.js';

export interface Section {
  readonly kind: 'section';
  readonly doc: string;
  readonly children: Readonly<Record<string, SchemaNode>>;
}
export type SchemaNode = Field<unknown> | Section;

const section = (doc: string, children: Record<string, SchemaNode>): Section => ({ kind: 'section', doc, children });

/** Knobs whose absurd values would exhaust memory or sockets rather than express a preference. */
const concurrency = (doc: string, dflt: number) => int({ doc, default: dflt, min: 0, max: 1024, maxReason: 'sanity limit' });

export const EXAMPLE_IDENTITY = 'lumera1ksmg483uk7hudtxkmy8ddk6f7x3xapnsadfrgt';

export const CONFIG_SCHEMA: Section = section('supernode daemon configuration', {
  base_dir: str({
    doc: 'Base directory: history.db and the default keyring, staging and artefact dirs live here. ~ expands to the home dir; a relative path is taken from the config file\'s directory. The --base-dir flag overrides it.',
    default: '~/.supernode',
  }),
  supernode: section('This supernode\'s identity and listeners.', {
    identity: accountAddress({ doc: 'Registered supernode account (bech32 lumera1…). Required; must be the address of key_name.', example: EXAMPLE_IDENTITY }),
    key_name: str({
      doc: 'Keyring entry that signs transactions, challenge transcripts and handshakes. Required.',
      example: 'supernode',
      typeLabel: 'a key name of letters, digits, ".", "_" or "-"',
      validate: (v) => (/^[A-Za-z0-9._-]{1,64}$/.test(v) ? undefined : `must be 1..64 characters of letters, digits, ".", "_" or "-", got ${JSON.stringify(v)}`),
    }),
    host: str({
      doc: 'Interface the peer gRPC server binds (0.0.0.0 = all IPv4 interfaces).',
      default: '0.0.0.0',
      validate: (v) => (/^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+)$/.test(v) ? undefined : `must be a host name or IP address, got ${JSON.stringify(v)}`),
    }),
    port: port({ doc: 'Peer gRPC port (lumera-alts): our listen port and the port assumed when dialling peers. 0 = OS-assigned (tests only; the chain registration names a fixed port).', default: 4444 }),
    status_address: listenAddress({ doc: 'Local status/admin HTTP listener as host:port; empty = off.', default: '127.0.0.1:8002' }),
    metrics_address: listenAddress({ doc: 'Prometheus metrics listener as host:port; empty = off.', default: '' }),
  }),
  keyring: section('Where signing keys are kept.', {
    backend: oneOf(['file', 'test'] as const, { doc: 'file = passphrase-encrypted key files; test = unencrypted (devnets and tests only).', default: 'file' }),
    dir: str({ doc: 'Keyring directory (relative to base_dir unless absolute).', default: 'keys', isPath: true }),
    passphrase_file: str({ doc: 'File holding the passphrase of the file backend (relative to base_dir unless absolute); empty = not set.', default: '', allowEmpty: true, isPath: true }),
  }),
  lumera: section('The Lumera chain.', {
    rpc_endpoints: urlList({ doc: 'CometBFT RPC endpoints, tried in order; the client fails over to the next on connection errors and timeouts.', default: ['http://127.0.0.1:26657'] }),
    chain_id: str({
      doc: 'Chain id the node must report (e.g. lumera-mainnet-1). Required: signing for the wrong chain is refused at start.',
      example: 'lumera-devnet-1',
      validate: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(v) ? undefined : `must be 1..50 characters of letters, digits, ".", "_" or "-", got ${JSON.stringify(v)}`),
    }),
    gas_price: gasPrice({ doc: 'Price per unit of gas; fee = ceil(gas_price × gas limit) ulume. 0 = default.', default: '0.025' }),
    gas_adjustment: multiplier({ doc: 'Gas limit = simulated gas × gas_adjustment + gas_padding. 0 = default.', default: 1.3, min: 1, max: 10 }),
    gas_padding: int({ doc: 'Gas added after the adjustment (covers the eth pubkey sig-verify cost simulation under-counts). 0 = default.', default: 50_000, min: 0, max: 25_000_000, maxReason: 'the block gas limit' }),
    call_timeout_ms: millis({ doc: 'Deadline of one chain RPC call (query, simulate, broadcast), in ms. 0 = default.', default: 10_000 }),
    inclusion_timeout_ms: millis({ doc: 'How long to wait for a broadcast transaction to be included in a block, in ms. 0 = default.', default: 60_000 }),
  }),
  artefact_store: section('Local content-addressed artefact store (cascade symbols, layout and index files).', {
    dir: str({ doc: 'Artefact directory (relative to base_dir unless absolute).', default: 'artefacts', isPath: true }),
    gc_enabled: bool({ doc: 'Deletes uploaded artefacts of actions the chain ended unfinalised (REJECTED, FAILED, EXPIRED), unless another action shares them. Absent = true.', default: true }),
    gc_interval: duration({ property: 'gcIntervalMs', doc: 'Time between artefact collection passes (each asks the chain about at most 200 actions). 0 = default.', default: 600_000 }),
    gc_grace: duration({ property: 'gcGraceMs', doc: 'Age an action\'s newest uploaded artefact must reach before the chain is asked whether it ended unfinalised. 0 = default.', default: 3_600_000 }),
  }),
  log: section('Logging.', {
    level: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { doc: 'Minimum level written to stderr (JSON lines).', default: 'info' }),
  }),
  storage_challenge: section('Storage challenges (LEP-6 spec 04 §2).', {
    enabled: bool({ doc: 'Runs the challenger service; parent of the LEP-6 dispatcher and of recheck. Absent = false.', default: false, example: true }),
    poll_interval_ms: millis({ doc: 'How often the challenger checks for a new epoch, in ms. 0 = default.', default: 5000 }),
    submit_evidence: bool({ doc: 'Legacy slice-challenge evidence submission (chain submission is disabled regardless). Absent = false.', default: false }),
    lep6: section('LEP-6 compound storage challenges.', {
      enabled: bool({ doc: 'Runs the LEP-6 dispatcher (challenges our assigned targets each epoch). Absent = false.', default: false, example: true }),
      max_concurrent_targets: int({ doc: 'Targets challenged in parallel (dispatch is sequential today; kept for compatibility). 0 = default.', default: 4, min: 0, max: 1024, maxReason: 'sanity limit' }),
      recipient_read_timeout: duration({ property: 'recipientReadTimeoutMs', doc: 'Deadline of one GetCompoundProof call to a target; a call that runs out classifies TIMEOUT_OR_NO_RESPONSE. 0 = default.', default: 30_000 }),
      recheck: section('Rechecks of other reporters\' failed results (spec 04 §4).', {
        enabled: bool({ doc: 'Runs recheck; requires storage_challenge.enabled and storage_challenge.lep6.enabled. Absent = false.', default: false, example: true }),
        lookback_epochs: int({ doc: 'Epochs scanned back from the current one (lookback 7 scans up to 8 epochs). 0 = default.', default: 7, min: 0, max: 10_000, maxReason: 'sanity limit' }),
        max_per_tick: int({ doc: 'Candidates rechecked per tick. 0 = default.', default: 5, min: 0, max: 10_000, maxReason: 'sanity limit' }),
        tick_interval_ms: millis({ doc: 'Time between recheck ticks, in ms. 0 = default.', default: 60_000 }),
        max_failure_attempts_per_ticket: int({ doc: 'Failed attempts per (epoch, ticket) before it is skipped until the backoff expires. 0 = default.', default: 3, min: 0, max: 1_000_000, maxReason: 'sanity limit' }),
        failure_backoff_ttl_ms: millis({ doc: 'Sliding window after the last failure during which the attempt budget applies, in ms. 0 = default.', default: 900_000 }),
      }),
    }),
  }),
  self_healing: section('Chain-mediated self-healing (spec 04 §3).', {
    enabled: bool({ doc: 'Runs the healer, verifier and finalizer and serves SelfHealingService. Absent = false.', default: false, example: true }),
    poll_interval_ms: millis({ doc: 'Time between self-healing ticks, in ms. 0 = default.', default: 30_000 }),
    max_concurrent_reconstructs: concurrency('Heal reconstructions in parallel. 0 = default.', 2),
    max_concurrent_verifications: concurrency('Heal verifications in parallel. 0 = default.', 4),
    max_concurrent_publishes: concurrency('Publishes of verified heals in parallel. 0 = default.', 2),
    staging_dir: str({ doc: 'Staging root for reconstructed files (relative to base_dir unless absolute).', default: 'heal-staging', isPath: true }),
    verifier_fetch_timeout_ms: millis({ doc: 'Deadline of one fetch attempt from the healer, in ms. 0 = default.', default: 60_000 }),
    verifier_fetch_attempts: int({ doc: 'Fetch attempts from the healer before a negative vote. 0 = default.', default: 3, min: 0, max: 100, maxReason: 'sanity limit' }),
    verifier_backoff_base_ms: millis({ doc: 'Wait after failed attempt n is base × 2^n, in ms. 0 = default.', default: 2000 }),
    audit_query_timeout_ms: millis({ doc: 'Deadline of each audit query made by self-healing, in ms. 0 = default.', default: 10_000 }),
  }),
});

/** Every known key path, sections included (`storage_challenge`, `storage_challenge.lep6.enabled`, …). */
export function allKeyPaths(node: Section = CONFIG_SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.children)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    if (child.kind === 'section') out.push(...allKeyPaths(child, path));
  }
  return out;
}

/** Leaf key paths only. */
export function leafKeyPaths(node: Section = CONFIG_SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.children)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.kind === 'section') out.push(...leafKeyPaths(child, path));
    else out.push(path);
  }
  return out;
}

/** `poll_interval_ms` → `pollIntervalMs`: the model's property for a YAML key. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The model property that holds a schema node's value. */
export function propertyOf(key: string, node: SchemaNode): string {
  return (node.kind === 'field' ? node.property : undefined) ?? camelCase(key);
}

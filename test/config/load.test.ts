import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, parseConfig, ConfigError, type SupernodeConfig, type ConfigIssue } from '../../src/config/index.js';
import { CONFIG_SCHEMA, leafKeyPaths, propertyOf, type Section } from '../../src/config/schema.js';
import type { Field } from '../../src/config/fields.js';
import { parseDocument } from 'yaml';

const IDENTITY = 'lumera1ksmg483uk7hudtxkmy8ddk6f7x3xapnsadfrgt';
const HOME = '/home/operator';
const MINIMAL = `supernode:\n  identity: ${IDENTITY}\n  key_name: sn1\nlumera:\n  chain_id: lumera-devnet-1\n`;

function load(extra: string, opts: { baseDir?: string; configDir?: string } = {}): SupernodeConfig {
  return parseConfig(MINIMAL + extra, { homeDir: HOME, ...opts });
}

function issuesOf(text: string): ConfigIssue[] {
  const result = checkConfig(text, { homeDir: HOME });
  assert.equal(result.config, undefined, 'expected the config to be rejected');
  return result.issues;
}

function messages(text: string): string[] {
  return issuesOf(text).map((i) => i.message);
}

function fieldAt(path: string): Field<unknown> {
  let node: Section | Field<unknown> = CONFIG_SCHEMA;
  for (const part of path.split('.')) {
    assert.equal(node.kind, 'section', path);
    node = (node as Section).children[part] as Section | Field<unknown>;
  }
  assert.equal(node.kind, 'field', path);
  return node as Field<unknown>;
}

/** YAML text setting one dotted key to a raw YAML value on top of the minimal config. */
function withKey(path: string, value: string): string {
  const doc = parseDocument(MINIMAL);
  doc.setIn(path.split('.'), parseDocument(value).contents);
  return doc.toString();
}

test('missing blocks: every default applied, LEP-6 toggles off, paths under ~/.supernode', () => {
  const expected: SupernodeConfig = {
    baseDir: `${HOME}/.supernode`,
    supernode: { identity: IDENTITY, keyName: 'sn1', host: '0.0.0.0', port: 4444, statusAddress: '127.0.0.1:8002', metricsAddress: '' },
    keyring: { backend: 'file', dir: `${HOME}/.supernode/keys`, passphraseFile: '' },
    lumera: {
      rpcEndpoints: ['http://127.0.0.1:26657'],
      chainId: 'lumera-devnet-1',
      gasPrice: '0.025',
      gasAdjustment: 1.3,
      gasPadding: 50000,
      callTimeoutMs: 10000,
      inclusionTimeoutMs: 60000,
    },
    artefactStore: { dir: `${HOME}/.supernode/artefacts`, gcEnabled: true, gcIntervalMs: 600_000, gcGraceMs: 3_600_000 },
    log: { level: 'info' },
    storageChallenge: {
      enabled: false,
      pollIntervalMs: 5000,
      submitEvidence: false,
      lep6: {
        enabled: false,
        maxConcurrentTargets: 4,
        recipientReadTimeoutMs: 30000,
        recheck: { enabled: false, lookbackEpochs: 7, maxPerTick: 5, tickIntervalMs: 60000, maxFailureAttemptsPerTicket: 3, failureBackoffTtlMs: 900000 },
      },
    },
    selfHealing: {
      enabled: false,
      pollIntervalMs: 30000,
      maxConcurrentReconstructs: 2,
      maxConcurrentVerifications: 4,
      maxConcurrentPublishes: 2,
      stagingDir: `${HOME}/.supernode/heal-staging`,
      verifierFetchTimeoutMs: 60000,
      verifierFetchAttempts: 3,
      verifierBackoffBaseMs: 2000,
      auditQueryTimeoutMs: 10000,
    },
  };
  assert.deepEqual(load(''), expected);
});

test('empty blocks and null values take defaults like absent ones', () => {
  const c = load('self_healing:\nstorage_challenge:\n  lep6:\n    recheck:\n      max_per_tick:\n');
  assert.equal(c.selfHealing.enabled, false);
  assert.equal(c.selfHealing.pollIntervalMs, 30000);
  assert.equal(c.storageChallenge.lep6.recheck.maxPerTick, 5);
});

test('explicit toggles are respected: false stays false, true stays true', () => {
  const off = load('storage_challenge:\n  enabled: false\n  lep6:\n    enabled: false\n    recheck:\n      enabled: false\nself_healing:\n  enabled: false\n');
  assert.deepEqual([off.storageChallenge.enabled, off.storageChallenge.lep6.enabled, off.storageChallenge.lep6.recheck.enabled, off.selfHealing.enabled], [false, false, false, false]);
  const on = load('storage_challenge:\n  enabled: true\n  lep6:\n    enabled: true\n    recheck:\n      enabled: true\nself_healing:\n  enabled: true\n');
  assert.deepEqual([on.storageChallenge.enabled, on.storageChallenge.lep6.enabled, on.storageChallenge.lep6.recheck.enabled, on.selfHealing.enabled], [true, true, true, true]);
});

const NUMERIC_KEYS = leafKeyPaths().filter((p) => {
  const f = fieldAt(p);
  return f.zeroMeansDefault && typeof f.default === 'number';
});

test('zero means "use the default" for every numeric knob (R7.2)', () => {
  assert.ok(NUMERIC_KEYS.length >= 20, `found ${NUMERIC_KEYS.length}`);
  for (const path of NUMERIC_KEYS) {
    const c = parseConfig(withKey(path, '0'), { homeDir: HOME });
    let node: Section | Field<unknown> = CONFIG_SCHEMA;
    let value: unknown = c;
    for (const key of path.split('.')) {
      node = (node as Section).children[key] as Section | Field<unknown>;
      value = (value as Record<string, unknown>)[propertyOf(key, node)];
    }
    assert.equal(value, fieldAt(path).default, path);
  }
  assert.equal(load('storage_challenge:\n  lep6:\n    recipient_read_timeout: 0\n').storageChallenge.lep6.recipientReadTimeoutMs, 30000);
  assert.equal(parseConfig(withKey('lumera.gas_price', '0ulume')).lumera.gasPrice, '0.025');
});

const LEP6_NON_NEGATIVE = [
  'storage_challenge.lep6.max_concurrent_targets',
  'storage_challenge.lep6.recheck.max_per_tick',
  'storage_challenge.lep6.recheck.tick_interval_ms',
  'storage_challenge.lep6.recheck.max_failure_attempts_per_ticket',
  'storage_challenge.lep6.recheck.failure_backoff_ttl_ms',
  'self_healing.poll_interval_ms',
  'self_healing.max_concurrent_reconstructs',
  'self_healing.max_concurrent_verifications',
  'self_healing.max_concurrent_publishes',
  'self_healing.verifier_fetch_timeout_ms',
  'self_healing.verifier_fetch_attempts',
  'self_healing.verifier_backoff_base_ms',
  'self_healing.audit_query_timeout_ms',
];

test('each negative LEP-6 knob is rejected naming the key, the rule and the value (R7.3)', () => {
  for (const path of LEP6_NON_NEGATIVE) {
    assert.deepEqual(messages(withKey(path, '-5')), [`${path} must be >= 0, got -5`], path);
  }
  assert.deepEqual(messages(withKey('storage_challenge.lep6.recipient_read_timeout', '-5s')), ['storage_challenge.lep6.recipient_read_timeout must be >= 0, got -5s']);
});

test('all errors are collected in one pass, in file order, with line and column', () => {
  const text = `${MINIMAL}self_healing:\n  poll_interval_ms: -5\n  max_concurrent_publishes: -1\n  enabled: yes\nstorage_challenge:\n  poll_interval_ms: fast\n`;
  const issues = issuesOf(text);
  assert.deepEqual(
    issues.map((i) => [i.line, i.col, i.message]),
    [
      [7, 21, 'self_healing.poll_interval_ms must be >= 0, got -5'],
      [8, 29, 'self_healing.max_concurrent_publishes must be >= 0, got -1'],
      [9, 12, 'self_healing.enabled must be true or false, got "yes" (a string)'],
      [11, 21, 'storage_challenge.poll_interval_ms must be an integer, got "fast" (a string)'],
    ],
  );
  assert.throws(() => parseConfig(text), (err: unknown) => err instanceof ConfigError && err.issues.length === 4 && err.code === 'CONFIG_INVALID');
});

test('recheck without its parents fails naming the parent key', () => {
  const onlyRecheck = messages(`${MINIMAL}storage_challenge:\n  lep6:\n    recheck:\n      enabled: true\n`);
  assert.equal(onlyRecheck.length, 2);
  assert.match(onlyRecheck[0] ?? '', /^storage_challenge\.lep6\.recheck\.enabled=true requires storage_challenge\.enabled=true .*got storage_challenge\.enabled=false$/);
  assert.match(onlyRecheck[1] ?? '', /^storage_challenge\.lep6\.recheck\.enabled=true requires storage_challenge\.lep6\.enabled=true .*got storage_challenge\.lep6\.enabled=false$/);
  const noLep6 = messages(`${MINIMAL}storage_challenge:\n  enabled: true\n  lep6:\n    recheck:\n      enabled: true\n`);
  assert.equal(noLep6.length, 1);
  assert.match(noLep6[0] ?? '', /requires storage_challenge\.lep6\.enabled=true/);
  const ok = load('storage_challenge:\n  enabled: true\n  lep6:\n    enabled: true\n    recheck:\n      enabled: true\n');
  assert.equal(ok.storageChallenge.lep6.recheck.enabled, true);
});

test('unknown keys are errors with their path and the closest known key', () => {
  const issues = issuesOf(`${MINIMAL}self_healing:\n  poll_intervl_ms: 3\n  recheck: {}\n  pollIntervalMs: 3\nstorage_challange:\n  enabled: true\nfrobnicate: 1\n`);
  assert.deepEqual(
    issues.map((i) => [i.line, i.message]),
    [
      [7, 'unknown key self_healing.poll_intervl_ms (did you mean self_healing.poll_interval_ms?)'],
      [8, 'unknown key self_healing.recheck (did you mean storage_challenge.lep6.recheck?)'],
      [9, 'unknown key self_healing.pollIntervalMs (did you mean self_healing.poll_interval_ms?)'],
      [10, 'unknown key storage_challange (did you mean storage_challenge?)'],
      [12, 'unknown key frobnicate'],
    ],
  );
});

test('YAML syntax errors report line and column', () => {
  const issues = issuesOf('supernode:\n  identity: x\n  key_name: [a, b\nlumera:\n  chain_id: c\n');
  assert.ok(issues.length >= 1);
  assert.equal(issues[0]?.line, 4);
  assert.equal(issues[0]?.col, 1);
  assert.match(issues[0]?.message ?? '', /^YAML syntax error: /);
  const dup = issuesOf(`${MINIMAL}log:\n  level: info\n  level: debug\n`);
  assert.deepEqual([dup[0]?.line, dup[0]?.col], [8, 3]);
  assert.match(dup[0]?.message ?? '', /unique/);
  const tab = issuesOf('supernode:\n\tidentity: x\n');
  assert.equal(tab[0]?.line, 2);
});

test('wrong types name the expected type', () => {
  const cases: Array<[string, string, string]> = [
    ['self_healing.enabled', '"true"', 'self_healing.enabled must be true or false, got "true" (a string)'],
    ['self_healing.poll_interval_ms', '"5000"', 'self_healing.poll_interval_ms must be an integer, got "5000" (a string)'],
    ['self_healing.poll_interval_ms', '1.5', 'self_healing.poll_interval_ms must be an integer, got 1.5'],
    ['self_healing.staging_dir', '[a]', 'self_healing.staging_dir must be a string, got a list'],
    ['storage_challenge.lep6.recipient_read_timeout', '30', 'storage_challenge.lep6.recipient_read_timeout must be a duration string such as "30s", got 30 (a number)'],
    ['storage_challenge.lep6.recipient_read_timeout', '30 seconds', 'storage_challenge.lep6.recipient_read_timeout must be a duration string such as "30s" (units ns, us, ms, s, m, h), got "30 seconds"'],
    ['keyring.backend', 'os', 'keyring.backend must be one of file, test, got "os" (a string)'],
    ['log.level', 'verbose', 'log.level must be one of trace, debug, info, warn, error, fatal, silent, got "verbose" (a string)'],
    ['lumera.rpc_endpoints', '{a: 1}', 'lumera.rpc_endpoints must be a list of http(s) URLs, got a mapping'],
    ['self_healing', '5', 'self_healing must be a mapping of keys, got 5'],
  ];
  for (const [path, value, message] of cases) assert.deepEqual(messages(withKey(path, value)), [message], path);
});

test('range rules beyond the spec: timers, ports, identity, listeners, endpoints', () => {
  const cases: Array<[string, string, string]> = [
    ['self_healing.poll_interval_ms', '3000000000', 'self_healing.poll_interval_ms must be <= 2147483647 (the longest Node.js timer), got 3000000000'],
    ['supernode.port', '70000', 'supernode.port must be <= 65535, got 70000'],
    ['supernode.identity', 'cosmos1ksmg483uk7hudtxkmy8ddk6f7x3xapns9jfcxe', 'supernode.identity must have prefix lumera, got "cosmos1ksmg483uk7hudtxkmy8ddk6f7x3xapns9jfcxe"'],
    ['supernode.status_address', 'localhost', 'supernode.status_address must be host:port with a port in 0..65535 (IPv6 as [::1]:port), got "localhost"'],
    ['supernode.metrics_address', '127.0.0.1:4444', 'supernode.metrics_address must not use the same port as supernode.port, got 4444'],
    ['lumera.rpc_endpoints', '[http://a:1, ftp://b]', 'lumera.rpc_endpoints[1] must be an http:// or https:// URL, got "ftp://b"'],
    ['lumera.rpc_endpoints', '[]', 'lumera.rpc_endpoints must list at least one endpoint'],
    ['lumera.gas_price', '0.025uatom', 'lumera.gas_price must be priced in ulume (the chain\'s only fee denom), got "0.025uatom"'],
    ['lumera.gas_adjustment', '0.5', 'lumera.gas_adjustment must be >= 1, got 0.5'],
    ['lumera.chain_id', '"has space"', 'lumera.chain_id must be 1..50 characters of letters, digits, ".", "_" or "-", got "has space"'],
  ];
  for (const [path, value, message] of cases) assert.deepEqual(messages(withKey(path, value)), [message], path);
  assert.match(messages(withKey('supernode.identity', 'lumera1notanaddress'))[0] ?? '', /^supernode\.identity must be a bech32 address/);
});

test('required keys are reported when missing', () => {
  assert.deepEqual(messages(''), [
    'supernode.identity is required, expected a bech32 account address lumera1…',
    'supernode.key_name is required, expected a key name of letters, digits, ".", "_" or "-"',
    'lumera.chain_id is required, expected string',
  ]);
});

test('gas knobs parse, and zero means default', () => {
  const lumera = (body: string) => parseConfig(`supernode:\n  identity: ${IDENTITY}\n  key_name: k\nlumera:\n  chain_id: c-1\n${body}`).lumera;
  const c = lumera('  gas_price: 0.05ulume\n  gas_adjustment: 1.5\n  gas_padding: 70000\n  rpc_endpoints: https://rpc.example:443\n');
  assert.deepEqual([c.gasPrice, c.gasAdjustment, c.gasPadding, c.rpcEndpoints], ['0.05', 1.5, 70000, ['https://rpc.example:443']]);
  assert.equal(lumera('  gas_price: 0.03\n').gasPrice, '0.03');
  const z = lumera('  gas_price: 0\n  gas_adjustment: 0\n  gas_padding: 0\n');
  assert.deepEqual([z.gasPrice, z.gasAdjustment, z.gasPadding], ['0.025', 1.3, 50000]);
});

test('staging dir and other paths resolve against the base dir; absolute paths are kept', () => {
  const rel = load('base_dir: /srv/sn\nself_healing:\n  staging_dir: staging/heal\n');
  assert.equal(rel.selfHealing.stagingDir, '/srv/sn/staging/heal');
  assert.equal(rel.keyring.dir, '/srv/sn/keys');
  const abs = load('base_dir: /srv/sn\nself_healing:\n  staging_dir: /var/heal\nkeyring:\n  passphrase_file: ~/pass.txt\n');
  assert.equal(abs.selfHealing.stagingDir, '/var/heal');
  assert.equal(abs.keyring.passphraseFile, `${HOME}/pass.txt`);
  assert.equal(load('base_dir: data\n', { configDir: '/etc/supernode' }).baseDir, '/etc/supernode/data');
  const flag = load('base_dir: /srv/ignored\n', { baseDir: '/opt/sn' });
  assert.deepEqual([flag.baseDir, flag.artefactStore.dir], ['/opt/sn', '/opt/sn/artefacts']);
});

test('durations accept Go forms and keep whole milliseconds', () => {
  assert.equal(load('storage_challenge:\n  lep6:\n    recipient_read_timeout: 1m30s\n').storageChallenge.lep6.recipientReadTimeoutMs, 90000);
  assert.equal(load('storage_challenge:\n  lep6:\n    recipient_read_timeout: 1.5s\n').storageChallenge.lep6.recipientReadTimeoutMs, 1500);
  assert.deepEqual(messages(withKey('storage_challenge.lep6.recipient_read_timeout', '1500us')), ['storage_challenge.lep6.recipient_read_timeout must be a whole number of milliseconds, got "1500us"']);
});

test('aliases resolve and port 0 is allowed (OS-assigned) for tests', () => {
  const text = `supernode:\n  identity: ${IDENTITY}\n  key_name: sn1\n  port: 0\nlumera:\n  chain_id: c-1\nself_healing:\n  poll_interval_ms: &ms 1234\n  audit_query_timeout_ms: *ms\n`;
  const c = parseConfig(text, { homeDir: HOME });
  assert.equal(c.selfHealing.auditQueryTimeoutMs, 1234);
  assert.equal(c.supernode.port, 0);
});

test('YAML warnings such as an unknown tag are reported, not ignored', () => {
  const issues = issuesOf(`${MINIMAL}self_healing:\n  poll_interval_ms: !seconds 5\n`);
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [
    [7, 'YAML problem: Unresolved tag: !seconds'],
    [7, 'self_healing.poll_interval_ms must be an integer, got "5" (a string)'],
  ]);
});

/**
 * The resolved daemon configuration: every default applied, every path absolute, every value validated.
 * YAML keys are snake_case (`self_healing.poll_interval_ms`); the model uses the same names in camelCase
 * (`selfHealing.pollIntervalMs`). Durations and intervals are milliseconds.
 */
export type KeyringBackend = 'file' | 'test';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface SupernodeSection {
  /** The supernode's registered account (bech32 lumera1…); must equal the address of `keyName`. */
  identity: string;
  /** Keyring entry that signs transactions, transcripts and handshakes. */
  keyName: string;
  /** Interface the peer gRPC server binds. */
  host: string;
  /** Peer gRPC port (own listen port and default port when dialling peers); 0 = OS-assigned (tests only). */
  port: number;
  /** Local status/admin HTTP listener, host:port; '' = off. */
  statusAddress: string;
  /** Prometheus metrics listener, host:port; '' = off (the default). */
  metricsAddress: string;
}

export interface KeyringSection {
  backend: KeyringBackend;
  /** Absolute keyring directory. */
  dir: string;
  /** Absolute path of a file holding the `file` backend passphrase; '' = not configured. */
  passphraseFile: string;
}

export interface LumeraSection {
  /** CometBFT RPC endpoints, tried in order with failover. */
  rpcEndpoints: string[];
  chainId: string;
  /** ulume per gas unit as a decimal string, e.g. `0.025` (YAML: `0.025ulume`). */
  gasPrice: string;
  /** Simulated gas is multiplied by this… */
  gasAdjustment: number;
  /** …and this much gas is added on top. */
  gasPadding: number;
  /** Deadline of one RPC call (query, simulate, broadcast). */
  callTimeoutMs: number;
  /** How long to wait for a broadcast tx to be included in a block. */
  inclusionTimeoutMs: number;
}

export interface ArtefactStoreSection {
  /** Absolute directory of the content-addressed artefact store. */
  dir: string;
  /** Collect the artefacts of actions that ended unfinalised (src/cascade/artefact-sweeper.ts). */
  gcEnabled: boolean;
  gcIntervalMs: number;
  gcGraceMs: number;
}

export interface LogSection {
  level: LogLevel;
}

export interface RecheckSection {
  enabled: boolean;
  lookbackEpochs: number;
  maxPerTick: number;
  tickIntervalMs: number;
  maxFailureAttemptsPerTicket: number;
  failureBackoffTtlMs: number;
}

export interface Lep6Section {
  enabled: boolean;
  maxConcurrentTargets: number;
  recipientReadTimeoutMs: number;
  recheck: RecheckSection;
}

export interface StorageChallengeSection {
  enabled: boolean;
  pollIntervalMs: number;
  submitEvidence: boolean;
  lep6: Lep6Section;
}

export interface SelfHealingSection {
  enabled: boolean;
  pollIntervalMs: number;
  maxConcurrentReconstructs: number;
  maxConcurrentVerifications: number;
  maxConcurrentPublishes: number;
  /** Absolute staging root. */
  stagingDir: string;
  verifierFetchTimeoutMs: number;
  verifierFetchAttempts: number;
  verifierBackoffBaseMs: number;
  auditQueryTimeoutMs: number;
}

export interface SupernodeConfig {
  /** Absolute base directory (history.db, keyring, staging and artefacts live under it by default). */
  baseDir: string;
  supernode: SupernodeSection;
  keyring: KeyringSection;
  lumera: LumeraSection;
  artefactStore: ArtefactStoreSection;
  log: LogSection;
  storageChallenge: StorageChallengeSection;
  selfHealing: SelfHealingSection;
}

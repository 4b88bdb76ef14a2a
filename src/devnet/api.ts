/**
 * Public surface of the devnet: what tests, the demo and `supernode devnet start` use. Kept stable on purpose —
 * the production chain client's tests code against exactly these shapes.
 */

/** A key the devnet created (supernode or funded test account). Everything needed to sign as it. */
export interface DevnetAccount {
  /** `sn0`, `sn1`, … for supernodes; `acct0`, `acct1`, … for funded test accounts. */
  name: string;
  /** bech32 `lumera1…` (eth_secp256k1 address). */
  address: string;
  /** 24-word BIP39 mnemonic; the key is at m/44'/60'/0'/0/0 (eth_secp256k1). Derived from the name. */
  mnemonic: string;
  /** 32-byte private key, lower-case hex. */
  privateKeyHex: string;
  /** 33-byte compressed public key, lower-case hex. */
  publicKeyHex: string;
  /** Supernodes only: the gRPC port registered on chain (IP 127.0.0.1). */
  grpcPort?: number;
  /** Supernodes only: the P2P port registered on chain. */
  p2pPort?: number;
}

export interface DevnetOptions {
  /** Data dir for persisted state; omitted = in-memory only (nothing written). A dir holding state resumes. */
  home?: string;
  /** Number of supernodes registered at genesis (ignored on resume). Default 4. */
  supernodes?: number;
  /** RPC port on 127.0.0.1; 0 (default) = ephemeral. */
  rpcPort?: number;
  /** Block interval of the timer, ms. Default 1000. */
  blockMs?: number;
  /** Produce blocks on the timer (default true). false: only `produceBlock()` makes blocks. */
  autoBlocks?: boolean;
  /** Audit epoch length in blocks. Default 400 (the chain default); tests use a few. */
  epochBlocks?: number;
  /** Chain id. Default `lumera-devnet-1`. */
  chainId?: string;
  /** Funded test accounts with known mnemonics. Default 2. */
  fundedAccounts?: number;
  /** Genesis balance of every supernode and test account, in ulume. Default 1e12 (1,000,000 LUME). */
  genesisBalance?: bigint;
  /** First supernode gRPC port; supernode i gets basePort + 2i (gRPC) and basePort + 2i + 1 (P2P). Default 4444. */
  supernodeBasePort?: number;
  /** Minimum gas price in ulume/gas enforced at CheckTx. Default 0.0025 (the chain's initial base fee). */
  minGasPrice?: number;
  /** Max request body, bytes. Default 2 MiB. */
  maxBodyBytes?: number;
  /** Param overrides handed to each module factory (keyed by module name), e.g. `{ audit: { epoch_length_blocks: 3 } }`. */
  moduleParams?: Record<string, Record<string, unknown>>;
  /** Shorthand for `moduleParams.audit`. */
  auditParams?: Record<string, unknown>;
}

export interface Devnet {
  rpcUrl: string;
  chainId: string;
  supernodes: DevnetAccount[];
  accounts: DevnetAccount[];
  /** Height of the last committed block. */
  height(): bigint;
  /** Commits one block now (mempool txs included). */
  produceBlock(): Promise<void>;
  /** Resolves once the committed height is ≥ h; rejects after timeoutMs (default 30 s). */
  waitForHeight(h: bigint, timeoutMs?: number): Promise<void>;
  /** Stops the timer and the server, saves state (if home is set). Idempotent. */
  stop(): Promise<void>;
}

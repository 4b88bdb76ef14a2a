/**
 * The contract between the devnet node (src/devnet/*) and its chain modules (src/devnet/modules/<name>/).
 *
 * Life of a module:
 *  - The node builds each module once via its factory `create<Name>Module(init: ModuleInit)` (exported from
 *    `src/devnet/modules/<name>/index.ts`), in the order supernode → action → audit. `init.genesis` carries
 *    the chain-wide genesis (supernodes, chain id, epoch length); `init.overrides` the module's param overrides.
 *  - On a restart from a data dir the node calls `importState(saved)` right after construction; genesis is
 *    then ignored by the module (the saved state wins).
 *  - Per block: `beginBlock` of every module (in order), then each tx's msgs via `msgs[typeUrl].execute`,
 *    then `endBlock` of every module (in order).
 *  - Atomicity: before each tx (and each simulation) the node takes `structuredClone(exportState())` of
 *    every module and, if any msg of the tx fails (or simulation ends), calls `importState(snapshot)`.
 *    So a module keeps ALL mutable state reachable from exportState() and must not cache derived state
 *    that importState does not rebuild. exportState may return its live objects (the node clones).
 *  - State values allowed in exportState(): plain objects, arrays, string, number (finite), boolean, null,
 *    bigint, Uint8Array. (No Map/Set/Date/class instances: persistence encodes exactly these types.)
 *
 * Errors: a msg handler rejects by throwing ChainRuleError with the chain's codespace, code and text
 * WITHOUT the baseapp prefix; the node adds `failed to execute message; message index: N: ` (spec 03 §0.1.3).
 * Query handlers reject by throwing ChainQueryError with the gRPC status code and message; the node renders
 * it the way baseapp does for ABCI queries. Any other thrown error becomes codespace `undefined`, code 1 with
 * its message as log (spec 03 §0.1.4).
 */
import { SupernodeError } from '../../util/errors.js';

/** One ABCI event; values are strings (enum names, decimal numbers, "true"/"false"). */
export interface AbciEvent {
  type: string;
  attributes: { key: string; value: string }[];
}

export type EmitEvent = (event: AbciEvent) => void;

/** What every hook and handler sees about the block being built (or, for queries, the last committed block). */
export interface BlockContext {
  height: bigint;
  time: Date;
  /** Header hash of this block (32 bytes; for queries: of the last committed block). */
  headerHash: Uint8Array;
  chainId: string;
}

export interface GasMeter {
  /** Adds gas; throws the SDK out-of-gas error when the tx's limit is exceeded (do not catch it). */
  consume(amount: number, descriptor: string): void;
  consumed(): bigint;
}

export interface TxContext extends BlockContext {
  /** Bech32 signer addresses of the tx (already signature-verified), in signer-info order. */
  signers: string[];
  /** 0-based index of this msg inside its tx. */
  msgIndex: number;
  gasMeter: GasMeter;
  /** True while running `/cosmos.tx.v1beta1.Service/Simulate` (state is rolled back afterwards). */
  simulate: boolean;
}

export interface MsgHandler {
  /**
   * The signer address(es) of an encoded msg (the `cosmos.msg.v1.signer` field, e.g. `creator`). The node
   * requires them to match the tx's signers. Throw ChainRuleError for undecodable bytes.
   */
  signers(value: Uint8Array): string[];
  /** Executes the msg against module state; returns the encoded Msg response (e.g. MsgSubmitEpochReportResponse). */
  execute(ctx: TxContext, value: Uint8Array, emit: EmitEvent): Uint8Array;
}

/** Request bytes → response bytes for one gRPC query path. */
export type QueryHandler = (ctx: BlockContext, request: Uint8Array) => Uint8Array;

export interface DevnetModule {
  /** Short module name (`supernode`, `action`, `audit`); used for lookups and as the persistence key. */
  readonly name: string;
  /** Msg type URL (`/lumera.audit.v1.MsgSubmitEpochReport`) → handler. */
  readonly msgs: Record<string, MsgHandler>;
  /** Full gRPC query path (`/lumera.audit.v1.Query/CurrentEpoch`) → handler. */
  readonly queries: Record<string, QueryHandler>;
  beginBlock?(ctx: BlockContext, emit: EmitEvent): void;
  endBlock?(ctx: BlockContext, emit: EmitEvent): void;
  exportState(): unknown;
  importState(state: unknown): void;
}

/** Coins are always `ulume` in practice, but the bank keeps any denom. */
export interface Coin {
  denom: string;
  amount: bigint;
}

/** The bank as modules see it. Every mutation throws ChainRuleError (sdk, 5, insufficient funds) on shortfall. */
export interface BankKeeper {
  balance(address: string, denom: string): bigint;
  allBalances(address: string): Coin[];
  send(from: string, to: string, coins: Coin[]): void;
  /** Deterministic module account address (bech32 of the first 20 bytes of SHA-256(module name)). */
  moduleAddress(moduleName: string): string;
  /** Creates coins on an account (genesis and rewards). */
  mint(to: string, coins: Coin[]): void;
  burn(from: string, coins: Coin[]): void;
}

export interface AccountInfo {
  address: string;
  accountNumber: bigint;
  sequence: bigint;
  /** Set after the account's first signed tx (or at genesis for devnet keys). */
  pubkey?: { typeUrl: string; key: Uint8Array };
}

export interface AuthKeeper {
  getAccount(address: string): AccountInfo | undefined;
  /** Creates the account if missing (as the SDK does when coins arrive) and returns it. */
  ensureAccount(address: string): AccountInfo;
}

export interface ModuleDeps {
  bank: BankKeeper;
  auth: AuthKeeper;
  /** Another module by name (e.g. audit asks `supernode` for states). Throws if absent; cast to its concrete type. */
  module<T extends DevnetModule = DevnetModule>(name: string): T;
}

export interface GenesisSupernode {
  /** Human label (`sn0`, `sn1`, …). */
  name: string;
  /** bech32 `lumera1…` account (eth_secp256k1 key). */
  account: string;
  /** bech32 `lumeravaloper1…` over the same 20 bytes. */
  validatorAddress: string;
  ip: string;
  /** Supernode gRPC port (what peers dial). */
  grpcPort: number;
  p2pPort: number;
}

export interface DevnetGenesis {
  chainId: string;
  genesisTime: Date;
  /** First block height (1). */
  initialHeight: bigint;
  supernodes: GenesisSupernode[];
  /** Audit epoch length in blocks (applied as the audit param `epoch_length_blocks`). */
  epochBlocks: number;
}

export interface ModuleInit<Overrides = Record<string, unknown>> {
  deps: ModuleDeps;
  genesis: DevnetGenesis;
  /** Param overrides from startDevnet (e.g. audit params); undefined fields keep the chain defaults. */
  overrides: Partial<Overrides>;
}

export type ModuleFactory<Overrides = Record<string, unknown>> = (init: ModuleInit<Overrides>) => DevnetModule;

/**
 * A chain-side rejection: ABCI codespace + code + text. For module errors the text is
 * `<context>: <registered message>` (or just the registered message); build it with `chainRuleError`.
 */
export class ChainRuleError extends SupernodeError {
  readonly codespace: string;
  readonly abciCode: number;
  readonly log: string;

  constructor(codespace: string, abciCode: number, log: string) {
    super('CHAIN_RULE', log, { codespace, abciCode });
    this.codespace = codespace;
    this.abciCode = abciCode;
    this.log = log;
  }
}

/** `chainRuleError('audit', 4, 'duplicate report', 'report already submitted for this epoch')`. */
export function chainRuleError(codespace: string, code: number, registered: string, context?: string): ChainRuleError {
  return new ChainRuleError(codespace, code, context ? `${context}: ${registered}` : registered);
}

export function isChainRuleError(err: unknown): err is ChainRuleError {
  return err instanceof ChainRuleError;
}

export type GrpcStatusName = 'InvalidArgument' | 'NotFound' | 'FailedPrecondition' | 'Unauthenticated' | 'Internal' | 'Unimplemented';

/** A gRPC query failure (`status.Error(codes.NotFound, "epoch report not found")`). */
export class ChainQueryError extends SupernodeError {
  readonly grpcStatus: GrpcStatusName;

  constructor(grpcStatus: GrpcStatusName, message: string) {
    super('CHAIN_QUERY', message, { grpcStatus });
    this.grpcStatus = grpcStatus;
  }
}

/** Go `%q` of a string (spec 03 §0.2 `{q:…}`). Non-ASCII falls back to JSON escaping, which matches for printable text. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Test doubles for the self-healing unit tests: an in-memory chain, a temp database and staging root. */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ChainAbciError, ChainTransportError } from '../../src/chain/errors.js';
import type { HealClaimInput, HealVerificationInput, TxResult } from '../../src/chain/client.js';
import { HealOpStatus, type HealOp } from '../../src/gen/lumera/audit/v1/audit.js';
import { StorageTruthEnforcementMode, type Params } from '../../src/gen/lumera/audit/v1/params.js';
import type { EpochAnchor } from '../../src/gen/lumera/audit/v1/epoch.js';
import type { Action } from '../../src/gen/lumera/action/v1/action.js';
import { openDatabase, type StateDatabase } from '../../src/store/db.js';
import { HealClaimsRepo, HealVerificationsRepo } from '../../src/store/lep6-heal.js';
import type { HealChain } from '../../src/healing/chain.js';
import { encodeBytes } from '../../src/cascade/codec.js';
import { StagingArea, manifestJson, type StagingManifest } from '../../src/healing/staging.js';

export const SELF = 'lumera1self0000000000000000000000000000000';
export const HEALER = 'lumera1healer00000000000000000000000000000';
export const V1 = 'lumera1verifier1000000000000000000000000000';
export const V2 = 'lumera1verifier2000000000000000000000000000';
export const STRANGER = 'lumera1stranger000000000000000000000000000';

export function op(p: Partial<HealOp> = {}): HealOp {
  return {
    healOpId: 7n, ticketId: 'ticket-7', scheduledEpochId: 1n, healerSupernodeAccount: SELF, verifierSupernodeAccounts: [V1, V2],
    status: HealOpStatus.HEAL_OP_STATUS_SCHEDULED, createdHeight: 1n, updatedHeight: 1n, deadlineEpochId: 0n, resultHash: '', notes: '', ...p,
  };
}

export function rejection(code: number, log: string, stage: 'simulate' | 'delivertx' | 'query' = 'simulate'): ChainAbciError {
  return new ChainAbciError({ stage, codespace: 'audit', code, log });
}

export const unavailable = () => new ChainTransportError('http://127.0.0.1:1', 'connection', 'connect ECONNREFUSED');

const TX: TxResult = { txHash: 'AB'.repeat(32), height: 5n, gasUsed: 1n, gasWanted: 1n, msgResponses: [] } as unknown as TxResult;

export class FakeChain implements HealChain {
  ops = new Map<bigint, HealOp>();
  mode = StorageTruthEnforcementMode.STORAGE_TRUTH_ENFORCEMENT_MODE_FULL;
  epoch = 1n;
  anchors = new Map<bigint, EpochAnchor>();
  currentAnchor: EpochAnchor | undefined;
  claims: HealClaimInput[] = [];
  votes: HealVerificationInput[] = [];
  simulations: HealVerificationInput[] = [];
  claimError: (() => unknown) | undefined;
  voteError: (() => unknown) | undefined;
  healOpError: (() => unknown) | undefined;
  paramsError: (() => unknown) | undefined;
  /** Applied to the op when a claim is accepted (defaults to what the chain does). */
  onClaim = (o: HealOp, c: HealClaimInput) => {
    o.status = HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED;
    o.resultHash = c.healManifestHash;
  };
  /** The claim reaches the chain although the caller sees an error (ambiguous submit). */
  claimLandsDespiteError = false;
  listHang: Partial<Record<HealOpStatus, boolean>> = {};
  actions = new Map<string, Action>();

  put(o: HealOp): HealOp {
    this.ops.set(o.healOpId, o);
    return o;
  }
  async getAuditParams(): Promise<Params> {
    if (this.paramsError) throw this.paramsError();
    return { storageTruthEnforcementMode: this.mode } as Params;
  }
  async getCurrentEpoch() {
    return { epochId: this.epoch, epochStartHeight: 1n, epochEndHeight: 10n };
  }
  async getCurrentEpochAnchor() {
    return this.currentAnchor;
  }
  async getEpochAnchor(id: bigint) {
    return this.anchors.get(id);
  }
  async getHealOp(id: bigint) {
    if (this.healOpError) throw this.healOpError();
    const o = this.ops.get(id);
    return o ? { ...o, verifierSupernodeAccounts: [...o.verifierSupernodeAccounts] } : undefined;
  }
  async listHealOpsByStatus(status: HealOpStatus) {
    if (this.listHang[status]) return new Promise<HealOp[]>(() => undefined);
    return [...this.ops.values()].filter((o) => o.status === status).map((o) => ({ ...o }));
  }
  async claimHealComplete(c: HealClaimInput) {
    this.claims.push(c);
    const o = this.ops.get(c.healOpId);
    if (this.claimError) {
      if (o && this.claimLandsDespiteError) this.onClaim(o, c);
      throw this.claimError();
    }
    if (o) this.onClaim(o, c);
    return TX;
  }
  async submitHealVerification(v: HealVerificationInput) {
    this.votes.push(v);
    if (this.voteError) throw this.voteError();
    return TX;
  }
  async simulateHealVerification(v: HealVerificationInput) {
    this.simulations.push(v);
    if (this.votes.some((x) => x.healOpId === v.healOpId)) throw rejection(15, 'verification already submitted by creator: heal verification already submitted');
    return 100n;
  }
  async getAction(id: string) {
    return this.actions.get(id);
  }
}

export interface Env {
  dir: string;
  db: StateDatabase;
  claims: HealClaimsRepo;
  verifications: HealVerificationsRepo;
  staging: StagingArea;
  cleanup(): void;
}

export async function env(): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'heal-unit-'));
  const db = openDatabase(join(dir, 'history.db'));
  const staging = new StagingArea(join(dir, 'staging'));
  await staging.init();
  return {
    dir, db, staging, claims: new HealClaimsRepo(db.db), verifications: new HealVerificationsRepo(db.db),
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a complete staging dir for `healOpId` holding `bytes` as the reconstructed file. */
export async function stageFile(staging: StagingArea, healOpId: bigint, bytes: Uint8Array, hash = 'aGFzaA=='): Promise<string> {
  const dir = staging.dirOf(healOpId);
  await mkdir(join(dir, 'symbols', 'block_0'), { recursive: true });
  await writeFile(join(dir, 'reconstructed.bin'), bytes);
  const m: StagingManifest = {
    action_id: 'ticket-7',
    layout: encodeBytes(bytes.length > 0 ? bytes : new Uint8Array(1)).layout,
    id_files: [], symbol_keys: [], symbols_dir: join(dir, 'symbols'), reconstructed_rel: 'reconstructed.bin', manifest_hash_b64: hash,
  };
  await writeFile(join(dir, 'manifest.json'), manifestJson(m));
  return dir;
}

/** A ServerWritableStream double: records writes, ends and errors; `write` reports backpressure every `pressureEvery` writes. */
export class FakeServerStream {
  written: Array<{ chunk: Uint8Array; totalSize: bigint; isLast: boolean }> = [];
  error: grpc.ServiceError | undefined;
  ended = false;
  private listeners = new Map<string, Array<() => void>>();
  constructor(readonly request: unknown, readonly pressureEvery = 0) {}
  write(msg: { chunk: Uint8Array; totalSize: bigint; isLast: boolean }): boolean {
    this.written.push({ ...msg, chunk: Buffer.from(msg.chunk) });
    if (this.pressureEvery > 0 && this.written.length % this.pressureEvery === 0) {
      setImmediate(() => this.emit('drain'));
      return false;
    }
    return true;
  }
  end(): void {
    this.ended = true;
  }
  on(ev: string, fn: () => void) {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
    return this;
  }
  off(ev: string, fn: () => void) {
    this.listeners.set(ev, (this.listeners.get(ev) ?? []).filter((f) => f !== fn));
    return this;
  }
  emit(ev: string, arg?: unknown) {
    if (ev === 'error') this.error = arg as grpc.ServiceError;
    for (const f of this.listeners.get(ev) ?? []) f();
  }
}

/**
 * `supernode.StorageChallengeService` as served to peers over lumera-alts. The caller identity comes from
 * the handshake (`callerOf`); admission control (per-caller rate, bounded in-flight proofs) runs before any
 * work; the caps come from the chain params (cached); the answer comes from `answerCompoundProof`.
 * The legacy slice RPCs (spec 04 §1.4) are served wire-compatibly (same admission control) but are not part
 * of LEP-6 scoring.
 */
import * as grpc from '@grpc/grpc-js';
import type {
  GetCompoundProofRequest, GetCompoundProofResponse, GetSliceProofRequest, GetSliceProofResponse, StorageChallengeServiceServer,
  VerifySliceProofRequest, VerifySliceProofResponse,
} from '../gen/supernode/storage_challenge.js';
import { answerSliceProof, answerVerifySlice, type BlobReader } from './legacy-slice.js';
import { callerOf } from '../transport/caller.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { Admission, type AdmissionOptions } from './admission.js';
import { CompoundCapsCache, type ParamsSource } from './caps.js';
import { answerCompoundProof, type ArtefactRangeReader } from './recipient.js';
import type { MessageSigner } from './signing.js';

export interface RecipientServiceOptions extends AdmissionOptions {
  identity: string;
  reader: (ArtefactRangeReader & Partial<BlobReader>) | undefined;
  signer: MessageSigner | undefined;
  params: ParamsSource | undefined;
  /** Deadline of each local range read. Default 5 s. */
  readTimeoutMs?: number;
  logger?: Logger;
}

/** Counters of what the recipient answered (tests, metrics). */
export interface RecipientStats {
  ok: number;
  soft: number;
  hard: number;
  refused: number;
}

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  const err = new Error(`${code} ${grpc.status[code]}: ${details}`) as grpc.ServiceError;
  err.code = code;
  err.details = details;
  err.metadata = new grpc.Metadata();
  return err;
}

export class CompoundProofRecipient {
  readonly stats: RecipientStats = { ok: 0, soft: 0, hard: 0, refused: 0 };
  private readonly admission: Admission;
  private readonly caps: CompoundCapsCache;
  private readonly log: Logger;
  private readonly readTimeoutMs: number;

  constructor(private readonly opts: RecipientServiceOptions) {
    this.admission = new Admission(opts);
    this.caps = new CompoundCapsCache(opts.params);
    this.log = opts.logger ?? silentLogger();
    this.readTimeoutMs = opts.readTimeoutMs ?? 5000;
  }

  /** One request from a verified caller → the response or a gRPC error (what the handler sends). */
  async handle(req: GetCompoundProofRequest | null | undefined, caller: string): Promise<{ response?: GetCompoundProofResponse; error?: grpc.ServiceError }> {
    const slot = this.admission.enter(caller);
    if ('refused' in slot) {
      this.stats.refused++;
      const why = slot.refused === 'rate' ? `rate limit exceeded for caller ${caller}`
        : slot.refused === 'caller_in_flight' ? `too many proofs in flight for caller ${caller}; retry later` : 'too many proofs in flight; retry later';
      return { error: serviceError(grpc.status.RESOURCE_EXHAUSTED, why) };
    }
    try {
      const caps = await this.caps.get();
      const answer = await answerCompoundProof(req, caller, {
        identity: this.opts.identity, reader: this.opts.reader, signer: this.opts.signer, caps, readTimeoutMs: this.readTimeoutMs,
      });
      if (answer.kind === 'error') {
        this.stats.hard++;
        this.log.debug({ caller, code: grpc.status[answer.code], error: answer.message }, 'compound proof refused');
        return { error: serviceError(answer.code, answer.message) };
      }
      if (answer.response.ok) this.stats.ok++;
      else {
        this.stats.soft++;
        this.log.debug({ caller, ticket: answer.response.ticketId, error: answer.response.error }, 'compound proof soft rejection');
      }
      return { response: answer.response };
    } catch (err) {
      this.stats.hard++;
      this.log.warn({ caller, err }, 'compound proof handler failed');
      return { error: serviceError(grpc.status.INTERNAL, 'internal error') };
    } finally {
      slot.release();
    }
  }

  /** Legacy unary call with the same identity and admission checks; `answer` undefined → UNKNOWN "nil request". */
  private async legacy<T>(call: object, answer: () => Promise<T | undefined> | T | undefined): Promise<{ response?: T; error?: grpc.ServiceError }> {
    let caller: string;
    try {
      caller = callerOf(call).address;
    } catch (err) {
      return { error: err as grpc.ServiceError };
    }
    const slot = this.admission.enter(caller);
    if ('refused' in slot) {
      this.stats.refused++;
      return { error: serviceError(grpc.status.RESOURCE_EXHAUSTED, 'too many requests; retry later') };
    }
    try {
      const response = await answer();
      return response === undefined ? { error: serviceError(grpc.status.UNKNOWN, 'nil request') } : { response };
    } catch (err) {
      this.log.warn({ caller, err }, 'legacy slice handler failed');
      return { error: serviceError(grpc.status.INTERNAL, 'internal error') };
    } finally {
      slot.release();
    }
  }

  /** The grpc-js implementation to register on the AltsGrpcServer. */
  implementation(): StorageChallengeServiceServer {
    const reader = this.opts.reader;
    const blobs: BlobReader | undefined = reader?.get ? { get: (k) => reader.get!(k) } : undefined;
    return {
      getSliceProof: (call: grpc.ServerUnaryCall<GetSliceProofRequest, GetSliceProofResponse>, cb: grpc.sendUnaryData<GetSliceProofResponse>) => {
        void this.legacy(call, () => answerSliceProof(call.request, this.opts.identity, blobs)).then(({ response, error }) => (error ? cb(error) : cb(null, response)));
      },
      verifySliceProof: (call: grpc.ServerUnaryCall<VerifySliceProofRequest, VerifySliceProofResponse>, cb: grpc.sendUnaryData<VerifySliceProofResponse>) => {
        void this.legacy(call, () => answerVerifySlice(call.request, this.opts.identity)).then(({ response, error }) => (error ? cb(error) : cb(null, response)));
      },
      getCompoundProof: (call: grpc.ServerUnaryCall<GetCompoundProofRequest, GetCompoundProofResponse>, cb: grpc.sendUnaryData<GetCompoundProofResponse>) => {
        let caller: string;
        try {
          caller = callerOf(call).address;
        } catch (err) {
          cb(err as grpc.ServiceError);
          return;
        }
        void this.handle(call.request, caller).then(({ response, error }) => (error ? cb(error) : cb(null, response)));
      },
    };
  }
}

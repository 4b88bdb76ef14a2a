/**
 * Outbound GetCompoundProof calls (spec 04 §2.5 steps 12–13) with an explicit per-call deadline — config
 * `recipient_read_timeout`, which the reference parses but never applies (§11.1). A silent target
 * therefore ends in DEADLINE_EXCEEDED, i.e. TIMEOUT_OR_NO_RESPONSE.
 */
import type * as grpc from '@grpc/grpc-js';
import {
  StorageChallengeServiceClient, type GetCompoundProofRequest, type GetCompoundProofResponse,
} from '../gen/supernode/storage_challenge.js';
import { SupernodeError } from '../util/errors.js';

export interface ProofCaller {
  /**
   * Sends the request to `target`. Rejects with a DialError when the peer cannot be addressed, otherwise
   * with the gRPC error of the call.
   */
  getCompoundProof(target: string, req: GetCompoundProofRequest, timeoutMs: number): Promise<GetCompoundProofResponse>;
}

/** The peer could not be addressed or connected (classified with the `dial: ` prefix). */
export class DialError extends SupernodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PEER_DIAL_FAILED', message, {}, options);
  }
}

export interface ClientSource {
  client<T extends grpc.Client>(account: string, ctor: grpc.ServiceClientConstructor): Promise<T>;
}

type UnaryClient = grpc.Client & {
  getCompoundProof(req: GetCompoundProofRequest, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: GetCompoundProofResponse) => void): grpc.ClientUnaryCall;
};

/** ProofCaller over the pooled peer dialer (lumera-alts, identity pinned to the target account). */
export class DialerProofCaller implements ProofCaller {
  constructor(private readonly dialer: ClientSource) {}

  async getCompoundProof(target: string, req: GetCompoundProofRequest, timeoutMs: number): Promise<GetCompoundProofResponse> {
    let client: UnaryClient;
    try {
      client = await this.dialer.client<UnaryClient>(target, StorageChallengeServiceClient as unknown as grpc.ServiceClientConstructor);
    } catch (err) {
      throw new DialError(`dial target ${JSON.stringify(target)}: ${(err as Error).message}`, { cause: err });
    }
    return new Promise((resolve, reject) => {
      client.getCompoundProof(req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as GetCompoundProofResponse)));
    });
  }
}

/**
 * Verifier side of ServeReconstructedArtefacts (spec 04 R3.6.3), stricter than the reference (§11 point 9):
 * the bytes are hashed as they arrive (never accumulated), and the stream must end with `is_last` at exactly
 * the advertised `total_size` — a stream that stops early, overruns, or never says `is_last` is an error.
 */
import type * as grpc from '@grpc/grpc-js';
import { SelfHealingServiceClient, type ServeReconstructedArtefactsResponse } from '../gen/supernode/self_healing.js';
import { createBlake3 } from '../cascade/hash.js';
import type { PeerDialer } from '../transport/peer-dialer.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import { MAX_RECONSTRUCTED_BYTES } from './constants.js';

export type StreamMessage = Pick<ServeReconstructedArtefactsResponse, 'chunk' | 'totalSize' | 'isLast'>;

/** Opens the healer's stream for one attempt (the call must honour `deadlineMs` and `signal`). */
export interface HealerStreamSource {
  open(healer: string, healOpId: bigint, self: string, deadlineMs: number, signal: AbortSignal): Promise<AsyncIterable<StreamMessage>>;
}

export class HealerStreamError extends SupernodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HEALER_STREAM_INVALID', message, {}, options);
  }
}

export interface StreamDigest {
  /** base64 (standard, padded) BLAKE3-256 of the streamed bytes. */
  hashB64: string;
  bytes: number;
}

/** Consumes one stream, enforcing sizes and termination, and returns the hash of its bytes. */
export async function digestHealerStream(stream: AsyncIterable<StreamMessage>, maxBytes = MAX_RECONSTRUCTED_BYTES): Promise<StreamDigest> {
  const h = createBlake3();
  let total = -1;
  let received = 0;
  let sawLast = false;
  let messages = 0;
  try {
    for await (const msg of stream) {
      if (sawLast) throw new HealerStreamError(`healer sent data after is_last at ${received} bytes`);
      messages++;
      if (messages === 1) {
        total = Number(msg.totalSize);
        if (msg.totalSize > BigInt(maxBytes)) throw new HealerStreamError(`healer advertised total_size=${msg.totalSize} exceeds MaxReconstructedBytes=${maxBytes}`);
        if (total === 0) throw new HealerStreamError('healer did not advertise total_size on the first message');
      }
      const next = received + msg.chunk.length;
      if (next > total) throw new HealerStreamError(`healer streamed ${next} bytes, exceeds advertised total_size=${total}`);
      if (next > maxBytes) throw new HealerStreamError(`healer streamed ${next} bytes, exceeds MaxReconstructedBytes=${maxBytes}`);
      h.update(msg.chunk);
      received = next;
      if (msg.isLast) {
        sawLast = true;
        if (received !== total) throw new HealerStreamError(`healer reached IsLast at ${received} bytes; advertised total_size=${total}`);
      }
    }
  } catch (err) {
    if (err instanceof HealerStreamError) throw err;
    throw new HealerStreamError(`recv: ${errorMessage(err)}`, { cause: err });
  }
  if (messages > 0 && !sawLast) throw new HealerStreamError(`healer stream ended without is_last at ${received} of ${total} bytes`);
  return { hashB64: Buffer.from(h.digest()).toString('base64'), bytes: received };
}

/** Production source: one call on the pooled lumera-alts channel to the healer. */
export class GrpcHealerStreamSource implements HealerStreamSource {
  constructor(private readonly dialer: PeerDialer) {}

  async open(healer: string, healOpId: bigint, self: string, deadlineMs: number, signal: AbortSignal): Promise<AsyncIterable<StreamMessage>> {
    let client: SelfHealingServiceClient;
    try {
      client = await this.dialer.client<SelfHealingServiceClient>(healer, SelfHealingServiceClient as unknown as grpc.ServiceClientConstructor);
    } catch (err) {
      throw new HealerStreamError(`dial healer "${healer}": ${errorMessage(err)}`, { cause: err });
    }
    const call = client.serveReconstructedArtefacts({ healOpId, verifierAccount: self }, { deadline: deadlineMs });
    // The consumer's iterator reports errors; this listener only keeps a late one (e.g. the CANCELLED that
    // cancel() raises after the iterator was abandoned) from becoming an uncaught 'error' event.
    call.on('error', () => undefined);
    const onAbort = () => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('close', () => signal.removeEventListener('abort', onAbort));
    return call as AsyncIterable<StreamMessage>;
  }
}

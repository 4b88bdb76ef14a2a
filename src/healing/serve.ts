/**
 * `SelfHealingService/ServeReconstructedArtefacts` (spec 04 §1.5): the healer streams its staged
 * reconstructed file to the op's verifiers. Checks run in the order of R1.5.2 with its status codes; the
 * caller's identity comes from the lumera-alts handshake only. The file is read and sent in 1 MiB chunks,
 * each written only when the previous one was accepted by the transport (backpressure), so memory stays flat.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ServeReconstructedArtefactsRequest, ServeReconstructedArtefactsResponse, SelfHealingServiceServer } from '../gen/supernode/self_healing.js';
import { HealOpStatus, healOpStatusToJSON, type HealOp } from '../gen/lumera/audit/v1/audit.js';
import { callerOf } from '../transport/caller.js';
import { InvalidArgumentError, errorMessage } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { HealChain } from './chain.js';
import { SERVE_CHUNK_BYTES } from './constants.js';
import { StagingArea } from './staging.js';

/** Resolves the verified caller account of a call (production: the lumera-alts handshake). */
export type CallerResolver = (call: object) => string;

export const handshakeCaller: CallerResolver = (call) => callerOf(call).address;

export interface ServeOptions {
  chain: Pick<HealChain, 'getHealOp'>;
  /** This node's account. */
  self: string;
  staging: StagingArea;
  resolveCaller: CallerResolver;
  logger?: Logger;
  /** Chunk size (tests); default 1 MiB. */
  chunkBytes?: number;
}

export interface ServeStats {
  streams: number;
  bytes: number;
  refused: number;
}

function fail(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/** Builds the service implementation; `stats` counts served streams and bytes. */
export function createSelfHealingService(opts: ServeOptions): { service: SelfHealingServiceServer; stats: ServeStats } {
  if (typeof opts.resolveCaller !== 'function') throw new InvalidArgumentError('resolveCaller', 'is required: the caller identity must come from the transport handshake');
  if (typeof opts.self !== 'string' || opts.self.trim() === '') throw new InvalidArgumentError('self', 'must be this supernode account');
  const log = opts.logger ?? silentLogger();
  const chunkBytes = opts.chunkBytes ?? SERVE_CHUNK_BYTES;
  const stats: ServeStats = { streams: 0, bytes: 0, refused: 0 };

  const refuse = (call: grpc.ServerWritableStream<unknown, unknown>, code: grpc.status, details: string) => {
    stats.refused++;
    call.emit('error', fail(code, details)); // grpc-js sends this status; destroy() would drop it
  };

  const serveReconstructedArtefacts = async (call: grpc.ServerWritableStream<ServeReconstructedArtefactsRequest, ServeReconstructedArtefactsResponse>) => {
    const req = call.request;
    if (!req || !req.healOpId) return refuse(call, grpc.status.INVALID_ARGUMENT, 'missing heal_op_id');
    const id = req.healOpId;
    let caller: string;
    try {
      caller = opts.resolveCaller(call).trim();
    } catch (err) {
      return refuse(call, grpc.status.UNAUTHENTICATED, `resolve caller: ${errorMessage(err)}`);
    }
    if (caller === '') return refuse(call, grpc.status.UNAUTHENTICATED, 'caller identity unknown');
    let op: HealOp | undefined;
    try {
      op = await opts.chain.getHealOp(id);
    } catch (err) {
      return refuse(call, grpc.status.NOT_FOUND, `heal op ${id}: ${errorMessage(err)}`);
    }
    if (!op) return refuse(call, grpc.status.NOT_FOUND, `heal op ${id} not found`);
    if (op.healerSupernodeAccount.trim() !== opts.self) return refuse(call, grpc.status.FAILED_PRECONDITION, 'this supernode is not the assigned healer for this heal op');
    if (op.status !== HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED) {
      return refuse(call, grpc.status.FAILED_PRECONDITION, `heal op ${id} status is ${healOpStatusToJSON(op.status)}; serve only valid in HEALER_REPORTED`);
    }
    if (!op.verifierSupernodeAccounts.includes(caller)) return refuse(call, grpc.status.PERMISSION_DENIED, `caller "${caller}" not in verifier set`);
    let rel: string;
    try {
      const manifest = await opts.staging.readManifest(id);
      if (!manifest) return refuse(call, grpc.status.NOT_FOUND, `no staged heal-op ${id}`);
      rel = manifest.reconstructed_rel;
    } catch (err) {
      return refuse(call, grpc.status.INTERNAL, `read staged heal op: ${errorMessage(err)}`);
    }
    let fh: FileHandle;
    try {
      fh = await open(join(opts.staging.dirOf(id), rel), 'r');
    } catch (err) {
      return refuse(call, grpc.status.INTERNAL, `open staged file: ${errorMessage(err)}`);
    }
    stats.streams++;
    let cancelled = false;
    call.on('cancelled', () => {
      cancelled = true;
    });
    try {
      let size: number;
      try {
        size = (await fh.stat()).size;
      } catch (err) {
        return refuse(call, grpc.status.INTERNAL, `stat staged file: ${errorMessage(err)}`);
      }
      let sent = 0;
      while (sent < size && !cancelled) {
        const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size - sent));
        let got = 0;
        try {
          while (got < buf.length) {
            const { bytesRead } = await fh.read(buf, got, buf.length - got, sent + got);
            if (bytesRead === 0) throw new Error(`file ended at ${sent + got} of ${size} bytes`);
            got += bytesRead;
          }
        } catch (err) {
          return refuse(call, grpc.status.INTERNAL, `read staged file: ${errorMessage(err)}`);
        }
        const msg: ServeReconstructedArtefactsResponse = { chunk: buf, totalSize: sent === 0 ? BigInt(size) : 0n, isLast: sent + buf.length === size };
        sent += buf.length;
        stats.bytes += buf.length;
        if (!call.write(msg)) await drained(call);
      }
      if (!cancelled) call.end();
      log.debug({ healOpId: id, caller, bytes: sent }, 'served reconstructed file');
    } finally {
      await fh.close();
    }
  };

  return { service: { serveReconstructedArtefacts }, stats };
}

function drained(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('close', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
    call.on('close', done);
  });
}

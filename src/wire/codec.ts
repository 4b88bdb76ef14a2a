/**
 * The codec shape every ts-proto generated message exposes, and a strict decode wrapper for bytes that
 * come from outside the process (peers, chain responses, files).
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { MessageFns } from '../gen/lumera/audit/v1/tx.js';

/** encode/decode/fromPartial/fromJSON/toJSON of one generated message type (cosmjs-compatible). */
export type WireCodec<T> = MessageFns<T>;

/** Bytes that do not parse as the expected protobuf message. `details.message` names the type. */
export class WireDecodeError extends SupernodeError {
  constructor(messageName: string, problem: string, details: Record<string, unknown> = {}) {
    super('WIRE_DECODE', `${messageName}: cannot decode protobuf bytes: ${problem}`, { message: messageName, ...details });
  }
}

export function isWireDecodeError(err: unknown): err is WireDecodeError {
  return err instanceof WireDecodeError;
}

/**
 * Decodes `bytes` as one `messageName` message and requires every byte to be consumed. The generated
 * decoders stop silently at a zero tag or an end-group tag; here that counts as malformed input, as it
 * does for the Go decoder. Any reader failure (truncation, bad wire type, bad UTF-8 length) becomes a
 * WireDecodeError instead of a bare Error.
 */
export function decodeStrict<T>(codec: WireCodec<T>, messageName: string, bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new WireDecodeError(messageName, `input must be a Uint8Array, got ${typeof bytes}`);
  }
  const reader = new BinaryReader(bytes);
  let value: T;
  try {
    value = codec.decode(reader, bytes.length);
  } catch (err) {
    throw new WireDecodeError(messageName, errorMessage(err), { length: bytes.length });
  }
  if (reader.pos !== bytes.length) {
    throw new WireDecodeError(messageName, `unparsed bytes from offset ${reader.pos} of ${bytes.length}`, {
      offset: reader.pos,
      length: bytes.length,
    });
  }
  return value;
}

/** Encodes a message (after filling defaults from a partial object) to bytes. */
export function encodeMessage<T>(codec: WireCodec<T>, value: Parameters<WireCodec<T>['fromPartial']>[0]): Uint8Array {
  return codec.encode(codec.fromPartial(value)).finish();
}

/**
 * Errors of the lumera-alts transport. Every refusal carries a stable `code` so that callers (and tests)
 * branch on the reason without parsing text; `details.remote` names the peer when it is known.
 */
import { SupernodeError } from '../util/errors.js';

export type TransportErrorCode =
  | 'ALTS_BAD_HANDSHAKE' // malformed handshake bytes, unknown key type, bad field
  | 'ALTS_BAD_SIGNATURE' // the account-key signature over HandshakeInfo does not verify
  | 'ALTS_ADDRESS_MISMATCH' // the address derived from the account key differs from the claimed one
  | 'ALTS_NOT_REGISTERED' // chain check failed: not a registered supernode / account does not exist
  | 'ALTS_BAD_PEER_TYPE' // peer_type is neither 1 (Simplenode) nor 2 (Supernode), or not allowed here
  | 'ALTS_WRONG_IDENTITY' // the server is not the identity in `<bech32>@host:port`
  | 'ALTS_CHAIN_UNAVAILABLE' // the chain check could not be made (lookup error); not cached
  | 'ALTS_HANDSHAKE_TIMEOUT' // the handshake did not finish within its deadline
  | 'ALTS_HANDSHAKE_BUSY' // too many concurrent handshakes
  | 'ALTS_CONNECTION_CLOSED' // the socket closed before the handshake finished
  | 'ALTS_FRAME_TOO_LARGE' // a record frame announced a length above the 1 MiB limit
  | 'ALTS_FRAME_TYPE' // a record frame's message type low byte is not 6
  | 'ALTS_FRAME_AUTH' // AEAD authentication failed (tamper, replay, reorder, wrong direction)
  | 'ALTS_COUNTER_OVERFLOW'; // 2^64 frames in one direction

export class TransportError extends SupernodeError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

export function isTransportError(err: unknown, code?: TransportErrorCode): err is TransportError {
  return err instanceof TransportError && (code === undefined || err.code === code);
}

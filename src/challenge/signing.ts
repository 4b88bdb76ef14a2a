/**
 * Transcript signatures (spec 04 R1.3.4 steps 4–6, R2.7.4): the signed bytes are the ASCII of the 64-char
 * lowercase hex transcript (not its raw 32 bytes); the key type picks the digest (Keccak-256 for
 * eth_secp256k1, SHA-256 for secp256k1); a 65-byte r‖s‖v result is cut to r‖s; output is lowercase hex.
 */
import { InvalidArgumentError } from '../util/errors.js';

/** Anything that signs a message with the node's account key (the chain's SigningKey fits). */
export interface MessageSigner {
  readonly address: string;
  sign(message: Uint8Array): Uint8Array;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function signTranscript(signer: MessageSigner, transcriptHex: string): string {
  if (typeof transcriptHex !== 'string' || !HEX64.test(transcriptHex)) {
    throw new InvalidArgumentError('transcriptHex', 'must be 64 lowercase hex characters');
  }
  const sig = signer.sign(Buffer.from(transcriptHex, 'ascii'));
  if (!(sig instanceof Uint8Array) || (sig.length !== 64 && sig.length !== 65)) {
    throw new InvalidArgumentError('signature', `must be 64 or 65 bytes, got ${sig instanceof Uint8Array ? sig.length : typeof sig}`);
  }
  return Buffer.from(sig.subarray(0, 64)).toString('hex');
}

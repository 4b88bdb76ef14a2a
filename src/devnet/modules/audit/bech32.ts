/**
 * Bech32 decoding for chain addresses. The installed @cosmjs/encoding rejects its own default length limit
 * (Infinity), so every decode passes the standard 90-character limit explicitly.
 */
import { fromBech32 } from '@cosmjs/encoding';

export const BECH32_LIMIT = 90;

/** The data bytes of a bech32 address; throws the decoder's error for malformed input. */
export function bech32Data(address: string): Uint8Array {
  return fromBech32(address, BECH32_LIMIT).data;
}

/** True for a well-formed `lumeravaloper1…` address (the metrics bridge's validator check, rule 3.5.3). */
export function isValoperAddress(address: string): boolean {
  try {
    return fromBech32(address, BECH32_LIMIT).prefix === 'lumeravaloper';
  } catch {
    return false;
  }
}

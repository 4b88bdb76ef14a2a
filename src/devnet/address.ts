/**
 * Address checks for the devnet. Note: `fromBech32` of @cosmjs/encoding 0.39 fails with its default
 * length limit (Infinity) against the installed bech32 backend, so an explicit limit (90, BIP-173) is passed.
 */
import { fromBech32 } from '@cosmjs/encoding';
import { InvalidArgumentError } from '../util/errors.js';

export function addressBytes(address: string, field = 'address', prefix = 'lumera'): Uint8Array {
  let decoded;
  try {
    decoded = fromBech32(address, 90);
  } catch (err) {
    throw new InvalidArgumentError(field, `is not a valid bech32 address (${(err as Error).message})`);
  }
  if (decoded.prefix !== prefix) throw new InvalidArgumentError(field, `must have prefix ${prefix}, got ${decoded.prefix}`);
  if (decoded.data.length !== 20) throw new InvalidArgumentError(field, `must hold 20 bytes, got ${decoded.data.length}`);
  return decoded.data;
}

export function isLumeraAddress(address: string): boolean {
  try {
    addressBytes(address);
    return true;
  } catch {
    return false;
  }
}

/**
 * Account-address check for chain inputs. Uses an explicit bech32 length limit: `decodeAddress` in
 * crypto/account-keys passes none, which @scure/base 2.x rejects ("limit: expected safe integer").
 */
import { fromBech32 } from '@cosmjs/encoding';
import { InvalidArgumentError } from '../util/errors.js';
import { LUMERA_ADDRESS_PREFIX } from '../crypto/account-keys.js';

/** Returns `v` if it is a canonical lower-case `lumera1…` 20-byte account address, else throws naming `field`. */
export function requireAccountAddress(field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(field, 'must be a lumera1… account address');
  let decoded;
  try {
    decoded = fromBech32(v, 90);
  } catch (err) {
    throw new InvalidArgumentError(field, `is not a valid bech32 address (${(err as Error).message})`);
  }
  if (decoded.prefix !== LUMERA_ADDRESS_PREFIX) throw new InvalidArgumentError(field, `must have prefix ${LUMERA_ADDRESS_PREFIX}, got ${decoded.prefix}`);
  if (decoded.data.length !== 20) throw new InvalidArgumentError(field, `must hold 20 bytes, got ${decoded.data.length}`);
  if (v !== v.toLowerCase()) throw new InvalidArgumentError(field, 'must be lower case (the chain compares addresses as strings)');
  return v;
}

/** Account-address check for chain inputs: the shared decoder plus the chain's string-equality rule. */
import { InvalidArgumentError } from '../util/errors.js';
import { decodeAddress } from '../crypto/account-keys.js';

/** Returns `v` if it is a canonical lower-case `lumera1…` 20-byte account address, else throws naming `field`. */
export function requireAccountAddress(field: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') throw new InvalidArgumentError(field, 'must be a lumera1… account address');
  decodeAddress(v, field);
  if (v !== v.toLowerCase()) throw new InvalidArgumentError(field, 'must be lower case (the chain compares addresses as strings)');
  return v;
}

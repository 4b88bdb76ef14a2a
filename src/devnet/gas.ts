/**
 * A gas meter like the SDK's basic meter: consumption beyond the limit raises out-of-gas (sdk code 11) with
 * the SDK's text. Simulation uses an unlimited meter, as the SDK does.
 */
import { ChainRuleError, type GasMeter } from './modules/types.js';

/** Deterministic gas schedule; figures are close to a Cosmos SDK chain's so client padding behaves alike. */
export const GAS = {
  txSizePerByte: 10,
  ethSigVerify: 21000,
  secpSigVerify: 1000,
  anteStoreAccess: 12000,
  msgBase: 10000,
  msgPerByte: 30,
  bankSend: 20000,
} as const;

export class OutOfGasError extends ChainRuleError {}

export class Meter implements GasMeter {
  private used = 0n;

  /** limit undefined = unlimited (simulation). */
  constructor(private readonly limit: bigint | undefined) {}

  consume(amount: number, descriptor: string): void {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`gas amount must be a non-negative safe integer, got ${amount}`);
    this.used += BigInt(amount);
    if (this.limit !== undefined && this.used > this.limit) {
      throw new OutOfGasError('sdk', 11, `out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}: out of gas`);
    }
  }

  consumed(): bigint {
    return this.used;
  }
}

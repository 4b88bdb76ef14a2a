/**
 * The slice of the chain client self-healing uses. Services depend on this, so tests can hand them a fake.
 */
import type { HealVerificationInput, LumeraClient } from '../chain/client.js';
import { healVerificationMsg } from '../chain/messages.js';
import { ChainError } from '../chain/errors.js';

export type HealChain = Pick<
  LumeraClient,
  | 'getAuditParams'
  | 'getCurrentEpoch'
  | 'getCurrentEpochAnchor'
  | 'getEpochAnchor'
  | 'getHealOp'
  | 'listHealOpsByStatus'
  | 'claimHealComplete'
  | 'submitHealVerification'
  | 'getAction'
> & {
  /**
   * Simulates our MsgSubmitHealVerification without broadcasting: rejects exactly as a submit would (e.g.
   * "verification already submitted by creator"). Used to learn whether a vote left pending by a crash
   * reached the chain — the chain has no query for individual votes.
   */
  simulateHealVerification(input: HealVerificationInput): Promise<bigint>;
};

/** Adapts the production chain client. */
export function healChainOf(client: LumeraClient): HealChain {
  return {
    getAuditParams: () => client.getAuditParams(),
    getCurrentEpoch: () => client.getCurrentEpoch(),
    getCurrentEpochAnchor: () => client.getCurrentEpochAnchor(),
    getEpochAnchor: (id) => client.getEpochAnchor(id),
    getHealOp: (id) => client.getHealOp(id),
    listHealOpsByStatus: (s) => client.listHealOpsByStatus(s),
    claimHealComplete: (input, opts) => client.claimHealComplete(input, opts),
    submitHealVerification: (input, opts) => client.submitHealVerification(input, opts),
    getAction: (id) => client.getAction(id),
    simulateHealVerification: (input) => {
      const signer = client.signerAddress;
      if (!signer) return Promise.reject(new ChainError('READ_ONLY_CLIENT', 'this chain client has no signing key; configure supernode.key_name'));
      return client.simulateMessages([healVerificationMsg(signer, input)]);
    },
  };
}

/**
 * The lumera-alts dialer a cascade client (upload / download CLI, tests) uses to reach holders: identified
 * by its own account key, as a Simplenode (peer type 1) unless the key is a registered supernode; holder
 * addresses from the chain's supernode records; every holder checked by the handshake against the chain.
 */
import type { LumeraQueryClient } from '../chain/client.js';
import type { SigningKey } from '../chain/keys.js';
import { CachingIdentityVerifier } from '../transport/identity-verifier.js';
import { PEER_TYPE_SIMPLENODE, PEER_TYPE_SUPERNODE } from '../transport/handshake-message.js';
import { PeerDialer } from '../transport/peer-dialer.js';
import { InvalidArgumentError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** Port assumed when a supernode record carries none (the Go daemon's default gRPC port). */
export const DEFAULT_SUPERNODE_PORT = 4444;

export async function cascadeClientDialer(chain: LumeraQueryClient, key: SigningKey, opts: { callTimeoutMs?: number; logger?: Logger } = {}): Promise<PeerDialer> {
  const peerType = (await chain.isRegisteredSupernode(key.address)) ? PEER_TYPE_SUPERNODE : PEER_TYPE_SIMPLENODE;
  return new PeerDialer({
    signer: key,
    verifier: new CachingIdentityVerifier(chain),
    peerType,
    defaultPort: DEFAULT_SUPERNODE_PORT,
    callTimeoutMs: opts.callTimeoutMs ?? 120_000,
    initialBackoffMs: 200,
    maxBackoffMs: 2000,
    resolver: {
      resolvePeerAddress: async (account: string) => {
        const ep = await chain.getSupernodeEndpoint(account);
        if (!ep) throw new InvalidArgumentError('holder', `${account} has no supernode record on chain`);
        return ep.address;
      },
    },
    logger: opts.logger,
  });
}

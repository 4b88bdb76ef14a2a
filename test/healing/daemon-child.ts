/**
 * A heal e2e daemon in its own process, so a test can really `kill -9` it. Spec in env HEAL_CHILD (JSON).
 * Hooks report to the parent over IPC and then block: after a claim or a vote is accepted by the chain the
 * process waits to be killed before it can record it; a verifier waits for the parent's "go" before fetching.
 */
import { connectLumeraClient } from '../../src/chain/client.js';
import { signingKeyFromMnemonic } from '../../src/chain/keys.js';
import { SupernodeNode } from '../../src/node/daemon.js';
import { silentLogger } from '../../src/util/logger.js';
import { healNodeConfig } from './heal-cluster.js';
import { E2E_TX } from '../e2e/helpers/cluster.js';

interface ChildSpec {
  index: number;
  address: string;
  mnemonic: string;
  baseDir: string;
  port: number;
  rpcUrl: string;
  chainId: string;
}

const spec = JSON.parse(process.env.HEAL_CHILD ?? '{}') as ChildSpec;
process.on('disconnect', () => process.exit(0)); // never outlive the test
const send = (m: Record<string, unknown>) => process.send!(m);
const never = () => new Promise<void>(() => undefined);
const goes = new Set<string>();
const waiting = new Map<string, () => void>();
process.on('message', (m: { go?: string }) => {
  if (!m.go) return;
  goes.add(m.go);
  waiting.get(m.go)?.();
});

const key = await signingKeyFromMnemonic(spec.mnemonic);
const chain = await connectLumeraClient({ rpcUrls: [spec.rpcUrl], chainId: spec.chainId, signer: key, tx: E2E_TX, requestTimeoutMs: 5000 });
const node = new SupernodeNode({
  config: healNodeConfig(spec, spec.rpcUrl, spec.chainId),
  key,
  chain,
  logger: silentLogger(),
  healingHooks: {
    afterClaimSubmitted: async (op) => {
      send({ event: 'claimed', op: op.healOpId.toString() });
      await never();
    },
    beforeVerifyFetch: async (op) => {
      const id = op.healOpId.toString();
      send({ event: 'verify', op: id });
      if (!goes.has(id)) await new Promise<void>((r) => waiting.set(id, r));
    },
    afterVerificationSubmitted: async (op) => {
      send({ event: 'voted', op: op.healOpId.toString() });
      await never();
    },
  },
});
await node.start();
send({ event: 'ready' });

/**
 * Builds the self-healing pieces of a daemon from its shared parts (chain client, database, artefact store,
 * peer dialer): the peer services to register on the lumera-alts server (HealArtefactService always — other
 * healers fetch from us; SelfHealingService when self-healing is enabled) and the tick service.
 */
import type { Database } from 'better-sqlite3';
import type * as grpc from '@grpc/grpc-js';
import type { LumeraClient } from '../chain/client.js';
import type { SelfHealingSection } from '../config/types.js';
import { HealArtefactServiceService } from '../gen/supernode/heal_artefacts.js';
import { SelfHealingServiceService } from '../gen/supernode/self_healing.js';
import type { ArtefactStore } from '../store/artefacts.js';
import { HealClaimsRepo, HealVerificationsRepo } from '../store/lep6-heal.js';
import type { PeerDialer } from '../transport/peer-dialer.js';
import type { Logger } from '../util/logger.js';
import { GrpcArtefactPeers, type ArtefactPeers } from './artefact-peers.js';
import { createArtefactPeerService, type ArtefactPeerServerOptions } from './artefact-peer-server.js';
import { healChainOf, type HealChain } from './chain.js';
import { GrpcHealerStreamSource } from './healer-stream.js';
import type { HealHooks } from './hooks.js';
import { peerPublisher } from './publisher.js';
import { chainHolderDirectory, reconstructAndStage, type HolderDirectory } from './reconstruct.js';
import { createSelfHealingService, handshakeCaller } from './serve.js';
import { SelfHealingService } from './service.js';
import { StagingArea } from './staging.js';

export interface PeerServiceRegistration {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface HealingWiring {
  identity: string;
  client: LumeraClient;
  config: SelfHealingSection;
  logger: Logger;
  hooks?: HealHooks;
}

function holdersFor(identity: string, client: LumeraClient): HolderDirectory {
  return chainHolderDirectory(identity, async () => (await client.listSupernodes()).map((s) => s.supernodeAccount.trim()).filter((s) => s !== ''));
}

/** Peer services to add to the lumera-alts server before it listens. `store` is read lazily (opened later). */
export function healingPeerServices(w: HealingWiring, store: () => ArtefactStore, onStored?: ArtefactPeerServerOptions['onStored']): PeerServiceRegistration[] {
  const chain = healChainOf(w.client);
  const out: PeerServiceRegistration[] = [
    { definition: HealArtefactServiceService as unknown as grpc.ServiceDefinition, implementation: createArtefactPeerService({ store, chain, self: w.identity, logger: w.logger, onStored }) },
  ];
  if (w.config.enabled) {
    const { service } = createSelfHealingService({ chain, self: w.identity, staging: new StagingArea(w.config.stagingDir), resolveCaller: handshakeCaller, logger: w.logger });
    out.push({ definition: SelfHealingServiceService as unknown as grpc.ServiceDefinition, implementation: service });
  }
  return out;
}

/** The tick service; call once the database, store and dialer exist. */
export function createHealingService(w: HealingWiring, parts: { db: Database; store: ArtefactStore; dialer: PeerDialer; peers?: ArtefactPeers; chain?: HealChain }): SelfHealingService {
  const chain = parts.chain ?? healChainOf(w.client);
  const peers = parts.peers ?? new GrpcArtefactPeers(parts.dialer);
  const holders = holdersFor(w.identity, w.client);
  const staging = new StagingArea(w.config.stagingDir);
  const { enabled: _e, stagingDir: _s, ...config } = w.config;
  return new SelfHealingService({
    self: w.identity,
    chain,
    claims: new HealClaimsRepo(parts.db),
    verifications: new HealVerificationsRepo(parts.db),
    staging,
    config,
    reconstruct: (op, signal) => reconstructAndStage({ chain, peers, holders, staging, logger: w.logger }, op.healOpId, op.ticketId, w.identity, signal),
    source: new GrpcHealerStreamSource(parts.dialer),
    publisher: peerPublisher({ self: w.identity, chain, peers, holders, localStore: parts.store }),
    logger: w.logger,
    hooks: w.hooks,
  });
}

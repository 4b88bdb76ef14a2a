/**
 * Self-healing (spec 04 §3, §1.5; issue 6). Typical wiring is `wiring.ts` (used by src/node/daemon.ts):
 *
 *   healingPeerServices(w, () => store)  → HealArtefactService (+ SelfHealingService when enabled) for the server
 *   createHealingService(w, { db, store, dialer }) → the tick service (Startable)
 *
 * The service depends only on interfaces (HealChain, ArtefactPeers, HealerStreamSource, Publisher), so tests
 * and the benchmark substitute any of them.
 */
export { SelfHealingService, type SelfHealingServiceOptions, type TickReport, type HealingConfig } from './service.js';
export { healingPeerServices, createHealingService, type HealingWiring, type PeerServiceRegistration } from './wiring.js';
export { healChainOf, type HealChain } from './chain.js';
export { GrpcArtefactPeers, type ArtefactPeers, type ArtefactBlob } from './artefact-peers.js';
export { createArtefactPeerService } from './artefact-peer-server.js';
export { createSelfHealingService, handshakeCaller, type CallerResolver } from './serve.js';
export { GrpcHealerStreamSource, digestHealerStream, type HealerStreamSource } from './healer-stream.js';
export { reconstructAndStage, chainHolderDirectory, type HolderDirectory } from './reconstruct.js';
export { StagingArea, parseManifest, manifestJson, type StagingManifest } from './staging.js';
export { negativeAttestationHash, NEGATIVE_REASONS, MAX_RECONSTRUCTED_BYTES, SERVE_CHUNK_BYTES } from './constants.js';
export type { HealHooks } from './hooks.js';

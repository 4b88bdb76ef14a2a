/**
 * Publishing a VERIFIED heal op's staged artefacts (spec 05 §3.3): every ID file, then every symbol, to each
 * holder of the action (the chain's `Action.super_nodes`, self excluded; our own store when we hold it).
 * Symbols are read from disk one at a time as the transport asks for them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Action } from '../gen/lumera/action/v1/action.js';
import type { ArtefactStore } from '../store/artefacts.js';
import { blake3Base58 } from '../cascade/hash.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import type { ArtefactBlob, ArtefactPeers } from './artefact-peers.js';
import type { HealChain } from './chain.js';
import type { HolderDirectory } from './reconstruct.js';
import type { StagingManifest } from './staging.js';

export interface Publisher {
  publish(healOpId: bigint, manifest: StagingManifest, signal: AbortSignal): Promise<void>;
}

export class PublishError extends SupernodeError {}

/** The staged blobs in publish order: layout + index files, then symbols. */
export async function* stagedBlobs(manifest: StagingManifest): AsyncGenerator<ArtefactBlob> {
  for (const b64 of manifest.id_files) {
    const data = Buffer.from(b64, 'base64');
    yield { key: blake3Base58(data), data };
  }
  for (const id of manifest.layout.blocks[0]?.symbols ?? []) {
    const data = await readFile(join(manifest.symbols_dir, 'block_0', id));
    yield { key: id, data };
  }
}

export function peerPublisher(deps: { self: string; chain: Pick<HealChain, 'getAction'>; peers: ArtefactPeers; holders: HolderDirectory; localStore?: ArtefactStore; timeoutMs?: number }): Publisher {
  return {
    async publish(healOpId, manifest, signal) {
      const action: Action | undefined = await deps.chain.getAction(manifest.action_id);
      if (!action) throw new PublishError('PUBLISH_NO_ACTION', `action ${manifest.action_id} not found`);
      const targets = await deps.holders.publishTargets(action);
      const selfHolds = action.superNodes.some((s) => s.trim() === deps.self);
      if (targets.length === 0 && !selfHolds) throw new PublishError('PUBLISH_NO_TARGETS', `action ${manifest.action_id} has no holder to publish to`);
      const errors: string[] = [];
      for (const t of targets) {
        try {
          await deps.peers.store(t, healOpId, stagedBlobs(manifest), { signal, timeoutMs: deps.timeoutMs });
        } catch (err) {
          errors.push(`${t}: ${errorMessage(err)}`);
        }
      }
      if (selfHolds && deps.localStore) for await (const b of stagedBlobs(manifest)) await deps.localStore.put(b.data);
      if (errors.length > 0) throw new PublishError('PUBLISH_FAILED', `publish heal op ${healOpId} to ${errors.length} of ${targets.length} holders failed: ${errors.join('; ')}`);
    },
  };
}

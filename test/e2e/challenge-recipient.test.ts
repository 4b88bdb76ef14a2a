import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { PeerDialer } from '../../src/transport/peer-dialer.js';
import { CachingIdentityVerifier } from '../../src/transport/identity-verifier.js';
import { DialerProofCaller } from '../../src/challenge/proof-client.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { GetCompoundProofRequest } from '../../src/gen/supernode/storage_challenge.js';
import { Cluster, waitFor } from './helpers/cluster.js';

test('e2e recipient: impostor caller is refused', { timeout: 60_000 }, async () => {
  const c = await Cluster.start({ nodes: 4 });
  try {
    const file = await c.placeCascadeFile(0);
    await c.startAll();
    const target = c.nodes[0]!;
    const impostor = c.nodes[1]!; // a registered supernode…
    const victim = c.nodes[2]!; // …asking in this challenger's name
    const dialer = new PeerDialer({
      signer: impostor.key,
      verifier: new CachingIdentityVerifier(c.sn[1]!),
      defaultPort: target.port,
      resolver: { resolvePeerAddress: async (a) => (await c.sn[1]!.getSupernodeEndpoint(a))!.address },
    });
    try {
      const proofs = new DialerProofCaller(dialer);
      const action = (await c.sn[1]!.getAction(file.actionId))!;
      const key = CascadeMetadata.decode(action.metadata).rqIdsIds[0]!;
      const size = BigInt(file.artefacts.get(key)!.length);
      await waitFor('epoch 1', async () => (await c.epoch()) >= 1n, 20_000);
      const anchor = (await c.sn[1]!.getCurrentEpochAnchor())!;
      const req = GetCompoundProofRequest.fromPartial({
        challengeId: 'impostor', epochId: anchor.epochId, seed: anchor.seed, ticketId: file.actionId,
        targetSupernodeAccount: target.address, challengerAccount: victim.address,
        artifactClass: 1, artifactOrdinal: 0, artifactCount: 1, bucketType: 1, artifactKey: key, artifactSize: size,
        ranges: [{ start: 0n, end: size / 2n }, { start: size - size / 2n, end: size }],
      });
      const err = await proofs.getCompoundProof(target.address, req, 5000).then(() => undefined, (e: unknown) => e as grpc.ServiceError);
      assert.ok(err, 'the impostor must get an error, not a response');
      assert.equal(err.code, grpc.status.PERMISSION_DENIED);
      assert.match(err.details, new RegExp(`caller "${impostor.address}" is not the request's challenger_account "${victim.address}"`));
      // The same connection asking in its own name is served: the refusal is about identity, not the request.
      const own = await proofs.getCompoundProof(target.address, { ...req, challengerAccount: impostor.address }, 5000);
      assert.equal(own.ok, true, own.error);
      assert.deepEqual(Buffer.from(own.rangeBytes[0]!), Buffer.from(file.artefacts.get(key)!.subarray(0, Number(size / 2n))));
      assert.ok(c.nodes[0]!.node!.recipient!.stats.hard >= 1);
    } finally {
      dialer.close();
    }
  } finally {
    await c.stop();
  }
});

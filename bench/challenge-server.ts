/**
 * The recipient side of the challenge bench, in a worker thread of its own: in production the challenger
 * is another machine, so the server must not share an event loop with the 64 callers driving it. Opens
 * the store the main thread filled, serves GetCompoundProof over lumera-alts and answers two messages:
 * 'heap' (heap used after a forced GC, for the memory row) and 'stop'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AltsGrpcServer } from '../src/transport/grpc-server.js';
import { accountSignerFromPrivateKey } from '../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../src/transport/identity-verifier.js';
import { ArtefactStore } from '../src/store/artefacts.js';
import { CompoundProofRecipient } from '../src/challenge/recipient-service.js';
import { StorageChallengeServiceService } from '../src/gen/supernode/storage_challenge.js';

export interface ChallengeServerData {
  dir: string;
  /** The server's account private key. */
  key: Uint8Array;
}

const anyone: RemoteIdentityVerifier = { isRegisteredSupernode: async () => true, accountExists: async () => true };
const { dir, key } = workerData as ChallengeServerData;
const port = parentPort!;
v8.setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const signer = accountSignerFromPrivateKey(key);
const store = await ArtefactStore.open(dir);
const recipient = new CompoundProofRecipient({
  identity: signer.address, reader: store, signer, params: undefined, perCallerRatePerSec: 1e9, perCallerBurst: 1e9, maxInFlight: 10_000,
});
const srv = new AltsGrpcServer({ signer, verifier: anyone });
srv.addService(StorageChallengeServiceService, recipient.implementation());
port.on('message', (msg: string) => {
  if (msg === 'heap') {
    gc();
    port.postMessage({ heap: process.memoryUsage().heapUsed });
  } else if (msg === 'stop') {
    void srv.close(200).then(() => port.close());
  }
});
port.postMessage({ port: await srv.listen('127.0.0.1', 0) });

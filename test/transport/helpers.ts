/** Shared pieces for the transport tests: a fake chain, deterministic test accounts, an echo service. */
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { accountSignerFromPrivateKey, type AccountSigner } from '../../src/transport/handshake-message.js';
import type { RemoteIdentityVerifier } from '../../src/transport/identity-verifier.js';
import { callerOf } from '../../src/transport/caller.js';
import type { AccountKeyType } from '../../src/crypto/account-keys.js';

/** A test account whose key is SHA-256 of a label (never a real account). */
export function testSigner(label: string, keyType: AccountKeyType = 'eth_secp256k1'): AccountSigner & { privateKey: Uint8Array } {
  const privateKey = new Uint8Array(createHash('sha256').update(`lep6 transport test ${label}`).digest());
  return { ...accountSignerFromPrivateKey(privateKey, keyType), privateKey };
}

export class FakeChain implements RemoteIdentityVerifier {
  readonly supernodes = new Set<string>();
  readonly accounts = new Set<string>();
  lookups = 0;
  /** Delay every answer (ms), e.g. to exercise coalescing. */
  delayMs = 0;

  register(...signers: Array<{ address: string }>): this {
    for (const s of signers) {
      this.supernodes.add(s.address);
      this.accounts.add(s.address);
    }
    return this;
  }

  private async answer(v: boolean): Promise<boolean> {
    this.lookups++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return v;
  }

  isRegisteredSupernode(address: string): Promise<boolean> {
    return this.answer(this.supernodes.has(address));
  }

  accountExists(address: string): Promise<boolean> {
    return this.answer(this.accounts.has(address));
  }
}

const bytes = (b: Buffer): Buffer => b;

/** `/lep6test.Echo/WhoAmI`: echoes the request and names the verified caller. */
export const echoService = {
  whoAmI: {
    path: '/lep6test.Echo/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: (v: { caller: string; peerType: number; echo: string }) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as { caller: string; peerType: number; echo: string },
  },
} satisfies grpc.ServiceDefinition;

export const EchoClient = grpc.makeGenericClientConstructor(echoService, 'Echo');

export const echoImplementation: grpc.UntypedServiceImplementation = {
  whoAmI: (call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
    try {
      const caller = callerOf(call);
      callback(null, { caller: caller.address, peerType: caller.peerType, echo: call.request.toString() });
    } catch (err) {
      callback(err as grpc.ServiceError);
    }
  },
};

type EchoReply = { caller: string; peerType: number; echo: string };
type WhoAmIMethod = (req: Buffer, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: EchoReply) => void) => void;

export function whoAmI(client: grpc.Client, text: string, deadlineMs = 5000): Promise<EchoReply> {
  return new Promise((resolve, reject) => {
    const method = (client as unknown as { whoAmI: WhoAmIMethod }).whoAmI.bind(client);
    method(Buffer.from(text), { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

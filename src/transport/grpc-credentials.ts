/**
 * Client side of lumera-alts for grpc-js: a ChannelCredentials whose connector runs the client handshake on
 * the TCP socket grpc-js opened and returns the secured stream, over which grpc-js then speaks HTTP/2.
 *
 * `_createSecureConnector` is internal to grpc-js (underscore, abstract in its .d.ts); package.json pins
 * grpc-js 1.14.7 and test/transport/grpc-hook.test.ts fails loudly if an upgrade changes the hook.
 */
import type { Socket } from 'node:net';
import { CallCredentials, ChannelCredentials, type ChannelOptions, type Client, type ServiceClientConstructor, type experimental } from '@grpc/grpc-js';
import { clientHandshake, type ClientHandshakeOptions } from './handshake.js';
import { secureSocket, type AltsSocketOptions } from './alts-socket.js';
import { checkAccountAddress, grpcTarget, parseDialTarget } from './peer-address.js';

export type AltsChannelCredentialsOptions = ClientHandshakeOptions & AltsSocketOptions;

export class AltsChannelCredentials extends ChannelCredentials {
  constructor(private readonly options: AltsChannelCredentialsOptions) {
    super();
    checkAccountAddress(options.expectedServer, 'expectedServer');
  }

  /** The account the server must prove to be. */
  get expectedServer(): string {
    return this.options.expectedServer;
  }

  override _isSecure(): boolean {
    return true;
  }

  // Each credentials object carries its own expected identity; only the same object is equal.
  override _equals(other: ChannelCredentials): boolean {
    return other === this;
  }

  override _createSecureConnector(_target: experimental.GrpcUri, _options: ChannelOptions, callCredentials?: CallCredentials): experimental.SecureConnector {
    const options = this.options;
    const creds = callCredentials ?? CallCredentials.createEmpty();
    return {
      async connect(socket: Socket): Promise<experimental.SecureConnectResult> {
        const handshake = await clientHandshake(socket, options);
        const secured = secureSocket(socket, handshake, options);
        // A bad frame among bytes that arrived with the handshake fails the stream before grpc-js has attached
        // its listeners; the failure still reaches grpc-js as 'close', it just must not be an uncaught 'error'.
        secured.on('error', () => {});
        // grpc-js types the result as net.Socket but only uses the Duplex surface (+ the props we forward).
        return { socket: secured as unknown as Socket, secure: true };
      },
      waitForReady: () => Promise.resolve(),
      getCallCredentials: () => creds,
      destroy: () => {},
    };
  }
}

export function createAltsChannelCredentials(options: AltsChannelCredentialsOptions): ChannelCredentials {
  return new AltsChannelCredentials(options);
}

/**
 * A client of `ctor` for a dial string `<bech32>@<host>:<port>` (spec 05 §5.2): the part before `@` is the
 * identity the server must prove. For pooled, chain-resolved peer connections use PeerDialer instead.
 */
export function altsClientFor<T extends Client>(
  target: string,
  ctor: ServiceClientConstructor,
  options: Omit<AltsChannelCredentialsOptions, 'expectedServer'>,
  channelOptions: ChannelOptions = {},
): T {
  const dial = parseDialTarget(target);
  return new ctor(grpcTarget(dial), new AltsChannelCredentials({ ...options, expectedServer: dial.identity }), channelOptions) as unknown as T;
}

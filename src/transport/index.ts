/**
 * Public surface of the lumera-alts transport (spec 05 §5). Typical wiring:
 *
 *   const verifier = new CachingIdentityVerifier(chainVerifier);           // chain client implements it
 *   const server = new AltsGrpcServer({ signer, verifier });              // inbound peers
 *   server.addService(def, impl);  … in a handler: callerOf(call).address // verified caller
 *   await server.listen(host, port);
 *   const dialer = new PeerDialer({ signer, verifier, resolver, defaultPort: port }); // outbound peers
 *   const client = await dialer.client(peerAccount, SomeServiceClient);
 */
export { AltsGrpcServer, type AltsServerOptions, type ServerEvents } from './grpc-server.js';
export { AltsChannelCredentials, createAltsChannelCredentials, altsClientFor, type AltsChannelCredentialsOptions } from './grpc-credentials.js';
export { PeerDialer, PeerDialError, DEFAULT_FLOW_CONTROL_WINDOW, type PeerAddressResolver, type PeerDialerOptions } from './peer-dialer.js';
export { callerOf, supernodeCallerOf, UnauthenticatedCallError, type Caller } from './caller.js';
export { CachingIdentityVerifier, type RemoteIdentityVerifier, type CachingVerifierOptions } from './identity-verifier.js';
export {
  accountSignerFromPrivateKey,
  PEER_TYPE_SIMPLENODE,
  PEER_TYPE_SUPERNODE,
  type AccountSigner,
  type PeerType,
} from './handshake-message.js';
export { clientHandshake, serverHandshake, DEFAULT_HANDSHAKE_TIMEOUT_MS, type RemoteIdentity, type HandshakeResult } from './handshake.js';
export { AltsSocket, secureSocket } from './alts-socket.js';
export { HandshakeLimiter, DEFAULT_MAX_CONCURRENT_HANDSHAKES } from './handshake-limiter.js';
export { TransportError, isTransportError, type TransportErrorCode } from './errors.js';
export { checkAccountAddress, parseDialTarget, parsePeerHostPort, grpcTarget, type DialTarget, type HostPort } from './peer-address.js';

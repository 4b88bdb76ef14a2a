/** The Lumera chain client: the only code in the daemon that talks to the chain. */
export * from './client.js';
export * from './errors.js';
export { FailoverRpcClient, type FailoverOptions } from './rpc-failover.js';
export { LUMERA_HD_PATH, generateMnemonic, normaliseMnemonic, privateKeyFromMnemonic, signingKeyFromMnemonic, signingKeyFromPrivateKey, type SigningKey } from './keys.js';
export { Keyring, KeyringError, KEYRING_BACKENDS, type KeyInfo, type KeyringBackend, type KeyringOptions } from './keyring.js';
export { feeFor, gasLimitFor, parseGasPrice, type TxPipelineOptions } from './tx-pipeline.js';
export { collectAllPages, type Page, type PaginateOptions } from './pagination.js';
export { currentIpAddress, currentState, parseHostPort, supernodeEndpoint, DEFAULT_GRPC_PORT, DEFAULT_P2P_PORT } from './supernode-record.js';
export type { QueryOptions } from './queries.js';
export { connectFromConfig, loadSigningKey, PASSPHRASE_ENV } from './from-config.js';
export { epochReportMsg, healClaimMsg, healVerificationMsg, recheckEvidenceMsg, requestActionMsg, finalizeActionMsg, actionIdFromResponses } from './messages.js';
export { requireAccountAddress } from './address.js';

/**
 * Creator signatures over cascade layouts and indexes (spec 05 §1.5–§1.7). Signatures travel as base64; a
 * verifier accepts 64-byte r‖s or DER (coerced to r‖s), over either the base64 text or the JSON it encodes,
 * each either raw or wrapped in an ADR-36 amino sign doc — the four variants the Go supernode accepts. The
 * chain is stricter for the index signature (raw over indexB64, or ADR-36 whose data is indexB64), and
 * `chainAcceptsIndexSignature` mirrors that so a node never relies on a signature the chain would refuse.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { signMessage, verifyMessage, type AccountKeyType } from '../crypto/account-keys.js';
import { InvalidArgumentError } from '../util/errors.js';
import { generateIdFiles, indexJson, layoutB64, type IndexDocument } from './id-files.js';
import { layoutJson, type Layout } from './layout.js';

export interface CreatorKey {
  pubkey: Uint8Array;
  keyType: AccountKeyType;
  /** bech32 account address (the ADR-36 `signer`). */
  address: string;
}

export type SignatureVariant = 'raw-b64' | 'raw-json' | 'adr36-b64' | 'adr36-json';

/** Produces a 64-byte r‖s signature over `message` (hashing per key type); keyrings plug in here. */
export type CascadeSigner = (message: Uint8Array) => Uint8Array;

/** A signer from a raw private key: 64-byte r‖s (the recovery byte dropped, as the Go keyring does). */
export function privateKeySigner(privateKey: Uint8Array, keyType: AccountKeyType): CascadeSigner {
  return (message) => signMessage(privateKey, message, keyType).subarray(0, 64);
}

/** ADR-36 amino sign doc bytes for arbitrary data signed by `signer` (keys sorted, compact). */
export function adr36SignDoc(data: Uint8Array, signer: string): Uint8Array {
  const doc =
    `{"account_number":"0","chain_id":"","fee":{"amount":[],"gas":"0"},"memo":"","msgs":[{"type":"sign/MsgSignData",` +
    `"value":{"data":${JSON.stringify(Buffer.from(data).toString('base64'))},"signer":${JSON.stringify(signer)}}}],"sequence":"0"}`;
  return Buffer.from(doc, 'utf8');
}

/** base64 → 64-byte r‖s (64 bytes as is, anything else parsed as DER); undefined when neither. */
export function coerceSignature(sigB64: string): Uint8Array | undefined {
  if (typeof sigB64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sigB64)) return undefined;
  const raw = Buffer.from(sigB64, 'base64');
  if (raw.length === 64) return new Uint8Array(raw);
  try {
    return secp256k1.Signature.fromBytes(raw, 'der').toBytes('compact');
  } catch {
    return undefined;
  }
}

function verifyText(message: string, sig: Uint8Array, key: CreatorKey): { raw: boolean; adr36: boolean } {
  const bytes = Buffer.from(message, 'utf8');
  return {
    raw: verifyMessage(key.pubkey, bytes, sig, key.keyType),
    adr36: verifyMessage(key.pubkey, adr36SignDoc(bytes, key.address), sig, key.keyType),
  };
}

/** Which accepted variant `sigB64` is over a payload whose base64 text is `b64` and JSON text is `json`. */
function variantOf(b64: string, json: string, sigB64: string, key: CreatorKey): SignatureVariant | undefined {
  const sig = coerceSignature(sigB64);
  if (!sig) return undefined;
  const overB64 = verifyText(b64, sig, key);
  if (overB64.raw) return 'raw-b64';
  if (overB64.adr36) return 'adr36-b64';
  const overJson = verifyText(json, sig, key);
  if (overJson.raw) return 'raw-json';
  if (overJson.adr36) return 'adr36-json';
  return undefined;
}

function splitSignatures(signatures: string): [string, string] {
  const parts = signatures.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InvalidArgumentError('signatures', 'must be "<indexB64>.<creatorSigB64>"');
  return [parts[0], parts[1]];
}

/** Supernode rule for the index signature in `CascadeMetadata.signatures`: which variant verifies, if any. */
export function verifyIndexSignature(signatures: string, key: CreatorKey): SignatureVariant | undefined {
  const [indexB64, sigB64] = splitSignatures(signatures);
  return variantOf(indexB64, Buffer.from(indexB64, 'base64').toString('utf8'), sigB64, key);
}

/**
 * Chain rule at MsgRequestAction: raw over indexB64, or ADR-36 with data = indexB64. Note that an ADR-36
 * signature over the index JSON (Keplr signArbitrary(indexJSON)) has data = b64(JSON) = indexB64 and passes.
 */
export function chainAcceptsIndexSignature(signatures: string, key: CreatorKey): boolean {
  const [indexB64, sigB64] = splitSignatures(signatures);
  const sig = coerceSignature(sigB64);
  if (!sig) return false;
  if (verifyMessage(key.pubkey, Buffer.from(indexB64, 'utf8'), sig, key.keyType)) return true;
  return verifyMessage(key.pubkey, adr36SignDoc(Buffer.from(indexB64, 'base64'), key.address), sig, key.keyType);
}

/** Supernode rule for the layout signature against a (re-encoded) layout. */
export function verifyLayoutSignature(layout: Layout, layoutSigB64: string, key: CreatorKey): SignatureVariant | undefined {
  return variantOf(layoutB64(layout), layoutJson(layout), layoutSigB64, key);
}

export interface SignedCascadeIndex {
  layoutSignature: string;
  layoutIds: string[];
  index: IndexDocument;
  /** `CascadeMetadata.signatures`. */
  signatures: string;
}

/**
 * Client side of §1.1 step 1: sign the layout (raw over layoutB64), derive the `rq_ids_max` layout ids from
 * `rq_ids_ic`, build the index (version 1) and sign it (raw over indexB64 — accepted by chain and supernode).
 */
export function signCascadeLayout(layout: Layout, sign: CascadeSigner, rqIdsIc: bigint, rqIdsMax: bigint): SignedCascadeIndex {
  const lb64 = layoutB64(layout);
  const layoutSignature = Buffer.from(sign(Buffer.from(lb64, 'utf8'))).toString('base64');
  const layoutIds = generateIdFiles(`${lb64}.${layoutSignature}`, rqIdsIc, rqIdsMax).map((f) => f.id);
  const index: IndexDocument = { layout_ids: layoutIds, layout_signature: layoutSignature, version: 1 };
  const indexB64 = Buffer.from(indexJson(index), 'utf8').toString('base64');
  const creatorSig = Buffer.from(sign(Buffer.from(indexB64, 'utf8'))).toString('base64');
  return { layoutSignature, layoutIds, index, signatures: `${indexB64}.${creatorSig}` };
}

/**
 * Tx decoding and the ante chain (what the SDK runs before any msg): signer/signature count checks, tx-size
 * gas, fee check and deduction, pubkey setting, sig gas, sequence and signature verification, sequence
 * increment. Error codes and texts follow the Cosmos SDK (codespace `sdk`).
 */
import { TxRaw, TxBody, AuthInfo, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { PubKey as Secp256k1PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { toBase64 } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  addressFromPubKey, keyTypeFromTypeUrl, verifyMessage, type AccountKeyType,
} from '../crypto/account-keys.js';
import { chainRuleError, type AbciEvent, type Coin } from './modules/types.js';
import { GAS, type Meter } from './gas.js';
import { formatCoins, type Bank } from './bank.js';
import type { Auth } from './auth.js';

export const FEE_DENOM = 'ulume';
export const SIGN_MODE_DIRECT = 1;

export interface DecodedMsg {
  typeUrl: string;
  value: Uint8Array;
}

export interface DecodedTx {
  bytes: Uint8Array;
  hash: Uint8Array;
  raw: TxRaw;
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
}

const parseError = (context: string) => chainRuleError('sdk', 2, 'tx parse error', context);

/** Decodes TxRaw → body/authInfo; `knows(typeUrl)` says whether a msg type is routable. */
export function decodeTx(bytes: Uint8Array, knows: (typeUrl: string) => boolean): DecodedTx {
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(bytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (err) {
    throw parseError(`could not decode tx: ${(err as Error).message}`);
  }
  if (raw.bodyBytes.length === 0 || raw.authInfoBytes.length === 0) throw parseError('tx has empty body or auth info');
  const reencoded = TxRaw.encode(raw).finish();
  if (reencoded.length !== bytes.length || !reencoded.every((b, i) => b === bytes[i])) {
    // Non-canonical or trailing garbage (the SDK rejects unknown/extra fields in TxRaw).
    throw parseError('tx bytes are not a canonical TxRaw encoding');
  }
  for (const m of body.messages) {
    if (!knows(m.typeUrl)) throw parseError(`unable to resolve type URL ${m.typeUrl}`);
  }
  return { bytes, hash: sha256(bytes), raw, body, authInfo, msgs: body.messages.map((m) => ({ typeUrl: m.typeUrl, value: m.value })) };
}

export interface AnteEnv {
  chainId: string;
  auth: Auth;
  bank: Bank;
  meter: Meter;
  /** Min gas price (ulume/gas) as a rational num/den; undefined = no check (DeliverTx/simulate after CheckTx). */
  minGasPrice?: { num: bigint; den: bigint };
  simulate: boolean;
  feeCollector: string;
  signersOf(msg: DecodedMsg): string[];
}

export interface AnteResult {
  signers: string[];
  events: AbciEvent[];
  gasWanted: bigint;
}

function ev(type: string, attrs: Record<string, string>): AbciEvent {
  return { type, attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })) };
}

function decodeTxPubKey(any: { typeUrl: string; value: Uint8Array }, index: number): { keyType: AccountKeyType; key: Uint8Array; typeUrl: string } {
  let keyType: AccountKeyType;
  try {
    keyType = keyTypeFromTypeUrl(any.typeUrl);
  } catch {
    throw chainRuleError('sdk', 8, 'invalid pubkey', `unrecognized public key type ${any.typeUrl} at signer index ${index}`);
  }
  let key: Uint8Array;
  try {
    key = Secp256k1PubKey.decode(any.value).key;
  } catch {
    throw chainRuleError('sdk', 8, 'invalid pubkey', `could not decode public key at signer index ${index}`);
  }
  if (key.length !== 33) throw chainRuleError('sdk', 8, 'invalid pubkey', `public key at signer index ${index} must be 33 bytes, got ${key.length}`);
  return { keyType, key, typeUrl: any.typeUrl };
}

// Deriving an address decompresses the point (~1 ms); signers repeat, so remember the last few thousand.
const addressCache = new Map<string, string>();
function cachedAddress(key: Uint8Array, keyType: AccountKeyType): string {
  const k = `${keyType}:${toBase64(key)}`;
  let a = addressCache.get(k);
  if (a === undefined) {
    a = addressFromPubKey(key, keyType);
    if (addressCache.size >= 4096) addressCache.clear();
    addressCache.set(k, a);
  }
  return a;
}

// A tx is verified at CheckTx and again at DeliverTx (and on mempool re-checks); the inputs fully determine
// the outcome, so a successful verification is remembered by the digest of (key type, pubkey, sign bytes, sig).
const verified = new Set<string>();
function verifiedSignature(pub: Uint8Array, signBytes: Uint8Array, sig: Uint8Array, keyType: AccountKeyType): boolean {
  const k = toBase64(sha256(new Uint8Array([...new TextEncoder().encode(keyType), 0, ...pub, 0, ...sig, 0, ...signBytes])));
  if (verified.has(k)) return true;
  if (!verifyMessage(pub, signBytes, sig, keyType)) return false;
  if (verified.size >= 20_000) verified.clear();
  verified.add(k);
  return true;
}

export function requiredFee(gasLimit: bigint, price: { num: bigint; den: bigint }): bigint {
  const product = gasLimit * price.num;
  return (product + price.den - 1n) / price.den;
}

export function runAnte(tx: DecodedTx, env: AnteEnv): AnteResult {
  const { body, authInfo, raw } = tx;
  if (tx.msgs.length === 0) throw chainRuleError('sdk', 18, 'invalid request', 'must contain at least one message');
  // Unique signers in order of first appearance across msgs (the SDK's GetSigners order).
  const signers: string[] = [];
  for (const m of tx.msgs) for (const s of env.signersOf(m)) if (!signers.includes(s)) signers.push(s);
  // An explicit fee payer must sign too (the SDK appends it to the signer list).
  const payer = authInfo.fee?.payer;
  if (payer && !signers.includes(payer)) signers.push(payer);
  if (raw.signatures.length === 0 && !env.simulate) throw chainRuleError('sdk', 15, 'no signatures supplied');
  if (raw.signatures.length !== signers.length) {
    throw chainRuleError('sdk', 4, 'unauthorized', `wrong number of signers; expected ${signers.length}, got ${raw.signatures.length}`);
  }
  if (authInfo.signerInfos.length !== signers.length) {
    throw chainRuleError('sdk', 4, 'unauthorized', `invalid number of signer;  expected: ${signers.length}, got ${authInfo.signerInfos.length}`);
  }
  if (body.timeoutHeight > 0n) throw chainRuleError('sdk', 30, 'tx timeout height', 'timeout height is not supported by the devnet');
  const fee = authInfo.fee;
  const gasWanted = fee?.gasLimit ?? 0n;
  env.meter.consume(GAS.txSizePerByte * tx.bytes.length, 'txSize');

  // Fee: min gas price (CheckTx), then deduction from the fee payer (first signer unless `payer`).
  const feeCoins: Coin[] = (fee?.amount ?? []).map((c) => {
    if (!/^\d+$/.test(c.amount)) throw chainRuleError('sdk', 10, 'invalid coins', `${c.amount}${c.denom}`);
    return { denom: c.denom, amount: BigInt(c.amount) };
  });
  if (env.minGasPrice && !env.simulate) {
    const required = requiredFee(gasWanted, env.minGasPrice);
    const paid = feeCoins.find((c) => c.denom === FEE_DENOM)?.amount ?? 0n;
    if (paid < required) {
      throw chainRuleError('sdk', 13, 'insufficient fee', `insufficient fees; got: ${formatCoins(feeCoins)} required: ${required}${FEE_DENOM}`);
    }
  }
  if (fee?.granter) throw chainRuleError('sdk', 18, 'invalid request', 'fee grants are not supported by the devnet');
  const feePayer = fee?.payer || signers[0]!;
  if (!env.auth.getAccount(feePayer)) throw chainRuleError('sdk', 9, 'unknown address', `fee payer address: ${feePayer} does not exist`);
  const events: AbciEvent[] = [];
  const nonZeroFee = feeCoins.filter((c) => c.amount > 0n);
  if (nonZeroFee.length > 0) {
    try {
      env.bank.send(feePayer, env.feeCollector, nonZeroFee);
    } catch (err) {
      throw chainRuleError('sdk', 5, 'insufficient funds', (err as Error).message);
    }
    const amount = formatCoins(nonZeroFee);
    events.push(ev('coin_spent', { spender: feePayer, amount }), ev('coin_received', { receiver: env.feeCollector, amount }),
      ev('transfer', { recipient: env.feeCollector, sender: feePayer, amount }), ev('message', { sender: feePayer }));
  }
  events.push(ev('tx', { fee: formatCoins(feeCoins), fee_payer: feePayer }));
  env.meter.consume(GAS.anteStoreAccess, 'ante');

  // Pubkeys, sig gas, sequence, signature, increment — per signer.
  for (let i = 0; i < signers.length; i++) {
    const signer = signers[i]!;
    const acc = env.auth.getAccount(signer);
    if (!acc) throw chainRuleError('sdk', 9, 'unknown address', `account ${signer} does not exist`);
    const info = authInfo.signerInfos[i]!;
    let key = acc.pubkey ? { keyType: keyTypeFromTypeUrl(acc.pubkey.typeUrl), key: acc.pubkey.key, typeUrl: acc.pubkey.typeUrl } : undefined;
    if (info.publicKey) {
      const fromTx = decodeTxPubKey(info.publicKey, i);
      if (!env.simulate && cachedAddress(fromTx.key, fromTx.keyType) !== signer) {
        throw chainRuleError('sdk', 8, 'invalid pubkey', `pubKey does not match signer address ${signer} with signer index: ${i}`);
      }
      if (!key && !env.simulate) acc.pubkey = { typeUrl: fromTx.typeUrl, key: fromTx.key };
      key ??= fromTx;
    }
    if (!key) {
      if (!env.simulate) throw chainRuleError('sdk', 8, 'invalid pubkey', 'pubkey on account is not set');
      key = { keyType: 'secp256k1', key: new Uint8Array(33), typeUrl: '' };
    }
    env.meter.consume(key.keyType === 'eth_secp256k1' ? GAS.ethSigVerify : GAS.secpSigVerify, `ante verify: ${key.keyType}`);
    if (info.sequence !== acc.sequence) {
      throw chainRuleError('sdk', 32, 'incorrect account sequence', `account sequence mismatch, expected ${acc.sequence}, got ${info.sequence}`);
    }
    if (!env.simulate) {
      const mode = info.modeInfo?.single?.mode;
      const signBytes = SignDoc.encode({ bodyBytes: raw.bodyBytes, authInfoBytes: raw.authInfoBytes, chainId: env.chainId, accountNumber: acc.accountNumber }).finish();
      if (mode !== SIGN_MODE_DIRECT || !verifiedSignature(key.key, signBytes, raw.signatures[i]!, key.keyType)) {
        throw chainRuleError('sdk', 4, 'unauthorized',
          `signature verification failed; please verify account number (${acc.accountNumber}), sequence (${acc.sequence}) and chain-id (${env.chainId})`);
      }
    }
    events.push(ev('tx', { acc_seq: `${signer}/${acc.sequence}` }), ev('tx', { signature: toBase64(raw.signatures[i] ?? new Uint8Array()) }));
  }
  for (const s of signers) env.auth.getAccount(s)!.sequence += 1n;
  return { signers, events, gasWanted };
}

/** Test helpers for the devnet: raw JSON-RPC calls and hand-built signed txs (any key type, sig length, chain id). */
import { makeAuthInfoBytes } from '@cosmjs/proto-signing';
import { fromHex, toBase64 } from '@cosmjs/encoding';
import { TxRaw, TxBody, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { publicKeyOf, signMessage, typeUrlForKeyType, type AccountKeyType } from '../../src/crypto/account-keys.js';

export interface RpcReply {
  status: number;
  body: { result?: any; error?: { code: number; message: string; data: string } } & Record<string, any>;
}

export async function rpc(url: string, method: string, params: Record<string, unknown> = {}): Promise<RpcReply> {
  return rawPost(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
}

export async function rawPost(url: string, body: string): Promise<RpcReply> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as RpcReply['body'] };
}

export function sendMsg(from: string, to: string, amount: bigint) {
  return { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.encode({ fromAddress: from, toAddress: to, amount: [{ denom: 'ulume', amount: amount.toString() }] }).finish() };
}

export interface SignArgs {
  privateKeyHex: string;
  keyType?: AccountKeyType;
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
  msgs: { typeUrl: string; value: Uint8Array }[];
  gas?: bigint;
  feeUlume?: bigint;
  /** Cut eth signatures to 64 bytes (as cosmjs does); default keeps 65 (as the Go keyring does). */
  sig64?: boolean;
  /** Flip one bit of the signature. */
  corrupt?: boolean;
}

export function signTx(a: SignArgs): Uint8Array {
  const keyType = a.keyType ?? 'eth_secp256k1';
  const priv = fromHex(a.privateKeyHex);
  const pubkey = { typeUrl: typeUrlForKeyType(keyType), value: PubKey.encode({ key: publicKeyOf(priv) }).finish() };
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages: a.msgs })).finish();
  const gas = a.gas ?? 300_000n;
  const fee = a.feeUlume ?? gas / 100n;
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: a.sequence }], [{ denom: 'ulume', amount: fee.toString() }], Number(gas), undefined, undefined);
  const signDoc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: a.chainId, accountNumber: a.accountNumber }).finish();
  let sig = signMessage(priv, signDoc, keyType);
  if (a.sig64) sig = sig.subarray(0, 64);
  if (a.corrupt) {
    sig = Uint8Array.from(sig);
    sig[10]! ^= 0x01;
  }
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
}

export const b64 = toBase64;

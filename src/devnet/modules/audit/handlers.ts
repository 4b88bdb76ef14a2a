/**
 * Adapters from the keepers' typed functions to the module contract's byte-level handlers, using the
 * shared wire tables (query paths, msg type URLs, generated codecs). Shared by all three modules.
 */
import { decodeStrict, type MsgType, type QueryMethod, type WireCodec } from '../../../wire/index.js';
import { errorMessage } from '../../../util/errors.js';
import { ChainRuleError, type BlockContext, type EmitEvent, type MsgHandler, type QueryHandler, type TxContext } from '../types.js';
import { invalidArgument } from './errors.js';

/** A query handler: strict decode of the request, typed handler, encode of the response. */
export function queryHandler<Req extends object, Res extends object>(
  method: QueryMethod<WireCodec<Req>, WireCodec<Res>>,
  fn: (ctx: BlockContext, req: Req) => Parameters<WireCodec<Res>['fromPartial']>[0],
): [string, QueryHandler] {
  return [
    method.path,
    (ctx, bytes) => {
      let req: Req;
      try {
        req = decodeStrict(method.request, method.rpc, bytes);
      } catch (err) {
        throw invalidArgument(errorMessage(err));
      }
      return method.response.encode(method.response.fromPartial(fn(ctx, req))).finish();
    },
  ];
}

/**
 * A msg handler. `run` executes against state and may emit events; events are buffered and only passed
 * on when the msg succeeds (a failed msg leaves no events, as in the SDK).
 */
export function msgHandler<Msg extends object, Res extends object>(
  type: MsgType<string, Msg>,
  response: MsgType<string, Res>,
  signerOf: (msg: Msg) => string,
  run: (ctx: TxContext, msg: Msg, emit: EmitEvent) => Parameters<WireCodec<Res>['fromPartial']>[0],
): [string, MsgHandler] {
  const decode = (bytes: Uint8Array): Msg => {
    try {
      return decodeStrict(type.codec, type.typeUrl, bytes);
    } catch (err) {
      throw new ChainRuleError('sdk', 2, `unable to decode ${type.typeUrl}: ${errorMessage(err)}: tx parse error`);
    }
  };
  return [
    type.typeUrl,
    {
      signers: (bytes) => [signerOf(decode(bytes))],
      execute: (ctx, bytes, emit) => {
        const msg = decode(bytes);
        const events: Parameters<EmitEvent>[0][] = [];
        const res = run(ctx, msg, (e) => events.push(e));
        for (const e of events) emit(e);
        return response.codec.encode(response.codec.fromPartial(res)).finish();
      },
    },
  ];
}

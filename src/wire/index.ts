/** Wire definitions: generated codecs live in src/gen; this module adds the shared tables around them. */
export { decodeStrict, encodeMessage, isWireDecodeError, WireDecodeError, type WireCodec } from './codec.js';
export {
  actionMsgTypes,
  auditMsgTypes,
  createLumeraRegistry,
  lumeraMsgTypes,
  msgCodecOf,
  supernodeMsgTypes,
  typeUrlOf,
  type MsgType,
} from './msg-types.js';
export {
  actionQuery,
  auditQuery,
  lumeraQueryMethodsByPath,
  supernodeQuery,
  type AnyQueryMethod,
  type QueryMethod,
  type QueryTable,
} from './query-methods.js';
export * from './enum-names.js';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import {
  actionMsgTypes,
  actionQuery,
  auditMsgTypes,
  auditQuery,
  bucketTypeNames,
  createLumeraRegistry,
  healOpStatusNames,
  lumeraMsgTypes,
  lumeraQueryMethodsByPath,
  msgCodecOf,
  superNodeStateNames,
  supernodeMsgTypes,
  supernodeQuery,
  typeUrlOf,
  artifactClassNames,
  resultClassNames,
} from '../../src/wire/index.js';
import { MsgDefinition as AuditMsgDefinition, MsgSubmitEpochReport } from '../../src/gen/lumera/audit/v1/tx.js';
import { MsgDefinition as ActionMsgDefinition } from '../../src/gen/lumera/action/v1/tx.js';
import { MsgDefinition as SupernodeMsgDefinition } from '../../src/gen/lumera/supernode/v1/tx.js';
import { QueryCurrentEpochResponse } from '../../src/gen/lumera/audit/v1/query.js';
import { StorageProofBucketType, HealOpStatus } from '../../src/gen/lumera/audit/v1/audit.js';
import { SuperNodeState } from '../../src/gen/lumera/supernode/v1/supernode_state.js';
import { InvalidArgumentError } from '../../src/util/errors.js';
import { CascadeMetadata } from '../../src/gen/lumera/action/v1/metadata.js';
import { EpochAnchor } from '../../src/gen/lumera/audit/v1/epoch.js';

test('msg tables cover every rpc of each generated Msg service with /<package>.Msg<Rpc>[Response] URLs', () => {
  const cases = [
    { def: AuditMsgDefinition, table: auditMsgTypes as Record<string, { typeUrl: string; codec: object }>, pkg: 'lumera.audit.v1' },
    { def: ActionMsgDefinition, table: actionMsgTypes as Record<string, { typeUrl: string; codec: object }>, pkg: 'lumera.action.v1' },
    { def: SupernodeMsgDefinition, table: supernodeMsgTypes as Record<string, { typeUrl: string; codec: object }>, pkg: 'lumera.supernode.v1' },
  ];
  for (const { def, table, pkg } of cases) {
    const methods = Object.values(def.methods);
    assert.equal(Object.keys(table).length, methods.length * 2, `${pkg}: one request + one response per rpc`);
    for (const m of methods) {
      const req = table[`Msg${m.name}`];
      const res = table[`Msg${m.name}Response`];
      assert.ok(req && res, `${pkg} ${m.name} listed`);
      assert.equal(req.codec, m.requestType, `${pkg} ${m.name} request codec`);
      assert.equal(res.codec, m.responseType, `${pkg} ${m.name} response codec`);
      assert.equal(req.typeUrl, `/${pkg}.Msg${m.name}`);
      assert.equal(res.typeUrl, `/${pkg}.Msg${m.name}Response`);
    }
  }
  assert.equal(Object.keys(AuditMsgDefinition.methods).length, 6, 'spec 02 §2 lists six audit Msgs');
  assert.equal(auditMsgTypes.MsgSubmitEpochReport.typeUrl, '/lumera.audit.v1.MsgSubmitEpochReport');
  assert.equal(actionMsgTypes.MsgFinalizeAction.typeUrl, '/lumera.action.v1.MsgFinalizeAction');
  assert.equal(new Set(lumeraMsgTypes.map((m) => m.typeUrl)).size, lumeraMsgTypes.length, 'type URLs unique');
});

test('typeUrlOf / msgCodecOf map both ways and reject unknown codecs', () => {
  assert.equal(typeUrlOf(MsgSubmitEpochReport), '/lumera.audit.v1.MsgSubmitEpochReport');
  assert.equal(msgCodecOf('/lumera.audit.v1.MsgSubmitEpochReport'), MsgSubmitEpochReport);
  assert.equal(msgCodecOf('/lumera.audit.v1.Nope'), undefined);
  assert.throws(() => typeUrlOf(QueryCurrentEpochResponse), InvalidArgumentError);
});

test('cosmjs Registry encodes and decodes Lumera Msgs and keeps the cosmjs defaults', () => {
  const registry = createLumeraRegistry();
  const value = MsgSubmitEpochReport.fromPartial({
    creator: 'lumera1creator',
    epochId: 5_000_000_000n,
    hostReport: { diskUsagePercent: 42.5 },
    storageProofResults: [{ targetSupernodeAccount: 'lumera1target', bucketType: StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_OLD }],
  });
  const typeUrl = auditMsgTypes.MsgSubmitEpochReport.typeUrl;
  const bytes = registry.encode({ typeUrl, value });
  assert.deepEqual(bytes, MsgSubmitEpochReport.encode(value).finish());
  assert.deepEqual(registry.decode({ typeUrl, value: bytes }), value);

  const bodyBytes = registry.encodeTxBody({ messages: [{ typeUrl, value }], memo: '' });
  const body = TxBody.decode(bodyBytes);
  assert.equal(body.messages[0]?.typeUrl, typeUrl);
  assert.deepEqual(body.messages[0]?.value, bytes);

  assert.ok(registry.lookupType('/cosmos.bank.v1beta1.MsgSend'), 'cosmjs default types stay registered');
  for (const m of lumeraMsgTypes) assert.ok(registry.lookupType(m.typeUrl), m.typeUrl);
});

test('query tables carry full ABCI paths and the generated codecs', () => {
  assert.equal(auditQuery.currentEpoch.path, '/lumera.audit.v1.Query/CurrentEpoch');
  assert.equal(auditQuery.currentEpoch.response, QueryCurrentEpochResponse);
  assert.equal(auditQuery.healOpsByStatus.path, '/lumera.audit.v1.Query/HealOpsByStatus');
  assert.equal(actionQuery.listActionsBySuperNode.path, '/lumera.action.v1.Query/ListActionsBySuperNode');
  assert.equal(supernodeQuery.getTopSuperNodesForBlock.path, '/lumera.supernode.v1.Query/GetTopSuperNodesForBlock');
  assert.equal(Object.keys(auditQuery).length, 18, 'spec 02 §3 lists 18 audit queries');
  assert.equal(Object.keys(actionQuery).length, 9, 'spec 02 §6.3 lists 9 action queries');
  assert.equal(Object.keys(supernodeQuery).length, 9, 'spec 02 §7.2 lists 9 supernode queries');
  assert.equal(lumeraQueryMethodsByPath.size, 36);
  const m = lumeraQueryMethodsByPath.get('/lumera.audit.v1.Query/CurrentEpoch');
  assert.equal(m?.rpc, 'CurrentEpoch');
  assert.equal(m?.service, 'lumera.audit.v1.Query');
  const bytes = auditQuery.currentEpoch.response.encode({ epochId: 7n, epochStartHeight: 2801n, epochEndHeight: 3200n }).finish();
  assert.deepEqual(auditQuery.currentEpoch.response.decode(bytes), { epochId: 7n, epochStartHeight: 2801n, epochEndHeight: 3200n });
});

test('enum name maps give short domain names and parse full or short names case-insensitively', () => {
  assert.equal(bucketTypeNames.shortName(StorageProofBucketType.STORAGE_PROOF_BUCKET_TYPE_RECENT), 'RECENT');
  assert.equal(bucketTypeNames.fullName(4), 'STORAGE_PROOF_BUCKET_TYPE_RECHECK');
  assert.equal(bucketTypeNames.shortName(9), undefined);
  assert.equal(bucketTypeNames.shortName(-1), undefined, 'UNRECOGNIZED is not a proto value');
  assert.deepEqual(bucketTypeNames.values, [0, 1, 2, 3, 4]);
  assert.equal(artifactClassNames.shortName(2), 'SYMBOL');
  assert.equal(resultClassNames.parse('no_eligible_ticket'), 5);
  assert.equal(healOpStatusNames.parse('HEAL_OP_STATUS_HEALER_REPORTED'), HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED);
  assert.equal(superNodeStateNames.parse(' active '), SuperNodeState.SUPERNODE_STATE_ACTIVE);
  assert.equal(superNodeStateNames.parse('SUPERNODE_STATE_STORAGE_FULL'), 6);
  assert.equal(superNodeStateNames.parse('bogus'), undefined);
});

test('JSON: fromJSON accepts Go/REST snake_case names; toJSON emits canonical proto3 JSON', () => {
  const goJson = { data_hash: 'dh', rq_ids_ic: '5', rq_ids_ids: ['a', 'b'], index_artifact_count: 3, public: true };
  const meta = CascadeMetadata.fromJSON(goJson);
  assert.equal(meta.rqIdsIc, 5n);
  assert.deepEqual(meta.rqIdsIds, ['a', 'b']);
  assert.equal(meta.indexArtifactCount, 3);
  assert.deepEqual(CascadeMetadata.toJSON(meta), { dataHash: 'dh', rqIdsIc: '5', rqIdsIds: ['a', 'b'], public: true, indexArtifactCount: 3 });
  const anchor = EpochAnchor.fromJSON({ epoch_id: '18446744073709551615', seed: Buffer.from([1, 2]).toString('base64') });
  assert.equal(anchor.epochId, 18446744073709551615n, 'uint64 max survives JSON as a string');
  assert.deepEqual(anchor.seed, Uint8Array.of(1, 2));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSymbol, decodeBytes, encodeBytes, LayoutDecoder } from '../../src/cascade/codec.js';
import { isCascadeError } from '../../src/cascade/errors.js';
import { checkIdFile, indexFiles, layoutFiles, parseIndexFile, parseLayoutFile } from '../../src/cascade/id-files.js';
import { buildActionIdFiles, verifyRqIdsIds } from '../../src/cascade/action-artefacts.js';
import { layoutJson, parseLayout } from '../../src/cascade/layout.js';
import { makeFile } from '../../src/cascade/patterns.js';
import { zstdCompress } from '../../src/cascade/zstd.js';
import { isInvalidArgument } from '../../src/util/errors.js';

const ctx = { actionId: '1234' };
const data = makeFile({ size: 200_000, pattern: 'xorshift32', seed: 99 }); // K = 4, 20 symbols
const { layout, packets } = encodeBytes(data);
const ids = layout.blocks[0]!.symbols;
const SIG = Buffer.alloc(64, 3).toString('base64');

test('bad input: a truncated symbol is CASCADE_SYMBOL_CORRUPT naming action and symbol', () => {
  assert.throws(
    () => checkSymbol(ids[0]!, packets[0]!.subarray(0, 1000), ctx),
    (e) => isCascadeError(e, 'CASCADE_SYMBOL_CORRUPT') && e.actionId === '1234' && e.artefact === ids[0] && e.details.reason === 'truncated' && e.message.includes(ids[0]!),
  );
});

test('bad input: a corrupted symbol is CASCADE_SYMBOL_CORRUPT; decode skips it and reports it', () => {
  const bad = Uint8Array.from(packets[1]!);
  bad[5000] = bad[5000]! ^ 0x40;
  assert.throws(() => checkSymbol(ids[1]!, bad, ctx), (e) => isCascadeError(e, 'CASCADE_SYMBOL_CORRUPT') && e.details.reason === 'corrupted');
  // Corrupt symbol 1 and truncate symbol 2, but enough good symbols remain: decode succeeds and lists them.
  const res = decodeBytes(layout, (pos) => (pos === 1 ? bad : pos === 2 ? packets[2]!.subarray(0, 10) : packets[pos]), ctx);
  assert.deepEqual(Buffer.from(res.data), Buffer.from(data));
  assert.deepEqual(res.rejected, [
    { id: ids[1], reason: 'corrupted' },
    { id: ids[2], reason: 'truncated' },
  ]);
});

test('bad input: a decode that cannot complete is CASCADE_DECODE_INCOMPLETE with counts', () => {
  // Three good symbols (K = 4) plus one corrupted one.
  const bad = Uint8Array.from(packets[10]!);
  bad[100] = bad[100]! ^ 1;
  assert.throws(
    () => decodeBytes(layout, (pos) => (pos < 3 ? packets[pos] : pos === 10 ? bad : undefined), ctx),
    (e) => isCascadeError(e, 'CASCADE_DECODE_INCOMPLETE') && e.actionId === '1234' && e.details.used === 3 && e.details.needed === 4 && Array.isArray(e.details.rejected),
  );
  assert.throws(() => decodeBytes(layout, () => undefined, ctx), (e) => isCascadeError(e, 'CASCADE_DECODE_INCOMPLETE') && e.details.used === 0);
});

test('bad input: a layout whose hash does not match the rebuilt block never yields bytes', () => {
  const lying = parseLayout(layoutJson(layout));
  lying.blocks[0]!.hash = ids[0]!; // a valid-looking id that is not the block hash
  const dec = new LayoutDecoder(lying, ctx);
  try {
    assert.throws(() => {
      for (let i = 0; i < packets.length; i++) dec.add(i, packets[i]);
    }, (e) => isCascadeError(e, 'CASCADE_DECODE_INCOMPLETE') && /hashes to/.test(e.message));
  } finally {
    dec.close();
  }
});

test('bad input: layouts that do not parse are CASCADE_LAYOUT_INVALID naming the artefact', () => {
  const good = JSON.parse(layoutJson(layout)) as { blocks: Array<Record<string, unknown>> };
  const variants: Array<[string, string]> = [
    ['not json', '{"blocks":['],
    ['no blocks', '{}'],
    ['two blocks', JSON.stringify({ blocks: [good.blocks[0], good.blocks[0]] })],
    ['zero blocks', JSON.stringify({ blocks: [] })],
    ['oti 11 bytes', JSON.stringify({ blocks: [{ ...good.blocks[0], encoder_parameters: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }] })],
    ['oti byte 256', JSON.stringify({ blocks: [{ ...good.blocks[0], encoder_parameters: [256, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }] })],
    ['size differs from OTI', JSON.stringify({ blocks: [{ ...good.blocks[0], size: 199_999 }] })],
    ['symbol not base58', JSON.stringify({ blocks: [{ ...good.blocks[0], symbols: ['../../etc/passwd'] }] })],
    ['no symbols', JSON.stringify({ blocks: [{ ...good.blocks[0], symbols: [] }] })],
    ['negative offset', JSON.stringify({ blocks: [{ ...good.blocks[0], original_offset: -1 }] })],
    ['block id 1', JSON.stringify({ blocks: [{ ...good.blocks[0], block_id: 1 }] })],
  ];
  for (const [name, text] of variants) {
    assert.throws(
      () => parseLayout(text, { actionId: '7', artefact: 'LayoutIdX' }),
      (e) => isCascadeError(e, 'CASCADE_LAYOUT_INVALID') && e.actionId === '7' && e.artefact === 'LayoutIdX',
      name,
    );
  }
  // Go also accepts the OTI as base64; the result is the same layout.
  const b64 = JSON.stringify({ blocks: [{ ...good.blocks[0], encoder_parameters: Buffer.from(layout.blocks[0]!.encoder_parameters).toString('base64') }] });
  assert.deepEqual(parseLayout(b64), layout);
});

test('bad input: ID files that are not zstd, have the wrong shape or carry a bad layout are CASCADE_ID_FILE_INVALID / LAYOUT_INVALID', () => {
  const where = { actionId: '5', artefact: 'SomeIndexId' };
  assert.throws(() => parseIndexFile(Buffer.from('garbage bytes'), where), (e) => isCascadeError(e, 'CASCADE_ID_FILE_INVALID') && e.artefact === 'SomeIndexId');
  assert.throws(() => parseIndexFile(zstdCompress(Buffer.from('a.b')), where), (e) => isCascadeError(e, 'CASCADE_ID_FILE_INVALID'));
  assert.throws(() => parseIndexFile(zstdCompress(Buffer.from('e30=.c2ln.x1')), where), (e) => isCascadeError(e, 'CASCADE_ID_FILE_INVALID'));
  assert.throws(() => parseIndexFile(zstdCompress(Buffer.from('e30=.c2ln.1')), where), (e) => isCascadeError(e, 'CASCADE_ID_FILE_INVALID') && /layout_ids/.test(e.message));
  const notLayout = zstdCompress(Buffer.from(`${Buffer.from('{"blocks":[]}').toString('base64')}.${SIG}.1`));
  assert.throws(() => parseLayoutFile(notLayout, where), (e) => isCascadeError(e, 'CASCADE_LAYOUT_INVALID'));
  // A frame that claims a huge content size is refused before allocating.
  const huge = Buffer.from(zstdCompress(Buffer.alloc(1)));
  huge[5] = 0xff; // corrupt the declared size byte(s)
  assert.throws(() => parseIndexFile(huge, where), (e) => isCascadeError(e, 'CASCADE_ID_FILE_INVALID'));
});

test('bad input: an index file whose content does not hash to its id is CASCADE_ID_MISMATCH', () => {
  const layoutIds = layoutFiles(Buffer.from(layoutJson(layout)).toString('base64'), SIG, 1n, 3n).map((f) => f.id);
  const indexB64 = Buffer.from(JSON.stringify({ layout_ids: layoutIds, layout_signature: SIG, version: 1 })).toString('base64');
  const signatures = `${indexB64}.${SIG}`;
  const files = indexFiles(signatures, 1n, 3n);
  assert.throws(
    () => checkIdFile(files[0]!.id, files[1]!.bytes, { actionId: '77' }),
    (e) => isCascadeError(e, 'CASCADE_ID_MISMATCH') && e.actionId === '77' && e.artefact === files[0]!.id,
  );
  // rq_ids_ids that are not the index ids, and an index listing layout ids of another layout.
  assert.throws(
    () => verifyRqIdsIds({ signatures, rqIdsIc: 1n, rqIdsMax: 3n, rqIdsIds: [files[0]!.id, files[2]!.id, files[1]!.id] }, { actionId: '77' }),
    (e) => isCascadeError(e, 'CASCADE_ID_MISMATCH') && e.artefact === files[2]!.id,
  );
  const other = encodeBytes(makeFile({ size: 9, pattern: 'zero' })).layout;
  assert.throws(() => buildActionIdFiles({ signatures, rqIdsIc: 1n, rqIdsMax: 3n }, other, { actionId: '77' }), (e) => isCascadeError(e, 'CASCADE_ID_MISMATCH'));
  assert.doesNotThrow(() => buildActionIdFiles({ signatures, rqIdsIc: 1n, rqIdsMax: 3n }, layout));
});

test('bad input: counters and signature strings out of range are InvalidArgument naming the field', () => {
  assert.throws(() => indexFiles('abc', 1n, 3n), (e) => isInvalidArgument(e) && e.argument === 'signatures');
  assert.throws(() => indexFiles(`e30=.${SIG}`, 1n, 0n), (e) => isInvalidArgument(e) && e.argument === 'rq_ids_max');
  assert.throws(() => indexFiles(`e30=.${SIG}`, -1n, 3n), (e) => isInvalidArgument(e) && e.argument === 'rq_ids_ic');
  assert.throws(() => indexFiles(`e30=.${SIG}`, (1n << 64n) - 1n, 2n), (e) => isInvalidArgument(e) && e.argument === 'rq_ids_ic');
  assert.throws(() => layoutFiles('not base64!', SIG, 1n, 1n), (e) => isInvalidArgument(e) && e.argument === 'layoutB64');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFile, encodeFile } from '../../src/cascade/jobs.js';
import { isCascadeError } from '../../src/cascade/errors.js';
import { dataHashB64 } from '../../src/cascade/hash.js';
import { makeFile } from '../../src/cascade/patterns.js';
import { MAX_CASCADE_FILE_BYTES } from '../../src/cascade/params.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-file-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('file codec: encode to a directory, lose most symbols, decode to a verified file', async () => {
  await withDir(async (dir) => {
    const data = makeFile({ size: 3_000_000, pattern: 'xorshift32', seed: 7 });
    await writeFile(join(dir, 'in.bin'), data);
    const enc = await encodeFile(join(dir, 'in.bin'), join(dir, 'symbols'), { actionId: '3' });
    assert.equal(enc.dataHashB64, dataHashB64(data));
    const ids = enc.layout.blocks[0]!.symbols;
    assert.deepEqual((await readdir(join(dir, 'symbols', 'block_0'))).sort(), [...ids].sort());
    // Keep every 5th symbol (the Go download path's first attempt), delete the rest.
    for (let i = 0; i < ids.length; i++) if (i % 5 !== 0) await unlink(join(dir, 'symbols', 'block_0', ids[i]!));
    const paths = ids.map((id) => join(dir, 'symbols', 'block_0', id));
    const res = await decodeFile(enc.layout, paths, join(dir, 'out.bin'), { expectedDataHashB64: enc.dataHashB64 }, { actionId: '3' });
    assert.equal(res.size, data.length);
    assert.deepEqual(await readFile(join(dir, 'out.bin')), Buffer.from(data));
  });
});

test('file codec: a decode that cannot complete writes nothing under the final name', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'in.bin'), makeFile({ size: 300_000, pattern: 'mod251' }));
    const enc = await encodeFile(join(dir, 'in.bin'), join(dir, 'symbols'));
    const ids = enc.layout.blocks[0]!.symbols;
    const paths = ids.map((id, i) => (i < 2 ? join(dir, 'symbols', 'block_0', id) : undefined)); // K = 5
    await assert.rejects(
      decodeFile(enc.layout, paths, join(dir, 'out.bin'), {}, { actionId: '8' }),
      (e) => isCascadeError(e, 'CASCADE_DECODE_INCOMPLETE') && e.actionId === '8',
    );
    const left = await readdir(dir);
    assert.deepEqual(left.sort(), ['in.bin', 'symbols']);
  });
});

test('file codec: a wrong data hash is CASCADE_DATA_HASH_MISMATCH and leaves no output', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'in.bin'), makeFile({ size: 70_000, pattern: 'mod251' }));
    const enc = await encodeFile(join(dir, 'in.bin'), join(dir, 'symbols'));
    const paths = enc.layout.blocks[0]!.symbols.map((id) => join(dir, 'symbols', 'block_0', id));
    await assert.rejects(
      decodeFile(enc.layout, paths, join(dir, 'out.bin'), { expectedDataHashB64: dataHashB64(new Uint8Array([1])) }, { actionId: '9' }),
      (e) => isCascadeError(e, 'CASCADE_DATA_HASH_MISMATCH') && e.actionId === '9',
    );
    assert.deepEqual((await readdir(dir)).sort(), ['in.bin', 'symbols']);
  });
});

test('file codec: oversized and empty inputs fail before any worker or allocation', async () => {
  await withDir(async (dir) => {
    const big = join(dir, 'big.bin');
    const fh = await open(big, 'w');
    await fh.close();
    await truncate(big, MAX_CASCADE_FILE_BYTES + 1); // sparse: no disk space, no memory
    await assert.rejects(encodeFile(big, join(dir, 'out')), (e) => isCascadeError(e, 'CASCADE_FILE_TOO_LARGE') && e.details.limit === MAX_CASCADE_FILE_BYTES);
    await writeFile(join(dir, 'empty.bin'), new Uint8Array(0));
    await assert.rejects(encodeFile(join(dir, 'empty.bin'), join(dir, 'out')), (e) => isCascadeError(e, 'CASCADE_EMPTY_FILE'));
    assert.deepEqual((await readdir(dir)).sort(), ['big.bin', 'empty.bin']);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { encodeBytes } from '../../src/cascade/codec.js';
import { layoutJson, parseLayout } from '../../src/cascade/layout.js';
import { makeFile } from '../../src/cascade/patterns.js';

interface RqLibrary {
  initSync(opts: { module: Uint8Array }): void;
  RaptorQSession: new (symbolSize: number, redundancy: number, maxMemoryMb: bigint, concurrency: bigint) => {
    encode_file(input: string, outDir: string, blockSize: number): Promise<unknown>;
    free(): void;
  };
  writeFileChunk(path: string, offset: number, data: Uint8Array): Promise<void>;
}

// Independent oracle: Lumera's rq-library (raptorq 2.0.0) built to wasm, configured like the Go supernode.
test('cross-check: our encoder matches rq-library-wasm byte for byte on files the vectors do not cover', async () => {
  const g = globalThis as unknown as { window?: unknown; memFiles?: Map<string, Uint8Array> };
  g.window = globalThis; // the package's in-memory file system registers itself on `window`
  const require = createRequire(import.meta.url);
  const dir = require.resolve('rq-library-wasm/package.json').replace(/package\.json$/, '');
  const core = (await import(`${dir}rq_library.js`)) as RqLibrary;
  const fs = (await import(`${dir}index.js`)) as RqLibrary;
  core.initSync({ module: readFileSync(`${dir}rq_library_bg.wasm`) });
  const session = new fs.RaptorQSession(65535, 6, 8192n, 1n);
  try {
    for (const [size, seed] of [[777_777, 5], [1_048_576, 11], [65_535, 3]] as const) {
      const data = makeFile({ size, pattern: 'xorshift32', seed });
      const inPath = `in-${size}`;
      await fs.writeFileChunk(inPath, 0, data);
      await session.encode_file(inPath, `out-${size}`, 1_342_177_280);
      const theirs = parseLayout(new TextDecoder().decode(g.memFiles!.get(`out-${size}/_raptorq_layout.json`)));
      const ours = encodeBytes(data);
      assert.equal(layoutJson(ours.layout), layoutJson(theirs), `layout of ${size} bytes`);
      const ids = theirs.blocks[0]!.symbols;
      for (let i = 0; i < ids.length; i++) {
        assert.deepEqual(Buffer.from(ours.packets[i]!), Buffer.from(g.memFiles!.get(`out-${size}/block_0/${ids[i]}`)!), `packet ${i} of ${size} bytes`);
      }
      for (const k of [...g.memFiles!.keys()]) g.memFiles!.delete(k);
    }
  } finally {
    session.free();
  }
});

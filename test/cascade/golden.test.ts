import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { encodeBytes, decodeBytes } from '../../src/cascade/codec.js';
import { dataHashB64, blake3Base58 } from '../../src/cascade/hash.js';
import { layoutJson, parseLayout } from '../../src/cascade/layout.js';
import { makeFile } from '../../src/cascade/patterns.js';
import {
  checkIdFile,
  indexFiles,
  indexJson,
  layoutB64,
  layoutFiles,
  parseIndexFile,
  parseLayoutFile,
} from '../../src/cascade/id-files.js';
import { buildActionIdFiles, verifyRqIdsIds } from '../../src/cascade/action-artefacts.js';
import { zstdCompress, zstdVersion } from '../../src/cascade/zstd.js';
import { signMessage } from '../../src/crypto/account-keys.js';
import { repoRoot } from '../helpers/vectors.js';

interface Golden {
  size: number;
  privateKeyHex: string;
  rq_ids_ic: string;
  rq_ids_max: string;
  layoutJson: string;
  layoutSignature: string;
  layoutIds: string[];
  layoutFile0Hex: string;
  indexJson: string;
  signatures: string;
  rqIdsIds: string[];
  indexFile0Hex: string;
}

const golden = JSON.parse(readFileSync(join(repoRoot(), 'test', 'cascade', 'fixtures', 'worked-example.json'), 'utf8')) as Golden;

// The layout string of spec 05 §1.4, verbatim (line breaks in the spec removed).
const SPEC_LAYOUT =
  '{"blocks":[{"block_id":0,"encoder_parameters":[0,0,0,19,136,0,255,248,1,0,1,8],"original_offset":0,"size":5000,' +
  '"symbols":["4d8GpPwP2yz8cbnGoxMdTMBpN4rB3YYNNSwz96pCvYre","2bdc5AyZH4V3Vv1JMW1ocPRDpg5TuLBLHV881BjK4LiL",' +
  '"6VtC9EdWdSav6eQeP9L7ApEn5FvYs1rZ4xfvL2u9cHSs","HyYgRkPE5SiKtChP5csrNkXWTEfdabQ7pY7Eqwc6DpRj",' +
  '"BVVSxVHAjtRHr7BM8owSq9KMD2pDQBquHRxKtk5Zz1Wt","BskhswstMhJ2SShSX1ZRTVoWXiTiziTqDQJjAXdRfyab",' +
  '"Aseh1vpFXs8F9FEAA9xnrBrp63bYe93U7DPAeB3ApwuS"],"hash":"H3tupt3GaF5Uw3Z7T82gB2rQgmeKfUkD7bUn52TtXxPX"}]}';

const priv = Buffer.from(golden.privateKeyHex, 'hex');
const sign = (text: string) => Buffer.from(signMessage(priv, Buffer.from(text), 'eth_secp256k1').subarray(0, 64)).toString('base64');
const ic = BigInt(golden.rq_ids_ic);
const max = BigInt(golden.rq_ids_max);

test('golden: worked example layout, symbol ids and data hash match spec 05 §1.4', () => {
  const data = makeFile({ size: 5000, pattern: 'mod251' });
  const { layout, packets } = encodeBytes(data);
  assert.equal(layoutJson(layout), SPEC_LAYOUT);
  assert.equal(dataHashB64(data), '7njZIHDePfHFfDcAKr8Kaxpliaze702P+sfPPZ6PKDY=');
  assert.equal(packets.length, 7);
  for (const p of packets) assert.equal(p.length, 65532);
  assert.deepEqual(parseLayout(SPEC_LAYOUT), layout);
  assert.equal(golden.layoutJson, SPEC_LAYOUT);
});

test('golden: worked example layout files and layout ids', () => {
  const layout = parseLayout(SPEC_LAYOUT);
  const lb64 = layoutB64(layout);
  const sig = sign(lb64);
  assert.equal(sig, golden.layoutSignature);
  const files = layoutFiles(lb64, sig, ic, max);
  assert.deepEqual(files.map((f) => f.id), golden.layoutIds);
  assert.equal(Buffer.from(files[0]!.bytes).toString('hex'), golden.layoutFile0Hex);
  const parsed = parseLayoutFile(files[49]!.bytes);
  assert.equal(parsed.counter, ic + 49n);
  assert.equal(parsed.layoutSignature, sig);
  assert.deepEqual(parsed.layout, layout);
});

test('golden: worked example index, index files and rq_ids_ids', () => {
  const ij = indexJson({ layout_ids: golden.layoutIds, layout_signature: golden.layoutSignature, version: 1 });
  assert.equal(ij, golden.indexJson);
  assert.ok(ij.startsWith('{"layout_ids":["') && ij.endsWith(`"],"layout_signature":"${golden.layoutSignature}","version":1}`));
  const indexB64 = Buffer.from(ij).toString('base64');
  assert.equal(`${indexB64}.${sign(indexB64)}`, golden.signatures);
  const files = indexFiles(golden.signatures, ic, max);
  assert.deepEqual(files.map((f) => f.id), golden.rqIdsIds);
  assert.equal(Buffer.from(files[0]!.bytes).toString('hex'), golden.indexFile0Hex);
  for (const f of files) checkIdFile(f.id, f.bytes);
  const parsed = parseIndexFile(files[3]!.bytes);
  assert.equal(parsed.signatures, golden.signatures);
  assert.equal(parsed.counter, ic + 3n);
  assert.deepEqual(parsed.index.layout_ids, golden.layoutIds);
  // The whole action: layout files match the index, rq_ids_ids are the index ids.
  const all = buildActionIdFiles({ signatures: golden.signatures, rqIdsIc: ic, rqIdsMax: max }, parseLayout(SPEC_LAYOUT), { actionId: '42' });
  assert.deepEqual(all.rqIdsIds, golden.rqIdsIds);
  verifyRqIdsIds({ signatures: golden.signatures, rqIdsIc: ic, rqIdsMax: max, rqIdsIds: golden.rqIdsIds });
});

test('golden: zstd is libzstd 1.5.7 one-shot level 3 and agrees with an independent libzstd wasm build', async () => {
  assert.equal(zstdVersion(), '1.5.7');
  const require = createRequire(import.meta.url);
  const wasm = require('@bokuweb/zstd-wasm') as { init: () => Promise<void>; compress: (b: Uint8Array, level: number) => Uint8Array };
  await wasm.init();
  const payloads = [golden.signatures + '.7', `${golden.layoutJson}`, 'x', 'a.b.18446744073709551615'];
  let seed = 1;
  for (const n of [100, 5_000, 140_000, 700_000]) {
    // Base58-like text, the shape of real layout payloads; long enough to span several zstd blocks.
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let s = '';
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += alphabet[(seed >>> 16) % alphabet.length];
    }
    payloads.push(Buffer.from(s).toString('base64'));
  }
  for (const p of payloads) {
    const a = zstdCompress(Buffer.from(p));
    const b = wasm.compress(Buffer.from(p), 3);
    assert.equal(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'), `payload of ${p.length} chars`);
  }
});

test('golden: decode of the worked example from any single symbol (K = 1)', () => {
  const data = makeFile({ size: 5000, pattern: 'mod251' });
  const { layout, packets } = encodeBytes(data);
  for (let only = 0; only < packets.length; only++) {
    const { data: out } = decodeBytes(layout, (pos) => (pos === only ? packets[pos] : undefined));
    assert.equal(blake3Base58(out), layout.blocks[0]!.hash);
  }
});

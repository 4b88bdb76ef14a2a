/**
 * File-level encode and decode, the code that runs inside the codec worker (codec-worker.ts). Output is
 * always written under a temporary name and renamed into place only when complete and verified.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { encodeBytes, LayoutDecoder } from './codec.js';
import { CascadeError, type CascadeContext } from './errors.js';
import { dataHashB64 } from './hash.js';
import { layoutJson, type Layout } from './layout.js';
import { checkFileSize, PACKET_BYTES } from './params.js';

export interface EncodeFileResult {
  layout: Layout;
  dataHashB64: string;
  /** Directory holding `block_0/<symbol id>` files and `_raptorq_layout.json` (Go-JSON). */
  symbolsDir: string;
}

function partialName(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial-${randomBytes(6).toString('hex')}`);
}

async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Encodes `inputPath` into `outDir` (which must not exist yet). Symbols are written to a sibling temp
 * directory that is renamed to `outDir` at the end; consumers still verify every symbol against its id.
 */
export async function encodeFileInProcess(inputPath: string, outDir: string, ctx: CascadeContext = {}): Promise<EncodeFileResult> {
  const { size } = await stat(inputPath);
  checkFileSize(size, { ...ctx, artefact: ctx.artefact ?? inputPath });
  const data = await readFile(inputPath);
  const hash = dataHashB64(data);
  const { layout, packets } = encodeBytes(data, ctx);
  const tmp = partialName(outDir);
  try {
    await mkdir(join(tmp, 'block_0'), { recursive: true, mode: 0o700 });
    const ids = layout.blocks[0]!.symbols;
    for (let i = 0; i < packets.length; i++) await writeFile(join(tmp, 'block_0', ids[i]!), packets[i]!, { mode: 0o600 });
    await writeFile(join(tmp, '_raptorq_layout.json'), layoutJson(layout), { mode: 0o600 });
    await rename(tmp, outDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { layout, dataHashB64: hash, symbolsDir: outDir };
}

export interface DecodeFileOptions {
  /** When set, the decoded file must have this data hash (CASCADE_DATA_HASH_MISMATCH otherwise). */
  expectedDataHashB64?: string;
}

export interface DecodeFileResult {
  size: number;
  dataHashB64: string;
  used: number;
  rejected: Array<{ id: string; reason: string }>;
}

async function readSymbol(path: string | undefined): Promise<Uint8Array | undefined> {
  if (!path) return undefined;
  try {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      // Read at most one byte more than a packet so oversize files are seen as corrupt without reading them whole.
      const buf = Buffer.alloc(Math.min(st.size, PACKET_BYTES + 1));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // missing symbol, like rq-library
    throw err;
  }
}

/**
 * Decodes from symbol files (`symbolPaths[i]` = file of layout symbol i, or undefined when not available)
 * into `outPath`. Symbols are read in layout order only until the decoder completes.
 */
export async function decodeFileInProcess(
  layout: Layout,
  symbolPaths: ReadonlyArray<string | undefined>,
  outPath: string,
  opts: DecodeFileOptions = {},
  ctx: CascadeContext = {},
): Promise<DecodeFileResult> {
  const symbols = layout.blocks[0]?.symbols ?? [];
  if (symbolPaths.length !== symbols.length) throw new CascadeError('CASCADE_LAYOUT_INVALID', `got ${symbolPaths.length} symbol paths for ${symbols.length} symbols`, ctx);
  const dec = new LayoutDecoder(layout, ctx);
  let data: Uint8Array | undefined;
  try {
    for (let pos = 0; pos < symbols.length && !data; pos++) data = dec.add(pos, await readSymbol(symbolPaths[pos]));
    if (!data) throw dec.incomplete();
  } finally {
    dec.close();
  }
  const result = { data, used: dec.used, rejected: dec.rejected };
  const hash = dataHashB64(result.data);
  if (opts.expectedDataHashB64 !== undefined && hash !== opts.expectedDataHashB64) {
    throw new CascadeError('CASCADE_DATA_HASH_MISMATCH', `decoded file hash ${hash} differs from data_hash ${opts.expectedDataHashB64}`, ctx);
  }
  const tmp = partialName(outPath);
  try {
    await writeFile(tmp, result.data, { mode: 0o600 });
    await syncPath(tmp);
    await rename(tmp, outPath);
    await syncPath(dirname(outPath));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { size: result.data.length, dataHashB64: hash, used: result.used, rejected: result.rejected };
}

/**
 * Public file-level cascade operations. Each job runs in its own worker thread (codec-worker.ts); at most
 * `MAX_CONCURRENT_CODEC_JOBS` run at once (the Go daemon uses concurrency 1 for the same reason: each job can
 * need ≈ 16× the file size in memory, see CODEC.md). Sizes are checked before a worker is started.
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';
import { CascadeError, type CascadeContext, type CascadeErrorCode } from './errors.js';
import type { DecodeFileOptions, DecodeFileResult, EncodeFileResult } from './file-codec.js';
import type { Layout } from './layout.js';
import { checkFileSize } from './params.js';

export type { DecodeFileOptions, DecodeFileResult, EncodeFileResult } from './file-codec.js';

export const MAX_CONCURRENT_CODEC_JOBS = 1;

export type CodecJob =
  | { op: 'encode'; inputPath: string; outDir: string; ctx: CascadeContext }
  | { op: 'decode'; layout: Layout; symbolPaths: Array<string | undefined>; outPath: string; opts: DecodeFileOptions; ctx: CascadeContext };

export type CodecReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; code?: string; message: string; details?: Record<string, unknown> } };

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_CODEC_JOBS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function revive(e: Extract<CodecReply, { ok: false }>['error']): Error {
  const details = e.details ?? {};
  if (e.code?.startsWith('CASCADE_')) {
    // The message already carries the context prefix; rebuild without adding it twice.
    const err = new CascadeError(e.code as CascadeErrorCode, e.message, {}, details);
    Object.assign(err, { actionId: details.actionId, artefact: details.artefact });
    return err;
  }
  if (e.code === 'INVALID_ARGUMENT' && typeof details.argument === 'string') {
    const err = new InvalidArgumentError(details.argument, '', details);
    err.message = e.message;
    return err;
  }
  if (e.code) return new SupernodeError(e.code, e.message, details);
  return new Error(e.message);
}

function runJob<T>(job: CodecJob): Promise<T> {
  return slot(
    () =>
      new Promise<T>((resolve, reject) => {
        const worker = new Worker(new URL('./codec-worker.js', import.meta.url), { workerData: job });
        let settled = false;
        worker.once('message', (reply: CodecReply) => {
          settled = true;
          if (reply.ok) resolve(reply.value as T);
          else reject(revive(reply.error));
          void worker.terminate();
        });
        worker.once('error', (err) => {
          if (!settled) reject(err);
          settled = true;
        });
        worker.once('exit', (code) => {
          if (!settled) reject(new Error(`codec worker exited with code ${code} before replying`));
          settled = true;
        });
      }),
  );
}

/**
 * RaptorQ-encodes the file at `inputPath` into `outDir` (must not exist): `block_0/<symbol id>` packets and
 * `_raptorq_layout.json`. Returns the layout (Go-JSON via layoutJson) and the file's data hash.
 */
export async function encodeFile(inputPath: string, outDir: string, ctx: CascadeContext = {}): Promise<EncodeFileResult> {
  if (typeof inputPath !== 'string' || inputPath === '') throw new InvalidArgumentError('inputPath', 'must be a path');
  if (typeof outDir !== 'string' || outDir === '') throw new InvalidArgumentError('outDir', 'must be a path');
  const { size } = await stat(inputPath);
  checkFileSize(size, { ...ctx, artefact: ctx.artefact ?? inputPath });
  return runJob<EncodeFileResult>({ op: 'encode', inputPath, outDir, ctx });
}

/**
 * Rebuilds a file from symbol files. `symbolPaths[i]` is the file holding layout symbol i (undefined or a
 * missing file = not available). The output appears at `outPath` only when complete and verified.
 */
export async function decodeFile(
  layout: Layout,
  symbolPaths: ReadonlyArray<string | undefined>,
  outPath: string,
  opts: DecodeFileOptions = {},
  ctx: CascadeContext = {},
): Promise<DecodeFileResult> {
  if (typeof outPath !== 'string' || outPath === '') throw new InvalidArgumentError('outPath', 'must be a path');
  const block = layout.blocks[0];
  if (!block || layout.blocks.length !== 1) throw new CascadeError('CASCADE_LAYOUT_INVALID', 'layout must have exactly one block', ctx);
  checkFileSize(block.size, ctx);
  return runJob<DecodeFileResult>({ op: 'decode', layout, symbolPaths: [...symbolPaths], outPath, opts, ctx });
}

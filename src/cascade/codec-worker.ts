/**
 * Worker-thread entry for cascade file jobs (jobs.ts). Running the wasm codec here keeps the daemon's event
 * loop responsive during multi-second encodes, and the wasm memory (which only grows) is returned to the
 * system when the worker exits after its one job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SupernodeError } from '../util/errors.js';
import { decodeFileInProcess, encodeFileInProcess } from './file-codec.js';
import type { CodecJob, CodecReply } from './jobs.js';

async function run(job: CodecJob): Promise<unknown> {
  if (job.op === 'encode') return encodeFileInProcess(job.inputPath, job.outDir, job.ctx);
  return decodeFileInProcess(job.layout, job.symbolPaths, job.outPath, job.opts, job.ctx);
}

// Stay alive after replying: a worker that exits on its own can have its 'exit' reach the parent before its
// last message. The parent terminates the worker once it has the reply.
parentPort!.on('message', () => undefined);

run(workerData as CodecJob).then(
  (value) => parentPort!.postMessage({ ok: true, value } satisfies CodecReply),
  (err: unknown) => {
    const reply: CodecReply =
      err instanceof SupernodeError
        ? { ok: false, error: { name: err.name, code: err.code, message: err.message, details: err.details } }
        : { ok: false, error: { name: 'Error', message: err instanceof Error ? err.message : String(err) } };
    parentPort!.postMessage(JSON.parse(JSON.stringify(reply)) as CodecReply);
  },
);

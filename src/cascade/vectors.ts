import type { VectorHandlers } from '../vectors/runner.js';
import { InvalidArgumentError } from '../util/errors.js';
import { decodeBytes, encodeBytes, type EncodedFile } from './codec.js';
import { dataHashB64 } from './hash.js';
import { layoutJson } from './layout.js';
import { checkFileSize, encoderParameters } from './params.js';
import { makeFile, parseFileSpec } from './patterns.js';

// Several vectors share one file (ids, layout, decodes); keep the last encoding so a 12 MB file is encoded once.
let cached: { key: string; data: Uint8Array; encoded?: EncodedFile } | undefined;

function fileOf(inputs: Record<string, unknown>): { data: Uint8Array; encode: () => EncodedFile } {
  const key = JSON.stringify(inputs.file);
  if (cached?.key !== key) cached = { key, data: makeFile(parseFileSpec(inputs.file)) };
  const entry = cached;
  return {
    data: entry.data,
    encode: () => (entry.encoded ??= encodeBytes(entry.data)),
  };
}

/** `available` of a DecodeFromSubset vector → the set of layout positions that exist. */
function positionsOf(available: unknown, count: number): Set<number> {
  if (Array.isArray(available)) {
    return new Set(
      available.map((p, i) => {
        if (!Number.isInteger(p)) throw new InvalidArgumentError(`available[${i}]`, 'must be an integer');
        return p as number;
      }),
    );
  }
  if (typeof available === 'object' && available !== null) {
    const o = available as Record<string, unknown>;
    const out = new Set<number>();
    if (typeof o.from === 'number' && typeof o.count === 'number') {
      for (let i = o.from; i < o.from + o.count; i++) out.add(i);
      return out;
    }
    if (typeof o.start === 'number' && typeof o.step === 'number' && o.step > 0) {
      for (let i = o.start; i < count; i += o.step) out.add(i);
      return out;
    }
  }
  throw new InvalidArgumentError('available', 'must be a position array, {from, count} or {start, step}');
}

/** Vector functions of the cascade artefacts (spec 05 §1, §4), keyed by the function names of the shared vector files. */
export const cascadeVectorHandlers: VectorHandlers = {
  DataHash: (inputs) => dataHashB64(fileOf(inputs).data),
  EncoderParameters: (inputs) => {
    if (typeof inputs.size !== 'string' || !/^(0|[1-9][0-9]*)$/.test(inputs.size)) throw new InvalidArgumentError('size', 'must be a decimal string');
    const size = Number(inputs.size);
    checkFileSize(size);
    return [...encoderParameters(size)];
  },
  SymbolIds: (inputs) => fileOf(inputs).encode().layout.blocks[0]!.symbols,
  LayoutJson: (inputs) => layoutJson(fileOf(inputs).encode().layout),
  DecodeFromSubset: (inputs) => {
    const { layout, packets } = fileOf(inputs).encode();
    const have = positionsOf(inputs.available, packets.length);
    const { data } = decodeBytes(layout, (pos) => (have.has(pos) ? packets[pos] : undefined));
    return dataHashB64(data);
  },
};

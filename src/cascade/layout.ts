/**
 * The cascade layout (Go `codec.Layout`, spec 05 §1.4): one block, its OTI, the symbol ids in packet order
 * and the block hash. `layoutJson` writes the exact Go-JSON the creator signs and the layout files carry;
 * `parseLayout` accepts what Go accepts (OTI as number array or base64 string) and rejects anything that
 * would make a decode meaningless, with a typed error naming the action and artefact.
 */
import { CascadeError, type CascadeContext } from './errors.js';
import { transferLengthOf } from './params.js';

export interface LayoutBlock {
  block_id: number;
  encoder_parameters: number[];
  original_offset: number;
  size: number;
  symbols: string[];
  hash: string;
}

export interface Layout {
  blocks: LayoutBlock[];
}

const BASE58_ID = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * Go `encoding/json` of a string: JSON escaping plus `<`, `>`, `&`, U+2028, U+2029 as \u escapes.
 * Symbol ids and hashes are base58, but a parsed foreign layout could carry anything.
 */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go-JSON of the layout: compact, keys in struct order, no trailing newline. */
export function layoutJson(layout: Layout): string {
  const blocks = layout.blocks.map(
    (b) =>
      `{"block_id":${b.block_id},"encoder_parameters":[${b.encoder_parameters.join(',')}],"original_offset":${b.original_offset},` +
      `"size":${b.size},"symbols":[${b.symbols.map(goString).join(',')}],"hash":${goString(b.hash)}}`,
  );
  return `{"blocks":[${blocks.join(',')}]}`;
}

function bad(problem: string, ctx: CascadeContext): CascadeError {
  return new CascadeError('CASCADE_LAYOUT_INVALID', `layout ${problem}`, ctx);
}

function nonNegativeInt(v: unknown, field: string, ctx: CascadeContext): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(`${field} must be a non-negative integer`, ctx);
  return v;
}

function otiOf(v: unknown, ctx: CascadeContext): number[] {
  let bytes: number[];
  if (typeof v === 'string') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw bad('encoder_parameters string is not base64', ctx);
    bytes = [...Buffer.from(v, 'base64')];
  } else if (Array.isArray(v)) {
    bytes = v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) throw bad(`encoder_parameters[${i}] must be a byte`, ctx);
      return x;
    });
  } else throw bad('encoder_parameters must be a byte array or base64 string', ctx);
  if (bytes.length !== 12) throw bad(`encoder_parameters must be 12 bytes, got ${bytes.length}`, ctx);
  return bytes;
}

/** Parses layout JSON text (Go-JSON or rq-library's pretty form) and checks the single-block rules. */
export function parseLayout(text: string, ctx: CascadeContext = {}): Layout {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bad(`is not JSON (${(err as Error).message})`, ctx);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { blocks?: unknown }).blocks)) throw bad('has no blocks array', ctx);
  const blocksIn = (raw as { blocks: unknown[] }).blocks;
  if (blocksIn.length !== 1) throw bad(`must have exactly one block, got ${blocksIn.length}`, ctx);
  const blocks = blocksIn.map((b, i): LayoutBlock => {
    if (typeof b !== 'object' || b === null) throw bad(`blocks[${i}] is not an object`, ctx);
    const o = b as Record<string, unknown>;
    const encoderParameters = otiOf(o.encoder_parameters, ctx);
    const size = nonNegativeInt(o.size, `blocks[${i}].size`, ctx);
    if (size === 0) throw bad(`blocks[${i}].size must be positive`, ctx);
    if (transferLengthOf(Uint8Array.from(encoderParameters)) !== size) throw bad(`blocks[${i}] size ${size} differs from the OTI transfer length`, ctx);
    if (!Array.isArray(o.symbols) || o.symbols.length === 0) throw bad(`blocks[${i}].symbols must be a non-empty array`, ctx);
    const symbols = o.symbols.map((s, j) => {
      if (typeof s !== 'string' || !BASE58_ID.test(s)) throw bad(`blocks[${i}].symbols[${j}] is not a base58 id`, ctx);
      return s;
    });
    if (typeof o.hash !== 'string' || !BASE58_ID.test(o.hash)) throw bad(`blocks[${i}].hash is not a base58 id`, ctx);
    return {
      block_id: nonNegativeInt(o.block_id, `blocks[${i}].block_id`, ctx),
      encoder_parameters: encoderParameters,
      original_offset: nonNegativeInt(o.original_offset, `blocks[${i}].original_offset`, ctx),
      size,
      symbols,
      hash: o.hash,
    };
  });
  if (blocks[0]!.block_id !== 0 || blocks[0]!.original_offset !== 0) throw bad('block must have block_id 0 and original_offset 0', ctx);
  return { blocks };
}

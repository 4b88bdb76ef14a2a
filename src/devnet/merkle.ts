/** CometBFT's RFC 6962 simple merkle tree (leaf 0x00, inner 0x01, split at the largest power of two < n). */
import { sha256 } from '@noble/hashes/sha2.js';

const leafHash = (leaf: Uint8Array) => sha256(prefixed(0, leaf));
const innerHash = (l: Uint8Array, r: Uint8Array) => sha256(prefixed(1, l, r));

function prefixed(p: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, x) => n + x.length, 0));
  out[0] = p;
  let o = 1;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function merkleRoot(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array());
  if (items.length === 1) return leafHash(items[0]!);
  const k = split(items.length);
  return innerHash(merkleRoot(items.slice(0, k)), merkleRoot(items.slice(k)));
}

export interface MerkleProof {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array[];
}

/** Proof for item `index` (aunts ordered from the leaf upwards, as CometBFT encodes them). */
export function merkleProof(items: Uint8Array[], index: number): MerkleProof {
  const aunts: Uint8Array[] = [];
  const walk = (slice: Uint8Array[], i: number): void => {
    if (slice.length <= 1) return;
    const k = split(slice.length);
    if (i < k) {
      walk(slice.slice(0, k), i);
      aunts.push(merkleRoot(slice.slice(k)));
    } else {
      walk(slice.slice(k), i - k);
      aunts.push(merkleRoot(slice.slice(0, k)));
    }
  };
  walk(items, index);
  return { total: items.length, index, leafHash: leafHash(items[index]!), aunts };
}

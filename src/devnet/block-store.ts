/** Committed blocks, their results, and the tx index (hash → location; event search by scanning). */
import { toHex } from '@cosmjs/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import type { BlockRecord, TxResult } from './app.js';
import { matches, type Condition } from './tx-query.js';

export interface IndexedTx {
  hash: Uint8Array;
  height: bigint;
  index: number;
  tx: Uint8Array;
  result: TxResult;
}

export class BlockStore {
  private blocks: BlockRecord[] = [];
  private byHash = new Map<string, { height: bigint; index: number }>();

  add(block: BlockRecord): void {
    const expected = this.latestHeight() + 1n;
    if (this.blocks.length > 0 && block.height !== expected) throw new Error(`block height ${block.height} does not follow ${expected - 1n}`);
    this.blocks.push(block);
    block.txs.forEach((tx, index) => this.byHash.set(toHex(sha256(tx)), { height: block.height, index }));
  }

  earliestHeight(): bigint {
    return this.blocks[0]?.height ?? 0n;
  }

  latestHeight(): bigint {
    return this.blocks[this.blocks.length - 1]?.height ?? 0n;
  }

  get(height: bigint): BlockRecord | undefined {
    const first = this.earliestHeight();
    if (height < first) return undefined;
    return this.blocks[Number(height - first)];
  }

  all(): readonly BlockRecord[] {
    return this.blocks;
  }

  txByHash(hash: Uint8Array): IndexedTx | undefined {
    const loc = this.byHash.get(toHex(hash));
    if (!loc) return undefined;
    return this.indexed(this.get(loc.height)!, loc.index);
  }

  private indexed(block: BlockRecord, index: number): IndexedTx {
    const tx = block.txs[index]!;
    return { hash: sha256(tx), height: block.height, index, tx, result: block.results[index]! };
  }

  /** All txs matching every condition, ascending by (height, index). */
  search(conds: Condition[]): IndexedTx[] {
    const hashCond = conds.find((c) => c.key === 'tx.hash' && c.op === '=');
    if (hashCond) {
      let bytes: Uint8Array;
      try {
        bytes = Uint8Array.from(Buffer.from(hashCond.value, 'hex'));
      } catch {
        return [];
      }
      const t = bytes.length === 32 ? this.txByHash(bytes) : undefined;
      return t && this.match(t, conds) ? [t] : [];
    }
    const heightEq = conds.find((c) => c.key === 'tx.height' && c.op === '=');
    const candidates = heightEq ? [this.get(BigInt(/^\d+$/.test(heightEq.value) ? heightEq.value : '0'))].filter((b): b is BlockRecord => !!b) : this.blocks;
    const out: IndexedTx[] = [];
    for (const b of candidates) {
      for (let i = 0; i < b.txs.length; i++) {
        const t = this.indexed(b, i);
        if (this.match(t, conds)) out.push(t);
      }
    }
    return out;
  }

  private match(t: IndexedTx, conds: Condition[]): boolean {
    return conds.every((c) => {
      if (c.key === 'tx.height') return matches(c, [t.height.toString()]);
      if (c.key === 'tx.hash') return matches(c, [toHex(t.hash).toUpperCase()]) || matches(c, [toHex(t.hash)]);
      const values: string[] = [];
      for (const e of t.result.events) {
        for (const a of e.attributes) if (`${e.type}.${a.key}` === c.key) values.push(a.value);
      }
      return matches(c, values);
    });
  }
}

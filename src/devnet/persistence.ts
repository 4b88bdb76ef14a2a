/**
 * On-disk layout under <home>/chain/:
 *   genesis.json  — chain id, genesis time, supernode list, options fixed at genesis (written once)
 *   state.json    — app state after the last saved block + that block's height (atomic: tmp + rename)
 *   blocks.jsonl  — one line per committed block (appended before state.json is replaced)
 * A restart loads state.json and the blocks up to its height, dropping any block line written after it
 * (a crash between the two writes), and continues at the next height.
 */
import { appendFileSync, existsSync, mkdirSync, openSync, fsyncSync, closeSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SupernodeError } from '../util/errors.js';
import { decodeState, encodeState } from './state-codec.js';
import type { AppState, BlockRecord } from './app.js';

export interface SavedChain {
  genesis: unknown;
  state: AppState;
  blocks: BlockRecord[];
}

function blockToPlain(b: BlockRecord): unknown {
  return { ...b, time: b.time.toISOString() };
}

function blockFromPlain(v: unknown): BlockRecord {
  const o = v as Record<string, unknown>;
  if (typeof o.time !== 'string' || typeof o.height !== 'bigint') throw new SupernodeError('DEVNET_STATE', 'blocks.jsonl holds a malformed block');
  return { ...(o as unknown as BlockRecord), time: new Date(o.time) };
}

/** Homes locked by this process (the pid in LOCK cannot tell two devnets of one process apart). */
const LOCKED_HERE = new Set<string>();

export class ChainFiles {
  readonly dir: string;

  private locked = false;

  constructor(home: string) {
    this.dir = join(home, 'chain');
    mkdirSync(this.dir, { recursive: true });
  }

  /** One devnet per home: a LOCK file holding the owner's pid (a stale lock of a dead process is taken over). */
  lock(): void {
    const path = this.path('LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeFileSync(fd, String(process.pid));
        closeSync(fd);
        this.locked = true;
        LOCKED_HERE.add(this.dir);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(path, 'utf8').trim());
        const ours = pid === process.pid && LOCKED_HERE.has(this.dir);
        if (ours || (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))) {
          throw new SupernodeError('DEVNET_LOCKED', `devnet home ${this.dir} is in use by process ${pid}`);
        }
        rmSync(path, { force: true });
      }
    }
    throw new SupernodeError('DEVNET_LOCKED', `could not lock devnet home ${this.dir}`);
  }

  unlock(): void {
    if (this.locked) {
      rmSync(this.path('LOCK'), { force: true });
      LOCKED_HERE.delete(this.dir);
    }
    this.locked = false;
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  hasState(): boolean {
    return existsSync(this.path('state.json')) && existsSync(this.path('genesis.json'));
  }

  /** Dates (genesis time) are stored as ISO strings; the loader turns them back. */
  writeGenesis(genesis: unknown): void {
    this.atomicWrite('genesis.json', encodeState(JSON.parse(JSON.stringify(genesis, (_k, v: unknown) => (typeof v === 'bigint' ? { $n: v.toString() } : v))) as unknown));
  }

  appendBlock(b: BlockRecord): void {
    appendFileSync(this.path('blocks.jsonl'), `${encodeState(blockToPlain(b))}\n`);
  }

  saveState(height: bigint, state: AppState, durable = false): void {
    this.atomicWrite('state.json', encodeState({ height, state }), durable);
  }

  load(): SavedChain {
    const genesis = decodeState(readFileSync(this.path('genesis.json'), 'utf8'));
    const saved = decodeState(readFileSync(this.path('state.json'), 'utf8')) as { height: bigint; state: AppState };
    if (typeof saved?.height !== 'bigint' || typeof saved.state !== 'object') throw new SupernodeError('DEVNET_STATE', `${this.path('state.json')} is malformed`);
    const blocks: BlockRecord[] = [];
    const kept: string[] = [];
    const text = existsSync(this.path('blocks.jsonl')) ? readFileSync(this.path('blocks.jsonl'), 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let b: BlockRecord;
      try {
        b = blockFromPlain(decodeState(line));
      } catch {
        break; // torn last line after a crash
      }
      if (b.height > saved.height) break;
      blocks.push(b);
      kept.push(line);
    }
    if (blocks.length === 0 || blocks[blocks.length - 1]!.height !== saved.height) {
      throw new SupernodeError('DEVNET_STATE', `blocks.jsonl does not reach the saved height ${saved.height}`);
    }
    this.atomicWrite('blocks.jsonl', kept.map((l) => `${l}\n`).join(''));
    return { genesis, state: saved.state, blocks };
  }

  private atomicWrite(name: string, text: string, durable = false): void {
    const tmp = this.path(`${name}.tmp`);
    writeFileSync(tmp, text);
    if (durable) {
      const fd = openSync(tmp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, this.path(name));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

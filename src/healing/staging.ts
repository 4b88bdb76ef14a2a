/**
 * Staging of reconstructed heal-op artefacts (spec 04 §3.9, spec 05 §3.2):
 *
 *   <root>/<heal_op_id>/  manifest.json  reconstructed.bin  symbols/block_0/<id>…  id_files/idfile_00000.bin…
 *
 * Atomicity: everything is built in a sibling `.partial-<id>-<random>` directory, `manifest.json` is written
 * last, and the directory is renamed to its decimal name only when complete. A directory under its final name
 * therefore always holds a complete staging (a crash leaves only a `.partial-*` directory, swept at start).
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseLayout, layoutJson, type Layout } from '../cascade/layout.js';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';

export const MANIFEST_FILE = 'manifest.json';
export const RECONSTRUCTED_FILE = 'reconstructed.bin';
const PARTIAL_PREFIX = '.partial-';

export interface StagingManifest {
  action_id: string;
  layout: Layout;
  /** base64 of each ID file, layout files first then index files (same order as id_files/). */
  id_files: string[];
  /** Sorted, de-duplicated symbol ids of the layout. */
  symbol_keys: string[];
  /** Absolute path of the staged symbols directory (holds block_0/<id>). */
  symbols_dir: string;
  reconstructed_rel: string;
  /** Heal manifest hash = base64 BLAKE3 of the reconstructed file = the action's data_hash. */
  manifest_hash_b64: string;
}

export class StagingError extends SupernodeError {}

function opDirName(healOpId: bigint): string {
  if (typeof healOpId !== 'bigint' || healOpId <= 0n) throw new InvalidArgumentError('healOpId', `must be a positive heal op id, got ${String(healOpId)}`);
  return healOpId.toString(10);
}

export function idFileName(i: number): string {
  return `idfile_${String(i).padStart(5, '0')}.bin`;
}

/** Go-JSON key order of the manifest (spec 05 §3.2). */
export function manifestJson(m: StagingManifest): string {
  return (
    `{"action_id":${JSON.stringify(m.action_id)},"layout":${layoutJson(m.layout)},"id_files":${JSON.stringify(m.id_files)},` +
    `"symbol_keys":${JSON.stringify(m.symbol_keys)},"symbols_dir":${JSON.stringify(m.symbols_dir)},` +
    `"reconstructed_rel":${JSON.stringify(m.reconstructed_rel)},"manifest_hash_b64":${JSON.stringify(m.manifest_hash_b64)}}`
  );
}

function strField(o: Record<string, unknown>, k: string, allowEmpty = false): string {
  const v = o[k];
  if (typeof v !== 'string' || (!allowEmpty && v.trim() === '')) throw new StagingError('STAGING_MANIFEST_INVALID', `manifest field ${k} must be a ${allowEmpty ? '' : 'non-empty '}string`, { field: k });
  return v;
}

function strList(o: Record<string, unknown>, k: string): string[] {
  const v = o[k];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new StagingError('STAGING_MANIFEST_INVALID', `manifest field ${k} must be an array of non-empty strings`, { field: k });
  return v as string[];
}

/** Parses and validates manifest.json text; every problem names the field. */
export function parseManifest(text: string): StagingManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StagingError('STAGING_MANIFEST_INVALID', `manifest is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new StagingError('STAGING_MANIFEST_INVALID', 'manifest must be a JSON object');
  const o = raw as Record<string, unknown>;
  let layout: Layout;
  try {
    layout = parseLayout(JSON.stringify(o.layout ?? null));
  } catch (err) {
    throw new StagingError('STAGING_MANIFEST_INVALID', `manifest field layout: ${(err as Error).message}`, { field: 'layout' });
  }
  const symbolsDir = strField(o, 'symbols_dir');
  if (!isAbsolute(symbolsDir)) throw new StagingError('STAGING_MANIFEST_INVALID', 'manifest field symbols_dir must be an absolute path', { field: 'symbols_dir' });
  const rel = typeof o.reconstructed_rel === 'string' && o.reconstructed_rel !== '' ? o.reconstructed_rel : RECONSTRUCTED_FILE;
  if (rel.includes('/') || rel.includes('\\') || rel === '..' || rel === '.') throw new StagingError('STAGING_MANIFEST_INVALID', 'manifest field reconstructed_rel must be a plain file name', { field: 'reconstructed_rel' });
  return {
    action_id: strField(o, 'action_id'),
    layout,
    id_files: strList(o, 'id_files'),
    symbol_keys: strList(o, 'symbol_keys'),
    symbols_dir: symbolsDir,
    reconstructed_rel: rel,
    manifest_hash_b64: strField(o, 'manifest_hash_b64'),
  };
}

/** A staging directory under construction (not yet visible under its final name). */
export interface StagingBuilder {
  /** Temporary directory to write into. */
  readonly tmpDir: string;
  /** Final directory (what manifest paths must name). */
  readonly finalDir: string;
  /** Writes manifest.json last, fsyncs, and renames the directory into place. Replaces an older staging. */
  commit(manifest: StagingManifest): Promise<string>;
  /** Removes the temporary directory. */
  abort(): Promise<void>;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, fsc.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC, 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class StagingArea {
  constructor(readonly root: string) {
    if (typeof root !== 'string' || !isAbsolute(root)) throw new InvalidArgumentError('self_healing.staging_dir', `must be an absolute path, got ${JSON.stringify(root)}`);
  }

  /** Creates the root (0700) when missing. */
  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  dirOf(healOpId: bigint): string {
    return join(this.root, opDirName(healOpId));
  }

  async begin(healOpId: bigint): Promise<StagingBuilder> {
    const finalDir = this.dirOf(healOpId);
    const tmpDir = join(this.root, `${PARTIAL_PREFIX}${opDirName(healOpId)}-${randomBytes(6).toString('hex')}`);
    await mkdir(tmpDir, { mode: 0o700 });
    return {
      tmpDir,
      finalDir,
      commit: async (manifest) => {
        await writeFileSynced(join(tmpDir, MANIFEST_FILE), manifestJson(manifest));
        await fsyncPath(tmpDir);
        await rm(finalDir, { recursive: true, force: true });
        await rename(tmpDir, finalDir);
        await fsyncPath(this.root);
        return finalDir;
      },
      abort: () => rm(tmpDir, { recursive: true, force: true }),
    };
  }

  /** The manifest of a completed staging, or undefined when the op has none. Invalid → StagingError. */
  async readManifest(healOpId: bigint): Promise<StagingManifest | undefined> {
    return readManifestIn(this.dirOf(healOpId));
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /**
   * R3.10: removes every decimal-named directory with no claim row, plus our own `.partial-*` build
   * directories (never complete by construction). Other names and regular files are left alone.
   * Returns the number of directories removed; a removal error aborts the sweep.
   */
  async cleanupOrphans(claimed: ReadonlySet<bigint>): Promise<number> {
    let removed = 0;
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    for (const name of entries) {
      const path = join(this.root, name);
      const st = await lstat(path);
      if (!st.isDirectory()) continue;
      const numeric = /^[0-9]+$/.test(name) && BigInt(name) <= 0xffffffffffffffffn;
      const orphan = (numeric && !claimed.has(BigInt(name))) || name.startsWith(PARTIAL_PREFIX);
      if (!orphan) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }
}

export async function readManifestIn(dir: string): Promise<StagingManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new StagingError('STAGING_MANIFEST_INVALID', `manifest unreadable: ${(err as Error).message}`);
  }
  return parseManifest(text);
}

/** Total size of the regular files under `dir` (0 when missing). */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await dirBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

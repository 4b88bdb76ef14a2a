import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseVectorFile, type VectorFile } from '../../src/vectors/format.js';

/** The repository root: the nearest folder above this file holding package.json (works from dist/ too). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test helpers');
    dir = up;
  }
  return dir;
}

/** Path of a shared vector file: ../shared/vectors first, else the copy under test/fixtures/vectors. */
export function vectorFilePath(name: string): string {
  const shared = join(repoRoot(), '..', 'shared', 'vectors', name);
  if (existsSync(shared)) return shared;
  return join(repoRoot(), 'test', 'fixtures', 'vectors', name);
}

export function loadVectorFile(name: string): VectorFile {
  const path = vectorFilePath(name);
  return parseVectorFile(readFileSync(path, 'utf8'), path);
}

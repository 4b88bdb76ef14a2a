#!/usr/bin/env node
// Refreshes test/fixtures/vectors/ from ../shared/vectors/ so the suite also runs where ../shared is absent.
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, '..', 'shared', 'vectors');
const to = join(root, 'test', 'fixtures', 'vectors');
if (!existsSync(from)) {
  console.error(`copy-vectors: ${from} not found`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const f of readdirSync(from).filter((n) => n.endsWith('.json'))) {
  copyFileSync(join(from, f), join(to, f));
  console.log(`copied ${f}`);
}

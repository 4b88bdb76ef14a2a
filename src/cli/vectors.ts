import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseVectorFile } from '../vectors/format.js';
import { runVector } from '../vectors/runner.js';
import { allVectorHandlers } from '../vectors/registry.js';
import { InvalidArgumentError } from '../util/errors.js';

export function registerVectorsCommands(program: Command): void {
  const vectors = program.command('vectors').description('known-answer vector tools (conformance with the chain and the reference)');
  vectors
    .command('check')
    .description('run every vector of the given files and report ok / FAIL per vector')
    .argument('<files...>', 'vector files in the shared vectors JSON format')
    .action(async (files: string[]) => {
      const handlers = allVectorHandlers();
      let passed = 0;
      let failed = 0;
      for (const file of files) {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new InvalidArgumentError(file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const doc = parseVectorFile(text, file);
        for (const vector of doc.vectors) {
          const outcome = await runVector(vector, handlers);
          if (outcome.ok) {
            passed++;
            process.stdout.write(`ok ${outcome.id}\n`);
          } else {
            failed++;
            process.stdout.write(`FAIL ${outcome.id}: ${outcome.reason}\n`);
          }
        }
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      if (failed > 0) process.exitCode = 1;
    });
}

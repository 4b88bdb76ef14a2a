#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerVectorsCommands } from './vectors.js';
import { registerDeriveCommands } from './derive.js';
import { registerConfigCommands } from './config.js';
import { registerKeysCommands } from './keys.js';
import { registerDevnetCommands } from './devnet.js';
import { registerStartCommands } from './start.js';
import { registerInitCommands } from './init.js';
import { registerStatusCommands } from './status.js';
import { registerCascadeCommands } from './cascade.js';
import { registerDemoCommands } from './demo.js';
import { isUserFacing, errorMessage } from '../util/errors.js';

/** Exit codes: 0 ok, 1 a check ran and failed (or an internal error), 2 bad input from the user. */
export const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('supernode')
    .description('LEP-6 storage-truth supernode for the Lumera chain')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerVectorsCommands(program);
  registerDeriveCommands(program);
  registerConfigCommands(program);
  registerKeysCommands(program);
  registerDevnetCommands(program);
  registerStartCommands(program);
  registerInitCommands(program);
  registerStatusCommands(program);
  registerCascadeCommands(program);
  registerDemoCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (help, version, unknown option …).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isUserFacing(err)) {
      process.stderr.write(`error: ${errorMessage(err)}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

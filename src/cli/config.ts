import type { Command } from 'commander';
import { checkConfig, configToYamlObject, formatIssue, renderConfigYaml, renderExampleConfig } from '../config/index.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from '../util/errors.js';
/** Same as main.ts EXIT_USAGE (not imported: importing main.ts runs the CLI). */
const EXIT_USAGE = 2;

interface ValidateOptions {
  json?: boolean;
  baseDir?: string;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('configuration file tools');
  config
    .command('validate')
    .description('load a config file; print the resolved config, or every error (exit code 2)')
    .argument('<file>', 'YAML config file')
    .option('--json', 'print JSON instead of YAML')
    .option('--base-dir <dir>', 'override base_dir from the file')
    .action((file: string, opts: ValidateOptions) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new InvalidArgumentError(file, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const { config: resolved, issues } = checkConfig(text, {
        source: file,
        configDir: dirname(resolve(file)),
        ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}),
      });
      if (opts.json) {
        const body = resolved ? { valid: true, config: configToYamlObject(resolved) } : { valid: false, errors: issues };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else if (resolved) {
        process.stdout.write(`# ${file}: valid; resolved configuration:\n${renderConfigYaml(resolved)}`);
      } else {
        for (const issue of issues) process.stderr.write(`${formatIssue(issue, file)}\n`);
        process.stderr.write(`${issues.length} error${issues.length === 1 ? '' : 's'} in ${file}\n`);
      }
      if (!resolved) process.exitCode = EXIT_USAGE;
    });
  config
    .command('example')
    .description('print a documented example config with every key and its default')
    .action(() => {
      process.stdout.write(renderExampleConfig());
    });
}

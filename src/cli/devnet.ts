/**
 * `supernode devnet start`: runs (or resumes) a local devnet chain until SIGTERM/SIGINT, then saves its state.
 * Prints the RPC URL, the chain id and each supernode's account and keyring file; writes <home>/devnet.json.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startDevnet } from '../devnet/index.js';
import { writeDevnetKeys } from '../devnet/key-files.js';
import { InvalidArgumentError } from '../util/errors.js';
import { moduleLogger } from '../util/logger.js';

interface StartOpts {
  home: string;
  supernodes: string;
  rpcPort: string;
  blockMs?: string;
  epochBlocks?: string;
  chainId?: string;
  fundedAccounts?: string;
  enforcementMode?: string;
  auditParam: string[];
}

/** `--audit-param key=value` (repeatable): numbers stay strings (the module parses 64-bit values), true/false become booleans, a,b,c lists. */
function parseAuditParams(pairs: string[], mode: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
    if (!m) throw new InvalidArgumentError('--audit-param', `must be key=value, got ${JSON.stringify(pair)}`);
    const v = m[2]!;
    out[m[1]!] = v === 'true' ? true : v === 'false' ? false : v.includes(',') ? v.split(',').map((x) => x.trim()) : v;
  }
  if (mode !== undefined) out.storage_truth_enforcement_mode = mode;
  return out;
}

function int(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(flag, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return Number(v);
}

export function registerDevnetCommands(program: Command): void {
  const devnet = program.command('devnet').description('local Lumera devnet chain (CometBFT RPC on 127.0.0.1) for tests and demos');
  devnet.command('start')
    .description('start or resume a devnet; runs until SIGTERM/SIGINT, then saves its state')
    .requiredOption('--home <dir>', 'data directory (state is resumed if present)')
    .option('--supernodes <n>', 'supernodes registered at genesis', '4')
    .option('--rpc-port <port>', 'RPC port on 127.0.0.1 (0 = any free port)', '26657')
    .option('--block-ms <ms>', 'block interval in milliseconds (default 1000)')
    .option('--epoch-blocks <n>', 'audit epoch length in blocks (default 400)')
    .option('--chain-id <id>', 'chain id (default lumera-devnet-1)')
    .option('--funded-accounts <n>', 'extra funded test accounts (default 2)')
    .option('--enforcement-mode <mode>', 'audit storage_truth_enforcement_mode at genesis (UNSPECIFIED|SHADOW|SOFT|FULL)')
    .option('--audit-param <key=value>', 'audit genesis param override (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (o: StartOpts) => {
      const home = resolve(o.home);
      const net = await startDevnet({
        home,
        supernodes: int('--supernodes', o.supernodes, 1, 1000),
        rpcPort: int('--rpc-port', o.rpcPort, 0, 65535),
        blockMs: int('--block-ms', o.blockMs, 5, 3_600_000),
        epochBlocks: int('--epoch-blocks', o.epochBlocks, 1, 1_000_000),
        chainId: o.chainId,
        fundedAccounts: int('--funded-accounts', o.fundedAccounts, 0, 1000),
        auditParams: parseAuditParams(o.auditParam, o.enforcementMode),
      }, moduleLogger('devnet'));
      let summary;
      try {
        summary = writeDevnetKeys(home, net.rpcUrl, net.chainId, net.supernodes, net.accounts);
      } catch (err) {
        await net.stop();
        throw err;
      }
      const out = process.stdout;
      out.write(`devnet ${net.chainId} at ${net.rpcUrl} (height ${net.height()}, home ${home})\n`);
      out.write(`rpc-url: ${net.rpcUrl}\nchain-id: ${net.chainId}\n`);
      for (const s of summary.supernodes) {
        out.write(`supernode ${s.name} ${s.address} grpc 127.0.0.1:${s.grpcPort} p2p ${s.p2pPort} key ${s.keyFile} (--home ${s.keyringHome} --keyring-backend test)\n`);
      }
      for (const a of summary.accounts) out.write(`account ${a.name} ${a.address} key ${a.keyFile}\n`);
      out.write(`summary: ${resolve(home, 'devnet.json')}\n`);
      await new Promise<void>((done) => {
        const stop = (sig: string) => {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          out.write(`received ${sig}, stopping devnet\n`);
          done();
        };
        const onTerm = () => stop('SIGTERM');
        const onInt = () => stop('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
      await net.stop();
      out.write(`devnet stopped at height ${net.height()}; state saved in ${home}\n`);
    });
}

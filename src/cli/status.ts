/**
 * `supernode status [--json] [--address HOST:PORT | --config FILE]`: asks the running daemon's local admin
 * endpoint (`supernode.status_address`) for its status and prints it.
 */
import http from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile, splitHostPort } from '../config/index.js';
import { formatStatus, type StatusReport } from '../node/status.js';
import { InvalidArgumentError, SupernodeError } from '../util/errors.js';

interface StatusOptions {
  json?: boolean;
  address?: string;
  config: string;
  timeout: string;
}

/** GET http://<address>/status → the daemon's report (JSON text and parsed). */
export function fetchStatus(address: string, timeoutMs = 10_000): Promise<{ text: string; report: StatusReport }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${address}/status`, { timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new SupernodeError('STATUS_FAILED', `daemon at ${address} answered ${res.statusCode}: ${text.slice(0, 200)}`));
        try {
          resolve({ text, report: JSON.parse(text) as StatusReport });
        } catch {
          reject(new SupernodeError('STATUS_FAILED', `daemon at ${address} sent a status that is not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ECONNREFUSED' ? 'nothing listens there (is the daemon running, with supernode.status_address set?)' : err.message;
      reject(new SupernodeError('STATUS_UNREACHABLE', `cannot reach the daemon's status endpoint ${address}: ${why}`));
    });
  });
}

export function registerStatusCommands(program: Command): void {
  program
    .command('status')
    .description("show the running daemon's status (epoch, mode, roles, last report, claims, peers, chain endpoint)")
    .option('--json', 'print the raw JSON report')
    .option('--address <host:port>', 'status endpoint of the daemon (default: supernode.status_address of --config)')
    .option('--config <file>', 'config file to read status_address from', join(homedir(), '.supernode', 'config.yml'))
    .option('--timeout <ms>', 'how long to wait for the answer', '10000')
    .action(async (o: StatusOptions) => {
      if (!/^\d+$/.test(o.timeout) || Number(o.timeout) < 1) throw new InvalidArgumentError('--timeout', `must be a positive number of ms, got ${JSON.stringify(o.timeout)}`);
      let address = o.address;
      if (address === undefined) {
        address = loadConfigFile(o.config).supernode.statusAddress;
        if (!address) throw new InvalidArgumentError('supernode.status_address', `is empty in ${o.config}: the daemon has no status endpoint`);
      }
      if (!splitHostPort(address)) throw new InvalidArgumentError('--address', `must be host:port, got ${JSON.stringify(address)}`);
      const { text, report } = await fetchStatus(address, Number(o.timeout));
      process.stdout.write(o.json ? `${text}\n` : formatStatus(report));
    });
}

/**
 * The local admin endpoint `supernode status` talks to: HTTP on a loopback address only (it reveals the
 * node's state, so it is never exposed). GET /status → the StatusReport as JSON; GET /healthz → 200 while
 * the daemon runs.
 */
import http from 'node:http';
import { splitHostPort } from '../config/index.js';
import { closeHttp, listenHttp } from '../metrics/http.js';
import { InvalidArgumentError, errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { StatusReport } from './status.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** JSON with bigint as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export class AdminServer {
  private server: http.Server | undefined;
  address = '';

  constructor(private readonly status: () => Promise<StatusReport>, private readonly log: Logger) {}

  async listen(address: string): Promise<string> {
    const hp = splitHostPort(address);
    if (hp && !LOOPBACK.has(hp.host)) throw new InvalidArgumentError('supernode.status_address', `must be a loopback address (127.0.0.1, ::1 or localhost), got ${JSON.stringify(address)}`);
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      if (req.method !== 'GET' || path !== '/status') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /status\n');
        return;
      }
      this.status().then(
        (s) => res.writeHead(200, { 'content-type': 'application/json' }).end(toJson(s)),
        (err: unknown) => {
          this.log.error({ err: errorMessage(err) }, 'status collection failed');
          res.writeHead(500, { 'content-type': 'application/json' }).end(toJson({ error: errorMessage(err) }));
        },
      );
    });
    this.address = await listenHttp(server, address, 'supernode.status_address');
    this.server = server;
    return this.address;
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    return closeHttp(s);
  }
}

/** The Prometheus endpoint: GET /metrics on the configured address; nothing listens when it is not configured. */
import http from 'node:http';
import { errorMessage } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { closeHttp, listenHttp } from './http.js';
import type { NodeMetrics } from './node-metrics.js';

export class MetricsServer {
  private server: http.Server | undefined;
  /** Bound `host:port` once listening. */
  address = '';

  constructor(private readonly metrics: NodeMetrics, private readonly log: Logger) {}

  async listen(address: string): Promise<string> {
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /metrics\n');
        return;
      }
      this.metrics.text().then(
        (body) => res.writeHead(200, { 'content-type': this.metrics.creator.contentType }).end(body),
        (err: unknown) => {
          this.log.error({ err: errorMessage(err) }, 'metrics collection failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
        },
      );
    });
    this.address = await listenHttp(server, address, 'supernode.metrics_address');
    this.server = server;
    return this.address;
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    return closeHttp(s);
  }
}

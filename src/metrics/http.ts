/** Binding a small local HTTP server (metrics, admin status) to a configured `host:port`. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../config/index.js';
import { InvalidArgumentError } from '../util/errors.js';

/** Listens on `address` (port 0 = any free port); returns the bound `host:port`. `field` names the config key in errors. */
export async function listenHttp(server: http.Server, address: string, field: string): Promise<string> {
  const hp = splitHostPort(address);
  if (!hp) throw new InvalidArgumentError(field, `must be host:port, got ${JSON.stringify(address)}`);
  // Slow or stalled clients are cut off: these endpoints answer small requests only.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(hp.port, hp.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(field, `cannot listen on ${address}: ${err.code ?? err.message}`);
  });
  const a = server.address() as AddressInfo;
  return `${a.address}:${a.port}`;
}

export async function closeHttp(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

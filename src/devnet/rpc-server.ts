/**
 * HTTP JSON-RPC 2.0 server on 127.0.0.1 in CometBFT's style: POST / with a request object or a batch array,
 * and GET /<method>?name=value (URI form; strings may be quoted, bytes as 0x-hex). Every failure becomes a
 * JSON-RPC error response; request bodies are capped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../util/logger.js';
import { METHODS, PARAM_ORDER, RpcError, internal, type Params } from './rpc-methods.js';
import type { DevnetNode } from './node.js';
import type { Json } from './rpc-format.js';

type Id = string | number | null;

interface RpcResponse {
  jsonrpc: '2.0';
  id: Id;
  result?: Json;
  error?: { code: number; message: string; data: string };
}

const errorResponse = (id: Id, e: RpcError): RpcResponse => ({ jsonrpc: '2.0', id, error: { code: e.code, message: e.message, data: e.data } });

export interface RpcServerOptions {
  port: number;
  maxBodyBytes: number;
  logger: Logger;
}

export class RpcServer {
  private server: Server | undefined;
  url = '';

  constructor(private readonly node: DevnetNode, private readonly opts: RpcServerOptions) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.opts.logger.error({ err }, 'devnet rpc handler failed');
        if (!res.headersSent) send(res, 500, errorResponse(-1, internal(err instanceof Error ? err.message : String(err))));
      });
    });
    // Longer than common clients' idle timeouts (undici 4 s) so the client, not the server, closes idle sockets.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    server.requestTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET') {
      const method = url.pathname.replace(/^\/+/, '');
      if (method === '') {
        send(res, 200, { jsonrpc: '2.0', id: -1, result: { methods: Object.keys(METHODS).sort() } });
        return;
      }
      const params: Params = {};
      for (const [k, v] of url.searchParams) params[k] = /^".*"$/s.test(v) ? v.slice(1, -1) : v;
      send(res, 200, await this.call(-1, method, params));
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, errorResponse(-1, new RpcError(-32600, 'Invalid Request', `method ${req.method} not allowed`)));
      return;
    }
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (body === undefined) {
      send(res, 413, errorResponse(-1, new RpcError(-32600, 'Invalid Request', `request body exceeds ${this.opts.maxBodyBytes} bytes`)));
      req.destroy();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      send(res, 500, errorResponse(-1, new RpcError(-32700, 'Parse error', `error unmarshaling request: ${(err as Error).message}`)));
      return;
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0 || parsed.length > 100) {
        send(res, 200, errorResponse(-1, new RpcError(-32600, 'Invalid Request', 'batch must hold 1 to 100 requests')));
        return;
      }
      const out: RpcResponse[] = [];
      for (const r of parsed) out.push(await this.single(r));
      send(res, 200, out);
      return;
    }
    send(res, 200, await this.single(parsed));
  }

  private async single(r: unknown): Promise<RpcResponse> {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return errorResponse(-1, new RpcError(-32600, 'Invalid Request', 'request must be a JSON object'));
    const o = r as Record<string, unknown>;
    const id: Id = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : -1;
    if (o.jsonrpc !== '2.0') return errorResponse(id, new RpcError(-32600, 'Invalid Request', 'jsonrpc must be "2.0"'));
    if (typeof o.method !== 'string') return errorResponse(id, new RpcError(-32600, 'Invalid Request', 'method must be a string'));
    let params: Params = {};
    if (Array.isArray(o.params)) {
      const names = PARAM_ORDER[o.method] ?? [];
      if (o.params.length > names.length) return errorResponse(id, new RpcError(-32602, 'Invalid Params', `expected at most ${names.length} positional params`));
      o.params.forEach((v, i) => { params[names[i]!] = v; });
    } else if (o.params !== undefined && o.params !== null) {
      if (typeof o.params !== 'object') return errorResponse(id, new RpcError(-32602, 'Invalid params', 'params must be an object or array'));
      params = o.params as Params;
    }
    return this.call(id, o.method, params);
  }

  private async call(id: Id, method: string, params: Params): Promise<RpcResponse> {
    const fn = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (!fn) return errorResponse(id, new RpcError(-32601, 'Method not found', ''));
    try {
      return { jsonrpc: '2.0', id, result: await fn(this.node, params) };
    } catch (err) {
      if (err instanceof RpcError) return errorResponse(id, err);
      this.opts.logger.warn({ err, method }, 'devnet rpc method failed');
      return errorResponse(id, internal(err instanceof Error ? err.message : String(err)));
    }
  }
}

function readBody(req: IncomingMessage, cap: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > cap) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > cap) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!over) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

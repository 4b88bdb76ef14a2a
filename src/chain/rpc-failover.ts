/**
 * CometBFT JSON-RPC over HTTP with several endpoints: every request has a deadline; a request that gets no
 * answer (connection refused/reset, DNS, deadline, HTTP 429/502/503/504) moves on to the next endpoint; while
 * we are away from the first endpoint a periodic probe (`health`) brings us back as soon as it answers.
 * A JSON-RPC error object is an answer, not an outage: it is raised as ChainRpcError without failover.
 *
 * Implements cosmjs' `RpcClient`, so `Comet38Client.create(new FailoverRpcClient(...))` and everything built on
 * it (StargateClient, QueryClient) inherit the failover.
 */
import type { RpcClient } from '@cosmjs/tendermint-rpc';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { InvalidArgumentError } from '../util/errors.js';
import { ChainRpcError, ChainTransportError, ChainResponseError, isTransient } from './errors.js';

type JsonRpcRequest = Parameters<RpcClient['execute']>[0];
type JsonRpcSuccessResponse = Awaited<ReturnType<RpcClient['execute']>>;

export interface FailoverOptions {
  /** Endpoints in order of preference (http:// or https://). */
  urls: readonly string[];
  /** Deadline of one HTTP request to one endpoint. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** How often the preferred endpoints are probed while we are failed over. Default 5 000 ms. */
  probeIntervalMs?: number;
  logger?: Logger;
}

const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

export class FailoverRpcClient implements RpcClient {
  readonly urls: readonly string[];
  private readonly timeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly log: Logger;
  private active = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private closed = false;

  constructor(opts: FailoverOptions) {
    if (!Array.isArray(opts.urls) || opts.urls.length === 0) throw new InvalidArgumentError('chain.rpc_endpoints', 'must list at least one URL');
    for (const [i, u] of opts.urls.entries()) {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new InvalidArgumentError(`chain.rpc_endpoints[${i}]`, `is not a URL: ${JSON.stringify(u)}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError(`chain.rpc_endpoints[${i}]`, `must be http:// or https://, got ${parsed.protocol}`);
    }
    this.urls = [...opts.urls];
    this.timeoutMs = positive('chain.request_timeout_ms', opts.requestTimeoutMs ?? 10_000, 600_000);
    this.probeIntervalMs = positive('chain.probe_interval_ms', opts.probeIntervalMs ?? 5_000, 3_600_000);
    this.log = opts.logger ?? silentLogger();
  }

  /** The endpoint the next request goes to first. */
  get activeUrl(): string {
    return this.urls[this.active]!;
  }

  async execute(request: JsonRpcRequest): Promise<JsonRpcSuccessResponse> {
    if (this.closed) throw new ChainTransportError(this.activeUrl, 'aborted', 'client was disconnected');
    let lastErr: unknown;
    const start = this.active;
    for (let step = 0; step < this.urls.length; step++) {
      const idx = (start + step) % this.urls.length;
      try {
        const res = await this.post(this.urls[idx]!, request);
        if (idx !== this.active) this.switchTo(idx, 'failover');
        return res;
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastErr = err;
        this.log.warn({ endpoint: this.urls[idx], method: request.method, err: (err as Error).message }, 'chain endpoint did not answer');
      }
    }
    throw lastErr;
  }

  disconnect(): void {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private switchTo(idx: number, why: string): void {
    const from = this.urls[this.active];
    this.active = idx;
    this.log.info({ from, to: this.urls[idx], why }, 'chain endpoint switched');
    if (idx === 0) {
      if (this.probeTimer) clearInterval(this.probeTimer);
      this.probeTimer = undefined;
    } else if (!this.probeTimer && !this.closed) {
      this.probeTimer = setInterval(() => void this.probePreferred(), this.probeIntervalMs);
      this.probeTimer.unref();
    }
  }

  /** Tries the endpoints ahead of the active one, best first; switches to the first that answers. */
  private async probePreferred(): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      for (let idx = 0; idx < this.active; idx++) {
        try {
          await this.post(this.urls[idx]!, { jsonrpc: '2.0', id: `probe-${Date.now()}`, method: 'health', params: {} });
          if (!this.closed) this.switchTo(idx, 'recovered');
          return;
        } catch {
          // still down; try the next preferred one
        }
      }
    } finally {
      this.probing = false;
    }
  }

  private async post(url: string, request: JsonRpcRequest): Promise<JsonRpcSuccessResponse> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new ChainTransportError(url, 'timeout', `no answer within ${this.timeoutMs} ms`, { cause: err });
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new ChainTransportError(url, 'connection', `connection failed (${cause?.code ?? (err as Error).message})`, { cause: err });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
    if (obj && obj.error && typeof obj.error === 'object') {
      const e = obj.error as { code?: unknown; message?: unknown; data?: unknown };
      throw new ChainRpcError(url, request.method, typeof e.code === 'number' ? e.code : 0, String(e.message ?? ''), typeof e.data === 'string' ? e.data : e.data === undefined ? '' : JSON.stringify(e.data));
    }
    if (RETRYABLE_HTTP.has(res.status) || (res.status >= 500 && !obj)) throw new ChainTransportError(url, 'http_status', `HTTP ${res.status}`, { httpStatus: res.status });
    if (!obj || !('result' in obj)) throw new ChainResponseError(`of ${request.method} from ${url}`, `is not a JSON-RPC success object (HTTP ${res.status})`);
    return { jsonrpc: '2.0', id: (obj.id ?? request.id) as JsonRpcSuccessResponse['id'], result: obj.result };
  }
}

function positive(name: string, v: number, max: number): number {
  if (!Number.isFinite(v) || v <= 0 || v > max) throw new InvalidArgumentError(name, `must be in (0, ${max}], got ${v}`);
  return v;
}

/**
 * Peer addressing: the dial string `<bech32>@<host>:<port>` (spec 05 §5.2) and the registry address of a
 * supernode, which is a bare host, `host:port` or a URL (spec 04 R1.6.1; default port = our own gRPC port).
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../util/errors.js';
import { decodeAddress } from '../crypto/account-keys.js';

/** Throws InvalidArgumentError (naming `field`) unless `address` is a lumera bech32 account; returns it. */
export function checkAccountAddress(address: string, field: string): string {
  if (typeof address !== 'string') throw new InvalidArgumentError(field, 'must be a bech32 account address string');
  decodeAddress(address, field);
  return address;
}

export interface HostPort {
  host: string;
  port: number;
}

export interface DialTarget extends HostPort {
  /** The account the server must prove to be. */
  identity: string;
}

function parsePort(raw: string, field: string): number {
  if (!/^\d{1,5}$/.test(raw)) throw new InvalidArgumentError(field, `port must be 1..65535, got ${JSON.stringify(raw)}`);
  const port = Number(raw);
  if (port < 1 || port > 65535) throw new InvalidArgumentError(field, `port must be 1..65535, got ${port}`);
  return port;
}

function checkHost(host: string, field: string, raw: string): string {
  if (host === '' || /[\s/\\?#@[\]]/.test(host)) throw new InvalidArgumentError(field, `has an invalid host in ${JSON.stringify(raw)}`);
  if (host.includes(':')) {
    // Only an IPv6 literal may contain ':' (zone suffix allowed).
    if (isIP(host.split('%')[0]!) !== 6) throw new InvalidArgumentError(field, `has an invalid host in ${JSON.stringify(raw)}`);
  }
  return host;
}

/**
 * Parses a registry address (R1.6.1): URL → its host (and port if any); `host:port` → that port when valid,
 * otherwise the default; bare host or `[v6]` → the default port. Rejects empty hosts and stray characters.
 */
export function parsePeerHostPort(raw: string, defaultPort: number, field = 'address'): HostPort {
  if (typeof raw !== 'string' || raw.trim() === '') throw new InvalidArgumentError(field, 'is empty');
  if (!Number.isInteger(defaultPort) || defaultPort < 1 || defaultPort > 65535) throw new InvalidArgumentError('defaultPort', `must be 1..65535, got ${defaultPort}`);
  let s = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new InvalidArgumentError(field, `is not a valid URL: ${JSON.stringify(raw)}`);
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return { host: checkHost(host, field, raw), port: url.port ? parsePort(url.port, field) : defaultPort };
  }
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) throw new InvalidArgumentError(field, `has an unclosed IPv6 literal: ${JSON.stringify(raw)}`);
    const host = checkHost(s.slice(1, close), field, raw);
    const rest = s.slice(close + 1);
    if (rest === '') return { host, port: defaultPort };
    if (!rest.startsWith(':')) throw new InvalidArgumentError(field, `is not host:port: ${JSON.stringify(raw)}`);
    const p = Number(rest.slice(1));
    return { host, port: /^\d{1,5}$/.test(rest.slice(1)) && p >= 1 && p <= 65535 ? p : defaultPort };
  }
  const colons = s.split(':').length - 1;
  if (colons === 1) {
    const [h, p] = s.split(':') as [string, string];
    const port = Number(p);
    return { host: checkHost(h, field, raw), port: /^\d{1,5}$/.test(p) && port >= 1 && port <= 65535 ? port : defaultPort };
  }
  s = checkHost(s, field, raw); // bare host, or a bare IPv6 literal
  return { host: s, port: defaultPort };
}

/** Parses `<bech32>@<host>:<port>`; the identity part is mandatory. */
export function parseDialTarget(target: string, field = 'target'): DialTarget {
  if (typeof target !== 'string') throw new InvalidArgumentError(field, 'must be a string <bech32>@<host>:<port>');
  const at = target.indexOf('@');
  if (at <= 0) throw new InvalidArgumentError(field, `must be <bech32>@<host>:<port> (the identity is mandatory), got ${JSON.stringify(target)}`);
  const identity = checkAccountAddress(target.slice(0, at), `${field} identity`);
  const rest = target.slice(at + 1);
  const hp = rest.startsWith('[') ? rest.match(/^\[([^\]]+)\]:(\d+)$/) : rest.match(/^([^:]+):(\d+)$/);
  if (!hp) throw new InvalidArgumentError(field, `must end in host:port, got ${JSON.stringify(rest)}`);
  return { identity, host: checkHost(hp[1]!, field, target), port: parsePort(hp[2]!, field) };
}

/** `host:port` as grpc-js expects it (IPv6 in brackets). */
export function grpcTarget(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

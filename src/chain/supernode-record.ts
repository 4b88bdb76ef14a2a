/**
 * Reading a SuperNode record (spec 02 §7.1–7.2): the current state is the `states` entry with the highest
 * height, the current address the `prev_ip_addresses` entry with the highest height (last write wins on ties).
 * The address is a bare host or host:port; without a port the supernode gRPC default 4444 applies.
 */
import { SuperNodeState } from '../gen/lumera/supernode/v1/supernode_state.js';
import type { SuperNode } from '../gen/lumera/supernode/v1/super_node.js';
import { InvalidArgumentError } from '../util/errors.js';

export const DEFAULT_GRPC_PORT = 4444;
export const DEFAULT_P2P_PORT = 4445;

export interface SupernodeEndpoint {
  host: string;
  port: number;
  /** `host:port` (IPv6 hosts bracketed), ready to dial. */
  address: string;
  p2pPort: number;
  state: SuperNodeState;
}

function latest<T extends { height: bigint }>(entries: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const e of entries) if (!best || e.height >= best.height) best = e;
  return best;
}

export function currentState(sn: SuperNode): SuperNodeState {
  return latest(sn.states)?.state ?? SuperNodeState.SUPERNODE_STATE_UNSPECIFIED;
}

export function currentIpAddress(sn: SuperNode): string | undefined {
  return latest(sn.prevIpAddresses)?.address;
}

function parsePort(field: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw new InvalidArgumentError(field, `must be a port in 1..65535, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Splits "host", "host:port", "[v6]:port" or a bare IPv6 address; the default port fills a missing one. */
export function parseHostPort(address: string, defaultPort: number, field = 'supernode.ip_address'): { host: string; port: number } {
  const a = address.trim().replace(/^[a-z]+:\/\//i, '');
  if (a === '') throw new InvalidArgumentError(field, 'is empty');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2] ? parsePort(field, v6[2]) : defaultPort };
  const colons = a.split(':').length - 1;
  if (colons === 0) return { host: a, port: defaultPort };
  if (colons > 1) return { host: a, port: defaultPort }; // bare IPv6
  const [host, port] = a.split(':') as [string, string];
  if (host === '') throw new InvalidArgumentError(field, `has no host: ${JSON.stringify(address)}`);
  return { host, port: parsePort(field, port) };
}

export function supernodeEndpoint(sn: SuperNode): SupernodeEndpoint | undefined {
  const ip = currentIpAddress(sn);
  if (ip === undefined || ip.trim() === '') return undefined;
  const { host, port } = parseHostPort(ip, DEFAULT_GRPC_PORT);
  const p2pPort = sn.p2pPort.trim() === '' ? DEFAULT_P2P_PORT : parsePort('supernode.p2p_port', sn.p2pPort.trim());
  return { host, port, address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`, p2pPort, state: currentState(sn) };
}

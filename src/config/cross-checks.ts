/**
 * Rules that relate two keys. Run after every single-key rule, in a fixed order: the recheck parent
 * checks of spec 04 R7.3 (storage_challenge first), then listener conflicts.
 */
import { splitHostPort } from './fields.js';
import type { SupernodeConfig } from './types.js';

export interface CrossIssue {
  path: string;
  message: string;
}

export function crossFieldIssues(c: SupernodeConfig): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const recheck = 'storage_challenge.lep6.recheck.enabled';
  if (c.storageChallenge.lep6.recheck.enabled && !c.storageChallenge.enabled) {
    issues.push({ path: recheck, message: `${recheck}=true requires storage_challenge.enabled=true (recheck runs inside the storage challenge service), got storage_challenge.enabled=false` });
  }
  if (c.storageChallenge.lep6.recheck.enabled && !c.storageChallenge.lep6.enabled) {
    issues.push({ path: recheck, message: `${recheck}=true requires storage_challenge.lep6.enabled=true (recheck uses the LEP-6 dispatcher), got storage_challenge.lep6.enabled=false` });
  }
  // Two listeners on one port would fail at bind time, after keys and chain connections are set up.
  const listeners: Array<[string, number | undefined]> = [
    ['supernode.port', c.supernode.port],
    ['supernode.status_address', c.supernode.statusAddress ? splitHostPort(c.supernode.statusAddress)?.port : undefined],
    ['supernode.metrics_address', c.supernode.metricsAddress ? splitHostPort(c.supernode.metricsAddress)?.port : undefined],
  ];
  for (let i = 0; i < listeners.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, pa] = listeners[j] ?? ['', undefined];
      const [b, pb] = listeners[i] ?? ['', undefined];
      if (pa !== undefined && pa !== 0 && pa === pb) issues.push({ path: b, message: `${b} must not use the same port as ${a}, got ${pb}` });
    }
  }
  return issues;
}

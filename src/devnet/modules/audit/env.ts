/**
 * What every audit rule function works on: the module state, the supernode registry, the executing
 * height and an event sink. Built fresh per hook/msg by the module entry point, so nothing here outlives
 * an importState().
 */
import type { AbciEvent } from '../types.js';
import type { SupernodeKeeper } from '../supernode/keeper.js';
import type { AuditStateData } from './types.js';

export interface AuditEnv {
  state: AuditStateData;
  supernodes: SupernodeKeeper;
  height: bigint;
  emit: (e: AbciEvent) => void;
}

export type AttrValue = string | number | bigint | boolean;

/** Builds an event; attribute values are stringified the Go way (decimal, "true"/"false"). */
export function event(type: string, attrs: [string, AttrValue][], withModule = true): AbciEvent {
  const attributes = attrs.map(([key, v]) => ({ key, value: String(v) }));
  if (withModule) attributes.unshift({ key: 'module', value: 'audit' });
  return { type, attributes };
}

/**
 * Startup advisory (spec 04 R7.4): warnings the daemon logs once at start, informational only. Pure: the
 * caller passes the chain's audit params when it has them and logs each returned line at WARN.
 */
import { InvalidArgumentError } from '../util/errors.js';
import type { SupernodeConfig } from './types.js';

export type EnforcementModeName = 'UNSPECIFIED' | 'SHADOW' | 'SOFT' | 'FULL';

export interface AdvisoryChainParams {
  /** Audit param `storage_truth_enforcement_mode`: the enum number (0..3) or its name, with or without the `STORAGE_TRUTH_ENFORCEMENT_MODE_` prefix. */
  enforcementMode: number | string;
}

const MODE_BY_NUMBER: readonly EnforcementModeName[] = ['UNSPECIFIED', 'SHADOW', 'SOFT', 'FULL'];

export function enforcementModeName(mode: number | string): EnforcementModeName {
  if (typeof mode === 'number') {
    const name = MODE_BY_NUMBER[mode];
    if (name === undefined) throw new InvalidArgumentError('chainParams.enforcementMode', `must be 0..3, got ${mode}`);
    return name;
  }
  const bare = mode.replace(/^STORAGE_TRUTH_ENFORCEMENT_MODE_/, '') as EnforcementModeName;
  if (!MODE_BY_NUMBER.includes(bare)) throw new InvalidArgumentError('chainParams.enforcementMode', `must be UNSPECIFIED, SHADOW, SOFT or FULL, got ${JSON.stringify(mode)}`);
  return bare;
}

/** Lines to log at WARN at start; empty when there is nothing to say. */
export function lep6Advisory(config: SupernodeConfig, chainParams?: AdvisoryChainParams): string[] {
  const sc = config.storageChallenge;
  const lines: string[] = [];
  // The three toggles named by R7.4, in its order; only the disabled ones are listed.
  const optedOut = [
    ['storage_challenge.lep6.enabled', sc.lep6.enabled],
    ['storage_challenge.lep6.recheck.enabled', sc.lep6.recheck.enabled],
    ['self_healing.enabled', config.selfHealing.enabled],
  ]
    .filter(([, on]) => !on)
    .map(([key]) => `${String(key)}=false`);
  if (optedOut.length > 0) {
    lines.push(
      `LEP-6: opted out of [${optedOut.join(', ')}]; this supernode will not produce storage-proof results, ` +
        'recheck evidence or heal claims/verifications for the disabled services. Under SOFT or FULL chain ' +
        'enforcement that can lower its score; set these keys to true in the config file to take part.',
    );
  }
  if (sc.lep6.enabled && !sc.enabled) {
    lines.push('LEP-6: storage_challenge.lep6.enabled=true has no effect while storage_challenge.enabled=false (the dispatcher runs inside the storage challenge service).');
  }
  if (chainParams === undefined) return lines;

  const mode = enforcementModeName(chainParams.enforcementMode);
  if (mode === 'UNSPECIFIED') {
    lines.push('LEP-6: chain enforcement mode is UNSPECIFIED: challenges, rechecks and heal claims stay idle until the chain turns LEP-6 on (the heal finalizer still drains claims staged earlier).');
  } else if ((mode === 'SOFT' || mode === 'FULL') && optedOut.length > 0) {
    lines.push(`LEP-6: chain enforcement mode is ${mode}: the opt-outs above are scored now.`);
  }
  if (mode === 'FULL' && !(sc.enabled && sc.lep6.enabled)) {
    // Spec 04 §11.18: FULL requires a result per assigned target and bucket in each epoch report.
    lines.push('LEP-6: chain enforcement mode is FULL but the LEP-6 dispatcher is off: epoch reports for epochs with assigned targets cannot carry the storage-proof results the chain requires.');
  }
  return lines;
}

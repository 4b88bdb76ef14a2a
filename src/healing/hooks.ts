/**
 * Test hooks: points where an end-to-end test can tamper with staging or freeze a node to simulate a crash.
 * Production passes none; every hook is awaited, so a hook that never resolves stops that task there. `signal`
 * fires when the task is cancelled (service stop = a simulated crash: the task ends where the hook is).
 */
import type { HealOp } from '../gen/lumera/audit/v1/audit.js';

export interface HealHooks {
  /** After staging is complete, before the pending claim row is written. */
  afterStage?(op: HealOp, stagingDir: string, signal: AbortSignal): Promise<void>;
  /** After the pending claim row is written, before MsgClaimHealComplete is sent. */
  beforeClaimSubmit?(op: HealOp, signal: AbortSignal): Promise<void>;
  /** Before a verifier fetches the stream from the healer. */
  beforeVerifyFetch?(op: HealOp, signal: AbortSignal): Promise<void>;
  /** After MsgClaimHealComplete was accepted, before the row is marked submitted. */
  afterClaimSubmitted?(op: HealOp, signal: AbortSignal): Promise<void>;
  /** After MsgSubmitHealVerification was accepted, before the row is marked submitted. */
  afterVerificationSubmitted?(op: HealOp, signal: AbortSignal): Promise<void>;
}

/**
 * Deletes the artefacts of actions the chain ended without finalising (REJECTED, FAILED, EXPIRED).
 *
 * Why: a cascade upload stores blobs on the holders before the action is finalised (spec 05 §1.1). If it
 * never is, nothing else would ever remove them, and a node's disk would slowly fill with files no
 * challenge, heal or download will ask for.
 *
 * Safe by construction: only artefacts recorded in the index by an upload or a heal publish are candidates;
 * an action is asked about only once its newest artefact is older than the grace period; a blob is deleted
 * only when the chain says the action ended unfinalised AND no other indexed action still references the
 * blob; an action the chain does not know, or any query error, deletes nothing (the error ends the pass
 * and the next one retries). DONE / APPROVED actions are remembered as settled and never asked about again.
 */
import type { Action } from '../gen/lumera/action/v1/action.js';
import { ActionState, actionStateToJSON } from '../gen/lumera/action/v1/action_state.js';
import type { ArtefactIndex } from '../store/artefact-index.js';
import { silentLogger, type Logger } from '../util/logger.js';

const ENDED_UNFINALISED = new Set<ActionState>([ActionState.ACTION_STATE_REJECTED, ActionState.ACTION_STATE_FAILED, ActionState.ACTION_STATE_EXPIRED]);
const FINALISED = new Set<ActionState>([ActionState.ACTION_STATE_DONE, ActionState.ACTION_STATE_APPROVED]);

export interface ArtefactSweeperOptions {
  index: ArtefactIndex;
  store: { delete(key: string): Promise<boolean> };
  chain: { getAction(actionId: string): Promise<Action | undefined> };
  /** Minimum age of an action's newest artefact before the chain is asked about it. */
  graceMs: number;
  /** How long an answer "still pending" stands before the action is asked about again. */
  recheckMs: number;
  /** Actions asked about per pass (bounds the chain queries of one pass). */
  maxPerPass: number;
  now?: () => number;
  logger?: Logger;
}

export interface SweepOutcome {
  checked: number;
  actionsRemoved: number;
  blobsDeleted: number;
}

export class ArtefactSweeper {
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly o: ArtefactSweeperOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger ?? silentLogger();
  }

  /** One pass; throws (deleting nothing more) on the first chain query that fails. */
  async sweep(): Promise<SweepOutcome> {
    const now = this.now();
    const due = this.o.index.dueForCheck({ recordedBefore: now - this.o.graceMs, checkedBefore: now - this.o.recheckMs, limit: this.o.maxPerPass });
    const out: SweepOutcome = { checked: 0, actionsRemoved: 0, blobsDeleted: 0 };
    for (const actionId of due) {
      const action = await this.o.chain.getAction(actionId);
      out.checked++;
      if (!action || !ENDED_UNFINALISED.has(action.state)) {
        this.o.index.markChecked(actionId, action !== undefined && FINALISED.has(action.state));
        continue;
      }
      // Blobs first, then the index rows: a crash in between leaves rows whose blobs are gone, which the
      // next pass finishes; the other order could leave blobs no index row points at any more.
      let deleted = 0;
      for (const key of this.o.index.orphanedBy(actionId)) if (await this.o.store.delete(key)) deleted++;
      this.o.index.removeAction(actionId);
      out.actionsRemoved++;
      out.blobsDeleted += deleted;
      this.log.info({ actionId, state: actionStateToJSON(action.state), blobs: deleted }, 'deleted the artefacts of an action that ended unfinalised');
    }
    return out;
  }
}

/**
 * The demo scenario: a sample file on a four-node network is challenged, one holder loses it, the chain
 * schedules a heal, another node rebuilds and claims it, two verifiers vote, the chain marks it VERIFIED,
 * the file is published back to the holder and the next challenge of the holder passes. Every step has a
 * deadline; a step that does not happen in time ends the demo with its name and what was seen so far.
 */
import { HealOpStatus, StorageProofResultClass, type HealOp } from '../gen/lumera/audit/v1/audit.js';
import { SupernodeError, errorMessage } from '../util/errors.js';
import { DemoNetwork, type SampleFile } from './network.js';
import { DemoWatcher, className, type Say } from './watcher.js';

const PASS = StorageProofResultClass.STORAGE_PROOF_RESULT_CLASS_PASS;

export class DemoStepError extends SupernodeError {
  constructor(step: string, reason: string) {
    super('DEMO_STEP_FAILED', `step "${step}" did not complete: ${reason}`, { step });
  }
}

export interface DemoOptions {
  dir: string;
  say: Say;
  /** Aborts the waits (Ctrl-C). */
  signal: AbortSignal;
  /** Sample file size in bytes. */
  fileSize?: number;
}

export interface DemoOutcome {
  challenges: number;
  healsVerified: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class DemoScenario {
  net: DemoNetwork | undefined;
  watcher: DemoWatcher | undefined;
  file: SampleFile | undefined;

  constructor(private readonly o: DemoOptions) {}

  private async waitFor<T>(step: string, timeoutMs: number, check: () => T | undefined | false | Promise<T | undefined | false>, why: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.o.signal.aborted) throw new DemoStepError(step, 'interrupted');
      const v = await check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new DemoStepError(step, `not within ${timeoutMs / 1000} s — ${why()}`);
      await sleep(200);
    }
  }

  private op(pred: (o: HealOp) => boolean): HealOp | undefined {
    return [...(this.watcher?.ops.values() ?? [])].find(pred);
  }

  private seen(): string {
    const w = this.watcher;
    if (!w) return 'nothing observed yet';
    const ops = [...w.ops.values()].map((o) => `op ${o.healOpId} ${HealOpStatus[o.status]}`).join(', ') || 'no heal op';
    return `seen: ${w.results.length} challenge results, ${ops}, ${w.votes.length} votes, epoch ${w.currentEpoch}`;
  }

  /** Runs the scenario to the end (the network stays up; call stop()). */
  async run(): Promise<DemoOutcome> {
    const say = this.o.say;
    say('starting a devnet chain and 4 supernode daemons on 127.0.0.1 …');
    const net = (this.net = await DemoNetwork.start(this.o.dir));
    await net.startAll();
    for (const n of net.nodes) {
      const rt = n.runtime!;
      say(`${n.name} ${n.address} peer :${rt.node.port}  status http://${rt.statusAddress}/status  metrics http://${rt.metricsAddress}/metrics  log ${n.logFile}`);
    }
    say(`chain ${net.devnet.chainId} at ${net.devnet.rpcUrl} (100 ms blocks, 12-block epochs, enforcement SHADOW)`);

    say('uploading a sample file through the supernodes (encode, MsgRequestAction, StoreArtefacts over lumera-alts, MsgFinalizeAction) …');
    const file = (this.file = await net.uploadSampleFile(this.o.fileSize ?? 150_000));
    say(`uploaded sample file (${file.size} bytes, ${file.artefacts.size} artefacts) as cascade action ${file.actionId}, finalised by ${file.holder.name}, the chain's holder of record; every node stores a copy`);
    const w = (this.watcher = new DemoWatcher(net, file, say));
    w.start();

    const ofHolder = (pred: (c: StorageProofResultClass) => boolean, after = 0n) => () =>
      w.results.find((r) => r.ticket === file.actionId && r.target === file.holder.address && r.epoch > after && pred(r.resultClass));
    await this.waitFor('a passing challenge of the sample file', 90_000, ofHolder((c) => c === PASS), () => this.seen());
    say(`challenges pass while ${file.holder.name} holds the file`);

    say(`deleting ${file.holder.name}'s copy of the sample file while it runs (symbols and layout files removed, index files garbled) …`);
    const lostAt = w.currentEpoch;
    const lost = await net.loseArtefacts(file);
    say(`${file.holder.name} lost ${lost} artefacts; its next challenge on the file should fail`);

    const failed = await this.waitFor('a failed challenge of the holder', 60_000, ofHolder((c) => c !== PASS, lostAt - 1n), () => this.seen());
    say(`${file.holder.name} failed its challenge (${className(failed.resultClass)}); the chain's ticket deterioration for the file grows with each failure`);

    const scheduled = await this.waitFor('heal op scheduled by the chain', 120_000, () => this.op(() => true), () => this.seen());
    const healer = w.name(scheduled.healerSupernodeAccount);
    await this.waitFor(`claim by the healer ${healer}`, 90_000, () => this.op((o) => o.healOpId === scheduled.healOpId && o.status >= HealOpStatus.HEAL_OP_STATUS_HEALER_REPORTED), () => this.seen());
    await this.waitFor('two verifier votes', 90_000, () => w.votes.filter((v) => v.healOpId === scheduled.healOpId).length >= 2 || undefined, () => this.seen());
    await this.waitFor('heal op VERIFIED', 60_000, () => w.verifiedNarrated.has(scheduled.healOpId), () => this.seen());
    const verifiedAt = w.currentEpoch;

    await this.waitFor(`republish to ${file.holder.name}`, 60_000, () => net.holderHasFile(file), () => this.seen());
    say(`republished: ${healer} published the healed artefacts back to ${file.holder.name}, which holds the whole file again`);

    const next = await this.waitFor('the next passing challenge of the holder', 60_000, ofHolder((c) => c === PASS, verifiedAt), () => this.seen());
    say(`epoch ${next.epoch}: ${file.holder.name} passes its challenge again — healed`);
    return this.outcome();
  }

  outcome(): DemoOutcome {
    const w = this.watcher;
    return {
      challenges: w?.results.length ?? 0,
      healsVerified: [...(w?.ops.values() ?? [])].filter((o) => o.status === HealOpStatus.HEAL_OP_STATUS_VERIFIED).length,
    };
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    try {
      await this.net?.stop();
    } catch (err) {
      this.o.say(`(stopping the network: ${errorMessage(err)})`);
    }
  }
}

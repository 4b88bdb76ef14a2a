/**
 * The start/stop contract of every long-running part of the daemon. `start` returns once the service is
 * running (its loop scheduled, its port bound); `stop` returns once it has drained — no timer left, no
 * work in flight — and is idempotent.
 */
export interface Startable {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `fn` every `intervalMs` (first run after `firstDelayMs`), never overlapping; stop() awaits the running tick. */
export class TickLoop {
  /** Iterations of any loop in this process that threw (the loop survived; exported as a metric). */
  static failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly fn: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(firstDelayMs = this.intervalMs): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  /** Runs one tick now (awaits a tick already in progress first). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    // A tick that throws synchronously, or an error handler that throws, must not end the loop either.
    this.running = Promise.resolve().then(() => this.fn()).catch((err: unknown) => {
      TickLoop.failures++;
      try {
        this.onError(err);
      } catch {
        /* the failure is counted; nothing else to do */
      }
    }).finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().then(() => this.schedule(this.intervalMs));
    }, ms);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }
}

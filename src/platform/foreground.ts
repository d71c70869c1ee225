/**
 * The requests this process is answering, so that background work (mail, billing, bulk files: the job worker's
 * general loops) gives the event loop to them (issue 13, single-issue latency). A request is answered on the one
 * main thread, between the tasks of every mail being rendered and sent there; with 16–64 mails in flight each of
 * its statements waited behind them, and at 100 issues/s the p99 was seconds. While requests are in flight, or
 * were within `quietMs`, the worker runs its background jobs one at a time per queue (platform/jobs.ts `yieldTo`);
 * the rest of the time at full width. Background work is slowed, never stopped: one job of each queue still runs.
 */
export interface Foreground {
  /** Whether a request is in flight, or one ended less than `quietMs` ago. */
  busy(): boolean;
}

/**
 * Work in flight and when the last of it ended: a Foreground. The requests of this process (faces/count-requests.ts),
 * and the job worker's `first` lanes (platform/jobs.ts: NTS filing, which the background work yields to as well).
 */
export class WorkInFlight implements Foreground {
  private active = 0;
  private lastEnd = Number.NEGATIVE_INFINITY;

  constructor(
    /** How long after the last request background work stays narrow (a gap between two requests is not quiet). */
    private readonly quietMs = 50,
    /** Monotonic milliseconds (not the injectable business clock, which the embedded default can move by days). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A request began: answers the function that ends it (when it is answered or its connection closed; calls after the first do nothing). */
  begin(): () => void {
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      this.lastEnd = this.now();
    };
  }

  get inFlight(): number {
    return this.active;
  }

  busy(): boolean {
    return this.active > 0 || this.now() - this.lastEnd < this.quietMs;
  }
}

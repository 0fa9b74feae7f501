/**
 * One limiter per process, shared by every call: a concurrency cap (a semaphore) and a
 * request-rate cap that spaces request starts at least 1/rate seconds apart. Spacing rather
 * than a bursty token bucket means no window of one second ever sees more than `rate`
 * starts, which is what a server-side limiter counts.
 *
 * Timers come from the global `setTimeout` at call time so sinon fake timers drive them.
 */
export interface LimiterOptions {
  requestsPerSecond: number;
  maxConcurrency: number;
  now?: () => number;
}

export type Release = () => void;

export class RequestLimiter {
  private readonly intervalMs: number;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** When the last request actually started; the next may start `intervalMs` after it. */
  private lastStartAt = Number.NEGATIVE_INFINITY;
  /** Callers take their turn one after another, so each is spaced from the one before it. */
  private turns: Promise<void> = Promise.resolve();

  constructor(options: LimiterOptions) {
    this.intervalMs = 1000 / options.requestsPerSecond;
    this.maxConcurrency = options.maxConcurrency;
    this.now = options.now ?? (() => Date.now());
  }

  /** Resolves when the caller may start a request; call the returned function when it ends. */
  async acquire(): Promise<Release> {
    await this.takeConcurrencySlot();
    // Spacing is measured from the previous request's actual start, not from a slot reserved
    // in advance: a timer that fires late must push the later starts back with it, or two
    // requests land closer than the interval and a one-second window sees more than the rate.
    const turn = this.turns.then(() => this.waitForTurn());
    this.turns = turn;
    await turn;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.shift();
      if (next) {
        this.active++;
        next();
      }
    };
  }

  private async waitForTurn(): Promise<void> {
    for (;;) {
      const wait = this.lastStartAt + this.intervalMs - this.now();
      if (wait <= 0) break;
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
    }
    this.lastStartAt = this.now();
  }

  get inFlight(): number {
    return this.active;
  }

  private takeConcurrencySlot(): Promise<void> {
    if (this.active < this.maxConcurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

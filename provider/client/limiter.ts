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
  private nextStartAt = 0;

  constructor(options: LimiterOptions) {
    this.intervalMs = 1000 / options.requestsPerSecond;
    this.maxConcurrency = options.maxConcurrency;
    this.now = options.now ?? (() => Date.now());
  }

  /** Resolves when the caller may start a request; call the returned function when it ends. */
  async acquire(): Promise<Release> {
    await this.takeConcurrencySlot();
    // Reserve a start time synchronously so concurrent callers get distinct, spaced slots.
    const now = this.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + this.intervalMs;
    const wait = startAt - now;
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
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
